// SPDX-License-Identifier: Apache-2.0
// The benchmark MLP (784-512-512-10) as a trainable function: the train
// step (Adam, mean sparse cross-entropy) is built from it by
// kiln-train-step. bench/time_train.py has the same model in PyTorch.
func.func @f(%x: tensor<?x784xf32> {kiln.name = "x"}, %labels: tensor<?xi64> {kiln.name = "labels"},
             %w1: tensor<784x512xf32> {kiln.name = "w1", kiln.trainable}, %b1: tensor<512xf32> {kiln.name = "b1", kiln.trainable},
             %w2: tensor<512x512xf32> {kiln.name = "w2", kiln.trainable}, %b2: tensor<512xf32> {kiln.name = "b2", kiln.trainable},
             %w3: tensor<512x10xf32> {kiln.name = "w3", kiln.trainable}, %b3: tensor<10xf32> {kiln.name = "b3", kiln.trainable})
    -> (tensor<f32> {kiln.name = "loss"}) {
  %h0 = kiln.matmul %x, %w1 : (tensor<?x784xf32>, tensor<784x512xf32>) -> tensor<?x512xf32>
  %h1 = kiln.add %h0, %b1 : (tensor<?x512xf32>, tensor<512xf32>) -> tensor<?x512xf32>
  %h = kiln.relu %h1 : tensor<?x512xf32>
  %g0 = kiln.matmul %h, %w2 : (tensor<?x512xf32>, tensor<512x512xf32>) -> tensor<?x512xf32>
  %g1 = kiln.add %g0, %b2 : (tensor<?x512xf32>, tensor<512xf32>) -> tensor<?x512xf32>
  %g = kiln.relu %g1 : tensor<?x512xf32>
  %o0 = kiln.matmul %g, %w3 : (tensor<?x512xf32>, tensor<512x10xf32>) -> tensor<?x10xf32>
  %o = kiln.add %o0, %b3 : (tensor<?x10xf32>, tensor<10xf32>) -> tensor<?x10xf32>
  %l = kiln.sparse_softmax_cross_entropy %o, %labels : (tensor<?x10xf32>, tensor<?xi64>) -> tensor<?xf32>
  %loss = kiln.reduce_mean %l {axes = array<i64: 0>} : (tensor<?xf32>) -> tensor<f32>
  return %loss : tensor<f32>
}
