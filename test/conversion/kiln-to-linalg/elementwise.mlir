// SPDX-License-Identifier: Apache-2.0
// RUN: kiln-opt %s -split-input-file -kiln-convert-to-linalg | FileCheck %s

// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @add_broadcast_dynamic_batch
// CHECK-SAME: (%[[X:.+]]: tensor<?x4xf32>, %[[B:.+]]: tensor<4xf32>)
// CHECK: %[[D:.+]] = tensor.dim %[[X]], %{{.+}} : tensor<?x4xf32>
// CHECK: %[[E:.+]] = tensor.empty(%[[D]]) : tensor<?x4xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[X]], %[[B]] : tensor<?x4xf32>, tensor<4xf32>) outs(%[[E]] : tensor<?x4xf32>)
// CHECK: arith.addf
// CHECK-NOT: kiln.
func.func @add_broadcast_dynamic_batch(%x: tensor<?x4xf32>, %b: tensor<4xf32>) -> tensor<?x4xf32> {
  %0 = kiln.add %x, %b : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// A static 1 stretches: its map reads index 0.
// CHECK-DAG: #[[$ZERO:.+]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-LABEL: func.func @compare_stretch
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[$ZERO]], #{{.+}}]
// CHECK: arith.cmpf olt
func.func @compare_stretch(%a: tensor<3x4xf32>, %b: tensor<1x4xf32>) -> tensor<3x4xi1> {
  %0 = kiln.compare lt, %a, %b : (tensor<3x4xf32>, tensor<1x4xf32>) -> tensor<3x4xi1>
  return %0 : tensor<3x4xi1>
}

// -----

// CHECK-LABEL: func.func @matmul_dense
// CHECK: linalg.fill
// CHECK: linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<?x784xf32>, tensor<784x128xf32>)
func.func @matmul_dense(%x: tensor<?x784xf32>, %w: tensor<784x128xf32>) -> tensor<?x128xf32> {
  %0 = kiln.matmul %x, %w : (tensor<?x784xf32>, tensor<784x128xf32>) -> tensor<?x128xf32>
  return %0 : tensor<?x128xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_sum_keep_dims
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.addf
// CHECK: tensor.expand_shape {{.+}} : tensor<?xf32> into tensor<?x1xf32>
func.func @reduce_sum_keep_dims(%x: tensor<?x10xf32>) -> tensor<?x1xf32> {
  %0 = kiln.reduce_sum %x {axes = array<i64: 1>, keep_dims = true} : (tensor<?x10xf32>) -> tensor<?x1xf32>
  return %0 : tensor<?x1xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_flatten
// CHECK: tensor.collapse_shape
// CHECK: tensor.expand_shape {{.+}} : tensor<?xf32> into tensor<?x64xf32>
func.func @reshape_flatten(%x: tensor<?x8x8x1xf32>) -> tensor<?x64xf32> {
  %0 = kiln.reshape %x {shape = array<i64: -1, 64>} : (tensor<?x8x8x1xf32>) -> tensor<?x64xf32>
  return %0 : tensor<?x64xf32>
}

// -----

// Dynamic sizes of different symbols (kiln.dim_symbols, set by the ONNX
// importer) may broadcast at run time: the result takes the larger size (0
// when one is 0), and each such operand is read with tensor.extract at index
// 0 where its size is 1, clamped into range otherwise. Sizes of one symbol
// keep the plain lowering.
// CHECK-LABEL: func.func @runtime_broadcast
// CHECK-SAME: (%[[A:.+]]: tensor<?x4xf32>, %[[B:.+]]: tensor<?x4xf32>)
// CHECK-NOT: kiln.dim_symbols
// CHECK: %[[MAX:.+]] = arith.maxui
// CHECK: %[[MIN:.+]] = arith.minui
// CHECK: %[[ZERO:.+]] = arith.cmpi eq, %[[MIN]]
// CHECK: %[[SIZE:.+]] = arith.select %[[ZERO]], %{{.+}}, %[[MAX]]
// CHECK: tensor.empty(%[[SIZE]]) : tensor<?x4xf32>
// CHECK: linalg.generic {{.+}} outs(
// CHECK: linalg.index 0
// CHECK: arith.minsi
// CHECK: arith.select
// CHECK: tensor.extract %[[A]]
// CHECK: tensor.extract %[[B]]
// CHECK: arith.addf
// CHECK-LABEL: func.func @same_symbol
// CHECK-NOT: tensor.extract
// CHECK: linalg.generic {{.+}} ins(
func.func @runtime_broadcast(%a: tensor<?x4xf32> {kiln.dim_symbols = ["a.0", ""]}, %b: tensor<?x4xf32> {kiln.dim_symbols = ["b.0", ""]}) -> tensor<?x4xf32> {
  %0 = kiln.add %a, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
func.func @same_symbol(%a: tensor<?x4xf32> {kiln.dim_symbols = ["n", ""]}, %b: tensor<?x4xf32> {kiln.dim_symbols = ["n", ""]}) -> tensor<?x4xf32> {
  %0 = kiln.add %a, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
