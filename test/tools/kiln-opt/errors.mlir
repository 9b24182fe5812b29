// SPDX-License-Identifier: Apache-2.0
// kiln-opt on bad input prints a located diagnostic and exits non-zero; it
// never aborts (`not` fails on a crash, `not --crash` would be needed).
// RUN: not kiln-opt %s --split-input-file 2>&1 | FileCheck %s

// A shape mismatch: the location is file:line:column of the op.
// CHECK: errors.mlir:[[@LINE+3]]:8: error: contracting dimensions differ: lhs [?, 64] has 64, rhs [128, 10] has 128
// CHECK: errors.mlir:[[@LINE+2]]:8: error: 'kiln.matmul' op failed to infer returned types
func.func @shape_mismatch(%x: tensor<?x64xf32>, %w: tensor<128x10xf32>) -> tensor<?x10xf32> {
  %0 = kiln.matmul %x, %w : (tensor<?x64xf32>, tensor<128x10xf32>) -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

// A named location (what frontends attach per layer) is reported as given.
// CHECK: error: loc("dense_2"): shapes [?, 128] and [64] are not broadcast-compatible: dimension 128 vs 64
func.func @named_layer(%x: tensor<?x128xf32>, %b: tensor<64xf32>) -> tensor<?x128xf32> {
  %0 = kiln.add %x, %b : (tensor<?x128xf32>, tensor<64xf32>) -> tensor<?x128xf32> loc("dense_2")
  return %0 : tensor<?x128xf32>
}

// -----

// Malformed IR: a syntax error.
// CHECK: errors.mlir:[[@LINE+2]]:37: error: expected '>' in tensor type
func.func @malformed(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = kiln.relu %x : tensor<?x4xf32
  return %0 : tensor<?x4xf32>
}

// -----

// An unknown op of the kiln dialect.
// CHECK: errors.mlir:[[@LINE+2]]:8: error: custom op 'kiln.frobnicate' is unknown
func.func @unknown_op(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.frobnicate %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
