// SPDX-License-Identifier: Apache-2.0
// A 3-layer MLP for 8x8 digit images (64 -> 128 -> 64 -> 10) in the kiln
// dialect, with a dynamic batch. Weights are function arguments here; the
// Keras frontend embeds them as constants.
func.func @mlp(%w1: tensor<64x128xf32>, %b1: tensor<128xf32>,
               %w2: tensor<128x64xf32>, %b2: tensor<64xf32>,
               %w3: tensor<64x10xf32>, %b3: tensor<10xf32>,
               %x: tensor<?x64xf32>) -> tensor<?x10xf32> {
  // Pixels are 0..16: rescale to 0..1 (multiplying by one is folded away).
  %scale = kiln.constant dense<0.0625> : tensor<f32>
  %one = kiln.constant dense<1.0> : tensor<f32>
  %xs = kiln.mul %x, %scale : (tensor<?x64xf32>, tensor<f32>) -> tensor<?x64xf32>
  %xn = kiln.mul %xs, %one : (tensor<?x64xf32>, tensor<f32>) -> tensor<?x64xf32>
  %0 = kiln.matmul %xn, %w1 : (tensor<?x64xf32>, tensor<64x128xf32>) -> tensor<?x128xf32> loc("dense")
  %1 = kiln.add %0, %b1 : (tensor<?x128xf32>, tensor<128xf32>) -> tensor<?x128xf32> loc("dense")
  %2 = kiln.relu %1 : tensor<?x128xf32> loc("dense")
  %3 = kiln.matmul %2, %w2 : (tensor<?x128xf32>, tensor<128x64xf32>) -> tensor<?x64xf32> loc("dense_1")
  %4 = kiln.add %3, %b2 : (tensor<?x64xf32>, tensor<64xf32>) -> tensor<?x64xf32> loc("dense_1")
  %5 = kiln.relu %4 : tensor<?x64xf32> loc("dense_1")
  %6 = kiln.matmul %5, %w3 : (tensor<?x64xf32>, tensor<64x10xf32>) -> tensor<?x10xf32> loc("dense_2")
  %7 = kiln.add %6, %b3 : (tensor<?x10xf32>, tensor<10xf32>) -> tensor<?x10xf32> loc("dense_2")
  %8 = kiln.softmax %7 {axis = 1 : i64} : (tensor<?x10xf32>) -> tensor<?x10xf32> loc("dense_2")
  return %8 : tensor<?x10xf32>
}
