// SPDX-License-Identifier: Apache-2.0
// RUN: kiln-opt %s -split-input-file --kiln-cpu-lower-to-ukernels | FileCheck %s

// A matmul after its zero fill: the fill is dropped and the call overwrites
// (flags 0). Layout words: A (m, k) = dims (0, 1) -> 0x0201 = 513, likewise
// B (k, n) and C (m, n).
// CHECK-LABEL: func.func @matmul
// CHECK-NOT: linalg.fill
// CHECK: memref.alloca_scope
// CHECK: %[[A:.+]] = memref.cast %{{.+}} : memref<?x784xf32> to memref<*xf32>
// CHECK: %[[B:.+]] = memref.cast %{{.+}} : memref<784x512xf32> to memref<*xf32>
// CHECK: %[[C:.+]] = memref.cast %{{.+}} : memref<?x512xf32> to memref<*xf32>
// CHECK: %[[LA:.+]] = arith.constant 513 : i64
// CHECK: %[[LB:.+]] = arith.constant 513 : i64
// CHECK: %[[LC:.+]] = arith.constant 513 : i64
// CHECK: %[[F:.+]] = arith.constant 0 : i64
// CHECK: call @kiln_uk_matmul_f32(%[[A]], %[[B]], %[[C]], %[[LA]], %[[LB]], %[[LC]], %[[F]])
// CHECK-NOT: linalg.matmul
// CHECK: func.func private @kiln_uk_matmul_f32(memref<*xf32>, memref<*xf32>, memref<*xf32>, i64, i64, i64, i64)
func.func @matmul(%a: memref<?x784xf32>, %b: memref<784x512xf32>, %c: memref<?x512xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<?x512xf32>)
  linalg.matmul ins(%a, %b : memref<?x784xf32>, memref<784x512xf32>) outs(%c : memref<?x512xf32>)
  return
}

// -----

// A transposed, batched contraction (the backward pass's A^T x B shape)
// with a nonzero init: the call accumulates (flags 1). Loops (b, m, n, k):
// A[b, k, m] -> m is dim 2, k dim 1, batch dim 0: 0x01 << 16 | 0x02 << 8 | 0x03.
// CHECK-LABEL: func.func @batched_transposed
// CHECK: linalg.fill
// CHECK: arith.constant 66051 : i64
// CHECK: arith.constant 66306 : i64
// CHECK: arith.constant 66306 : i64
// CHECK: arith.constant 1 : i64
// CHECK: call @kiln_uk_matmul_f32
func.func @batched_transposed(%a: memref<4x16x8xf32>, %b: memref<4x16x32xf32>, %c: memref<4x8x32xf32>) {
  %one = arith.constant 1.0 : f32
  linalg.fill ins(%one : f32) outs(%c : memref<4x8x32xf32>)
  linalg.generic {indexing_maps = [affine_map<(b, m, n, k) -> (b, k, m)>,
                                   affine_map<(b, m, n, k) -> (b, k, n)>,
                                   affine_map<(b, m, n, k) -> (b, m, n)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<4x16x8xf32>, memref<4x16x32xf32>) outs(%c : memref<4x8x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A convolution passes its strides and dilations.
// CHECK-LABEL: func.func @conv
// CHECK: %[[SH:.+]] = arith.constant 2 : i64
// CHECK: %[[SW:.+]] = arith.constant 2 : i64
// CHECK: %[[DH:.+]] = arith.constant 1 : i64
// CHECK: %[[DW:.+]] = arith.constant 1 : i64
// CHECK: %[[F:.+]] = arith.constant 1 : i64
// CHECK: call @kiln_uk_conv2d_nhwc_hwcf_f32(%{{.+}}, %{{.+}}, %{{.+}}, %[[SH]], %[[SW]], %[[DH]], %[[DW]], %[[F]])
// CHECK-NOT: @kiln_uk_matmul_f32
// CHECK: func.func private @kiln_uk_conv2d_nhwc_hwcf_f32
func.func @conv(%x: memref<1x9x9x3xf32>, %w: memref<3x3x3x8xf32>, %y: memref<1x4x4x8xf32>) {
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
    ins(%x, %w : memref<1x9x9x3xf32>, memref<3x3x3x8xf32>) outs(%y : memref<1x4x4x8xf32>)
  return
}

// -----

// Integer and mixed-precision contractions stay linalg (loops).
// CHECK-LABEL: func.func @integer_matmul
// CHECK: linalg.matmul
// CHECK-NOT: call
func.func @integer_matmul(%a: memref<4x4xi32>, %b: memref<4x4xi32>, %c: memref<4x4xi32>) {
  linalg.matmul ins(%a, %b : memref<4x4xi32>, memref<4x4xi32>) outs(%c : memref<4x4xi32>)
  return
}
