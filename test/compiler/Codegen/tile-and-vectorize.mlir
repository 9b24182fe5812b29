// SPDX-License-Identifier: Apache-2.0
// RUN: kiln-opt %s -split-input-file --pass-pipeline="builtin.module(kiln-convert-to-linalg,linalg-fuse-elementwise-ops,func.func(kiln-cpu-tile-and-vectorize),canonicalize,cse)" | FileCheck %s

// An elementwise chain on a dynamic batch: one loop over rows, the row is
// vector work.
// CHECK-LABEL: func.func @elementwise_rows
// CHECK: scf.for
// CHECK: vector.transfer_read {{.+}} : tensor<1x10xf32>, vector<1x10xf32>
// CHECK: arith.addf {{.+}} : vector<1x10xf32>
// CHECK: arith.maximumf {{.+}} : vector<1x10xf32>
// CHECK: vector.transfer_write
func.func @elementwise_rows(%x: tensor<?x10xf32>, %b: tensor<10xf32>) -> tensor<?x10xf32> {
  %0 = kiln.add %x, %b : (tensor<?x10xf32>, tensor<10xf32>) -> tensor<?x10xf32>
  %1 = kiln.relu %0 : tensor<?x10xf32>
  return %1 : tensor<?x10xf32>
}

// -----

// A matmul and the zero fill of its output are left whole for
// kiln-cpu-lower-to-ukernels; the elementwise op that feeds it is tiled and
// vectorized on its own (not fused into the matmul).
// CHECK-LABEL: func.func @matmul_left_whole
// CHECK: scf.for
// CHECK: arith.maximumf {{.+}} : vector<1x16xf32>
// CHECK: linalg.fill
// CHECK-NEXT: linalg.matmul {{.+}} -> tensor<?x32xf32>
func.func @matmul_left_whole(%x: tensor<?x64xf32>, %w: tensor<64x32xf32>) -> tensor<?x32xf32> {
  %r = kiln.relu %x : tensor<?x64xf32>
  %0 = kiln.matmul %r, %w : (tensor<?x64xf32>, tensor<64x32xf32>) -> tensor<?x32xf32>
  return %0 : tensor<?x32xf32>
}

// -----

// i1 results are not vectorized (vector loads of i1 memory would read
// packed bits).
// CHECK-LABEL: func.func @bool_result_stays_scalar
// CHECK-NOT: vector.transfer_write
// CHECK: linalg.generic
func.func @bool_result_stays_scalar(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xi1> {
  %0 = kiln.compare lt, %a, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xi1>
  return %0 : tensor<?x4xi1>
}

// -----

// A max pooling tile (16 channels of one output pixel) is vectorized: the
// 3x3 window unrolled into nine channel-vector loads and maximums.
// CHECK-LABEL: func.func @max_pool_vectorized
// CHECK-NOT: linalg.pooling_nhwc_max
// CHECK-COUNT-9: arith.maximumf {{.+}} : vector<16xf32>
// CHECK: vector.transfer_write {{.+}} : vector<16xf32>, tensor<1x1x1x16xf32>
func.func @max_pool_vectorized(%x: tensor<?x9x9x32xf32>) -> tensor<?x4x4x32xf32> {
  %0 = kiln.max_pool %x {window = array<i64: 3, 3>, strides = array<i64: 2, 2>} : (tensor<?x9x9x32xf32>) -> tensor<?x4x4x32xf32>
  return %0 : tensor<?x4x4x32xf32>
}
