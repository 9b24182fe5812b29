// SPDX-License-Identifier: Apache-2.0
// Round trip of every kiln op: parse, print, parse again (custom and generic
// forms). One case per op form; the checks pin the printed syntax.
// RUN: kiln-opt %s -split-input-file | kiln-opt -split-input-file | FileCheck %s
// RUN: kiln-opt %s -split-input-file -mlir-print-op-generic | kiln-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @add_broadcast
// CHECK: kiln.add %[[A:.+]], %[[B:.+]] : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
func.func @add_broadcast(%a: tensor<?x4xf32>, %b: tensor<4xf32>) {
  %0 = kiln.add %a, %b : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @sub_broadcast
// CHECK: kiln.sub %[[A:.+]], %[[B:.+]] : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
func.func @sub_broadcast(%a: tensor<?x4xf32>, %b: tensor<4xf32>) {
  %0 = kiln.sub %a, %b : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @mul_broadcast
// CHECK: kiln.mul %[[A:.+]], %[[B:.+]] : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
func.func @mul_broadcast(%a: tensor<?x4xf32>, %b: tensor<4xf32>) {
  %0 = kiln.mul %a, %b : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @div_broadcast
// CHECK: kiln.div %[[A:.+]], %[[B:.+]] : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
func.func @div_broadcast(%a: tensor<?x4xf32>, %b: tensor<4xf32>) {
  %0 = kiln.div %a, %b : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @pow_broadcast
// CHECK: kiln.pow %[[A:.+]], %[[B:.+]] : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
func.func @pow_broadcast(%a: tensor<?x4xf32>, %b: tensor<4xf32>) {
  %0 = kiln.pow %a, %b : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @maximum_broadcast
// CHECK: kiln.maximum %[[A:.+]], %[[B:.+]] : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
func.func @maximum_broadcast(%a: tensor<?x4xf32>, %b: tensor<4xf32>) {
  %0 = kiln.maximum %a, %b : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @minimum_broadcast
// CHECK: kiln.minimum %[[A:.+]], %[[B:.+]] : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
func.func @minimum_broadcast(%a: tensor<?x4xf32>, %b: tensor<4xf32>) {
  %0 = kiln.minimum %a, %b : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @and_bool
// CHECK: kiln.and %{{.+}}, %{{.+}} : (tensor<2x3xi1>, tensor<1x3xi1>) -> tensor<2x3xi1>
func.func @and_bool(%a: tensor<2x3xi1>, %b: tensor<1x3xi1>) {
  %0 = kiln.and %a, %b : (tensor<2x3xi1>, tensor<1x3xi1>) -> tensor<2x3xi1>
  return
}

// -----

// CHECK-LABEL: func.func @or_bool
// CHECK: kiln.or %{{.+}}, %{{.+}} : (tensor<2x3xi1>, tensor<1x3xi1>) -> tensor<2x3xi1>
func.func @or_bool(%a: tensor<2x3xi1>, %b: tensor<1x3xi1>) {
  %0 = kiln.or %a, %b : (tensor<2x3xi1>, tensor<1x3xi1>) -> tensor<2x3xi1>
  return
}

// -----

// CHECK-LABEL: func.func @xor_bool
// CHECK: kiln.xor %{{.+}}, %{{.+}} : (tensor<2x3xi1>, tensor<1x3xi1>) -> tensor<2x3xi1>
func.func @xor_bool(%a: tensor<2x3xi1>, %b: tensor<1x3xi1>) {
  %0 = kiln.xor %a, %b : (tensor<2x3xi1>, tensor<1x3xi1>) -> tensor<2x3xi1>
  return
}

// -----

// CHECK-LABEL: func.func @add_integer
// CHECK: kiln.add %{{.+}}, %{{.+}} : (tensor<?xi32>, tensor<i32>) -> tensor<?xi32>
func.func @add_integer(%a: tensor<?xi32>, %b: tensor<i32>) {
  %0 = kiln.add %a, %b : (tensor<?xi32>, tensor<i32>) -> tensor<?xi32>
  return
}

// -----

// CHECK-LABEL: func.func @add_f64_less_static_result
// CHECK: kiln.add %{{.+}}, %{{.+}} : (tensor<3x4xf64>, tensor<4xf64>) -> tensor<?x4xf64>
func.func @add_f64_less_static_result(%a: tensor<3x4xf64>, %b: tensor<4xf64>) {
  %0 = kiln.add %a, %b : (tensor<3x4xf64>, tensor<4xf64>) -> tensor<?x4xf64>
  return
}

// -----

// CHECK-LABEL: func.func @add_bf16
// CHECK: kiln.add %{{.+}}, %{{.+}} : (tensor<8xbf16>, tensor<8xbf16>) -> tensor<8xbf16>
func.func @add_bf16(%a: tensor<8xbf16>, %b: tensor<8xbf16>) {
  %0 = kiln.add %a, %b : (tensor<8xbf16>, tensor<8xbf16>) -> tensor<8xbf16>
  return
}

// -----

// CHECK-LABEL: func.func @compare_eq
// CHECK: kiln.compare eq, %{{.+}}, %{{.+}} : (tensor<?x4xf32>, tensor<f32>) -> tensor<?x4xi1>
func.func @compare_eq(%a: tensor<?x4xf32>, %b: tensor<f32>) {
  %0 = kiln.compare eq, %a, %b : (tensor<?x4xf32>, tensor<f32>) -> tensor<?x4xi1>
  return
}

// -----

// CHECK-LABEL: func.func @compare_ne
// CHECK: kiln.compare ne, %{{.+}}, %{{.+}} : (tensor<?x4xf32>, tensor<f32>) -> tensor<?x4xi1>
func.func @compare_ne(%a: tensor<?x4xf32>, %b: tensor<f32>) {
  %0 = kiln.compare ne, %a, %b : (tensor<?x4xf32>, tensor<f32>) -> tensor<?x4xi1>
  return
}

// -----

// CHECK-LABEL: func.func @compare_lt
// CHECK: kiln.compare lt, %{{.+}}, %{{.+}} : (tensor<?x4xf32>, tensor<f32>) -> tensor<?x4xi1>
func.func @compare_lt(%a: tensor<?x4xf32>, %b: tensor<f32>) {
  %0 = kiln.compare lt, %a, %b : (tensor<?x4xf32>, tensor<f32>) -> tensor<?x4xi1>
  return
}

// -----

// CHECK-LABEL: func.func @compare_le
// CHECK: kiln.compare le, %{{.+}}, %{{.+}} : (tensor<?x4xf32>, tensor<f32>) -> tensor<?x4xi1>
func.func @compare_le(%a: tensor<?x4xf32>, %b: tensor<f32>) {
  %0 = kiln.compare le, %a, %b : (tensor<?x4xf32>, tensor<f32>) -> tensor<?x4xi1>
  return
}

// -----

// CHECK-LABEL: func.func @compare_gt
// CHECK: kiln.compare gt, %{{.+}}, %{{.+}} : (tensor<?x4xf32>, tensor<f32>) -> tensor<?x4xi1>
func.func @compare_gt(%a: tensor<?x4xf32>, %b: tensor<f32>) {
  %0 = kiln.compare gt, %a, %b : (tensor<?x4xf32>, tensor<f32>) -> tensor<?x4xi1>
  return
}

// -----

// CHECK-LABEL: func.func @compare_ge
// CHECK: kiln.compare ge, %{{.+}}, %{{.+}} : (tensor<?x4xf32>, tensor<f32>) -> tensor<?x4xi1>
func.func @compare_ge(%a: tensor<?x4xf32>, %b: tensor<f32>) {
  %0 = kiln.compare ge, %a, %b : (tensor<?x4xf32>, tensor<f32>) -> tensor<?x4xi1>
  return
}

// -----

// CHECK-LABEL: func.func @compare_integer
// CHECK: kiln.compare eq, %{{.+}}, %{{.+}} : (tensor<?xi64>, tensor<?xi64>) -> tensor<?xi1>
func.func @compare_integer(%a: tensor<?xi64>, %b: tensor<?xi64>) {
  %0 = kiln.compare eq, %a, %b : (tensor<?xi64>, tensor<?xi64>) -> tensor<?xi1>
  return
}

// -----

// CHECK-LABEL: func.func @select
// CHECK: kiln.select %[[C:.+]], %[[A:.+]], %[[B:.+]] : (tensor<?x4xi1>, tensor<?x4xf32>, tensor<f32>) -> tensor<?x4xf32>
func.func @select(%c: tensor<?x4xi1>, %a: tensor<?x4xf32>, %b: tensor<f32>) {
  %0 = kiln.select %c, %a, %b : (tensor<?x4xi1>, tensor<?x4xf32>, tensor<f32>) -> tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @exp
// CHECK: kiln.exp %{{.+}} : tensor<?x4xf32>
func.func @exp(%x: tensor<?x4xf32>) {
  %0 = kiln.exp %x : tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @log
// CHECK: kiln.log %{{.+}} : tensor<?x4xf32>
func.func @log(%x: tensor<?x4xf32>) {
  %0 = kiln.log %x : tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @sqrt
// CHECK: kiln.sqrt %{{.+}} : tensor<?x4xf32>
func.func @sqrt(%x: tensor<?x4xf32>) {
  %0 = kiln.sqrt %x : tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @rsqrt
// CHECK: kiln.rsqrt %{{.+}} : tensor<?x4xf32>
func.func @rsqrt(%x: tensor<?x4xf32>) {
  %0 = kiln.rsqrt %x : tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @reciprocal
// CHECK: kiln.reciprocal %{{.+}} : tensor<?x4xf32>
func.func @reciprocal(%x: tensor<?x4xf32>) {
  %0 = kiln.reciprocal %x : tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @tanh
// CHECK: kiln.tanh %{{.+}} : tensor<?x4xf32>
func.func @tanh(%x: tensor<?x4xf32>) {
  %0 = kiln.tanh %x : tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @sin
// CHECK: kiln.sin %{{.+}} : tensor<?x4xf32>
func.func @sin(%x: tensor<?x4xf32>) {
  %0 = kiln.sin %x : tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @cos
// CHECK: kiln.cos %{{.+}} : tensor<?x4xf32>
func.func @cos(%x: tensor<?x4xf32>) {
  %0 = kiln.cos %x : tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @erf
// CHECK: kiln.erf %{{.+}} : tensor<?x4xf32>
func.func @erf(%x: tensor<?x4xf32>) {
  %0 = kiln.erf %x : tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @floor
// CHECK: kiln.floor %{{.+}} : tensor<?x4xf32>
func.func @floor(%x: tensor<?x4xf32>) {
  %0 = kiln.floor %x : tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @ceil
// CHECK: kiln.ceil %{{.+}} : tensor<?x4xf32>
func.func @ceil(%x: tensor<?x4xf32>) {
  %0 = kiln.ceil %x : tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @round
// CHECK: kiln.round %{{.+}} : tensor<?x4xf32>
func.func @round(%x: tensor<?x4xf32>) {
  %0 = kiln.round %x : tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @sigmoid
// CHECK: kiln.sigmoid %{{.+}} : tensor<?x4xf32>
func.func @sigmoid(%x: tensor<?x4xf32>) {
  %0 = kiln.sigmoid %x : tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @selu
// CHECK: kiln.selu %{{.+}} : tensor<?x4xf32>
func.func @selu(%x: tensor<?x4xf32>) {
  %0 = kiln.selu %x : tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @softplus
// CHECK: kiln.softplus %{{.+}} : tensor<?x4xf32>
func.func @softplus(%x: tensor<?x4xf32>) {
  %0 = kiln.softplus %x : tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @softsign
// CHECK: kiln.softsign %{{.+}} : tensor<?x4xf32>
func.func @softsign(%x: tensor<?x4xf32>) {
  %0 = kiln.softsign %x : tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @silu
// CHECK: kiln.silu %{{.+}} : tensor<?x4xf32>
func.func @silu(%x: tensor<?x4xf32>) {
  %0 = kiln.silu %x : tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @neg_int
// CHECK: kiln.neg %{{.+}} : tensor<?x4xi32>
func.func @neg_int(%x: tensor<?x4xi32>) {
  %0 = kiln.neg %x : tensor<?x4xi32>
  return
}

// -----

// CHECK-LABEL: func.func @abs_int
// CHECK: kiln.abs %{{.+}} : tensor<?x4xi32>
func.func @abs_int(%x: tensor<?x4xi32>) {
  %0 = kiln.abs %x : tensor<?x4xi32>
  return
}

// -----

// CHECK-LABEL: func.func @sign_int
// CHECK: kiln.sign %{{.+}} : tensor<?x4xi32>
func.func @sign_int(%x: tensor<?x4xi32>) {
  %0 = kiln.sign %x : tensor<?x4xi32>
  return
}

// -----

// CHECK-LABEL: func.func @relu_int
// CHECK: kiln.relu %{{.+}} : tensor<?x4xi32>
func.func @relu_int(%x: tensor<?x4xi32>) {
  %0 = kiln.relu %x : tensor<?x4xi32>
  return
}

// -----

// CHECK-LABEL: func.func @exp_f16
// CHECK: kiln.exp %{{.+}} : tensor<4xf16>
func.func @exp_f16(%x: tensor<4xf16>) {
  %0 = kiln.exp %x : tensor<4xf16>
  return
}

// -----

// CHECK-LABEL: func.func @not
// CHECK: kiln.not %{{.+}} : tensor<4xi1>
func.func @not(%x: tensor<4xi1>) {
  %0 = kiln.not %x : tensor<4xi1>
  return
}

// -----

// CHECK-LABEL: func.func @leaky_relu
// CHECK: kiln.leaky_relu %{{.+}} {alpha = 2.000000e-01 : f64} : tensor<?x4xf32>
func.func @leaky_relu(%x: tensor<?x4xf32>) {
  %0 = kiln.leaky_relu %x {alpha = 2.000000e-01 : f64} : tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @elu_default_alpha
// CHECK: kiln.elu %{{.+}} : tensor<?x4xf32>
func.func @elu_default_alpha(%x: tensor<?x4xf32>) {
  %0 = kiln.elu %x : tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @gelu_approximate
// CHECK: kiln.gelu %{{.+}} {approximate = true} : tensor<?x4xf32>
func.func @gelu_approximate(%x: tensor<?x4xf32>) {
  %0 = kiln.gelu %x {approximate = true} : tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @hard_sigmoid
// CHECK: kiln.hard_sigmoid %{{.+}} {alpha = 2.000000e-01 : f64, beta = 5.000000e-01 : f64} : tensor<?x4xf32>
func.func @hard_sigmoid(%x: tensor<?x4xf32>) {
  %0 = kiln.hard_sigmoid %x {alpha = 2.000000e-01 : f64, beta = 5.000000e-01 : f64} : tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @clamp
// CHECK: kiln.clamp %{{.+}} {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64} : tensor<?x4xf32>
func.func @clamp(%x: tensor<?x4xf32>) {
  %0 = kiln.clamp %x {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64} : tensor<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @matmul_dense
// CHECK: kiln.matmul %{{.+}}, %{{.+}} : (tensor<?x784xf32>, tensor<784x128xf32>) -> tensor<?x128xf32>
func.func @matmul_dense(%x: tensor<?x784xf32>, %w: tensor<784x128xf32>) {
  %0 = kiln.matmul %x, %w : (tensor<?x784xf32>, tensor<784x128xf32>) -> tensor<?x128xf32>
  return
}

// -----

// CHECK-LABEL: func.func @matmul_batched_broadcast
// CHECK: kiln.matmul %{{.+}}, %{{.+}} : (tensor<?x1x4x8xf64>, tensor<3x8x5xf64>) -> tensor<?x3x4x5xf64>
func.func @matmul_batched_broadcast(%x: tensor<?x1x4x8xf64>, %w: tensor<3x8x5xf64>) {
  %0 = kiln.matmul %x, %w : (tensor<?x1x4x8xf64>, tensor<3x8x5xf64>) -> tensor<?x3x4x5xf64>
  return
}

// -----

// CHECK-LABEL: func.func @conv2d_same
// CHECK: kiln.conv %{{.+}}, %{{.+}} {padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<?x8x8x1xf32>, tensor<3x3x1x16xf32>) -> tensor<?x8x8x16xf32>
func.func @conv2d_same(%x: tensor<?x8x8x1xf32>, %w: tensor<3x3x1x16xf32>) {
  %0 = kiln.conv %x, %w {padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<?x8x8x1xf32>, tensor<3x3x1x16xf32>) -> tensor<?x8x8x16xf32>
  return
}

// -----

// CHECK-LABEL: func.func @conv1d_dilated
// CHECK: kiln.conv %{{.+}}, %{{.+}} {dilations = array<i64: 2>} : (tensor<?x10x4xf32>, tensor<3x4x8xf32>) -> tensor<?x6x8xf32>
func.func @conv1d_dilated(%x: tensor<?x10x4xf32>, %w: tensor<3x4x8xf32>) {
  %0 = kiln.conv %x, %w {dilations = array<i64: 2>} : (tensor<?x10x4xf32>, tensor<3x4x8xf32>) -> tensor<?x6x8xf32>
  return
}

// -----

// CHECK-LABEL: func.func @conv2d_depthwise
// CHECK: kiln.conv %{{.+}}, %{{.+}} {groups = 8 : i64} : (tensor<?x8x8x8xf32>, tensor<3x3x1x16xf32>) -> tensor<?x6x6x16xf32>
func.func @conv2d_depthwise(%x: tensor<?x8x8x8xf32>, %w: tensor<3x3x1x16xf32>) {
  %0 = kiln.conv %x, %w {groups = 8 : i64} : (tensor<?x8x8x8xf32>, tensor<3x3x1x16xf32>) -> tensor<?x6x6x16xf32>
  return
}

// -----

// CHECK-LABEL: func.func @conv_transpose
// CHECK: kiln.conv_transpose %{{.+}}, %{{.+}} {padding = array<i64: 0, 1, 0, 1>, strides = array<i64: 2, 2>} : (tensor<?x4x4x8xf32>, tensor<3x3x4x8xf32>) -> tensor<?x8x8x4xf32>
func.func @conv_transpose(%x: tensor<?x4x4x8xf32>, %w: tensor<3x3x4x8xf32>) {
  %0 = kiln.conv_transpose %x, %w {padding = array<i64: 0, 1, 0, 1>, strides = array<i64: 2, 2>} : (tensor<?x4x4x8xf32>, tensor<3x3x4x8xf32>) -> tensor<?x8x8x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @conv_transpose_output_padding
// CHECK: kiln.conv_transpose %{{.+}}, %{{.+}} {output_padding = array<i64: 1>, strides = array<i64: 2>} : (tensor<?x4x8xf32>, tensor<3x4x8xf32>) -> tensor<?x10x4xf32>
func.func @conv_transpose_output_padding(%x: tensor<?x4x8xf32>, %w: tensor<3x4x8xf32>) {
  %0 = kiln.conv_transpose %x, %w {output_padding = array<i64: 1>, strides = array<i64: 2>} : (tensor<?x4x8xf32>, tensor<3x4x8xf32>) -> tensor<?x10x4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @max_pool
// CHECK: kiln.max_pool %{{.+}} {strides = array<i64: 2, 2>, window = array<i64: 2, 2>} : (tensor<?x8x8x16xf32>) -> tensor<?x4x4x16xf32>
func.func @max_pool(%x: tensor<?x8x8x16xf32>) {
  %0 = kiln.max_pool %x {strides = array<i64: 2, 2>, window = array<i64: 2, 2>} : (tensor<?x8x8x16xf32>) -> tensor<?x4x4x16xf32>
  return
}

// -----

// CHECK-LABEL: func.func @avg_pool_1d_padded
// CHECK: kiln.avg_pool %{{.+}} {count_include_pad = true, padding = array<i64: 1, 1>, window = array<i64: 3>} : (tensor<?x9x3xf32>) -> tensor<?x9x3xf32>
func.func @avg_pool_1d_padded(%x: tensor<?x9x3xf32>) {
  %0 = kiln.avg_pool %x {count_include_pad = true, padding = array<i64: 1, 1>, window = array<i64: 3>} : (tensor<?x9x3xf32>) -> tensor<?x9x3xf32>
  return
}

// -----

// CHECK-LABEL: func.func @softmax
// CHECK: kiln.softmax %{{.+}} {axis = 1 : i64} : (tensor<?x10xf32>) -> tensor<?x10xf32>
func.func @softmax(%x: tensor<?x10xf32>) {
  %0 = kiln.softmax %x {axis = 1 : i64} : (tensor<?x10xf32>) -> tensor<?x10xf32>
  return
}

// -----

// CHECK-LABEL: func.func @log_softmax
// CHECK: kiln.log_softmax %{{.+}} {axis = 1 : i64} : (tensor<?x10xf32>) -> tensor<?x10xf32>
func.func @log_softmax(%x: tensor<?x10xf32>) {
  %0 = kiln.log_softmax %x {axis = 1 : i64} : (tensor<?x10xf32>) -> tensor<?x10xf32>
  return
}

// -----

// CHECK-LABEL: func.func @batch_norm_inference
// CHECK: kiln.batch_norm_inference %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} {epsilon = 1.000000e-03 : f64, feature_axis = 3 : i64}
func.func @batch_norm_inference(%x: tensor<?x8x8x16xf32>, %g: tensor<16xf32>, %b: tensor<16xf32>, %m: tensor<16xf32>, %v: tensor<16xf32>) {
  %0 = kiln.batch_norm_inference %x, %g, %b, %m, %v {epsilon = 1.000000e-03 : f64, feature_axis = 3 : i64} : (tensor<?x8x8x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<?x8x8x16xf32>
  return
}

// -----

// CHECK-LABEL: func.func @batch_norm_training
// CHECK: kiln.batch_norm_training %{{.+}}, %{{.+}}, %{{.+}} {epsilon = 1.000000e-03 : f64, feature_axis = 1 : i64} : (tensor<?x16xf32>, tensor<16xf32>, tensor<16xf32>) -> (tensor<?x16xf32>, tensor<16xf32>, tensor<16xf32>)
func.func @batch_norm_training(%x: tensor<?x16xf32>, %g: tensor<16xf32>, %b: tensor<16xf32>) {
  %0:3 = kiln.batch_norm_training %x, %g, %b {epsilon = 1.000000e-03 : f64, feature_axis = 1 : i64} : (tensor<?x16xf32>, tensor<16xf32>, tensor<16xf32>) -> (tensor<?x16xf32>, tensor<16xf32>, tensor<16xf32>)
  return
}

// -----

// CHECK-LABEL: func.func @layer_norm
// CHECK: kiln.layer_norm %{{.+}}, %{{.+}}, %{{.+}} {axes = array<i64: 2>, epsilon = 1.000000e-03 : f64}
func.func @layer_norm(%x: tensor<?x16x64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>) {
  %0 = kiln.layer_norm %x, %g, %b {axes = array<i64: 2>, epsilon = 1.000000e-03 : f64} : (tensor<?x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<?x16x64xf32>
  return
}

// -----

// CHECK-LABEL: func.func @dropout_with_offset
// CHECK: kiln.dropout %{{.+}} offset %{{.+}} {rate = 5.000000e-01 : f64, seed = 42 : i64, training = true} : (tensor<?x128xf32>, tensor<i64>) -> tensor<?x128xf32>
func.func @dropout_with_offset(%x: tensor<?x128xf32>, %step: tensor<i64>) {
  %0 = kiln.dropout %x offset %step {rate = 5.000000e-01 : f64, seed = 42 : i64, training = true} : (tensor<?x128xf32>, tensor<i64>) -> tensor<?x128xf32>
  return
}

// -----

// CHECK-LABEL: func.func @dropout_spatial
// CHECK: kiln.dropout %{{.+}} {noise_shape = array<i64: 1, 1, 1, 16>, rate = 2.000000e-01 : f64, training = true}
func.func @dropout_spatial(%x: tensor<?x8x8x16xf32>) {
  %0 = kiln.dropout %x {noise_shape = array<i64: 1, 1, 1, 16>, rate = 2.000000e-01 : f64, training = true} : (tensor<?x8x8x16xf32>) -> tensor<?x8x8x16xf32>
  return
}

// -----

// CHECK-LABEL: func.func @reduce_sum
// CHECK: kiln.reduce_sum %{{.+}} {axes = array<i64: 1, 2>} : (tensor<?x8x8x16xf32>) -> tensor<?x16xf32>
func.func @reduce_sum(%x: tensor<?x8x8x16xf32>) {
  %0 = kiln.reduce_sum %x {axes = array<i64: 1, 2>} : (tensor<?x8x8x16xf32>) -> tensor<?x16xf32>
  return
}

// -----

// CHECK-LABEL: func.func @reduce_mean
// CHECK: kiln.reduce_mean %{{.+}} {axes = array<i64: 1, 2>} : (tensor<?x8x8x16xf32>) -> tensor<?x16xf32>
func.func @reduce_mean(%x: tensor<?x8x8x16xf32>) {
  %0 = kiln.reduce_mean %x {axes = array<i64: 1, 2>} : (tensor<?x8x8x16xf32>) -> tensor<?x16xf32>
  return
}

// -----

// CHECK-LABEL: func.func @reduce_max
// CHECK: kiln.reduce_max %{{.+}} {axes = array<i64: 1, 2>} : (tensor<?x8x8x16xf32>) -> tensor<?x16xf32>
func.func @reduce_max(%x: tensor<?x8x8x16xf32>) {
  %0 = kiln.reduce_max %x {axes = array<i64: 1, 2>} : (tensor<?x8x8x16xf32>) -> tensor<?x16xf32>
  return
}

// -----

// CHECK-LABEL: func.func @reduce_min
// CHECK: kiln.reduce_min %{{.+}} {axes = array<i64: 1, 2>} : (tensor<?x8x8x16xf32>) -> tensor<?x16xf32>
func.func @reduce_min(%x: tensor<?x8x8x16xf32>) {
  %0 = kiln.reduce_min %x {axes = array<i64: 1, 2>} : (tensor<?x8x8x16xf32>) -> tensor<?x16xf32>
  return
}

// -----

// CHECK-LABEL: func.func @reduce_prod
// CHECK: kiln.reduce_prod %{{.+}} {axes = array<i64: 1, 2>} : (tensor<?x8x8x16xf32>) -> tensor<?x16xf32>
func.func @reduce_prod(%x: tensor<?x8x8x16xf32>) {
  %0 = kiln.reduce_prod %x {axes = array<i64: 1, 2>} : (tensor<?x8x8x16xf32>) -> tensor<?x16xf32>
  return
}

// -----

// CHECK-LABEL: func.func @reduce_sum_keep_dims_int
// CHECK: kiln.reduce_sum %{{.+}} {axes = array<i64: 1>, keep_dims = true} : (tensor<?x4xi32>) -> tensor<?x1xi32>
func.func @reduce_sum_keep_dims_int(%x: tensor<?x4xi32>) {
  %0 = kiln.reduce_sum %x {axes = array<i64: 1>, keep_dims = true} : (tensor<?x4xi32>) -> tensor<?x1xi32>
  return
}

// -----

// CHECK-LABEL: func.func @argmax
// CHECK: kiln.argmax %{{.+}} {axis = 1 : i64} : (tensor<?x10xf32>) -> tensor<?xi64>
func.func @argmax(%x: tensor<?x10xf32>) {
  %0 = kiln.argmax %x {axis = 1 : i64} : (tensor<?x10xf32>) -> tensor<?xi64>
  return
}

// -----

// CHECK-LABEL: func.func @argmin
// CHECK: kiln.argmin %{{.+}} {axis = 1 : i64} : (tensor<?x10xf32>) -> tensor<?xi64>
func.func @argmin(%x: tensor<?x10xf32>) {
  %0 = kiln.argmin %x {axis = 1 : i64} : (tensor<?x10xf32>) -> tensor<?xi64>
  return
}

// -----

// CHECK-LABEL: func.func @constant
// CHECK: kiln.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
func.func @constant() {
  %0 = kiln.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
  return
}

// -----

// CHECK-LABEL: func.func @constant_int
// CHECK: kiln.constant dense<3> : tensor<2x2xi64>
func.func @constant_int() {
  %0 = kiln.constant dense<3> : tensor<2x2xi64>
  return
}

// -----

// CHECK-LABEL: func.func @cast
// CHECK: kiln.cast %{{.+}} : tensor<?xi32> to tensor<?xf32>
func.func @cast(%x: tensor<?xi32>) {
  %0 = kiln.cast %x : tensor<?xi32> to tensor<?xf32>
  return
}

// -----

// CHECK-LABEL: func.func @reshape_flatten
// CHECK: kiln.reshape %{{.+}} {shape = array<i64: -1, 64>} : (tensor<?x8x8x1xf32>) -> tensor<?x64xf32>
func.func @reshape_flatten(%x: tensor<?x8x8x1xf32>) {
  %0 = kiln.reshape %x {shape = array<i64: -1, 64>} : (tensor<?x8x8x1xf32>) -> tensor<?x64xf32>
  return
}

// -----

// CHECK-LABEL: func.func @transpose
// CHECK: kiln.transpose %{{.+}} {permutation = array<i64: 1, 0>} : (tensor<?x4xf32>) -> tensor<4x?xf32>
func.func @transpose(%x: tensor<?x4xf32>) {
  %0 = kiln.transpose %x {permutation = array<i64: 1, 0>} : (tensor<?x4xf32>) -> tensor<4x?xf32>
  return
}

// -----

// CHECK-LABEL: func.func @concat
// CHECK: kiln.concat %{{.+}}, %{{.+}} {axis = 1 : i64} : (tensor<?x4xf32>, tensor<?x6xf32>) -> tensor<?x10xf32>
func.func @concat(%a: tensor<?x4xf32>, %b: tensor<?x6xf32>) {
  %0 = kiln.concat %a, %b {axis = 1 : i64} : (tensor<?x4xf32>, tensor<?x6xf32>) -> tensor<?x10xf32>
  return
}

// -----

// CHECK-LABEL: func.func @slice
// CHECK: kiln.slice %{{.+}} {axes = array<i64: 1>, ends = array<i64: -1>, starts = array<i64: 1>, steps = array<i64: 1>} : (tensor<?x10xf32>) -> tensor<?x8xf32>
func.func @slice(%x: tensor<?x10xf32>) {
  %0 = kiln.slice %x {axes = array<i64: 1>, ends = array<i64: -1>, starts = array<i64: 1>, steps = array<i64: 1>} : (tensor<?x10xf32>) -> tensor<?x8xf32>
  return
}

// -----

// CHECK-LABEL: func.func @pad_constant
// CHECK: kiln.pad %{{.+}} {high = array<i64: 0, 1, 1, 0>, low = array<i64: 0, 1, 1, 0>, value = 1.000000e+00 : f64} : (tensor<?x8x8x3xf32>) -> tensor<?x10x10x3xf32>
func.func @pad_constant(%x: tensor<?x8x8x3xf32>) {
  %0 = kiln.pad %x {high = array<i64: 0, 1, 1, 0>, low = array<i64: 0, 1, 1, 0>, value = 1.000000e+00 : f64} : (tensor<?x8x8x3xf32>) -> tensor<?x10x10x3xf32>
  return
}

// -----

// CHECK-LABEL: func.func @pad_reflect
// CHECK: kiln.pad %{{.+}} mode reflect {high = array<i64: 0, 2, 0>, low = array<i64: 0, 2, 0>} : (tensor<?x8x3xf32>) -> tensor<?x12x3xf32>
func.func @pad_reflect(%x: tensor<?x8x3xf32>) {
  %0 = kiln.pad %x mode reflect {high = array<i64: 0, 2, 0>, low = array<i64: 0, 2, 0>} : (tensor<?x8x3xf32>) -> tensor<?x12x3xf32>
  return
}

// -----

// CHECK-LABEL: func.func @pad_edge
// CHECK: kiln.pad %{{.+}} mode edge {high = array<i64: 1>, low = array<i64: 1>} : (tensor<4xi32>) -> tensor<6xi32>
func.func @pad_edge(%x: tensor<4xi32>) {
  %0 = kiln.pad %x mode edge {high = array<i64: 1>, low = array<i64: 1>} : (tensor<4xi32>) -> tensor<6xi32>
  return
}

// -----

// CHECK-LABEL: func.func @gather_embedding
// CHECK: kiln.gather %{{.+}}, %{{.+}} {axis = 0 : i64} : (tensor<1000x64xf32>, tensor<?x16xi32>) -> tensor<?x16x64xf32>
func.func @gather_embedding(%t: tensor<1000x64xf32>, %i: tensor<?x16xi32>) {
  %0 = kiln.gather %t, %i {axis = 0 : i64} : (tensor<1000x64xf32>, tensor<?x16xi32>) -> tensor<?x16x64xf32>
  return
}

// -----

// CHECK-LABEL: func.func @run_time_shapes
// CHECK: kiln.shape_of %{{.+}} : (tensor<?x6xf32>) -> tensor<2xi64>
// CHECK: kiln.dynamic_reshape %{{.+}}(%{{.+}}) {copy_zero} : (tensor<?x6xf32>, tensor<3xi64>) -> tensor<?x?x3xf32>
// CHECK: kiln.iota %{{.+}} {axis = 1 : i64} : (tensor<?x6xf32>) -> tensor<?x6xi64>
// CHECK: kiln.gather_elements %{{.+}}, %{{.+}} {axis = 1 : i64} : (tensor<?x6xf32>, tensor<?x2xi64>) -> tensor<?x2xf32>
func.func @run_time_shapes(%x: tensor<?x6xf32>, %s: tensor<3xi64>, %i: tensor<?x2xi64>) {
  %0 = kiln.shape_of %x : (tensor<?x6xf32>) -> tensor<2xi64>
  %1 = kiln.dynamic_reshape %x(%s) {copy_zero} : (tensor<?x6xf32>, tensor<3xi64>) -> tensor<?x?x3xf32>
  %2 = kiln.iota %x {axis = 1 : i64} : (tensor<?x6xf32>) -> tensor<?x6xi64>
  %3 = kiln.gather_elements %x, %i {axis = 1 : i64} : (tensor<?x6xf32>, tensor<?x2xi64>) -> tensor<?x2xf32>
  return
}

// -----

// CHECK-LABEL: func.func @broadcast_to_like
// CHECK: kiln.broadcast_to %{{.+}} {shape = array<i64: -1, 10>} like %{{.+}} : (tensor<10xf32>, tensor<?x10xf32>) -> tensor<?x10xf32>
func.func @broadcast_to_like(%b: tensor<10xf32>, %x: tensor<?x10xf32>) {
  %0 = kiln.broadcast_to %b {shape = array<i64: -1, 10>} like %x : (tensor<10xf32>, tensor<?x10xf32>) -> tensor<?x10xf32>
  return
}

// -----

// CHECK-LABEL: func.func @broadcast_to_static
// CHECK: kiln.broadcast_to %{{.+}} {shape = array<i64: -1, 10>} : (tensor<?x1xf32>) -> tensor<?x10xf32>
func.func @broadcast_to_static(%b: tensor<?x1xf32>) {
  %0 = kiln.broadcast_to %b {shape = array<i64: -1, 10>} : (tensor<?x1xf32>) -> tensor<?x10xf32>
  return
}

// -----

// CHECK-LABEL: func.func @softmax_cross_entropy
// CHECK: kiln.softmax_cross_entropy %{{.+}}, %{{.+}} {axis = 1 : i64} : (tensor<?x10xf32>, tensor<?x10xf32>) -> tensor<?xf32>
func.func @softmax_cross_entropy(%l: tensor<?x10xf32>, %y: tensor<?x10xf32>) {
  %0 = kiln.softmax_cross_entropy %l, %y {axis = 1 : i64} : (tensor<?x10xf32>, tensor<?x10xf32>) -> tensor<?xf32>
  return
}

// -----

// CHECK-LABEL: func.func @sparse_softmax_cross_entropy
// CHECK: kiln.sparse_softmax_cross_entropy %{{.+}}, %{{.+}} : (tensor<?x10xf32>, tensor<?xi64>) -> tensor<?xf32>
func.func @sparse_softmax_cross_entropy(%l: tensor<?x10xf32>, %y: tensor<?xi64>) {
  %0 = kiln.sparse_softmax_cross_entropy %l, %y : (tensor<?x10xf32>, tensor<?xi64>) -> tensor<?xf32>
  return
}

// -----

// CHECK-LABEL: func.func @sigmoid_cross_entropy
// CHECK: kiln.sigmoid_cross_entropy %{{.+}}, %{{.+}} : (tensor<?x1xf32>, tensor<?x1xf32>) -> tensor<?x1xf32>
func.func @sigmoid_cross_entropy(%l: tensor<?x1xf32>, %y: tensor<?x1xf32>) {
  %0 = kiln.sigmoid_cross_entropy %l, %y : (tensor<?x1xf32>, tensor<?x1xf32>) -> tensor<?x1xf32>
  return
}

// -----

// CHECK-LABEL: func.func @scan
// CHECK: %{{.+}}:2 = kiln.scan(%{{.+}}) over(%{{.+}}) axis = 1 reverse : (tensor<?x8xf32>), (tensor<?x5x8xf32>) -> (tensor<?x8xf32>, tensor<?x5x8xf32>) {
// CHECK: ^bb0(%[[H:.+]]: tensor<?x8xf32>, %[[X:.+]]: tensor<?x8xf32>):
// CHECK: kiln.yield %{{.+}}, %{{.+}} : tensor<?x8xf32>, tensor<?x8xf32>
func.func @scan(%h0: tensor<?x8xf32>, %xs: tensor<?x5x8xf32>) -> (tensor<?x8xf32>, tensor<?x5x8xf32>) {
  %h, %seq = kiln.scan (%h0) over (%xs) axis = 1 reverse
      : (tensor<?x8xf32>), (tensor<?x5x8xf32>) -> (tensor<?x8xf32>, tensor<?x5x8xf32>) {
  ^bb0(%hp: tensor<?x8xf32>, %x: tensor<?x8xf32>):
    %s = kiln.add %hp, %x : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
    kiln.yield %s, %s : tensor<?x8xf32>, tensor<?x8xf32>
  }
  return %h, %seq : tensor<?x8xf32>, tensor<?x5x8xf32>
}
