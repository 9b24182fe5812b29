// SPDX-License-Identifier: Apache-2.0
// RUN: kiln-opt %s -split-input-file -kiln-convert-to-linalg | FileCheck %s
// RUN: kiln-opt %s -split-input-file -kiln-convert-to-linalg | FileCheck %s --check-prefix=NOKILN

// Every kiln op in this file lowers.
// NOKILN-NOT: kiln.

// CHECK-LABEL: func.func @conv_2d_stride_padding
// CHECK-SAME: (%[[X:.+]]: tensor<?x8x8x3xf32>, %[[W:.+]]: tensor<3x3x3x16xf32>)
// CHECK: %[[ZERO:.+]] = arith.constant 0.0
// CHECK: %[[PAD:.+]] = tensor.pad %[[X]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: tensor.yield %[[ZERO]]
// CHECK: } : tensor<?x8x8x3xf32> to tensor<?x10x10x3xf32>
// CHECK: %[[INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<?x4x4x16xf32>)
// CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// CHECK-SAME: ins(%[[PAD]], %[[W]] : tensor<?x10x10x3xf32>, tensor<3x3x3x16xf32>) outs(%[[INIT]] : tensor<?x4x4x16xf32>)
func.func @conv_2d_stride_padding(%x: tensor<?x8x8x3xf32>, %w: tensor<3x3x3x16xf32>) -> tensor<?x4x4x16xf32> {
  %0 = kiln.conv %x, %w {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>}
      : (tensor<?x8x8x3xf32>, tensor<3x3x3x16xf32>) -> tensor<?x4x4x16xf32>
  return %0 : tensor<?x4x4x16xf32>
}

// -----

// Without padding the input feeds the convolution directly.
// CHECK-LABEL: func.func @conv_1d_dilated
// CHECK-SAME: (%[[X:.+]]: tensor<?x10x4xf32>, %[[W:.+]]: tensor<3x4x8xf32>)
// CHECK-NOT: tensor.pad
// CHECK: linalg.conv_1d_nwc_wcf {dilations = dense<2> : tensor<1xi64>, strides = dense<1> : tensor<1xi64>}
// CHECK-SAME: ins(%[[X]], %[[W]] : tensor<?x10x4xf32>, tensor<3x4x8xf32>) outs(%{{.+}} : tensor<?x6x8xf32>)
func.func @conv_1d_dilated(%x: tensor<?x10x4xf32>, %w: tensor<3x4x8xf32>) -> tensor<?x6x8xf32> {
  %0 = kiln.conv %x, %w {dilations = array<i64: 2>} : (tensor<?x10x4xf32>, tensor<3x4x8xf32>) -> tensor<?x6x8xf32>
  return %0 : tensor<?x6x8xf32>
}

// -----

// CHECK-LABEL: func.func @conv_3d
// CHECK: tensor.pad %{{.+}} low[0, 0, 1, 1, 0] high[0, 1, 1, 1, 0]
// CHECK: linalg.conv_3d_ndhwc_dhwcf
// CHECK-SAME: outs(%{{.+}} : tensor<?x4x4x4x8xf32>)
func.func @conv_3d(%x: tensor<?x4x4x4x2xf32>, %w: tensor<2x3x3x2x8xf32>) -> tensor<?x4x4x4x8xf32> {
  %0 = kiln.conv %x, %w {padding = array<i64: 0, 1, 1, 1, 1, 1>}
      : (tensor<?x4x4x4x2xf32>, tensor<2x3x3x2x8xf32>) -> tensor<?x4x4x4x8xf32>
  return %0 : tensor<?x4x4x4x8xf32>
}

// -----

// groups == in_channels: the filter [3, 3, 1, 8] becomes [3, 3, 4, 2] and
// the [..., 4, 2] result merges back to 8 channels.
// CHECK-LABEL: func.func @conv_depthwise
// CHECK-SAME: (%[[X:.+]]: tensor<?x8x8x4xf32>, %[[W:.+]]: tensor<3x3x1x8xf32>)
// CHECK: %[[INIT:.+]] = linalg.fill {{.+}} -> tensor<?x6x6x4x2xf32>
// CHECK: %[[FLAT:.+]] = tensor.collapse_shape %[[W]] {{\[}}[0], [1], [2, 3]] : tensor<3x3x1x8xf32> into tensor<3x3x8xf32>
// CHECK: %[[HWCM:.+]] = tensor.expand_shape %[[FLAT]] {{\[}}[0], [1], [2, 3]] output_shape [3, 3, 4, 2] : tensor<3x3x8xf32> into tensor<3x3x4x2xf32>
// CHECK: %[[DW:.+]] = linalg.depthwise_conv_2d_nhwc_hwcm
// CHECK-SAME: ins(%[[X]], %[[HWCM]] : tensor<?x8x8x4xf32>, tensor<3x3x4x2xf32>) outs(%[[INIT]] : tensor<?x6x6x4x2xf32>)
// CHECK: tensor.collapse_shape %[[DW]] {{\[}}[0], [1], [2], [3, 4]] : tensor<?x6x6x4x2xf32> into tensor<?x6x6x8xf32>
func.func @conv_depthwise(%x: tensor<?x8x8x4xf32>, %w: tensor<3x3x1x8xf32>) -> tensor<?x6x6x8xf32> {
  %0 = kiln.conv %x, %w {groups = 4 : i64} : (tensor<?x8x8x4xf32>, tensor<3x3x1x8xf32>) -> tensor<?x6x6x8xf32>
  return %0 : tensor<?x6x6x8xf32>
}

// -----

// Other group counts: channels split into [groups, per group] on both sides.
// Loops: (batch, out, group, out channel, window, in channel).
// CHECK-DAG: #[[$IN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 2 + d4, d2, d5)>
// CHECK-DAG: #[[$FILTER:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5, d2, d3)>
// CHECK-DAG: #[[$OUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @conv_grouped
// CHECK-SAME: (%[[X:.+]]: tensor<?x8x4xf32>, %[[W:.+]]: tensor<3x2x6xf32>)
// CHECK: %[[GX:.+]] = tensor.expand_shape %[[X]] {{\[}}[0], [1], [2, 3]] {{.+}} into tensor<?x8x2x2xf32>
// CHECK: %[[GW:.+]] = tensor.expand_shape %[[W]] {{\[}}[0], [1], [2, 3]] {{.+}} into tensor<3x2x2x3xf32>
// CHECK: %[[G:.+]] = linalg.generic {indexing_maps = [#[[$IN]], #[[$FILTER]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: ins(%[[GX]], %[[GW]] : tensor<?x8x2x2xf32>, tensor<3x2x2x3xf32>) outs(%{{.+}} : tensor<?x3x2x3xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: tensor.collapse_shape %[[G]] {{\[}}[0], [1], [2, 3]] : tensor<?x3x2x3xf32> into tensor<?x3x6xf32>
func.func @conv_grouped(%x: tensor<?x8x4xf32>, %w: tensor<3x2x6xf32>) -> tensor<?x3x6xf32> {
  %0 = kiln.conv %x, %w {groups = 2 : i64, strides = array<i64: 2>} : (tensor<?x8x4xf32>, tensor<3x2x6xf32>) -> tensor<?x3x6xf32>
  return %0 : tensor<?x3x6xf32>
}

// -----

// The input is spread by the stride into a zero tensor padded by
// k - 1 - low = 2 before and k - 1 - high = 1 after, then correlated with the
// filter reversed and transposed to [3, 3, 8, 4].
// CHECK-DAG: #[[$REVERSE:.+]] = affine_map<(d0, d1, d2, d3) -> (-d0 + 2, -d1 + 2, d3, d2)>
// CHECK-LABEL: func.func @conv_transpose_stride_2
// CHECK-SAME: (%[[X:.+]]: tensor<?x4x4x8xf32>, %[[W:.+]]: tensor<3x3x4x8xf32>)
// CHECK: %[[ZEROS:.+]] = linalg.fill {{.+}} -> tensor<?x10x10x8xf32>
// CHECK: %[[SPREAD:.+]] = tensor.insert_slice %[[X]] into %[[ZEROS]][0, 2, 2, 0] [%{{.+}}, 4, 4, 8] [1, 2, 2, 1]
// CHECK: %[[FLIP:.+]] = linalg.generic {indexing_maps = [#[[$REVERSE]], #{{.+}}]
// CHECK-SAME: ins(%[[W]] : tensor<3x3x4x8xf32>) outs(%{{.+}} : tensor<3x3x8x4xf32>)
// CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
// CHECK-SAME: ins(%[[SPREAD]], %[[FLIP]] : tensor<?x10x10x8xf32>, tensor<3x3x8x4xf32>) outs(%{{.+}} : tensor<?x8x8x4xf32>)
func.func @conv_transpose_stride_2(%x: tensor<?x4x4x8xf32>, %w: tensor<3x3x4x8xf32>) -> tensor<?x8x8x4xf32> {
  %0 = kiln.conv_transpose %x, %w {strides = array<i64: 2, 2>, padding = array<i64: 0, 1, 0, 1>}
      : (tensor<?x4x4x8xf32>, tensor<3x3x4x8xf32>) -> tensor<?x8x8x4xf32>
  return %0 : tensor<?x8x8x4xf32>
}

// -----

// Cropping more than k - 1 slices the input instead of padding it; two
// groups of one channel make the convolution depthwise.
// CHECK-LABEL: func.func @conv_transpose_crop_groups
// CHECK: %[[SPREAD:.+]] = tensor.insert_slice %{{.+}} into %{{.+}}[0, 0, 2, 0] [%{{.+}}, 5, 5, 2] [1, 1, 1, 1] : tensor<?x5x5x2xf32> into tensor<?x5x9x2xf32>
// CHECK: %[[CROP:.+]] = tensor.extract_slice %[[SPREAD]][0, 1, 0, 0] [%{{.+}}, 3, 9, 2] [1, 1, 1, 1] : tensor<?x5x9x2xf32> to tensor<?x3x9x2xf32>
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.+}} : tensor<3x3x1x2x2xf32>)
// CHECK: linalg.depthwise_conv_2d_nhwc_hwcm
// CHECK-SAME: ins(%[[CROP]], %{{.+}} : tensor<?x3x9x2xf32>, tensor<3x3x2x2xf32>)
func.func @conv_transpose_crop_groups(%x: tensor<?x5x5x2xf32>, %w: tensor<3x3x2x2xf32>) -> tensor<?x1x7x4xf32> {
  %0 = kiln.conv_transpose %x, %w {padding = array<i64: 3, 3, 0, 0>, groups = 2 : i64}
      : (tensor<?x5x5x2xf32>, tensor<3x3x2x2xf32>) -> tensor<?x1x7x4xf32>
  return %0 : tensor<?x1x7x4xf32>
}

// -----

// Padding with -inf keeps padded elements out of the maximum.
// CHECK-LABEL: func.func @max_pool_padding
// CHECK: %[[NEG_INF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: %[[PAD:.+]] = tensor.pad %{{.+}} low[0, 1, 1, 0] high[0, 0, 0, 0]
// CHECK: tensor.yield %[[NEG_INF]]
// CHECK: %[[INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<?x4x4x16xf32>)
// CHECK: %[[WINDOW:.+]] = tensor.empty() : tensor<3x3xf32>
// CHECK: linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// CHECK-SAME: ins(%[[PAD]], %[[WINDOW]] : tensor<?x9x9x16xf32>, tensor<3x3xf32>) outs(%[[INIT]] : tensor<?x4x4x16xf32>)
func.func @max_pool_padding(%x: tensor<?x8x8x16xf32>) -> tensor<?x4x4x16xf32> {
  %0 = kiln.max_pool %x {window = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 0, 1, 0>}
      : (tensor<?x8x8x16xf32>) -> tensor<?x4x4x16xf32>
  return %0 : tensor<?x4x4x16xf32>
}

// -----

// CHECK-LABEL: func.func @max_pool_1d_and_3d
// CHECK: linalg.pooling_nwc_max
// CHECK: linalg.pooling_ndhwc_max
func.func @max_pool_1d_and_3d(%x: tensor<?x8x4xf32>, %y: tensor<?x4x4x4x2xf32>) -> (tensor<?x4x4xf32>, tensor<?x2x2x2x2xf32>) {
  %0 = kiln.max_pool %x {window = array<i64: 2>, strides = array<i64: 2>} : (tensor<?x8x4xf32>) -> tensor<?x4x4xf32>
  %1 = kiln.max_pool %y {window = array<i64: 2, 2, 2>, strides = array<i64: 2, 2, 2>} : (tensor<?x4x4x4x2xf32>) -> tensor<?x2x2x2x2xf32>
  return %0, %1 : tensor<?x4x4xf32>, tensor<?x2x2x2x2xf32>
}

// -----

// count_include_pad divides by the window size.
// CHECK-LABEL: func.func @avg_pool_count_include_pad
// CHECK: tensor.pad
// CHECK: %[[SUM:.+]] = linalg.pooling_nhwc_sum
// CHECK: linalg.generic {{.+}} ins(%[[SUM]] : tensor<?x4x4x16xf32>)
// CHECK: %[[NINE:.+]] = arith.constant 9.0
// CHECK: arith.divf %{{.+}}, %[[NINE]] : f32
func.func @avg_pool_count_include_pad(%x: tensor<?x8x8x16xf32>) -> tensor<?x4x4x16xf32> {
  %0 = kiln.avg_pool %x {window = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 0, 1, 0>, count_include_pad = true}
      : (tensor<?x8x8x16xf32>) -> tensor<?x4x4x16xf32>
  return %0 : tensor<?x4x4x16xf32>
}

// -----

// Otherwise each output divides by its count of real elements, computed
// from its position.
// CHECK-LABEL: func.func @avg_pool_exclude_pad
// CHECK: %[[SUM:.+]] = linalg.pooling_nhwc_sum
// CHECK: linalg.generic {{.+}} ins(%[[SUM]] : tensor<?x4x4x16xf32>)
// CHECK: linalg.index 1 : index
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: linalg.index 2 : index
// CHECK: %[[COUNT:.+]] = arith.sitofp %{{.+}} : i64 to f32
// CHECK: arith.divf %{{.+}}, %[[COUNT]] : f32
func.func @avg_pool_exclude_pad(%x: tensor<?x8x8x16xf32>) -> tensor<?x4x4x16xf32> {
  %0 = kiln.avg_pool %x {window = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 0, 1, 0>}
      : (tensor<?x8x8x16xf32>) -> tensor<?x4x4x16xf32>
  return %0 : tensor<?x4x4x16xf32>
}

// -----

// CHECK-DAG: #[[$ID4:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[$FEATURE:.+]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @batch_norm_inference
// CHECK-SAME: (%[[X:.+]]: tensor<?x8x8x16xf32>, %[[G:.+]]: tensor<16xf32>, %[[B:.+]]: tensor<16xf32>, %[[M:.+]]: tensor<16xf32>, %[[V:.+]]: tensor<16xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[$ID4]], #[[$FEATURE]], #[[$FEATURE]], #[[$FEATURE]], #[[$FEATURE]], #[[$ID4]]]
// CHECK-SAME: ins(%[[X]], %[[M]], %[[V]], %[[G]], %[[B]] :
// CHECK: arith.subf
// CHECK: arith.addf
// CHECK: math.sqrt
// CHECK: arith.mulf
// CHECK: arith.divf
// CHECK: arith.addf
func.func @batch_norm_inference(%x: tensor<?x8x8x16xf32>, %g: tensor<16xf32>, %b: tensor<16xf32>, %m: tensor<16xf32>, %v: tensor<16xf32>) -> tensor<?x8x8x16xf32> {
  %0 = kiln.batch_norm_inference %x, %g, %b, %m, %v {epsilon = 1.0e-3 : f64, feature_axis = 3 : i64}
      : (tensor<?x8x8x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<?x8x8x16xf32>
  return %0 : tensor<?x8x8x16xf32>
}

// -----

// Mean and biased variance reduce every axis but the feature axis.
// CHECK-DAG: #[[$ID2:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$COL:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @batch_norm_training
// CHECK-SAME: (%[[X:.+]]: tensor<?x16xf32>, %[[G:.+]]: tensor<16xf32>, %[[B:.+]]: tensor<16xf32>)
// CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[$ID2]], #[[$COL]]], iterator_types = ["reduction", "parallel"]} ins(%[[X]] : tensor<?x16xf32>)
// CHECK: %[[MEAN:.+]] = linalg.generic {{.+}} ins(%[[SUM]] : tensor<16xf32>)
// CHECK: arith.divf
// CHECK: %[[SQ:.+]] = linalg.generic {indexing_maps = [#[[$ID2]], #[[$COL]], #[[$COL]]], iterator_types = ["reduction", "parallel"]} ins(%[[X]], %[[MEAN]] : tensor<?x16xf32>, tensor<16xf32>)
// CHECK: %[[VAR:.+]] = linalg.generic {{.+}} ins(%[[SQ]] : tensor<16xf32>)
// CHECK: %[[Y:.+]] = linalg.generic {{.+}} ins(%[[X]], %[[MEAN]], %[[VAR]], %[[G]], %[[B]] :
// CHECK: return %[[Y]], %[[MEAN]], %[[VAR]] : tensor<?x16xf32>, tensor<16xf32>, tensor<16xf32>
func.func @batch_norm_training(%x: tensor<?x16xf32>, %g: tensor<16xf32>, %b: tensor<16xf32>) -> (tensor<?x16xf32>, tensor<16xf32>, tensor<16xf32>) {
  %y, %mean, %var = kiln.batch_norm_training %x, %g, %b {epsilon = 1.0e-3 : f64, feature_axis = 1 : i64}
      : (tensor<?x16xf32>, tensor<16xf32>, tensor<16xf32>) -> (tensor<?x16xf32>, tensor<16xf32>, tensor<16xf32>)
  return %y, %mean, %var : tensor<?x16xf32>, tensor<16xf32>, tensor<16xf32>
}

// -----

// scale and offset follow the order of `axes` ([2, 1] here).
// CHECK-DAG: #[[$ID3:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$ROW:.+]] = affine_map<(d0, d1, d2) -> (d0)>
// CHECK-DAG: #[[$PARAM:.+]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-LABEL: func.func @layer_norm_two_axes
// CHECK-SAME: (%[[X:.+]]: tensor<?x16x64xf32>, %[[G:.+]]: tensor<64x16xf32>, %[[B:.+]]: tensor<64x16xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[$ID3]], #[[$ROW]]], iterator_types = ["parallel", "reduction", "reduction"]}
// CHECK: linalg.generic {indexing_maps = [#[[$ID3]], #[[$ROW]], #[[$ROW]]], iterator_types = ["parallel", "reduction", "reduction"]}
// CHECK: linalg.generic {indexing_maps = [#[[$ID3]], #[[$ROW]], #[[$ROW]], #[[$PARAM]], #[[$PARAM]], #[[$ID3]]]
// CHECK-SAME: ins(%[[X]], %{{.+}}, %{{.+}}, %[[G]], %[[B]] :
func.func @layer_norm_two_axes(%x: tensor<?x16x64xf32>, %g: tensor<64x16xf32>, %b: tensor<64x16xf32>) -> tensor<?x16x64xf32> {
  %0 = kiln.layer_norm %x, %g, %b {axes = array<i64: 2, 1>, epsilon = 1.0e-3 : f64}
      : (tensor<?x16x64xf32>, tensor<64x16xf32>, tensor<64x16xf32>) -> tensor<?x16x64xf32>
  return %0 : tensor<?x16x64xf32>
}

// -----

// CHECK-LABEL: func.func @dropout_identity
// CHECK-SAME: (%[[X:.+]]: tensor<?x128xf32>)
// CHECK-NEXT: return %[[X]], %[[X]]
func.func @dropout_identity(%x: tensor<?x128xf32>) -> (tensor<?x128xf32>, tensor<?x128xf32>) {
  %0 = kiln.dropout %x {rate = 0.5 : f64, training = false} : (tensor<?x128xf32>) -> tensor<?x128xf32>
  %1 = kiln.dropout %x {rate = 0.0 : f64, training = true} : (tensor<?x128xf32>) -> tensor<?x128xf32>
  return %0, %1 : tensor<?x128xf32>, tensor<?x128xf32>
}

// -----

// The step offset feeds the key; dimension 1 (noise_shape 1) does not feed
// the position, so the mask is shared along it. rate = 0.25 keeps elements
// whose top 32 hash bits are at least 2^30, scaled by 4/3.
// CHECK-LABEL: func.func @dropout_training
// CHECK-SAME: (%[[X:.+]]: tensor<?x8x8xf32>, %[[STEP:.+]]: tensor<i64>)
// CHECK: %[[S:.+]] = tensor.extract %[[STEP]][] : tensor<i64>
// CHECK: arith.xori %[[S]]
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[X]] : tensor<?x8x8xf32>)
// CHECK: linalg.index 0 : index
// CHECK-NOT: linalg.index 1
// CHECK: linalg.index 2 : index
// CHECK: arith.shrui
// CHECK: %[[THRESHOLD:.+]] = arith.constant 1073741824 : i64
// CHECK: %[[KEEP:.+]] = arith.cmpi uge, %{{.+}}, %[[THRESHOLD]] : i64
// CHECK: %[[SCALE:.+]] = arith.constant 1.33333337 : f32
// CHECK: %[[SCALED:.+]] = arith.mulf %{{.+}}, %[[SCALE]] : f32
// CHECK: arith.select %[[KEEP]], %[[SCALED]], %{{.+}} : f32
func.func @dropout_training(%x: tensor<?x8x8xf32>, %step: tensor<i64>) -> tensor<?x8x8xf32> {
  %0 = kiln.dropout %x offset %step {rate = 0.25 : f64, seed = 42 : i64, training = true, noise_shape = array<i64: 4, 1, 8>}
      : (tensor<?x8x8xf32>, tensor<i64>) -> tensor<?x8x8xf32>
  return %0 : tensor<?x8x8xf32>
}

// -----

// log-sum-exp from a max and a shifted exp-sum, then sum(labels * (lse - x)).
// CHECK-LABEL: func.func @softmax_cross_entropy
// CHECK-SAME: (%[[L:.+]]: tensor<?x10xf32>, %[[Y:.+]]: tensor<?x10xf32>)
// CHECK: %[[MAX:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "reduction"]} ins(%[[L]] : tensor<?x10xf32>)
// CHECK: arith.maximumf
// CHECK: %[[SUM:.+]] = linalg.generic {{.+}} ins(%[[L]], %[[MAX]] : tensor<?x10xf32>, tensor<?xf32>)
// CHECK: math.exp
// CHECK: %[[LSE:.+]] = linalg.generic {{.+}} ins(%[[MAX]], %[[SUM]] : tensor<?xf32>, tensor<?xf32>)
// CHECK: math.log
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "reduction"]} ins(%[[L]], %[[Y]], %[[LSE]] : tensor<?x10xf32>, tensor<?x10xf32>, tensor<?xf32>)
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @softmax_cross_entropy(%logits: tensor<?x10xf32>, %labels: tensor<?x10xf32>) -> tensor<?xf32> {
  %0 = kiln.softmax_cross_entropy %logits, %labels {axis = 1 : i64} : (tensor<?x10xf32>, tensor<?x10xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// The label's logit is read with a clamped index; out-of-range labels give NaN.
// CHECK-LABEL: func.func @sparse_softmax_cross_entropy
// CHECK-SAME: (%[[L:.+]]: tensor<?x10xf32>, %[[Y:.+]]: tensor<?xi32>)
// CHECK: %[[LSE:.+]] = linalg.generic {{.+}} ins(%{{.+}}, %{{.+}} : tensor<?xf32>, tensor<?xf32>)
// CHECK: linalg.generic {{.+}} ins(%[[Y]], %[[LSE]] : tensor<?xi32>, tensor<?xf32>)
// CHECK: %[[LABEL:.+]] = arith.index_cast %{{.+}} : i32 to index
// CHECK: %[[VALID:.+]] = arith.andi
// CHECK: %[[ROW:.+]] = linalg.index 0 : index
// CHECK: %[[CLAMPED:.+]] = arith.select %[[VALID]], %[[LABEL]], %{{.+}} : index
// CHECK: %[[LOGIT:.+]] = tensor.extract %[[L]][%[[ROW]], %[[CLAMPED]]] : tensor<?x10xf32>
// CHECK: %[[LOSS:.+]] = arith.subf %{{.+}}, %[[LOGIT]] : f32
// CHECK: %[[NAN:.+]] = arith.constant 0x7FC00000 : f32
// CHECK: arith.select %[[VALID]], %[[LOSS]], %[[NAN]] : f32
func.func @sparse_softmax_cross_entropy(%logits: tensor<?x10xf32>, %labels: tensor<?xi32>) -> tensor<?xf32> {
  %0 = kiln.sparse_softmax_cross_entropy %logits, %labels : (tensor<?x10xf32>, tensor<?xi32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}
