// SPDX-License-Identifier: Apache-2.0
// Folders and canonicalization patterns of the kiln dialect.
// RUN: kiln-opt %s -split-input-file -canonicalize | FileCheck %s

// CHECK-LABEL: func.func @fold_add_zero
// CHECK-SAME: (%[[X:.+]]: tensor<?x4xf32>)
// CHECK-NOT: kiln.add
// CHECK: return %[[X]]
func.func @fold_add_zero(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %zero = kiln.constant dense<0.0> : tensor<4xf32>
  %0 = kiln.add %x, %zero : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// Adding zero that broadcasts the other operand to a larger shape is not an
// identity.
// CHECK-LABEL: func.func @keep_broadcasting_add_zero
// CHECK: kiln.add
func.func @keep_broadcasting_add_zero(%x: tensor<4xf32>) -> tensor<3x4xf32> {
  %zero = kiln.constant dense<0.0> : tensor<3x4xf32>
  %0 = kiln.add %x, %zero : (tensor<4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// CHECK-LABEL: func.func @fold_sub_zero
// CHECK-SAME: (%[[X:.+]]: tensor<?x4xi32>)
// CHECK-NOT: kiln.sub
// CHECK: return %[[X]]
func.func @fold_sub_zero(%x: tensor<?x4xi32>) -> tensor<?x4xi32> {
  %zero = kiln.constant dense<0> : tensor<i32>
  %0 = kiln.sub %x, %zero : (tensor<?x4xi32>, tensor<i32>) -> tensor<?x4xi32>
  return %0 : tensor<?x4xi32>
}

// -----

// CHECK-LABEL: func.func @fold_mul_one
// CHECK-SAME: (%[[X:.+]]: tensor<?x4xf32>)
// CHECK-NOT: kiln.mul
// CHECK: return %[[X]]
func.func @fold_mul_one(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %one = kiln.constant dense<1.0> : tensor<f32>
  %0 = kiln.mul %one, %x : (tensor<f32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// CHECK-LABEL: func.func @fold_div_one
// CHECK-SAME: (%[[X:.+]]: tensor<8xf64>)
// CHECK-NOT: kiln.div
// CHECK: return %[[X]]
func.func @fold_div_one(%x: tensor<8xf64>) -> tensor<8xf64> {
  %one = kiln.constant dense<1.0> : tensor<8xf64>
  %0 = kiln.div %x, %one : (tensor<8xf64>, tensor<8xf64>) -> tensor<8xf64>
  return %0 : tensor<8xf64>
}

// -----

// CHECK-LABEL: func.func @fold_constant_arithmetic
// CHECK: %[[C:.+]] = kiln.constant dense<[4.000000e+00, 3.100000e+01]> : tensor<2xf32>
// CHECK-NOT: kiln.add
// CHECK-NOT: kiln.mul
// CHECK: return %[[C]]
func.func @fold_constant_arithmetic() -> tensor<2xf32> {
  %a = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %b = kiln.constant dense<[2.0, 4.0]> : tensor<2xf32>
  %c = kiln.constant dense<1.0> : tensor<2xf32>
  %0 = kiln.mul %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %1 = kiln.mul %0, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %2 = kiln.add %1, %c : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %3 = kiln.sub %2, %a : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %3 : tensor<2xf32>
}

// -----

// Integer division by zero is left for run time, not folded.
// CHECK-LABEL: func.func @keep_int_div_by_zero
// CHECK: kiln.div
func.func @keep_int_div_by_zero() -> tensor<2xi32> {
  %a = kiln.constant dense<[1, 2]> : tensor<2xi32>
  %b = kiln.constant dense<[1, 0]> : tensor<2xi32>
  %0 = kiln.div %a, %b : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  return %0 : tensor<2xi32>
}

// -----

// CHECK-LABEL: func.func @fold_neg_neg
// CHECK-SAME: (%[[X:.+]]: tensor<?xf32>)
// CHECK-NOT: kiln.neg
// CHECK: return %[[X]]
func.func @fold_neg_neg(%x: tensor<?xf32>) -> tensor<?xf32> {
  %0 = kiln.neg %x : tensor<?xf32>
  %1 = kiln.neg %0 : tensor<?xf32>
  return %1 : tensor<?xf32>
}

// -----

// CHECK-LABEL: func.func @fold_neg_constant
// CHECK: kiln.constant dense<[-1.000000e+00, 2.000000e+00]>
// CHECK-NOT: kiln.neg
func.func @fold_neg_constant() -> tensor<2xf32> {
  %a = kiln.constant dense<[1.0, -2.0]> : tensor<2xf32>
  %0 = kiln.neg %a : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// CHECK-LABEL: func.func @fold_not_not
// CHECK-SAME: (%[[X:.+]]: tensor<4xi1>)
// CHECK: return %[[X]]
func.func @fold_not_not(%x: tensor<4xi1>) -> tensor<4xi1> {
  %0 = kiln.not %x : tensor<4xi1>
  %1 = kiln.not %0 : tensor<4xi1>
  return %1 : tensor<4xi1>
}

// -----

// CHECK-LABEL: func.func @fold_relu_relu
// CHECK: %[[R:.+]] = kiln.relu
// CHECK-NOT: kiln.relu
// CHECK: return %[[R]]
func.func @fold_relu_relu(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = kiln.relu %x : tensor<?x4xf32>
  %1 = kiln.relu %0 : tensor<?x4xf32>
  return %1 : tensor<?x4xf32>
}

// -----

// CHECK-LABEL: func.func @fold_abs_abs
// CHECK: %[[R:.+]] = kiln.abs
// CHECK-NOT: kiln.abs
// CHECK: return %[[R]]
func.func @fold_abs_abs(%x: tensor<?xf32>) -> tensor<?xf32> {
  %0 = kiln.abs %x : tensor<?xf32>
  %1 = kiln.abs %0 : tensor<?xf32>
  return %1 : tensor<?xf32>
}

// -----

// CHECK-LABEL: func.func @fold_select_splat_condition
// CHECK-SAME: (%[[A:.+]]: tensor<4xf32>, %[[B:.+]]: tensor<4xf32>)
// CHECK-NOT: kiln.select
// CHECK: return %[[B]]
func.func @fold_select_splat_condition(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %c = kiln.constant dense<false> : tensor<4xi1>
  %0 = kiln.select %c, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @fold_unbounded_clamp
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK: return %[[X]]
func.func @fold_unbounded_clamp(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = kiln.clamp %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @fold_dropout_inference
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>)
// CHECK-NOT: kiln.dropout
// CHECK: return %[[X]]
func.func @fold_dropout_inference(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = kiln.dropout %x {rate = 0.5 : f64, training = false} : (tensor<?x8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// CHECK-LABEL: func.func @keep_dropout_training
// CHECK: kiln.dropout
func.func @keep_dropout_training(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = kiln.dropout %x {rate = 0.5 : f64, training = true} : (tensor<?x8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// CHECK-LABEL: func.func @fold_empty_reduction
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>)
// CHECK-NOT: kiln.reduce_sum
// CHECK: return %[[X]]
func.func @fold_empty_reduction(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = kiln.reduce_sum %x {axes = array<i64>} : (tensor<?x8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// CHECK-LABEL: func.func @fold_cast_same_type
// CHECK-SAME: (%[[X:.+]]: tensor<?xi64>)
// CHECK: return %[[X]]
func.func @fold_cast_same_type(%x: tensor<?xi64>) -> tensor<?xi64> {
  %0 = kiln.cast %x : tensor<?xi64> to tensor<?xi64>
  return %0 : tensor<?xi64>
}

// -----

// CHECK-LABEL: func.func @compose_reshapes
// CHECK-SAME: (%[[X:.+]]: tensor<?x8x8xf32>)
// CHECK: %[[R:.+]] = kiln.reshape %[[X]] {shape = array<i64: -1, 4, 16>} : (tensor<?x8x8xf32>) -> tensor<?x4x16xf32>
// CHECK-NOT: kiln.reshape
// CHECK: return %[[R]]
func.func @compose_reshapes(%x: tensor<?x8x8xf32>) -> tensor<?x4x16xf32> {
  %0 = kiln.reshape %x {shape = array<i64: -1, 64>} : (tensor<?x8x8xf32>) -> tensor<?x64xf32>
  %1 = kiln.reshape %0 {shape = array<i64: -1, 4, 16>} : (tensor<?x64xf32>) -> tensor<?x4x16xf32>
  return %1 : tensor<?x4x16xf32>
}

// -----

// CHECK-LABEL: func.func @fold_reshape_constant
// CHECK: kiln.constant dense<{{\[}}[1, 2], [3, 4]]> : tensor<2x2xi32>
// CHECK-NOT: kiln.reshape
func.func @fold_reshape_constant() -> tensor<2x2xi32> {
  %a = kiln.constant dense<[1, 2, 3, 4]> : tensor<4xi32>
  %0 = kiln.reshape %a {shape = array<i64: 2, 2>} : (tensor<4xi32>) -> tensor<2x2xi32>
  return %0 : tensor<2x2xi32>
}

// -----

// CHECK-LABEL: func.func @compose_transposes
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
// CHECK: %[[T:.+]] = kiln.transpose %[[X]] {permutation = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
// CHECK-NOT: kiln.transpose
// CHECK: return %[[T]]
func.func @compose_transposes(%x: tensor<2x3x4xf32>) -> tensor<3x4x2xf32> {
  %0 = kiln.transpose %x {permutation = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  %1 = kiln.transpose %0 {permutation = array<i64: 2, 0, 1>} : (tensor<4x2x3xf32>) -> tensor<3x4x2xf32>
  return %1 : tensor<3x4x2xf32>
}

// -----

// CHECK-LABEL: func.func @fold_transpose_inverse
// CHECK-SAME: (%[[X:.+]]: tensor<?x4xf32>)
// CHECK-NOT: kiln.transpose
// CHECK: return %[[X]]
func.func @fold_transpose_inverse(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = kiln.transpose %x {permutation = array<i64: 1, 0>} : (tensor<?x4xf32>) -> tensor<4x?xf32>
  %1 = kiln.transpose %0 {permutation = array<i64: 1, 0>} : (tensor<4x?xf32>) -> tensor<?x4xf32>
  return %1 : tensor<?x4xf32>
}

// -----

// CHECK-LABEL: func.func @fold_single_concat
// CHECK-SAME: (%[[X:.+]]: tensor<?x4xf32>)
// CHECK: return %[[X]]
func.func @fold_single_concat(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = kiln.concat %x {axis = 1 : i64} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// CHECK-LABEL: func.func @fold_full_slice
// CHECK-SAME: (%[[X:.+]]: tensor<3x4xf32>)
// CHECK: return %[[X]]
func.func @fold_full_slice(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = kiln.slice %x {axes = array<i64: 1>, starts = array<i64: 0>, ends = array<i64: 100>, steps = array<i64: 1>} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// CHECK-LABEL: func.func @fold_zero_pad
// CHECK-SAME: (%[[X:.+]]: tensor<?x4xf32>)
// CHECK: return %[[X]]
func.func @fold_zero_pad(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = kiln.pad %x {low = array<i64: 0, 0>, high = array<i64: 0, 0>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// CHECK-LABEL: func.func @fold_broadcast_splat
// CHECK: %[[C:.+]] = kiln.constant dense<2.000000e+00> : tensor<3x4xf32>
// CHECK-NOT: kiln.broadcast_to
// CHECK: return %[[C]]
func.func @fold_broadcast_splat() -> tensor<3x4xf32> {
  %a = kiln.constant dense<2.0> : tensor<4xf32>
  %0 = kiln.broadcast_to %a {shape = array<i64: 3, 4>} : (tensor<4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
