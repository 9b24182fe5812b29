// SPDX-License-Identifier: Apache-2.0
// kiln-resolve-dims: sizes of tile-loop results, of linalg results and of
// tensor.empty all resolve to one `tensor.dim` of the function's argument.
// RUN: kiln-opt %s -pass-pipeline='builtin.module(func.func(kiln-resolve-dims,cse))' | FileCheck %s

// CHECK-LABEL: func.func @chain
// CHECK-SAME: (%[[A:.+]]: tensor<?x4xf32>)
// CHECK: %[[N:.+]] = tensor.dim %[[A]], %{{.+}} : tensor<?x4xf32>
// CHECK-NOT: tensor.dim
// CHECK: return %[[N]], %[[N]]
func.func @chain(%a: tensor<?x4xf32>) -> (index, index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = tensor.dim %a, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%n) : tensor<?x4xf32>
  // A tile loop nest over the rows and columns, shape-preserving.
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%x = %e) -> (tensor<?x4xf32>) {
    %c4 = arith.constant 4 : index
    %inner = scf.for %j = %c0 to %c4 step %c1 iter_args(%y = %x) -> (tensor<?x4xf32>) {
      %s = tensor.extract_slice %a[%i, %j] [1, 1] [1, 1] : tensor<?x4xf32> to tensor<1x1xf32>
      %w = tensor.insert_slice %s into %y[%i, %j] [1, 1] [1, 1] : tensor<1x1xf32> into tensor<?x4xf32>
      scf.yield %w : tensor<?x4xf32>
    }
    scf.yield %inner : tensor<?x4xf32>
  }
  // The next op's destination is sized from the loop's result.
  %m = tensor.dim %r, %c0 : tensor<?x4xf32>
  %e2 = tensor.empty(%m) : tensor<?x4xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%r : tensor<?x4xf32>) outs(%e2 : tensor<?x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<?x4xf32>
  %k = tensor.dim %g, %c0 : tensor<?x4xf32>
  return %m, %k : index, index
}
