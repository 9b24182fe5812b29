// SPDX-License-Identifier: Apache-2.0
// RUN: kiln-opt %s -split-input-file --kiln-cpu-fuse-epilogues | FileCheck %s

#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
#ch = affine_map<(n, h, w, c) -> (c)>

// Bias, residual and ReLU after a convolution: the generic updates the
// convolution's result in place (its init), the convolution's value is the
// accumulator block argument, and it sits right after the convolution.
// CHECK-LABEL: func.func @conv_bias_residual_relu
// CHECK: %[[C:.+]] = linalg.conv_2d_nhwc_hwcf
// CHECK-NEXT: %[[E:.+]] = linalg.generic
// CHECK-SAME: ins(%arg2, %arg3 : tensor<8xf32>, tensor<1x4x4x8xf32>) outs(%[[C]] : tensor<1x4x4x8xf32>)
// CHECK-NEXT: ^bb0(%[[B:.+]]: f32, %[[R:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK-NEXT: %[[S:.+]] = arith.addf %[[ACC]], %[[B]]
// CHECK-NEXT: %[[T:.+]] = arith.addf %[[S]], %[[R]]
// CHECK-NEXT: arith.maximumf %[[T]]
// CHECK: return %[[E]]
func.func @conv_bias_residual_relu(%x: tensor<1x6x6x3xf32>, %w: tensor<3x3x3x8xf32>, %b: tensor<8xf32>, %r: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<1x6x6x3xf32>, tensor<3x3x3x8xf32>) outs(%f : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %e2 = tensor.empty() : tensor<1x4x4x8xf32>
  %y = linalg.generic {indexing_maps = [#id, #ch, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %b, %r : tensor<1x4x4x8xf32>, tensor<8xf32>, tensor<1x4x4x8xf32>) outs(%e2 : tensor<1x4x4x8xf32>) {
  ^bb0(%v: f32, %bias: f32, %res: f32, %o: f32):
    %s = arith.addf %v, %bias : f32
    %t = arith.addf %s, %res : f32
    %m = arith.maximumf %t, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}

// -----

#id = affine_map<(n, h, w, c) -> (n, h, w, c)>

// The residual is computed after the convolution: the convolution moves
// down to the epilogue, with its zero fill and its input padding.
// CHECK-LABEL: func.func @residual_computed_later
// CHECK: %[[R:.+]] = linalg.generic
// CHECK: math.exp
// CHECK: tensor.pad
// CHECK: linalg.fill
// CHECK: %[[C:.+]] = linalg.conv_2d_nhwc_hwcf
// CHECK-NEXT: linalg.generic
// CHECK-SAME: ins(%[[R]] : tensor<1x4x4x8xf32>) outs(%[[C]] : tensor<1x4x4x8xf32>)
func.func @residual_computed_later(%x: tensor<1x4x4x3xf32>, %w: tensor<3x3x3x8xf32>, %r0: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x4x3xf32> to tensor<1x6x6x3xf32>
  %e = tensor.empty() : tensor<1x4x4x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%p, %w : tensor<1x6x6x3xf32>, tensor<3x3x3x8xf32>) outs(%f : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %e1 = tensor.empty() : tensor<1x4x4x8xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%r0 : tensor<1x4x4x8xf32>) outs(%e1 : tensor<1x4x4x8xf32>) {
  ^bb0(%v: f32, %o: f32):
    %x1 = math.exp %v : f32
    linalg.yield %x1 : f32
  } -> tensor<1x4x4x8xf32>
  %e2 = tensor.empty() : tensor<1x4x4x8xf32>
  %y = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %r : tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) outs(%e2 : tensor<1x4x4x8xf32>) {
  ^bb0(%v: f32, %res: f32, %o: f32):
    %s = arith.addf %v, %res : f32
    linalg.yield %s : f32
  } -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}

// -----

#id = affine_map<(i, j) -> (i, j)>
#col = affine_map<(i, j) -> (j)>

// Not an epilogue: a multiply (a scale) and a result used twice stay as
// they are.
// CHECK-LABEL: func.func @not_epilogues
// CHECK: %[[M:.+]] = linalg.matmul
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[M]], %arg2 : tensor<4x16xf32>, tensor<16xf32>)
// CHECK: arith.mulf
// CHECK: %[[M2:.+]] = linalg.matmul
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[M2]], %arg2 : tensor<4x16xf32>, tensor<16xf32>)
func.func @not_epilogues(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %s: tensor<16xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>, tensor<4x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %m = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m, %s : tensor<4x16xf32>, tensor<16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%v: f32, %x: f32, %o: f32):
    %p = arith.mulf %v, %x : f32
    linalg.yield %p : f32
  } -> tensor<4x16xf32>
  %m2 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  %z = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m2, %s : tensor<4x16xf32>, tensor<16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%v: f32, %x: f32, %o: f32):
    %p = arith.addf %v, %x : f32
    linalg.yield %p : f32
  } -> tensor<4x16xf32>
  return %y, %z, %m2 : tensor<4x16xf32>, tensor<4x16xf32>, tensor<4x16xf32>
}

// -----

#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
#ch = affine_map<(n, h, w, c) -> (c)>

// A depthwise convolution's epilogue reads it through the collapse of its
// unit multiplier (a size query of the collapse is allowed): the generic
// updates the collapsed value in place.
// CHECK-LABEL: func.func @depthwise_bias_relu6
// CHECK: %[[D:.+]] = linalg.depthwise_conv_2d_nhwc_hwcm
// CHECK-NEXT: %[[C:.+]] = tensor.collapse_shape %[[D]]
// CHECK-NEXT: linalg.generic
// CHECK-SAME: ins(%arg2 : tensor<16xf32>) outs(%[[C]] : tensor<?x8x8x16xf32>)
// CHECK: arith.minimumf
func.func @depthwise_bias_relu6(%x: tensor<?x10x10x16xf32>, %w: tensor<3x3x16x1xf32>, %b: tensor<16xf32>) -> tensor<?x8x8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x10x10x16xf32>
  %e = tensor.empty(%n) : tensor<?x8x8x16x1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x8x8x16x1xf32>) -> tensor<?x8x8x16x1xf32>
  %d = linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<?x10x10x16xf32>, tensor<3x3x16x1xf32>) outs(%f : tensor<?x8x8x16x1xf32>) -> tensor<?x8x8x16x1xf32>
  %c = tensor.collapse_shape %d [[0], [1], [2], [3, 4]] : tensor<?x8x8x16x1xf32> into tensor<?x8x8x16xf32>
  %m = tensor.dim %c, %c0 : tensor<?x8x8x16xf32>
  %e2 = tensor.empty(%m) : tensor<?x8x8x16xf32>
  %y = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %b : tensor<?x8x8x16xf32>, tensor<16xf32>) outs(%e2 : tensor<?x8x8x16xf32>) {
  ^bb0(%v: f32, %bias: f32, %o: f32):
    %s = arith.addf %v, %bias : f32
    %r = arith.maximumf %s, %zero : f32
    %t = arith.minimumf %r, %six : f32
    linalg.yield %t : f32
  } -> tensor<?x8x8x16xf32>
  return %y : tensor<?x8x8x16xf32>
}
