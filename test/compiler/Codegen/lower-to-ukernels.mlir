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
// CHECK: call @kiln_uk_matmul_f32(%[[A]], %[[B]], %[[C]], %[[LA]], %[[LB]], %[[LC]], %[[F]], {{.+}})
// CHECK-NOT: linalg.matmul
// CHECK: func.func private @kiln_uk_matmul_f32(memref<*xf32>, memref<*xf32>, memref<*xf32>, i64, i64, i64, i64, memref<*xf32>, memref<*xf32>, i64, i64, f32, f32)
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
// CHECK: %[[PT:.+]] = arith.constant 0 : i64
// CHECK: %[[PL:.+]] = arith.constant 0 : i64
// CHECK: %[[F:.+]] = arith.constant 1 : i64
// CHECK: call @kiln_uk_conv2d_nhwc_hwcf_f32(%{{.+}}, %{{.+}}, %{{.+}}, %[[SH]], %[[SW]], %[[DH]], %[[DW]], %[[PT]], %[[PL]], %[[F]], {{.+}})
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

// -----

// A convolution over the buffer that bufferization built for a zero
// tensor.pad reads the unpadded input, passing the padding (top 1, left 2):
// the padded buffer, its fill and its copy are gone. The output's zero
// fill, before the padded buffer was built, is dropped too (flags 0).
// CHECK-LABEL: func.func @padded_conv
// CHECK-NOT: memref.alloc(
// CHECK-NOT: memref.copy
// CHECK: %[[X:.+]] = memref.cast %arg0 : memref<?x8x8x16xf32> to memref<*xf32>
// CHECK-COUNT-4: arith.constant 1 : i64
// CHECK-NEXT: %[[T:.+]] = arith.constant 1 : i64
// CHECK-NEXT: %[[L:.+]] = arith.constant 2 : i64
// CHECK-NEXT: %[[F:.+]] = arith.constant 0 : i64
// CHECK: call @kiln_uk_conv2d_nhwc_hwcf_f32(%[[X]], %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %[[T]], %[[L]], %[[F]], {{.+}})
// CHECK-NOT: memref.dealloc
func.func @padded_conv(%x: memref<?x8x8x16xf32>, %w: memref<3x3x16x32xf32>, %y: memref<?x7x9x32xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = memref.dim %x, %c0 : memref<?x8x8x16xf32>
  linalg.fill ins(%zero : f32) outs(%y : memref<?x7x9x32xf32>)
  %p = memref.alloc(%n) {alignment = 64 : i64} : memref<?x9x11x16xf32>
  linalg.map outs(%p : memref<?x9x11x16xf32>)
    (%init: f32) {
      linalg.yield %zero : f32
    }
  %sv = memref.subview %p[0, 1, 2, 0] [%n, 8, 8, 16] [1, 1, 1, 1] : memref<?x9x11x16xf32> to memref<?x8x8x16xf32, strided<[1584, 176, 16, 1], offset: 208>>
  memref.copy %x, %sv : memref<?x8x8x16xf32> to memref<?x8x8x16xf32, strided<[1584, 176, 16, 1], offset: 208>>
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%p, %w : memref<?x9x11x16xf32>, memref<3x3x16x32xf32>) outs(%y : memref<?x7x9x32xf32>)
  memref.dealloc %p : memref<?x9x11x16xf32>
  return
}

// -----

// The padded buffer is also read elsewhere: it stays, and the call reads it
// (padding 0).
// CHECK-LABEL: func.func @padded_buffer_shared
// CHECK: memref.copy
// CHECK: call @kiln_uk_depthwise_conv2d_nhwc_hwcm_f32
// CHECK: memref.load
func.func @padded_buffer_shared(%x: memref<1x8x8x16xf32>, %w: memref<3x3x16x1xf32>, %y: memref<1x8x8x16x1xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %p = memref.alloc() : memref<1x10x10x16xf32>
  linalg.fill ins(%zero : f32) outs(%p : memref<1x10x10x16xf32>)
  %sv = memref.subview %p[0, 1, 1, 0] [1, 8, 8, 16] [1, 1, 1, 1] : memref<1x10x10x16xf32> to memref<1x8x8x16xf32, strided<[1600, 160, 16, 1], offset: 176>>
  memref.copy %x, %sv : memref<1x8x8x16xf32> to memref<1x8x8x16xf32, strided<[1600, 160, 16, 1], offset: 176>>
  linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%p, %w : memref<1x10x10x16xf32>, memref<3x3x16x1xf32>) outs(%y : memref<1x8x8x16x1xf32>)
  %v = memref.load %p[%c0, %c0, %c0, %c0] : memref<1x10x10x16xf32>
  return %v : f32
}

// -----

// B is a view of a constant global (an embedded weight): flag bit 1 lets the
// runtime keep its packed form (flags 2: overwrite, constant B).
// CHECK-LABEL: func.func @constant_weights
// CHECK: %[[F:.+]] = arith.constant 2 : i64
// CHECK: call @kiln_uk_matmul_f32(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %[[F]], {{.+}})
memref.global "private" constant @weights : memref<64x32xf32> = dense<1.0>
func.func @constant_weights(%a: memref<?x64xf32>, %c: memref<?x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %w = memref.get_global @weights : memref<64x32xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<?x32xf32>)
  linalg.matmul ins(%a, %w : memref<?x64xf32>, memref<64x32xf32>) outs(%c : memref<?x32xf32>)
  return
}

// -----

// An epilogue right after the convolution (kiln-cpu-fuse-epilogues: it
// updates the output in place) goes into the call: one addend, the bias,
// indexed by output dimension 3 (layout word 1 << 24), and a clamp to
// [0, 6]; flags 20 = overwrite | one addend (1 << 2) | clamp (16). The
// bias's get_global, after the kernel, moves before the fill.
// CHECK-LABEL: func.func @conv_bias_relu6
// CHECK: %[[BIAS:.+]] = memref.get_global @bias
// CHECK-NOT: linalg.fill
// CHECK: memref.alloca_scope
// CHECK: %[[OUT:.+]] = memref.cast %arg2
// CHECK: %[[E0:.+]] = memref.cast %[[BIAS]] : memref<8xf32> to memref<*xf32>
// CHECK: %[[E1:.+]] = memref.cast %arg2
// CHECK: %[[W0:.+]] = arith.constant 16777216 : i64
// CHECK: %[[W1:.+]] = arith.constant 0 : i64
// CHECK: %[[LO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[HI:.+]] = arith.constant 6.000000e+00 : f32
// CHECK: %[[F:.+]] = arith.constant 20 : i64
// CHECK: call @kiln_uk_conv2d_nhwc_hwcf_f32(%{{.+}}, %{{.+}}, %[[OUT]], {{.+}}, %[[F]], %[[E0]], %[[E1]], %[[W0]], %[[W1]], %[[LO]], %[[HI]])
// CHECK-NOT: linalg.generic
memref.global "private" constant @bias : memref<8xf32> = dense<0.5>
func.func @conv_bias_relu6(%x: memref<1x6x6x3xf32>, %w: memref<3x3x3x8xf32>, %y: memref<1x4x4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<1x4x4x8xf32>)
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x6x6x3xf32>, memref<3x3x3x8xf32>) outs(%y : memref<1x4x4x8xf32>)
  %b = memref.get_global @bias : memref<8xf32>
  linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%b : memref<8xf32>) outs(%y : memref<1x4x4x8xf32>) {
  ^bb0(%bias: f32, %acc: f32):
    %s = arith.addf %acc, %bias : f32
    %r = arith.maximumf %s, %zero : f32
    %c = arith.minimumf %r, %six : f32
    linalg.yield %c : f32
  }
  return
}

// -----

// A depthwise convolution's epilogue through the collapse of its unit
// multiplier, adding a residual (every output dimension: 0x04030201) and
// clamping below at 0 (hi stays +inf); flags 4 | 16 with accumulation (no
// fill): 21.
// CHECK-LABEL: func.func @depthwise_residual_relu
// CHECK: %[[W0:.+]] = arith.constant 67305985 : i64
// CHECK: %[[LO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[HI:.+]] = arith.constant 0x7F800000 : f32
// CHECK: %[[F:.+]] = arith.constant 21 : i64
// CHECK: call @kiln_uk_depthwise_conv2d_nhwc_hwcm_f32({{.+}}, %[[F]], %{{.+}}, %{{.+}}, %[[W0]], %{{.+}}, %[[LO]], %[[HI]])
// CHECK-NOT: linalg.generic
func.func @depthwise_residual_relu(%x: memref<1x10x10x16xf32>, %w: memref<3x3x16x1xf32>, %y: memref<1x8x8x16x1xf32>, %r: memref<1x8x8x16xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x10x10x16xf32>, memref<3x3x16x1xf32>) outs(%y : memref<1x8x8x16x1xf32>)
  %c = memref.collapse_shape %y [[0], [1], [2], [3, 4]] : memref<1x8x8x16x1xf32> into memref<1x8x8x16xf32>
  linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%r : memref<1x8x8x16xf32>) outs(%c : memref<1x8x8x16xf32>) {
  ^bb0(%res: f32, %acc: f32):
    %s = arith.addf %acc, %res : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  }
  return
}

// -----

// Something that writes memory between the kernel and its epilogue: the
// epilogue stays a generic (loops) and the call has none (flags 0).
// CHECK-LABEL: func.func @epilogue_not_adjacent
// CHECK: %[[F:.+]] = arith.constant 0 : i64
// CHECK: call @kiln_uk_matmul_f32({{.+}}, %[[F]], {{.+}})
// CHECK: memref.store
// CHECK: linalg.generic
func.func @epilogue_not_adjacent(%a: memref<4x8xf32>, %b: memref<8x16xf32>, %c: memref<4x16xf32>, %bias: memref<16xf32>, %z: memref<1xf32>) {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  linalg.fill ins(%zero : f32) outs(%c : memref<4x16xf32>)
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%c : memref<4x16xf32>)
  memref.store %zero, %z[%c0] : memref<1xf32>
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%bias : memref<16xf32>) outs(%c : memref<4x16xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %s = arith.addf %acc, %x : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Three kernels that shared a zero init tensor: bufferization filled one
// buffer, copied it into the first two outputs, and the third computes in
// the buffer itself. The copies and the fill are zero inits: every call
// overwrites (flags 0), and the fill is gone.
// CHECK-LABEL: func.func @shared_zero_init
// CHECK: %[[Z:.+]] = memref.alloc()
// CHECK-NOT: linalg.fill
// CHECK-NOT: memref.copy
// CHECK: %[[F:.+]] = arith.constant 0 : i64
// CHECK: call @kiln_uk_matmul_f32({{.+}}, %[[F]], {{.+}})
// CHECK: %[[F2:.+]] = arith.constant 0 : i64
// CHECK: call @kiln_uk_matmul_f32({{.+}}, %[[F2]], {{.+}})
// CHECK: %[[F3:.+]] = arith.constant 0 : i64
// CHECK: call @kiln_uk_matmul_f32({{.+}}, %[[F3]], {{.+}})
// CHECK: memref.copy %[[Z]], %arg4
func.func @shared_zero_init(%a: memref<4x8xf32>, %b: memref<8x16xf32>, %c1: memref<4x16xf32>, %c2: memref<4x16xf32>, %c3: memref<4x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %z = memref.alloc() : memref<4x16xf32>
  linalg.fill ins(%zero : f32) outs(%z : memref<4x16xf32>)
  memref.copy %z, %c1 : memref<4x16xf32> to memref<4x16xf32>
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%c1 : memref<4x16xf32>)
  memref.copy %z, %c2 : memref<4x16xf32> to memref<4x16xf32>
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%c2 : memref<4x16xf32>)
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%z : memref<4x16xf32>)
  memref.copy %z, %c3 : memref<4x16xf32> to memref<4x16xf32>
  memref.dealloc %z : memref<4x16xf32>
  return
}
