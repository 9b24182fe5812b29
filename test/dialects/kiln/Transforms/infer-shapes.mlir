// SPDX-License-Identifier: Apache-2.0
// RUN: kiln-opt %s -split-input-file -kiln-infer-shapes | FileCheck %s

// A fixed batch size propagates through the whole model and into the
// function's result type.
// CHECK-LABEL: func.func @specialized_batch
// CHECK-SAME: -> tensor<8x10xf32>
// CHECK: kiln.matmul {{.+}} -> tensor<8x128xf32>
// CHECK: kiln.add {{.+}} -> tensor<8x128xf32>
// CHECK: kiln.relu {{.+}} : tensor<8x128xf32>
// CHECK: kiln.matmul {{.+}} -> tensor<8x10xf32>
// CHECK: kiln.softmax {{.+}} -> tensor<8x10xf32>
// CHECK: return {{.+}} : tensor<8x10xf32>
func.func @specialized_batch(%x: tensor<8x784xf32>, %w1: tensor<784x128xf32>,
                             %b1: tensor<128xf32>, %w2: tensor<128x10xf32>) -> tensor<?x10xf32> {
  %0 = kiln.matmul %x, %w1 : (tensor<8x784xf32>, tensor<784x128xf32>) -> tensor<?x128xf32>
  %1 = kiln.add %0, %b1 : (tensor<?x128xf32>, tensor<128xf32>) -> tensor<?x128xf32>
  %2 = kiln.relu %1 : tensor<?x128xf32>
  %3 = kiln.matmul %2, %w2 : (tensor<?x128xf32>, tensor<128x10xf32>) -> tensor<?x10xf32>
  %4 = kiln.softmax %3 {axis = 1 : i64} : (tensor<?x10xf32>) -> tensor<?x10xf32>
  return %4 : tensor<?x10xf32>
}

// -----

// Ops of other dialects keep the type they had, through a tensor.cast.
// CHECK-LABEL: func.func @foreign_user_gets_cast
// CHECK: %[[R:.+]] = kiln.reshape {{.+}} -> tensor<32xf32>
// CHECK: %[[C:.+]] = tensor.cast %[[R]] : tensor<32xf32> to tensor<?xf32>
// CHECK: tensor.dim %[[C]]
func.func @foreign_user_gets_cast(%x: tensor<4x8xf32>) -> index {
  %c0 = arith.constant 0 : index
  %0 = kiln.reshape %x {shape = array<i64: -1>} : (tensor<4x8xf32>) -> tensor<?xf32>
  %1 = tensor.dim %0, %c0 : tensor<?xf32>
  return %1 : index
}

// -----

// A called function keeps its signature; the returned value is cast back.
// CHECK-LABEL: func.func private @callee
// CHECK-SAME: -> tensor<?xf32>
// CHECK: %[[R:.+]] = kiln.reshape {{.+}} -> tensor<32xf32>
// CHECK: %[[C:.+]] = tensor.cast %[[R]] : tensor<32xf32> to tensor<?xf32>
// CHECK: return %[[C]]
func.func private @callee(%x: tensor<4x8xf32>) -> tensor<?xf32> {
  %0 = kiln.reshape %x {shape = array<i64: -1>} : (tensor<4x8xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}
func.func @caller(%x: tensor<4x8xf32>) -> tensor<?xf32> {
  %0 = func.call @callee(%x) : (tensor<4x8xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// With update-signatures=false the signature stays and returns get casts.
// RUN: kiln-opt %s -split-input-file -kiln-infer-shapes=update-signatures=false | FileCheck %s --check-prefix=KEEP
// KEEP-LABEL: func.func @keep_signature
// KEEP-SAME: -> tensor<?x4xf32>
// KEEP: %[[R:.+]] = kiln.add {{.+}} -> tensor<2x4xf32>
// KEEP: %[[C:.+]] = tensor.cast %[[R]] : tensor<2x4xf32> to tensor<?x4xf32>
// KEEP: return %[[C]]
// CHECK-LABEL: func.func @keep_signature
func.func @keep_signature(%a: tensor<2x4xf32>, %b: tensor<4xf32>) -> tensor<?x4xf32> {
  %0 = kiln.add %a, %b : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
