// SPDX-License-Identifier: Apache-2.0
// The benchmark CNN (Conv32-3x3, ReLU, pool, Conv64-3x3, ReLU, pool,
// Dense128, ReLU, Dense10; 28x28x1, NHWC, HWIO filters) as a trainable
// function, for the train step (Adam, mean sparse cross-entropy).
// bench/time_train.py has the same model in PyTorch.
func.func @f(%x: tensor<?x28x28x1xf32> {kiln.name = "x"}, %labels: tensor<?xi64> {kiln.name = "labels"},
             %k1: tensor<3x3x1x32xf32> {kiln.name = "k1", kiln.trainable}, %c1: tensor<32xf32> {kiln.name = "c1", kiln.trainable},
             %k2: tensor<3x3x32x64xf32> {kiln.name = "k2", kiln.trainable}, %c2: tensor<64xf32> {kiln.name = "c2", kiln.trainable},
             %w1: tensor<1600x128xf32> {kiln.name = "w1", kiln.trainable}, %b1: tensor<128xf32> {kiln.name = "b1", kiln.trainable},
             %w2: tensor<128x10xf32> {kiln.name = "w2", kiln.trainable}, %b2: tensor<10xf32> {kiln.name = "b2", kiln.trainable})
    -> (tensor<f32> {kiln.name = "loss"}) {
  %a0 = kiln.conv %x, %k1 : (tensor<?x28x28x1xf32>, tensor<3x3x1x32xf32>) -> tensor<?x26x26x32xf32>
  %a1 = kiln.add %a0, %c1 : (tensor<?x26x26x32xf32>, tensor<32xf32>) -> tensor<?x26x26x32xf32>
  %a2 = kiln.relu %a1 : tensor<?x26x26x32xf32>
  %a = kiln.max_pool %a2 {window = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x26x26x32xf32>) -> tensor<?x13x13x32xf32>
  %b0 = kiln.conv %a, %k2 : (tensor<?x13x13x32xf32>, tensor<3x3x32x64xf32>) -> tensor<?x11x11x64xf32>
  %b1_ = kiln.add %b0, %c2 : (tensor<?x11x11x64xf32>, tensor<64xf32>) -> tensor<?x11x11x64xf32>
  %b2_ = kiln.relu %b1_ : tensor<?x11x11x64xf32>
  %p = kiln.max_pool %b2_ {window = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x11x11x64xf32>) -> tensor<?x5x5x64xf32>
  %f = kiln.reshape %p {shape = array<i64: -1, 1600>} : (tensor<?x5x5x64xf32>) -> tensor<?x1600xf32>
  %d0 = kiln.matmul %f, %w1 : (tensor<?x1600xf32>, tensor<1600x128xf32>) -> tensor<?x128xf32>
  %d1 = kiln.add %d0, %b1 : (tensor<?x128xf32>, tensor<128xf32>) -> tensor<?x128xf32>
  %d = kiln.relu %d1 : tensor<?x128xf32>
  %o0 = kiln.matmul %d, %w2 : (tensor<?x128xf32>, tensor<128x10xf32>) -> tensor<?x10xf32>
  %o = kiln.add %o0, %b2 : (tensor<?x10xf32>, tensor<10xf32>) -> tensor<?x10xf32>
  %l = kiln.sparse_softmax_cross_entropy %o, %labels : (tensor<?x10xf32>, tensor<?xi64>) -> tensor<?xf32>
  %loss = kiln.reduce_mean %l {axes = array<i64: 0>} : (tensor<?xf32>) -> tensor<f32>
  return %loss : tensor<f32>
}
