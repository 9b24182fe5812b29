// SPDX-License-Identifier: Apache-2.0
// RUN: kiln-opt %s -split-input-file --kiln-fuse-elementwise | FileCheck %s

#id = affine_map<(a, b, c, d) -> (a, b, c, d)>
#ch = affine_map<(a, b, c, d) -> (d)>

// An NHWC result taken to NCHW for a residual add and ReLU and back to
// NHWC (what an NCHW model's import leaves between two convolutions): the
// transposes become generics, fuse, and their maps compose to the
// identity: one NHWC generic.
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$CH:.+]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @transposes_cancel
// CHECK-NOT: linalg.transpose
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$CH]], #[[$ID]], #[[$ID]]]
// CHECK-SAME: ins(%arg0, %arg2, %arg1 :
// CHECK: arith.addf
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK-NOT: linalg.generic
func.func @transposes_cancel(%c: tensor<?x56x56x64xf32>, %r: tensor<?x56x56x64xf32>, %b: tensor<64xf32>) -> tensor<?x56x56x64xf32> {
  %c0 = arith.constant 0 : index
  %z = arith.constant 0.0 : f32
  %n = tensor.dim %c, %c0 : tensor<?x56x56x64xf32>
  %e1 = tensor.empty(%n) : tensor<?x56x56x64xf32>
  %ba = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %b : tensor<?x56x56x64xf32>, tensor<64xf32>) outs(%e1 : tensor<?x56x56x64xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<?x56x56x64xf32>
  %e2 = tensor.empty(%n) : tensor<?x64x56x56xf32>
  %t1 = linalg.transpose ins(%ba : tensor<?x56x56x64xf32>) outs(%e2 : tensor<?x64x56x56xf32>) permutation = [0, 3, 1, 2]
  %e3 = tensor.empty(%n) : tensor<?x64x56x56xf32>
  %t2 = linalg.transpose ins(%r : tensor<?x56x56x64xf32>) outs(%e3 : tensor<?x64x56x56xf32>) permutation = [0, 3, 1, 2]
  %e4 = tensor.empty(%n) : tensor<?x64x56x56xf32>
  %s = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%t1, %t2 : tensor<?x64x56x56xf32>, tensor<?x64x56x56xf32>) outs(%e4 : tensor<?x64x56x56xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %a = arith.addf %x, %y : f32
    %m = arith.maximumf %a, %z : f32
    linalg.yield %m : f32
  } -> tensor<?x64x56x56xf32>
  %e5 = tensor.empty(%n) : tensor<?x56x56x64xf32>
  %t3 = linalg.transpose ins(%s : tensor<?x64x56x56xf32>) outs(%e5 : tensor<?x56x56x64xf32>) permutation = [0, 2, 3, 1]
  return %t3 : tensor<?x56x56x64xf32>
}

// -----

#id = affine_map<(a, b, c, d) -> (a, b, c, d)>
#nchw = affine_map<(a, b, c, d) -> (a, d, b, c)>

// An NCHW result that two users read through the same transposition (the
// next block's input and its residual) is computed in NHWC: the users read
// it through the identity, and the body's linalg.index follows its loop
// (NCHW loop 1, the channel, is loop 3 of the NHWC order).
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$P:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d1, d2)>
// CHECK-LABEL: func.func @result_permuted_for_users
// CHECK: %[[R:.+]] = linalg.generic {indexing_maps = [#[[$P]], #[[$ID]]]
// CHECK-SAME: outs(%{{.+}} : tensor<2x5x5x3xf32>)
// CHECK: linalg.index 3 : index
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]]]
// CHECK-SAME: ins(%[[R]] :
// CHECK: math.exp
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]]]
// CHECK-SAME: ins(%[[R]] :
// CHECK: math.log
func.func @result_permuted_for_users(%x: tensor<2x3x5x5xf32>) -> (tensor<2x5x5x3xf32>, tensor<2x5x5x3xf32>) {
  %e = tensor.empty() : tensor<2x3x5x5xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<2x3x5x5xf32>) outs(%e : tensor<2x3x5x5xf32>) {
  ^bb0(%v: f32, %o: f32):
    %i = linalg.index 1 : index
    %k = arith.index_cast %i : index to i32
    %f = arith.sitofp %k : i32 to f32
    %s = arith.addf %v, %f : f32
    linalg.yield %s : f32
  } -> tensor<2x3x5x5xf32>
  %e2 = tensor.empty() : tensor<2x5x5x3xf32>
  %u = linalg.generic {indexing_maps = [#nchw, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%a : tensor<2x3x5x5xf32>) outs(%e2 : tensor<2x5x5x3xf32>) {
  ^bb0(%v: f32, %o: f32):
    %y = math.exp %v : f32
    linalg.yield %y : f32
  } -> tensor<2x5x5x3xf32>
  %w = linalg.generic {indexing_maps = [#nchw, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%a : tensor<2x3x5x5xf32>) outs(%e2 : tensor<2x5x5x3xf32>) {
  ^bb0(%v: f32, %o: f32):
    %y = math.log %v : f32
    linalg.yield %y : f32
  } -> tensor<2x5x5x3xf32>
  return %u, %w : tensor<2x5x5x3xf32>, tensor<2x5x5x3xf32>
}

// -----

// The backward pass's transposed weight feeding a matmul: the transpose
// becomes the product's map for B (a generic contraction reading W[n, k]);
// a transpose with a second user stays.
// CHECK-DAG: #[[$A:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[$BT:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[$C:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @transpose_into_matmul
// CHECK: linalg.generic {indexing_maps = [#[[$A]], #[[$BT]], #[[$C]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%arg0, %arg1 : tensor<?x10xf32>, tensor<128x10xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: %[[T:.+]] = linalg.generic
// CHECK: linalg.matmul ins(%arg0, %[[T]] :
// CHECK: return
func.func @transpose_into_matmul(%g: tensor<?x10xf32>, %w: tensor<128x10xf32>) -> (tensor<?x128xf32>, tensor<?x128xf32>, tensor<10x128xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %g, %c0 : tensor<?x10xf32>
  %e = tensor.empty() : tensor<10x128xf32>
  %t = linalg.transpose ins(%w : tensor<128x10xf32>) outs(%e : tensor<10x128xf32>) permutation = [1, 0]
  %o = tensor.empty(%n) : tensor<?x128xf32>
  %f = linalg.fill ins(%zero : f32) outs(%o : tensor<?x128xf32>) -> tensor<?x128xf32>
  %m = linalg.matmul ins(%g, %t : tensor<?x10xf32>, tensor<10x128xf32>) outs(%f : tensor<?x128xf32>) -> tensor<?x128xf32>
  %t2 = linalg.transpose ins(%w : tensor<128x10xf32>) outs(%e : tensor<10x128xf32>) permutation = [1, 0]
  %m2 = linalg.matmul ins(%g, %t2 : tensor<?x10xf32>, tensor<10x128xf32>) outs(%f : tensor<?x128xf32>) -> tensor<?x128xf32>
  return %m, %m2, %t2 : tensor<?x128xf32>, tensor<?x128xf32>, tensor<10x128xf32>
}
