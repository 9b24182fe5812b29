// RUN: kiln-opt %s -split-input-file -verify-diagnostics

// Negative tests for the kiln dialect: one case per verifier rule. Shape-rule
// failures (ShapeInference.cpp) report the rule's message at the op, followed
// by the generic "failed to infer returned types" from InferTypeOpInterface;
// ODS constraints and op verifiers report a single 'kiln.<op>' op error.

//===----------------------------------------------------------------------===//
// Elementwise ops: broadcasting, inferred result types, op verifiers
//===----------------------------------------------------------------------===//

func.func @broadcast_incompatible_dims(%a: tensor<?x4xf32>, %b: tensor<?x5xf32>) -> tensor<?x4xf32> {
  // expected-error @+2 {{shapes [?, 4] and [?, 5] are not broadcast-compatible: dimension 4 vs 5}}
  // expected-error @+1 {{'kiln.add' op failed to infer returned types}}
  %0 = kiln.add %a, %b : (tensor<?x4xf32>, tensor<?x5xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @broadcast_incompatible_dims_three_operands(%c: tensor<?x1xi1>, %a: tensor<8x3xf32>, %b: tensor<?x4xf32>) -> tensor<8x3xf32> {
  // expected-error @+2 {{shapes [8, 3] and [?, 4] are not broadcast-compatible: dimension 3 vs 4}}
  // expected-error @+1 {{'kiln.select' op failed to infer returned types}}
  %0 = kiln.select %c, %a, %b : (tensor<?x1xi1>, tensor<8x3xf32>, tensor<?x4xf32>) -> tensor<8x3xf32>
  return %0 : tensor<8x3xf32>
}

// -----

func.func @inferred_type_incompatible(%a: tensor<?x4xf32>, %b: tensor<4xf32>) -> tensor<?x5xf32> {
  // expected-error @+2 {{'kiln.add' op inferred type(s) 'tensor<?x4xf32>' are incompatible with return type(s) of operation 'tensor<?x5xf32>'}}
  // expected-error @+1 {{'kiln.add' op failed to infer returned types}}
  %0 = kiln.add %a, %b : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// -----

func.func @inferred_rank_incompatible(%a: tensor<?x4xf32>, %b: tensor<4xf32>) -> tensor<?x1x4xf32> {
  // expected-error @+2 {{'kiln.mul' op inferred type(s) 'tensor<?x4xf32>' are incompatible with return type(s) of operation 'tensor<?x1x4xf32>'}}
  // expected-error @+1 {{'kiln.mul' op failed to infer returned types}}
  %0 = kiln.mul %a, %b : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x1x4xf32>
  return %0 : tensor<?x1x4xf32>
}

// -----

func.func @select_element_types_differ(%c: tensor<?x4xi1>, %a: tensor<?x4xf32>, %b: tensor<?x4xi32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'kiln.select' op on_true and on_false must have the same element type, got 'f32' and 'i32'}}
  %0 = kiln.select %c, %a, %b : (tensor<?x4xi1>, tensor<?x4xf32>, tensor<?x4xi32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @clamp_min_greater_than_max(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'kiln.clamp' op min 6.000000e+00 is greater than max 5.000000e-01}}
  %0 = kiln.clamp %x {min = 6.0 : f64, max = 0.5 : f64} : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// ODS type constraints
//===----------------------------------------------------------------------===//

func.func @exp_integer_operand(%x: tensor<?x4xi32>) -> tensor<?x4xi32> {
  // expected-error @+1 {{'kiln.exp' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<?x4xi32>'}}
  %0 = kiln.exp %x : tensor<?x4xi32>
  return %0 : tensor<?x4xi32>
}

// -----

func.func @and_float_operand(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'kiln.and' op operand #0 must be ranked tensor of 1-bit signless integer values, but got 'tensor<?x4xf32>'}}
  %0 = kiln.and %a, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @compare_result_not_i1(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'kiln.compare' op result #0 must be ranked tensor of 1-bit signless integer values, but got 'tensor<?x4xf32>'}}
  %0 = kiln.compare lt, %a, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @add_element_types_differ(%a: tensor<?x4xf32>, %b: tensor<?x4xf16>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'kiln.add' op requires the same element type for all operands}}
  %0 = kiln.add %a, %b : (tensor<?x4xf32>, tensor<?x4xf16>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @matmul_result_element_type_differs(%x: tensor<?x784xf32>, %w: tensor<784x128xf32>) -> tensor<?x128xf16> {
  // expected-error @+1 {{'kiln.matmul' op requires the same element type for all operands and results}}
  %0 = kiln.matmul %x, %w : (tensor<?x784xf32>, tensor<784x128xf32>) -> tensor<?x128xf16>
  return %0 : tensor<?x128xf16>
}

// -----

func.func @softmax_unranked_operand(%x: tensor<*xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{'kiln.softmax' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<*xf32>'}}
  %0 = kiln.softmax %x {axis = 1 : i64} : (tensor<*xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @sparse_softmax_cross_entropy_float_labels(%logits: tensor<?x10xf32>, %labels: tensor<?xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{'kiln.sparse_softmax_cross_entropy' op operand #1 must be ranked tensor of 32/64-bit signless integer values, but got 'tensor<?xf32>'}}
  %0 = kiln.sparse_softmax_cross_entropy %logits, %labels : (tensor<?x10xf32>, tensor<?xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @gather_float_indices(%table: tensor<1000x64xf32>, %ids: tensor<?x16xf32>) -> tensor<?x16x64xf32> {
  // expected-error @+1 {{'kiln.gather' op operand #1 must be ranked tensor of 32/64-bit signless integer values, but got 'tensor<?x16xf32>'}}
  %0 = kiln.gather %table, %ids {axis = 0 : i64} : (tensor<1000x64xf32>, tensor<?x16xf32>) -> tensor<?x16x64xf32>
  return %0 : tensor<?x16x64xf32>
}

// -----

func.func @dropout_offset_not_i64_scalar(%x: tensor<?x128xf32>, %step: tensor<1xi64>) -> tensor<?x128xf32> {
  // expected-error @+1 {{'kiln.dropout' op operand #1 must be 0D tensor of 64-bit signless integer values, but got 'tensor<1xi64>'}}
  %0 = kiln.dropout %x offset %step {rate = 0.5 : f64, seed = 42 : i64, training = true} : (tensor<?x128xf32>, tensor<1xi64>) -> tensor<?x128xf32>
  return %0 : tensor<?x128xf32>
}

// -----

func.func @leaky_relu_missing_alpha(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'kiln.leaky_relu' op requires attribute 'alpha'}}
  %0 = kiln.leaky_relu %x : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @constant_non_tensor_value() -> tensor<4xf32> {
  // expected-error @+1 {{value must be a statically shaped tensor}}
  %0 = kiln.constant dense<1.0> : vector<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @cast_shape_mismatch(%labels: tensor<?x10xi32>) -> tensor<?x1xi64> {
  // expected-error @+1 {{'kiln.cast' op requires the same shape for all operands and results}}
  %0 = kiln.cast %labels : tensor<?x10xi32> to tensor<?x1xi64>
  return %0 : tensor<?x1xi64>
}

// -----

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

func.func @matmul_rank_too_low(%x: tensor<784xf32>, %w: tensor<784x128xf32>) -> tensor<128xf32> {
  // expected-error @+2 {{matmul operands must have rank 2 or more, got [784] and [784, 128]}}
  // expected-error @+1 {{'kiln.matmul' op failed to infer returned types}}
  %0 = kiln.matmul %x, %w : (tensor<784xf32>, tensor<784x128xf32>) -> tensor<128xf32>
  return %0 : tensor<128xf32>
}

// -----

func.func @matmul_contracting_mismatch(%x: tensor<?x784xf32>, %w: tensor<128x10xf32>) -> tensor<?x10xf32> {
  // expected-error @+2 {{contracting dimensions differ: lhs [?, 784] has 784, rhs [128, 10] has 128}}
  // expected-error @+1 {{'kiln.matmul' op failed to infer returned types}}
  %0 = kiln.matmul %x, %w : (tensor<?x784xf32>, tensor<128x10xf32>) -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

func.func @matmul_batch_broadcast_mismatch(%a: tensor<2x?x16x64xf32>, %b: tensor<3x?x64x16xf32>) -> tensor<2x?x16x16xf32> {
  // expected-error @+2 {{shapes [2, ?] and [3, ?] are not broadcast-compatible: dimension 2 vs 3}}
  // expected-error @+1 {{'kiln.matmul' op failed to infer returned types}}
  %0 = kiln.matmul %a, %b : (tensor<2x?x16x64xf32>, tensor<3x?x64x16xf32>) -> tensor<2x?x16x16xf32>
  return %0 : tensor<2x?x16x16xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

func.func @conv_input_rank(%x: tensor<?x1x28x28x1x1xf32>, %w: tensor<1x3x3x1x1x16xf32>) -> tensor<?x1x26x26x1x16xf32> {
  // expected-error @+2 {{expected input of rank 3 to 5 ([batch, spatial..., channels]), got [?, 1, 28, 28, 1, 1]}}
  // expected-error @+1 {{'kiln.conv' op failed to infer returned types}}
  %0 = kiln.conv %x, %w : (tensor<?x1x28x28x1x1xf32>, tensor<1x3x3x1x1x16xf32>) -> tensor<?x1x26x26x1x16xf32>
  return %0 : tensor<?x1x26x26x1x16xf32>
}

// -----

func.func @conv_filter_rank(%x: tensor<?x28x28x1xf32>, %w: tensor<3x1x16xf32>) -> tensor<?x26x26x16xf32> {
  // expected-error @+2 {{filter [3, 1, 16] must have the input's rank 4 ([spatial..., in_channels / groups, out_channels])}}
  // expected-error @+1 {{'kiln.conv' op failed to infer returned types}}
  %0 = kiln.conv %x, %w : (tensor<?x28x28x1xf32>, tensor<3x1x16xf32>) -> tensor<?x26x26x16xf32>
  return %0 : tensor<?x26x26x16xf32>
}

// -----

func.func @conv_strides_count(%x: tensor<?x28x28x1xf32>, %w: tensor<3x3x1x16xf32>) -> tensor<?x13x13x16xf32> {
  // expected-error @+2 {{expected 2 strides values (one per spatial dimension), got 1}}
  // expected-error @+1 {{'kiln.conv' op failed to infer returned types}}
  %0 = kiln.conv %x, %w {strides = array<i64: 2>} : (tensor<?x28x28x1xf32>, tensor<3x3x1x16xf32>) -> tensor<?x13x13x16xf32>
  return %0 : tensor<?x13x13x16xf32>
}

// -----

func.func @conv_strides_minimum(%x: tensor<?x28x28x1xf32>, %w: tensor<3x3x1x16xf32>) -> tensor<?x26x26x16xf32> {
  // expected-error @+2 {{strides [0, 1] must all be in [1, 2147483647]}}
  // expected-error @+1 {{'kiln.conv' op failed to infer returned types}}
  %0 = kiln.conv %x, %w {strides = array<i64: 0, 1>} : (tensor<?x28x28x1xf32>, tensor<3x3x1x16xf32>) -> tensor<?x26x26x16xf32>
  return %0 : tensor<?x26x26x16xf32>
}

// -----

func.func @conv_dilations_count(%x: tensor<?x28x28x1xf32>, %w: tensor<3x3x1x16xf32>) -> tensor<?x24x24x16xf32> {
  // expected-error @+2 {{expected 2 dilations values (one per spatial dimension), got 3}}
  // expected-error @+1 {{'kiln.conv' op failed to infer returned types}}
  %0 = kiln.conv %x, %w {dilations = array<i64: 2, 2, 2>} : (tensor<?x28x28x1xf32>, tensor<3x3x1x16xf32>) -> tensor<?x24x24x16xf32>
  return %0 : tensor<?x24x24x16xf32>
}

// -----

func.func @conv_dilations_minimum(%x: tensor<?x28x28x1xf32>, %w: tensor<3x3x1x16xf32>) -> tensor<?x26x26x16xf32> {
  // expected-error @+2 {{dilations [1, 0] must all be in [1, 2147483647]}}
  // expected-error @+1 {{'kiln.conv' op failed to infer returned types}}
  %0 = kiln.conv %x, %w {dilations = array<i64: 1, 0>} : (tensor<?x28x28x1xf32>, tensor<3x3x1x16xf32>) -> tensor<?x26x26x16xf32>
  return %0 : tensor<?x26x26x16xf32>
}

// -----

func.func @conv_padding_count(%x: tensor<?x28x28x1xf32>, %w: tensor<3x3x1x16xf32>) -> tensor<?x28x28x16xf32> {
  // expected-error @+2 {{expected 4 padding values (a low, high pair per spatial dimension), got 2}}
  // expected-error @+1 {{'kiln.conv' op failed to infer returned types}}
  %0 = kiln.conv %x, %w {padding = array<i64: 1, 1>} : (tensor<?x28x28x1xf32>, tensor<3x3x1x16xf32>) -> tensor<?x28x28x16xf32>
  return %0 : tensor<?x28x28x16xf32>
}

// -----

func.func @conv_padding_negative(%x: tensor<?x28x28x1xf32>, %w: tensor<3x3x1x16xf32>) -> tensor<?x26x26x16xf32> {
  // expected-error @+2 {{padding [1, -1, 0, 0] must all be in [0, 2147483647]}}
  // expected-error @+1 {{'kiln.conv' op failed to infer returned types}}
  %0 = kiln.conv %x, %w {padding = array<i64: 1, -1, 0, 0>} : (tensor<?x28x28x1xf32>, tensor<3x3x1x16xf32>) -> tensor<?x26x26x16xf32>
  return %0 : tensor<?x26x26x16xf32>
}

// -----

func.func @conv_groups_less_than_one(%x: tensor<?x28x28x8xf32>, %w: tensor<3x3x8x16xf32>) -> tensor<?x26x26x16xf32> {
  // expected-error @+2 {{groups must be in [1, 2147483647], got 0}}
  // expected-error @+1 {{'kiln.conv' op failed to infer returned types}}
  %0 = kiln.conv %x, %w {groups = 0 : i64} : (tensor<?x28x28x8xf32>, tensor<3x3x8x16xf32>) -> tensor<?x26x26x16xf32>
  return %0 : tensor<?x26x26x16xf32>
}

// -----

func.func @conv_groups_channels(%x: tensor<?x28x28x8xf32>, %w: tensor<3x3x3x16xf32>) -> tensor<?x26x26x16xf32> {
  // expected-error @+2 {{input has 8 channels but the filter expects 3 x 2 groups = 6}}
  // expected-error @+1 {{'kiln.conv' op failed to infer returned types}}
  %0 = kiln.conv %x, %w {groups = 2 : i64} : (tensor<?x28x28x8xf32>, tensor<3x3x3x16xf32>) -> tensor<?x26x26x16xf32>
  return %0 : tensor<?x26x26x16xf32>
}

// -----

func.func @conv_out_channels_not_divisible_by_groups(%x: tensor<?x28x28x8xf32>, %w: tensor<3x3x2x6xf32>) -> tensor<?x26x26x6xf32> {
  // expected-error @+2 {{output channels 6 are not divisible by groups 4}}
  // expected-error @+1 {{'kiln.conv' op failed to infer returned types}}
  %0 = kiln.conv %x, %w {groups = 4 : i64} : (tensor<?x28x28x8xf32>, tensor<3x3x2x6xf32>) -> tensor<?x26x26x6xf32>
  return %0 : tensor<?x26x26x6xf32>
}

// -----

func.func @conv_window_does_not_fit(%x: tensor<?x4x4x1xf32>, %w: tensor<3x3x1x16xf32>) -> tensor<?x?x?x16xf32> {
  // expected-error @+2 {{window of size 3 with dilation 2 does not fit spatial dimension 0 of size 4 with padding (0, 0)}}
  // expected-error @+1 {{'kiln.conv' op failed to infer returned types}}
  %0 = kiln.conv %x, %w {dilations = array<i64: 2, 2>} : (tensor<?x4x4x1xf32>, tensor<3x3x1x16xf32>) -> tensor<?x?x?x16xf32>
  return %0 : tensor<?x?x?x16xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Transposed convolution
//===----------------------------------------------------------------------===//

func.func @conv_transpose_input_rank(%x: tensor<?x8xf32>, %w: tensor<3x4x8xf32>) -> tensor<?x?x4xf32> {
  // expected-error @+2 {{expected input of rank 3 to 5 ([batch, spatial..., channels]), got [?, 8]}}
  // expected-error @+1 {{'kiln.conv_transpose' op failed to infer returned types}}
  %0 = kiln.conv_transpose %x, %w : (tensor<?x8xf32>, tensor<3x4x8xf32>) -> tensor<?x?x4xf32>
  return %0 : tensor<?x?x4xf32>
}

// -----

func.func @conv_transpose_filter_rank(%x: tensor<?x4x4x8xf32>, %w: tensor<3x3x3x4x8xf32>) -> tensor<?x6x6x4xf32> {
  // expected-error @+2 {{filter [3, 3, 3, 4, 8] must have the input's rank 4 ([spatial..., out_channels / groups, in_channels])}}
  // expected-error @+1 {{'kiln.conv_transpose' op failed to infer returned types}}
  %0 = kiln.conv_transpose %x, %w : (tensor<?x4x4x8xf32>, tensor<3x3x3x4x8xf32>) -> tensor<?x6x6x4xf32>
  return %0 : tensor<?x6x6x4xf32>
}

// -----

func.func @conv_transpose_groups_less_than_one(%x: tensor<?x4x4x8xf32>, %w: tensor<3x3x4x8xf32>) -> tensor<?x6x6x4xf32> {
  // expected-error @+2 {{groups must be in [1, 2147483647], got -1}}
  // expected-error @+1 {{'kiln.conv_transpose' op failed to infer returned types}}
  %0 = kiln.conv_transpose %x, %w {groups = -1 : i64} : (tensor<?x4x4x8xf32>, tensor<3x3x4x8xf32>) -> tensor<?x6x6x4xf32>
  return %0 : tensor<?x6x6x4xf32>
}

// -----

func.func @conv_transpose_channels(%x: tensor<?x4x4x8xf32>, %w: tensor<3x3x4x16xf32>) -> tensor<?x6x6x4xf32> {
  // expected-error @+2 {{input has 8 channels but the filter expects 16}}
  // expected-error @+1 {{'kiln.conv_transpose' op failed to infer returned types}}
  %0 = kiln.conv_transpose %x, %w : (tensor<?x4x4x8xf32>, tensor<3x3x4x16xf32>) -> tensor<?x6x6x4xf32>
  return %0 : tensor<?x6x6x4xf32>
}

// -----

func.func @conv_transpose_in_channels_not_divisible_by_groups(%x: tensor<?x4x4x6xf32>, %w: tensor<3x3x4x6xf32>) -> tensor<?x6x6x16xf32> {
  // expected-error @+2 {{input channels 6 are not divisible by groups 4}}
  // expected-error @+1 {{'kiln.conv_transpose' op failed to infer returned types}}
  %0 = kiln.conv_transpose %x, %w {groups = 4 : i64} : (tensor<?x4x4x6xf32>, tensor<3x3x4x6xf32>) -> tensor<?x6x6x16xf32>
  return %0 : tensor<?x6x6x16xf32>
}

// -----

func.func @conv_transpose_output_padding_count(%x: tensor<?x4x4x8xf32>, %w: tensor<3x3x4x8xf32>) -> tensor<?x10x10x4xf32> {
  // expected-error @+2 {{expected 2 output_padding values (one per spatial dimension), got 1}}
  // expected-error @+1 {{'kiln.conv_transpose' op failed to infer returned types}}
  %0 = kiln.conv_transpose %x, %w {strides = array<i64: 2, 2>, output_padding = array<i64: 1>} : (tensor<?x4x4x8xf32>, tensor<3x3x4x8xf32>) -> tensor<?x10x10x4xf32>
  return %0 : tensor<?x10x10x4xf32>
}

// -----

func.func @conv_transpose_output_padding_negative(%x: tensor<?x4x4x8xf32>, %w: tensor<3x3x4x8xf32>) -> tensor<?x9x9x4xf32> {
  // expected-error @+2 {{output_padding [-1, 0] must all be in [0, 2147483647]}}
  // expected-error @+1 {{'kiln.conv_transpose' op failed to infer returned types}}
  %0 = kiln.conv_transpose %x, %w {strides = array<i64: 2, 2>, output_padding = array<i64: -1, 0>} : (tensor<?x4x4x8xf32>, tensor<3x3x4x8xf32>) -> tensor<?x9x9x4xf32>
  return %0 : tensor<?x9x9x4xf32>
}

// -----

func.func @conv_transpose_output_padding_bound(%x: tensor<?x4x4x8xf32>, %w: tensor<3x3x4x8xf32>) -> tensor<?x11x9x4xf32> {
  // expected-error @+2 {{output_padding 2 must be smaller than the stride 2 or the dilation 1}}
  // expected-error @+1 {{'kiln.conv_transpose' op failed to infer returned types}}
  %0 = kiln.conv_transpose %x, %w {strides = array<i64: 2, 2>, output_padding = array<i64: 2, 0>} : (tensor<?x4x4x8xf32>, tensor<3x3x4x8xf32>) -> tensor<?x11x9x4xf32>
  return %0 : tensor<?x11x9x4xf32>
}

// -----

func.func @conv_transpose_padding_leaves_no_output(%x: tensor<?x1x4x8xf32>, %w: tensor<1x3x4x8xf32>) -> tensor<?x1x6x4xf32> {
  // expected-error @+2 {{padding (1, 0) leaves no output in spatial dimension 0}}
  // expected-error @+1 {{'kiln.conv_transpose' op failed to infer returned types}}
  %0 = kiln.conv_transpose %x, %w {padding = array<i64: 1, 0, 0, 0>} : (tensor<?x1x4x8xf32>, tensor<1x3x4x8xf32>) -> tensor<?x1x6x4xf32>
  return %0 : tensor<?x1x6x4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

func.func @pool_input_rank(%x: tensor<?x16xf32>) -> tensor<?x16xf32> {
  // expected-error @+2 {{expected input of rank 3 to 5 ([batch, spatial..., channels]), got [?, 16]}}
  // expected-error @+1 {{'kiln.max_pool' op failed to infer returned types}}
  %0 = kiln.max_pool %x {window = array<i64: 2>} : (tensor<?x16xf32>) -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}

// -----

func.func @pool_window_count(%x: tensor<?x28x28x16xf32>) -> tensor<?x14x14x16xf32> {
  // expected-error @+2 {{expected 2 window values (one per spatial dimension), got 1}}
  // expected-error @+1 {{'kiln.max_pool' op failed to infer returned types}}
  %0 = kiln.max_pool %x {window = array<i64: 2>, strides = array<i64: 2, 2>} : (tensor<?x28x28x16xf32>) -> tensor<?x14x14x16xf32>
  return %0 : tensor<?x14x14x16xf32>
}

// -----

func.func @pool_window_minimum(%x: tensor<?x28x28x16xf32>) -> tensor<?x14x14x16xf32> {
  // expected-error @+2 {{window [0, 2] must all be at least 1}}
  // expected-error @+1 {{'kiln.max_pool' op failed to infer returned types}}
  %0 = kiln.max_pool %x {window = array<i64: 0, 2>, strides = array<i64: 2, 2>} : (tensor<?x28x28x16xf32>) -> tensor<?x14x14x16xf32>
  return %0 : tensor<?x14x14x16xf32>
}

// -----

func.func @pool_strides_count(%x: tensor<?x28x28x16xf32>) -> tensor<?x14x14x16xf32> {
  // expected-error @+2 {{expected 2 strides values (one per spatial dimension), got 3}}
  // expected-error @+1 {{'kiln.avg_pool' op failed to infer returned types}}
  %0 = kiln.avg_pool %x {window = array<i64: 2, 2>, strides = array<i64: 2, 2, 2>} : (tensor<?x28x28x16xf32>) -> tensor<?x14x14x16xf32>
  return %0 : tensor<?x14x14x16xf32>
}

// -----

func.func @pool_strides_minimum(%x: tensor<?x28x28x16xf32>) -> tensor<?x14x14x16xf32> {
  // expected-error @+2 {{strides [2, -2] must all be in [1, 2147483647]}}
  // expected-error @+1 {{'kiln.avg_pool' op failed to infer returned types}}
  %0 = kiln.avg_pool %x {window = array<i64: 2, 2>, strides = array<i64: 2, -2>} : (tensor<?x28x28x16xf32>) -> tensor<?x14x14x16xf32>
  return %0 : tensor<?x14x14x16xf32>
}

// -----

func.func @pool_dilations_count(%x: tensor<?x32x16xf32>) -> tensor<?x30x16xf32> {
  // expected-error @+2 {{expected 1 dilations values (one per spatial dimension), got 2}}
  // expected-error @+1 {{'kiln.max_pool' op failed to infer returned types}}
  %0 = kiln.max_pool %x {window = array<i64: 2>, dilations = array<i64: 2, 2>} : (tensor<?x32x16xf32>) -> tensor<?x30x16xf32>
  return %0 : tensor<?x30x16xf32>
}

// -----

func.func @pool_padding_count(%x: tensor<?x28x28x16xf32>) -> tensor<?x14x14x16xf32> {
  // expected-error @+2 {{expected 4 padding values (a low, high pair per spatial dimension), got 2}}
  // expected-error @+1 {{'kiln.max_pool' op failed to infer returned types}}
  %0 = kiln.max_pool %x {window = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0>} : (tensor<?x28x28x16xf32>) -> tensor<?x14x14x16xf32>
  return %0 : tensor<?x14x14x16xf32>
}

// -----

func.func @pool_padding_negative(%x: tensor<?x28x28x16xf32>) -> tensor<?x14x14x16xf32> {
  // expected-error @+2 {{padding [0, 0, -1, 0] must all be in [0, 2147483647]}}
  // expected-error @+1 {{'kiln.max_pool' op failed to infer returned types}}
  %0 = kiln.max_pool %x {window = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 0, 0, -1, 0>} : (tensor<?x28x28x16xf32>) -> tensor<?x14x14x16xf32>
  return %0 : tensor<?x14x14x16xf32>
}

// -----

func.func @pool_padding_not_smaller_than_window(%x: tensor<?x28x28x16xf32>) -> tensor<?x15x14x16xf32> {
  // expected-error @+2 {{padding (2, 0) must be smaller than the window 2}}
  // expected-error @+1 {{'kiln.max_pool' op failed to infer returned types}}
  %0 = kiln.max_pool %x {window = array<i64: 2, 2>, strides = array<i64: 2, 2>, padding = array<i64: 2, 0, 0, 0>} : (tensor<?x28x28x16xf32>) -> tensor<?x15x14x16xf32>
  return %0 : tensor<?x15x14x16xf32>
}

// -----

func.func @pool_window_does_not_fit(%x: tensor<?x2x2x16xf32>) -> tensor<?x?x?x16xf32> {
  // expected-error @+2 {{window of size 3 with dilation 1 does not fit spatial dimension 0 of size 2 with padding (0, 0)}}
  // expected-error @+1 {{'kiln.avg_pool' op failed to infer returned types}}
  %0 = kiln.avg_pool %x {window = array<i64: 3, 3>} : (tensor<?x2x2x16xf32>) -> tensor<?x?x?x16xf32>
  return %0 : tensor<?x?x?x16xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

func.func @reduce_axes_out_of_range(%x: tensor<?x10xf32>) -> tensor<?xf32> {
  // expected-error @+2 {{axes 2 is out of range for rank 2 (expected [0, 2))}}
  // expected-error @+1 {{'kiln.reduce_sum' op failed to infer returned types}}
  %0 = kiln.reduce_sum %x {axes = array<i64: 2>} : (tensor<?x10xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @reduce_axes_negative(%x: tensor<?x10xf32>) -> tensor<?xf32> {
  // expected-error @+2 {{axes -1 is out of range for rank 2 (expected [0, 2))}}
  // expected-error @+1 {{'kiln.reduce_max' op failed to infer returned types}}
  %0 = kiln.reduce_max %x {axes = array<i64: -1>} : (tensor<?x10xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @reduce_axes_repeated(%x: tensor<?x8x8x16xf32>) -> tensor<?x8x16xf32> {
  // expected-error @+2 {{axes [1, 1] repeat axis 1}}
  // expected-error @+1 {{'kiln.reduce_mean' op failed to infer returned types}}
  %0 = kiln.reduce_mean %x {axes = array<i64: 1, 1>} : (tensor<?x8x8x16xf32>) -> tensor<?x8x16xf32>
  return %0 : tensor<?x8x16xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Reshape and transpose
//===----------------------------------------------------------------------===//

func.func @reshape_count_mismatch(%x: tensor<8x8x3xf32>) -> tensor<8x25xf32> {
  // expected-error @+2 {{cannot reshape [8, 8, 3] (192 elements) to [8, 25] (200 elements)}}
  // expected-error @+1 {{'kiln.reshape' op failed to infer returned types}}
  %0 = kiln.reshape %x {shape = array<i64: 8, 25>} : (tensor<8x8x3xf32>) -> tensor<8x25xf32>
  return %0 : tensor<8x25xf32>
}

// -----

func.func @reshape_two_inferred(%x: tensor<?x8x8x1xf32>) -> tensor<?x?xf32> {
  // expected-error @+2 {{shape [-1, -1] has more than one -1}}
  // expected-error @+1 {{'kiln.reshape' op failed to infer returned types}}
  %0 = kiln.reshape %x {shape = array<i64: -1, -1>} : (tensor<?x8x8x1xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @reshape_negative_size(%x: tensor<?x8x8x1xf32>) -> tensor<?x64xf32> {
  // expected-error @+2 {{shape [-2, 64] has a negative size other than -1}}
  // expected-error @+1 {{'kiln.reshape' op failed to infer returned types}}
  %0 = kiln.reshape %x {shape = array<i64: -2, 64>} : (tensor<?x8x8x1xf32>) -> tensor<?x64xf32>
  return %0 : tensor<?x64xf32>
}

// -----

func.func @reshape_not_a_multiple(%x: tensor<8x8x3xf32>) -> tensor<?x5xf32> {
  // expected-error @+2 {{cannot reshape [8, 8, 3] (192 elements) to [-1, 5]: 192 is not a multiple of 5}}
  // expected-error @+1 {{'kiln.reshape' op failed to infer returned types}}
  %0 = kiln.reshape %x {shape = array<i64: -1, 5>} : (tensor<8x8x3xf32>) -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// -----

func.func @transpose_permutation_length(%x: tensor<?x16x64xf32>) -> tensor<16x?xf32> {
  // expected-error @+2 {{permutation [1, 0] must have one entry per dimension of [?, 16, 64]}}
  // expected-error @+1 {{'kiln.transpose' op failed to infer returned types}}
  %0 = kiln.transpose %x {permutation = array<i64: 1, 0>} : (tensor<?x16x64xf32>) -> tensor<16x?xf32>
  return %0 : tensor<16x?xf32>
}

// -----

func.func @transpose_permutation_repeat(%x: tensor<?x16x64xf32>) -> tensor<?x?x16xf32> {
  // expected-error @+2 {{permutation [0, 0, 1] repeat axis 0}}
  // expected-error @+1 {{'kiln.transpose' op failed to infer returned types}}
  %0 = kiln.transpose %x {permutation = array<i64: 0, 0, 1>} : (tensor<?x16x64xf32>) -> tensor<?x?x16xf32>
  return %0 : tensor<?x?x16xf32>
}

// -----

func.func @transpose_permutation_out_of_range(%x: tensor<?x16x64xf32>) -> tensor<?x64x16xf32> {
  // expected-error @+2 {{permutation 3 is out of range for rank 3 (expected [0, 3))}}
  // expected-error @+1 {{'kiln.transpose' op failed to infer returned types}}
  %0 = kiln.transpose %x {permutation = array<i64: 0, 3, 1>} : (tensor<?x16x64xf32>) -> tensor<?x64x16xf32>
  return %0 : tensor<?x64x16xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Concat and slice
//===----------------------------------------------------------------------===//

func.func @concat_rank_mismatch(%a: tensor<?x4xf32>, %b: tensor<?x6x1xf32>) -> tensor<?x10xf32> {
  // expected-error @+2 {{input 1 has rank 3 but input 0 has rank 2}}
  // expected-error @+1 {{'kiln.concat' op failed to infer returned types}}
  %0 = kiln.concat %a, %b {axis = 1 : i64} : (tensor<?x4xf32>, tensor<?x6x1xf32>) -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

func.func @concat_dimension_mismatch(%a: tensor<?x16x4xf32>, %b: tensor<?x8x6xf32>) -> tensor<?x16x10xf32> {
  // expected-error @+2 {{input 1 [?, 8, 6] differs from input 0 [?, 16, 4] in dimension 1 (only the concatenation axis 2 may differ)}}
  // expected-error @+1 {{'kiln.concat' op failed to infer returned types}}
  %0 = kiln.concat %a, %b {axis = 2 : i64} : (tensor<?x16x4xf32>, tensor<?x8x6xf32>) -> tensor<?x16x10xf32>
  return %0 : tensor<?x16x10xf32>
}

// -----

func.func @concat_axis_out_of_range(%a: tensor<?x4xf32>, %b: tensor<?x6xf32>) -> tensor<?x10xf32> {
  // expected-error @+2 {{axis 2 is out of range for rank 2 (expected [0, 2))}}
  // expected-error @+1 {{'kiln.concat' op failed to infer returned types}}
  %0 = kiln.concat %a, %b {axis = 2 : i64} : (tensor<?x4xf32>, tensor<?x6xf32>) -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

func.func @slice_length_mismatch(%x: tensor<?x10xf32>) -> tensor<?x8xf32> {
  // expected-error @+2 {{axes, starts, ends and steps must have the same length, got 1, 2, 1 and 1}}
  // expected-error @+1 {{'kiln.slice' op failed to infer returned types}}
  %0 = kiln.slice %x {axes = array<i64: 1>, starts = array<i64: 0, 1>, ends = array<i64: -1>, steps = array<i64: 1>} : (tensor<?x10xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @slice_non_positive_step(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  // expected-error @+2 {{step -1 for axis 1 must be in [1, 2147483647]}}
  // expected-error @+1 {{'kiln.slice' op failed to infer returned types}}
  %0 = kiln.slice %x {axes = array<i64: 1>, starts = array<i64: -1>, ends = array<i64: 0>, steps = array<i64: -1>} : (tensor<?x10xf32>) -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

func.func @slice_axis_out_of_range(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  // expected-error @+2 {{axes 2 is out of range for rank 2 (expected [0, 2))}}
  // expected-error @+1 {{'kiln.slice' op failed to infer returned types}}
  %0 = kiln.slice %x {axes = array<i64: 2>, starts = array<i64: 1>, ends = array<i64: -1>, steps = array<i64: 1>} : (tensor<?x10xf32>) -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

func.func @slice_axes_repeated(%x: tensor<?x10xf32>) -> tensor<?x8xf32> {
  // expected-error @+2 {{axes [1, 1] repeat axis 1}}
  // expected-error @+1 {{'kiln.slice' op failed to infer returned types}}
  %0 = kiln.slice %x {axes = array<i64: 1, 1>, starts = array<i64: 1, 0>, ends = array<i64: -1, 8>, steps = array<i64: 1, 1>} : (tensor<?x10xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Pad, gather, broadcast_to
//===----------------------------------------------------------------------===//

func.func @pad_low_high_lengths(%x: tensor<?x8x8x3xf32>) -> tensor<?x10x10x3xf32> {
  // expected-error @+2 {{low and high must have one entry per dimension of [?, 8, 8, 3], got 2 and 4}}
  // expected-error @+1 {{'kiln.pad' op failed to infer returned types}}
  %0 = kiln.pad %x {low = array<i64: 1, 1>, high = array<i64: 0, 1, 1, 0>} : (tensor<?x8x8x3xf32>) -> tensor<?x10x10x3xf32>
  return %0 : tensor<?x10x10x3xf32>
}

// -----

func.func @pad_negative(%x: tensor<?x8x8x3xf32>) -> tensor<?x8x10x3xf32> {
  // expected-error @+2 {{padding of dimension 1 (-1, 1) must be in [0, 2147483647]}}
  // expected-error @+1 {{'kiln.pad' op failed to infer returned types}}
  %0 = kiln.pad %x {low = array<i64: 0, -1, 1, 0>, high = array<i64: 0, 1, 1, 0>} : (tensor<?x8x8x3xf32>) -> tensor<?x8x10x3xf32>
  return %0 : tensor<?x8x10x3xf32>
}

// -----

func.func @pad_reflect_too_large(%x: tensor<?x8x8x3xf32>) -> tensor<?x16x8x3xf32> {
  // expected-error @+2 {{reflect padding (8, 0) must be smaller than dimension 1 of size 8}}
  // expected-error @+1 {{'kiln.pad' op failed to infer returned types}}
  %0 = kiln.pad %x mode reflect {low = array<i64: 0, 8, 0, 0>, high = array<i64: 0, 0, 0, 0>} : (tensor<?x8x8x3xf32>) -> tensor<?x16x8x3xf32>
  return %0 : tensor<?x16x8x3xf32>
}

// -----

func.func @gather_axis_out_of_range(%table: tensor<1000x64xf32>, %ids: tensor<?x16xi32>) -> tensor<?x16x64xf32> {
  // expected-error @+2 {{axis 2 is out of range for rank 2 (expected [0, 2))}}
  // expected-error @+1 {{'kiln.gather' op failed to infer returned types}}
  %0 = kiln.gather %table, %ids {axis = 2 : i64} : (tensor<1000x64xf32>, tensor<?x16xi32>) -> tensor<?x16x64xf32>
  return %0 : tensor<?x16x64xf32>
}

// -----

func.func @broadcast_to_lower_rank(%x: tensor<?x4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+2 {{cannot broadcast [?, 4, 8] to the lower rank [4, 8]}}
  // expected-error @+1 {{'kiln.broadcast_to' op failed to infer returned types}}
  %0 = kiln.broadcast_to %x {shape = array<i64: 4, 8>} : (tensor<?x4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @broadcast_to_like_rank(%bias: tensor<10xf32>, %x: tensor<?x5x10xf32>) -> tensor<?x10xf32> {
  // expected-error @+2 {{'like' operand [?, 5, 10] must have rank 2}}
  // expected-error @+1 {{'kiln.broadcast_to' op failed to infer returned types}}
  %0 = kiln.broadcast_to %bias {shape = array<i64: -1, 10>} like %x : (tensor<10xf32>, tensor<?x5x10xf32>) -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

func.func @broadcast_to_inferred_without_source(%bias: tensor<10xf32>) -> tensor<?x10xf32> {
  // expected-error @+2 {{size -1 at position 0 has no input dimension to take and no 'like' operand}}
  // expected-error @+1 {{'kiln.broadcast_to' op failed to infer returned types}}
  %0 = kiln.broadcast_to %bias {shape = array<i64: -1, 10>} : (tensor<10xf32>) -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

func.func @broadcast_to_incompatible_dims(%bias: tensor<3xf32>, %x: tensor<?x5xf32>) -> tensor<?x5xf32> {
  // expected-error @+2 {{cannot broadcast [3] to [-1, 5]: dimension 3 vs 5}}
  // expected-error @+1 {{'kiln.broadcast_to' op failed to infer returned types}}
  %0 = kiln.broadcast_to %bias {shape = array<i64: -1, 5>} like %x : (tensor<3xf32>, tensor<?x5xf32>) -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// -----

func.func @broadcast_to_negative_size(%bias: tensor<10xf32>) -> tensor<?x10xf32> {
  // expected-error @+2 {{shape [-2, 10] has a size outside [0, 2147483647] other than -1}}
  // expected-error @+1 {{'kiln.broadcast_to' op failed to infer returned types}}
  %0 = kiln.broadcast_to %bias {shape = array<i64: -2, 10>} : (tensor<10xf32>) -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Normalizations and softmax
//===----------------------------------------------------------------------===//

func.func @batch_norm_inference_param_rank(%x: tensor<?x8x8x16xf32>, %gamma: tensor<16xf32>, %beta: tensor<16xf32>, %mean: tensor<16x1xf32>, %var: tensor<16xf32>) -> tensor<?x8x8x16xf32> {
  // expected-error @+2 {{mean must be 1-D, got [16, 1]}}
  // expected-error @+1 {{'kiln.batch_norm_inference' op failed to infer returned types}}
  %0 = kiln.batch_norm_inference %x, %gamma, %beta, %mean, %var {epsilon = 1.0e-3 : f64, feature_axis = 3 : i64} : (tensor<?x8x8x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16x1xf32>, tensor<16xf32>) -> tensor<?x8x8x16xf32>
  return %0 : tensor<?x8x8x16xf32>
}

// -----

func.func @batch_norm_inference_param_size(%x: tensor<?x8x8x16xf32>, %gamma: tensor<16xf32>, %beta: tensor<16xf32>, %mean: tensor<16xf32>, %var: tensor<8xf32>) -> tensor<?x8x8x16xf32> {
  // expected-error @+2 {{variance has 8 elements but the input has 16 features on axis 3}}
  // expected-error @+1 {{'kiln.batch_norm_inference' op failed to infer returned types}}
  %0 = kiln.batch_norm_inference %x, %gamma, %beta, %mean, %var {epsilon = 1.0e-3 : f64, feature_axis = 3 : i64} : (tensor<?x8x8x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<8xf32>) -> tensor<?x8x8x16xf32>
  return %0 : tensor<?x8x8x16xf32>
}

// -----

func.func @batch_norm_inference_feature_axis(%x: tensor<?x8x8x16xf32>, %gamma: tensor<16xf32>, %beta: tensor<16xf32>, %mean: tensor<16xf32>, %var: tensor<16xf32>) -> tensor<?x8x8x16xf32> {
  // expected-error @+2 {{feature_axis 4 is out of range for rank 4 (expected [0, 4))}}
  // expected-error @+1 {{'kiln.batch_norm_inference' op failed to infer returned types}}
  %0 = kiln.batch_norm_inference %x, %gamma, %beta, %mean, %var {epsilon = 1.0e-3 : f64, feature_axis = 4 : i64} : (tensor<?x8x8x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<?x8x8x16xf32>
  return %0 : tensor<?x8x8x16xf32>
}

// -----

func.func @batch_norm_training_param_rank(%x: tensor<?x16xf32>, %gamma: tensor<f32>, %beta: tensor<16xf32>) -> tensor<?x16xf32> {
  // expected-error @+2 {{scale must be 1-D, got []}}
  // expected-error @+1 {{'kiln.batch_norm_training' op failed to infer returned types}}
  %y, %mean, %var = kiln.batch_norm_training %x, %gamma, %beta {epsilon = 1.0e-3 : f64, feature_axis = 1 : i64} : (tensor<?x16xf32>, tensor<f32>, tensor<16xf32>) -> (tensor<?x16xf32>, tensor<16xf32>, tensor<16xf32>)
  return %y : tensor<?x16xf32>
}

// -----

func.func @batch_norm_training_param_size(%x: tensor<?x16xf32>, %gamma: tensor<16xf32>, %beta: tensor<32xf32>) -> tensor<?x16xf32> {
  // expected-error @+2 {{offset has 32 elements but the input has 16 features on axis 1}}
  // expected-error @+1 {{'kiln.batch_norm_training' op failed to infer returned types}}
  %y, %mean, %var = kiln.batch_norm_training %x, %gamma, %beta {epsilon = 1.0e-3 : f64, feature_axis = 1 : i64} : (tensor<?x16xf32>, tensor<16xf32>, tensor<32xf32>) -> (tensor<?x16xf32>, tensor<16xf32>, tensor<16xf32>)
  return %y : tensor<?x16xf32>
}

// -----

func.func @batch_norm_training_feature_axis(%x: tensor<?x16xf32>, %gamma: tensor<16xf32>, %beta: tensor<16xf32>) -> tensor<?x16xf32> {
  // expected-error @+2 {{feature_axis -1 is out of range for rank 2 (expected [0, 2))}}
  // expected-error @+1 {{'kiln.batch_norm_training' op failed to infer returned types}}
  %y, %mean, %var = kiln.batch_norm_training %x, %gamma, %beta {epsilon = 1.0e-3 : f64, feature_axis = -1 : i64} : (tensor<?x16xf32>, tensor<16xf32>, tensor<16xf32>) -> (tensor<?x16xf32>, tensor<16xf32>, tensor<16xf32>)
  return %y : tensor<?x16xf32>
}

// -----

func.func @layer_norm_empty_axes(%x: tensor<?x16x64xf32>, %gamma: tensor<64xf32>, %beta: tensor<64xf32>) -> tensor<?x16x64xf32> {
  // expected-error @+2 {{expected at least one axis to normalize}}
  // expected-error @+1 {{'kiln.layer_norm' op failed to infer returned types}}
  %0 = kiln.layer_norm %x, %gamma, %beta {axes = array<i64>, epsilon = 1.0e-3 : f64} : (tensor<?x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<?x16x64xf32>
  return %0 : tensor<?x16x64xf32>
}

// -----

func.func @layer_norm_axes_out_of_range(%x: tensor<?x16x64xf32>, %gamma: tensor<64xf32>, %beta: tensor<64xf32>) -> tensor<?x16x64xf32> {
  // expected-error @+2 {{axes 3 is out of range for rank 3 (expected [0, 3))}}
  // expected-error @+1 {{'kiln.layer_norm' op failed to infer returned types}}
  %0 = kiln.layer_norm %x, %gamma, %beta {axes = array<i64: 3>, epsilon = 1.0e-3 : f64} : (tensor<?x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<?x16x64xf32>
  return %0 : tensor<?x16x64xf32>
}

// -----

func.func @layer_norm_axes_repeated(%x: tensor<?x16x64xf32>, %gamma: tensor<64x64xf32>, %beta: tensor<64x64xf32>) -> tensor<?x16x64xf32> {
  // expected-error @+2 {{axes [2, 2] repeat axis 2}}
  // expected-error @+1 {{'kiln.layer_norm' op failed to infer returned types}}
  %0 = kiln.layer_norm %x, %gamma, %beta {axes = array<i64: 2, 2>, epsilon = 1.0e-3 : f64} : (tensor<?x16x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<?x16x64xf32>
  return %0 : tensor<?x16x64xf32>
}

// -----

func.func @layer_norm_scale_shape(%x: tensor<?x16x64xf32>, %gamma: tensor<32xf32>, %beta: tensor<64xf32>) -> tensor<?x16x64xf32> {
  // expected-error @+2 {{scale has shape [32] but the normalized dimensions are [64]}}
  // expected-error @+1 {{'kiln.layer_norm' op failed to infer returned types}}
  %0 = kiln.layer_norm %x, %gamma, %beta {axes = array<i64: 2>, epsilon = 1.0e-3 : f64} : (tensor<?x16x64xf32>, tensor<32xf32>, tensor<64xf32>) -> tensor<?x16x64xf32>
  return %0 : tensor<?x16x64xf32>
}

// -----

func.func @layer_norm_offset_shape(%x: tensor<?x16x64xf32>, %gamma: tensor<16x64xf32>, %beta: tensor<64xf32>) -> tensor<?x16x64xf32> {
  // expected-error @+2 {{offset has shape [64] but the normalized dimensions are [16, 64]}}
  // expected-error @+1 {{'kiln.layer_norm' op failed to infer returned types}}
  %0 = kiln.layer_norm %x, %gamma, %beta {axes = array<i64: 1, 2>, epsilon = 1.0e-3 : f64} : (tensor<?x16x64xf32>, tensor<16x64xf32>, tensor<64xf32>) -> tensor<?x16x64xf32>
  return %0 : tensor<?x16x64xf32>
}

// -----

func.func @softmax_axis_out_of_range(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  // expected-error @+2 {{axis 2 is out of range for rank 2 (expected [0, 2))}}
  // expected-error @+1 {{'kiln.softmax' op failed to infer returned types}}
  %0 = kiln.softmax %x {axis = 2 : i64} : (tensor<?x10xf32>) -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

func.func @log_softmax_axis_negative(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  // expected-error @+2 {{axis -1 is out of range for rank 2 (expected [0, 2))}}
  // expected-error @+1 {{'kiln.log_softmax' op failed to infer returned types}}
  %0 = kiln.log_softmax %x {axis = -1 : i64} : (tensor<?x10xf32>) -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

func.func @softmax_cross_entropy_labels_rank(%logits: tensor<?x10xf32>, %labels: tensor<?x10x1xf32>) -> tensor<?xf32> {
  // expected-error @+2 {{labels [?, 10, 1] must have the logits' shape [?, 10]}}
  // expected-error @+1 {{'kiln.softmax_cross_entropy' op failed to infer returned types}}
  %0 = kiln.softmax_cross_entropy %logits, %labels {axis = 1 : i64} : (tensor<?x10xf32>, tensor<?x10x1xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @softmax_cross_entropy_labels_shape(%logits: tensor<?x10xf32>, %labels: tensor<?x5xf32>) -> tensor<?xf32> {
  // expected-error @+2 {{labels [?, 5] must have the logits' shape [?, 10]}}
  // expected-error @+1 {{'kiln.softmax_cross_entropy' op failed to infer returned types}}
  %0 = kiln.softmax_cross_entropy %logits, %labels {axis = 1 : i64} : (tensor<?x10xf32>, tensor<?x5xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @softmax_cross_entropy_axis_out_of_range(%logits: tensor<?x10xf32>, %labels: tensor<?x10xf32>) -> tensor<?xf32> {
  // expected-error @+2 {{axis 2 is out of range for rank 2 (expected [0, 2))}}
  // expected-error @+1 {{'kiln.softmax_cross_entropy' op failed to infer returned types}}
  %0 = kiln.softmax_cross_entropy %logits, %labels {axis = 2 : i64} : (tensor<?x10xf32>, tensor<?x10xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @sparse_softmax_cross_entropy_labels_rank(%logits: tensor<?x10xf32>, %labels: tensor<?x10xi64>) -> tensor<?xf32> {
  // expected-error @+2 {{labels [?, 10] must have the logits' shape [?, 10] without the class axis}}
  // expected-error @+1 {{'kiln.sparse_softmax_cross_entropy' op failed to infer returned types}}
  %0 = kiln.sparse_softmax_cross_entropy %logits, %labels : (tensor<?x10xf32>, tensor<?x10xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @sparse_softmax_cross_entropy_labels_shape(%logits: tensor<32x10xf32>, %labels: tensor<16xi32>) -> tensor<32xf32> {
  // expected-error @+2 {{labels [16] must have the logits' shape [32, 10] without the class axis}}
  // expected-error @+1 {{'kiln.sparse_softmax_cross_entropy' op failed to infer returned types}}
  %0 = kiln.sparse_softmax_cross_entropy %logits, %labels : (tensor<32x10xf32>, tensor<16xi32>) -> tensor<32xf32>
  return %0 : tensor<32xf32>
}

// -----

func.func @sigmoid_cross_entropy_broadcast(%logits: tensor<?x3xf32>, %labels: tensor<?x2xf32>) -> tensor<?x3xf32> {
  // expected-error @+2 {{shapes [?, 3] and [?, 2] are not broadcast-compatible: dimension 3 vs 2}}
  // expected-error @+1 {{'kiln.sigmoid_cross_entropy' op failed to infer returned types}}
  %0 = kiln.sigmoid_cross_entropy %logits, %labels : (tensor<?x3xf32>, tensor<?x2xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Dropout
//===----------------------------------------------------------------------===//

func.func @dropout_rate_one(%x: tensor<?x128xf32>) -> tensor<?x128xf32> {
  // expected-error @+2 {{rate 1.000000e+00 must be in [0, 1)}}
  // expected-error @+1 {{'kiln.dropout' op failed to infer returned types}}
  %0 = kiln.dropout %x {rate = 1.0 : f64, seed = 42 : i64, training = true} : (tensor<?x128xf32>) -> tensor<?x128xf32>
  return %0 : tensor<?x128xf32>
}

// -----

func.func @dropout_rate_negative(%x: tensor<?x128xf32>) -> tensor<?x128xf32> {
  // expected-error @+2 {{rate -2.500000e-01 must be in [0, 1)}}
  // expected-error @+1 {{'kiln.dropout' op failed to infer returned types}}
  %0 = kiln.dropout %x {rate = -0.25 : f64, seed = 42 : i64, training = true} : (tensor<?x128xf32>) -> tensor<?x128xf32>
  return %0 : tensor<?x128xf32>
}

// -----

func.func @dropout_noise_shape_length(%x: tensor<?x8x8x16xf32>) -> tensor<?x8x8x16xf32> {
  // expected-error @+2 {{noise_shape has 2 entries but the input has rank 4}}
  // expected-error @+1 {{'kiln.dropout' op failed to infer returned types}}
  %0 = kiln.dropout %x {rate = 0.5 : f64, seed = 42 : i64, training = true, noise_shape = array<i64: 1, 16>} : (tensor<?x8x8x16xf32>) -> tensor<?x8x8x16xf32>
  return %0 : tensor<?x8x8x16xf32>
}

// -----

func.func @dropout_noise_shape_sizes(%x: tensor<?x8x8x16xf32>) -> tensor<?x8x8x16xf32> {
  // expected-error @+2 {{noise_shape [1, 1, 1, 8] must have 1 or the input's size in every dimension of [?, 8, 8, 16]}}
  // expected-error @+1 {{'kiln.dropout' op failed to infer returned types}}
  %0 = kiln.dropout %x {rate = 0.5 : f64, seed = 42 : i64, training = true, noise_shape = array<i64: 1, 1, 1, 8>} : (tensor<?x8x8x16xf32>) -> tensor<?x8x8x16xf32>
  return %0 : tensor<?x8x8x16xf32>
}

// -----

func.func @argmax_axis_out_of_range(%x: tensor<?x10xf32>) -> tensor<?xi64> {
  // expected-error @+2 {{axis 2 is out of range for rank 2 (expected [0, 2))}}
  // expected-error @+1 {{'kiln.argmax' op failed to infer returned types}}
  %0 = kiln.argmax %x {axis = 2 : i64} : (tensor<?x10xf32>) -> tensor<?xi64>
  return %0 : tensor<?xi64>
}

// -----

// The message names the input that fixed the dimension, not input 0.
func.func @concat_dimension_mismatch_later_input(%a: tensor<?x4xf32>, %b: tensor<3x4xf32>, %c: tensor<5x4xf32>) -> tensor<?x12xf32> {
  // expected-error @+2 {{input 2 [5, 4] differs from input 1 [3, 4] in dimension 0 (only the concatenation axis 1 may differ)}}
  // expected-error @+1 {{'kiln.concat' op failed to infer returned types}}
  %0 = kiln.concat %a, %b, %c {axis = 1 : i64} : (tensor<?x4xf32>, tensor<3x4xf32>, tensor<5x4xf32>) -> tensor<?x12xf32>
  return %0 : tensor<?x12xf32>
}

// -----

// The input rank is checked before the per-spatial-dimension attributes.
func.func @pool_input_rank_before_strides(%x: tensor<?x16xf32>) -> tensor<?x8xf32> {
  // expected-error @+2 {{expected input of rank 3 to 5 ([batch, spatial..., channels]), got [?, 16]}}
  // expected-error @+1 {{'kiln.max_pool' op failed to infer returned types}}
  %0 = kiln.max_pool %x {window = array<i64: 2>, strides = array<i64: 2>} : (tensor<?x16xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

func.func @conv_input_rank_before_strides(%x: tensor<?x1x28x28x1x1xf32>, %w: tensor<1x3x3x1x1x16xf32>) -> tensor<?x1x13x13x1x16xf32> {
  // expected-error @+2 {{expected input of rank 3 to 5 ([batch, spatial..., channels]), got [?, 1, 28, 28, 1, 1]}}
  // expected-error @+1 {{'kiln.conv' op failed to infer returned types}}
  %0 = kiln.conv %x, %w {strides = array<i64: 2, 2>} : (tensor<?x1x28x28x1x1xf32>, tensor<1x3x3x1x1x16xf32>) -> tensor<?x1x13x13x1x16xf32>
  return %0 : tensor<?x1x13x13x1x16xf32>
}

// -----

func.func @conv_transpose_stride_too_large(%x: tensor<?x4x4x8xf32>, %w: tensor<3x3x4x8xf32>) -> tensor<?x?x?x4xf32> {
  // expected-error @+2 {{strides [4611686018427387904, 1] must all be in [1, 2147483647]}}
  // expected-error @+1 {{'kiln.conv_transpose' op failed to infer returned types}}
  %0 = kiln.conv_transpose %x, %w {strides = array<i64: 4611686018427387904, 1>} : (tensor<?x4x4x8xf32>, tensor<3x3x4x8xf32>) -> tensor<?x?x?x4xf32>
  return %0 : tensor<?x?x?x4xf32>
}

// -----

func.func @conv_empty_filter_window(%a: tensor<?x8x8x1xf32>, %w: tensor<0x3x1x16xf32>) -> tensor<?x?x6x16xf32> {
  // expected-error @+2 {{filter [0, 3, 1, 16] has an empty spatial dimension}}
  // expected-error @+1 {{'kiln.conv' op failed to infer returned types}}
  %0 = kiln.conv %a, %w : (tensor<?x8x8x1xf32>, tensor<0x3x1x16xf32>) -> tensor<?x?x6x16xf32>
  return %0 : tensor<?x?x6x16xf32>
}

// -----

// With a dynamic feature dimension the parameters still have to agree.
func.func @batch_norm_params_disagree(%x: tensor<?x?xf32>, %s: tensor<16xf32>, %o: tensor<8xf32>) -> tensor<?x?xf32> {
  // expected-error @+2 {{offset has 8 elements but scale has 16 features on axis 1}}
  // expected-error @+1 {{'kiln.batch_norm_training' op failed to infer returned types}}
  %0, %1, %2 = kiln.batch_norm_training %x, %s, %o {epsilon = 1.0e-3 : f64, feature_axis = 1 : i64} : (tensor<?x?xf32>, tensor<16xf32>, tensor<8xf32>) -> (tensor<?x?xf32>, tensor<16xf32>, tensor<16xf32>)
  return %0 : tensor<?x?xf32>
}

// -----

func.func @layer_norm_params_disagree(%x: tensor<?x?xf32>, %s: tensor<32xf32>, %o: tensor<64xf32>) -> tensor<?x?xf32> {
  // expected-error @+2 {{offset has shape [64] but the normalized dimensions are [32]}}
  // expected-error @+1 {{'kiln.layer_norm' op failed to infer returned types}}
  %0 = kiln.layer_norm %x, %s, %o {axes = array<i64: 1>, epsilon = 1.0e-3 : f64} : (tensor<?x?xf32>, tensor<32xf32>, tensor<64xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @dropout_noise_shape_negative(%x: tensor<?x128xf32>) -> tensor<?x128xf32> {
  // expected-error @+2 {{noise_shape [-5, 1] must have 1 or the input's size in every dimension of [?, 128]}}
  // expected-error @+1 {{'kiln.dropout' op failed to infer returned types}}
  %0 = kiln.dropout %x {rate = 0.5 : f64, training = true, noise_shape = array<i64: -5, 1>} : (tensor<?x128xf32>) -> tensor<?x128xf32>
  return %0 : tensor<?x128xf32>
}

// -----

func.func @pad_too_large(%x: tensor<?x8xf32>) -> tensor<?x?xf32> {
  // expected-error @+2 {{padding of dimension 1 (9223372036854775807, 0) must be in [0, 2147483647]}}
  // expected-error @+1 {{'kiln.pad' op failed to infer returned types}}
  %0 = kiln.pad %x {low = array<i64: 0, 9223372036854775807>, high = array<i64: 0, 0>} : (tensor<?x8xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @reshape_too_many_elements(%x: tensor<2x3xf32>) -> tensor<?x?x?x?xf32> {
  // expected-error @+2 {{shape [7, 2000000000, 2000000000, 2000000000] has too many elements}}
  // expected-error @+1 {{'kiln.reshape' op failed to infer returned types}}
  %0 = kiln.reshape %x {shape = array<i64: 7, 2000000000, 2000000000, 2000000000>} : (tensor<2x3xf32>) -> tensor<?x?x?x?xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// -----

func.func @scan_no_sequence(%h0: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.scan' op needs at least one sequence to scan over}}
  %h = "kiln.scan"(%h0) <{axis = 0 : i64, operandSegmentSizes = array<i32: 1, 0>}> ({
  ^bb0(%hp: tensor<4xf32>):
    kiln.yield %hp : tensor<4xf32>
  }) : (tensor<4xf32>) -> tensor<4xf32>
  return %h : tensor<4xf32>
}

// -----

func.func @scan_axis_out_of_range(%h0: tensor<4xf32>, %xs: tensor<3x4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.scan' op axis 2 is out of range for sequence #0 of rank 2}}
  %h = kiln.scan (%h0) over (%xs) axis = 2 : (tensor<4xf32>), (tensor<3x4xf32>) -> (tensor<4xf32>) {
  ^bb0(%hp: tensor<4xf32>, %x: tensor<4xf32>):
    kiln.yield %hp : tensor<4xf32>
  }
  return %h : tensor<4xf32>
}

// -----

func.func @scan_lengths_differ(%h0: tensor<4xf32>, %a: tensor<3x4xf32>, %b: tensor<5x4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.scan' op sequences differ in length along axis 0: 3 and 5 (sequence #1)}}
  %h = kiln.scan (%h0) over (%a, %b) axis = 0 : (tensor<4xf32>), (tensor<3x4xf32>, tensor<5x4xf32>) -> (tensor<4xf32>) {
  ^bb0(%hp: tensor<4xf32>, %x: tensor<4xf32>, %y: tensor<4xf32>):
    kiln.yield %hp : tensor<4xf32>
  }
  return %h : tensor<4xf32>
}

// -----

func.func @scan_carry_type(%h0: tensor<4xf32>, %xs: tensor<3x4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.scan' op final carry #0 has type 'tensor<5xf32>', incompatible with its initial value 'tensor<4xf32>'}}
  %h = kiln.scan (%h0) over (%xs) axis = 0 : (tensor<4xf32>), (tensor<3x4xf32>) -> (tensor<5xf32>) {
  ^bb0(%hp: tensor<4xf32>, %x: tensor<4xf32>):
    kiln.yield %hp : tensor<4xf32>
  }
  return %h : tensor<5xf32>
}

// -----

func.func @scan_body_arguments(%h0: tensor<4xf32>, %xs: tensor<3x4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.scan' op body takes 1 arguments, expected 2 (the carries, then one slice per sequence)}}
  %h = kiln.scan (%h0) over (%xs) axis = 0 : (tensor<4xf32>), (tensor<3x4xf32>) -> (tensor<4xf32>) {
  ^bb0(%hp: tensor<4xf32>):
    kiln.yield %hp : tensor<4xf32>
  }
  return %h : tensor<4xf32>
}

// -----

func.func @scan_slice_type(%h0: tensor<4xf32>, %xs: tensor<3x4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.scan' op body argument #1 has type 'tensor<3xf32>', expected the slice of sequence #0, tensor<4xf32>}}
  %h = kiln.scan (%h0) over (%xs) axis = 0 : (tensor<4xf32>), (tensor<3x4xf32>) -> (tensor<4xf32>) {
  ^bb0(%hp: tensor<4xf32>, %x: tensor<3xf32>):
    kiln.yield %hp : tensor<4xf32>
  }
  return %h : tensor<4xf32>
}

// -----

func.func @scan_yield_count(%h0: tensor<4xf32>, %xs: tensor<3x4xf32>) -> tensor<4xf32> {
  %h = kiln.scan (%h0) over (%xs) axis = 0 : (tensor<4xf32>), (tensor<3x4xf32>) -> (tensor<4xf32>) {
  ^bb0(%hp: tensor<4xf32>, %x: tensor<4xf32>):
    // expected-error @+1 {{'kiln.yield' op yields 2 values, but the scan has 1 results}}
    kiln.yield %hp, %x : tensor<4xf32>, tensor<4xf32>
  }
  return %h : tensor<4xf32>
}

// -----

func.func @scan_stacked_type(%h0: tensor<4xf32>, %xs: tensor<3x4xf32>) -> tensor<3x5xf32> {
  %h, %s = kiln.scan (%h0) over (%xs) axis = 0 : (tensor<4xf32>), (tensor<3x4xf32>) -> (tensor<4xf32>, tensor<3x5xf32>) {
  ^bb0(%hp: tensor<4xf32>, %x: tensor<4xf32>):
    // expected-error @+1 {{'kiln.yield' op output #0 has type 'tensor<4xf32>', which stacked along axis 0 does not give the result type 'tensor<3x5xf32>'}}
    kiln.yield %hp, %x : tensor<4xf32>, tensor<4xf32>
  }
  return %s : tensor<3x5xf32>
}

// -----

func.func @yield_outside_scan(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kiln.yield' op expects parent op 'kiln.scan'}}
  kiln.yield %x : tensor<4xf32>
}

// -----

func.func @dynamic_reshape_rank(%x: tensor<?x6xf32>, %s: tensor<2xi64>) -> tensor<?x?x?xf32> {
  // expected-error @+1 {{'kiln.dynamic_reshape' op the shape operand has 2 entries but the result has rank 3}}
  %0 = kiln.dynamic_reshape %x(%s) : (tensor<?x6xf32>, tensor<2xi64>) -> tensor<?x?x?xf32>
  return %0 : tensor<?x?x?xf32>
}

// -----

func.func @dynamic_reshape_unknown_rank(%x: tensor<?x6xf32>, %s: tensor<?xi64>) -> tensor<?x?xf32> {
  // expected-error @+1 {{'kiln.dynamic_reshape' op the shape operand must have a static length (the result's rank)}}
  %0 = kiln.dynamic_reshape %x(%s) : (tensor<?x6xf32>, tensor<?xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @dynamic_reshape_count(%x: tensor<2x6xf32>, %s: tensor<2xi64>) -> tensor<5x5xf32> {
  // expected-error @+1 {{'kiln.dynamic_reshape' op cannot reshape [2, 6] to [5, 5]: the element counts differ}}
  %0 = kiln.dynamic_reshape %x(%s) : (tensor<2x6xf32>, tensor<2xi64>) -> tensor<5x5xf32>
  return %0 : tensor<5x5xf32>
}

// -----

func.func @iota_axis(%x: tensor<?x6xf32>) -> tensor<?x6xi64> {
  // expected-error @+2 {{axis 2 is out of range for rank 2}}
  // expected-error @+1 {{'kiln.iota' op failed to infer returned types}}
  %0 = kiln.iota %x {axis = 2 : i64} : (tensor<?x6xf32>) -> tensor<?x6xi64>
  return %0 : tensor<?x6xi64>
}

// -----

func.func @gather_elements_rank(%x: tensor<?x6xf32>, %i: tensor<?xi64>) -> tensor<?xf32> {
  // expected-error @+2 {{indices [?] must have the rank of data [?, 6]}}
  // expected-error @+1 {{'kiln.gather_elements' op failed to infer returned types}}
  %0 = kiln.gather_elements %x, %i {axis = 1 : i64} : (tensor<?x6xf32>, tensor<?xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}
