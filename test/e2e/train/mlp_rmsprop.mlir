// SPDX-License-Identifier: Apache-2.0
// Two RMSprop steps (rho 0.9) of an MLP with a mean sparse cross-entropy,
// against PyTorch 1.13 with the same weights and batch. Keras puts epsilon
// inside the square root and PyTorch outside; a tiny epsilon makes them agree.
// RUN: kiln-opt %s --kiln-train-step="optimizer=rmsprop learning-rate=0.01 rho=0.9 epsilon=1e-14" -o %t.mlir && kiln compile %t.mlir --entry f_train_step -o %t --name t && %check-train-step %t/libt.so t %s
// TORCH: h = torch.relu(x @ w1 + b1)
// TORCH: loss = F.cross_entropy(h @ w2 + b2, labels)
// OPTIMIZER: torch.optim.RMSprop(params, lr=0.01, alpha=0.9, eps=1e-14)
// RANGE: labels 0 3
func.func @f(%x: tensor<?x6xf32> {kiln.name = "x"}, %labels: tensor<?xi64> {kiln.name = "labels"},
             %w1: tensor<6x8xf32> {kiln.name = "w1", kiln.trainable}, %b1: tensor<8xf32> {kiln.name = "b1", kiln.trainable},
             %w2: tensor<8x4xf32> {kiln.name = "w2", kiln.trainable}, %b2: tensor<4xf32> {kiln.name = "b2", kiln.trainable})
    -> (tensor<f32> {kiln.name = "loss"}) {
  %h0 = kiln.matmul %x, %w1 : (tensor<?x6xf32>, tensor<6x8xf32>) -> tensor<?x8xf32>
  %h1 = kiln.add %h0, %b1 : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  %h = kiln.relu %h1 : tensor<?x8xf32>
  %o0 = kiln.matmul %h, %w2 : (tensor<?x8xf32>, tensor<8x4xf32>) -> tensor<?x4xf32>
  %o = kiln.add %o0, %b2 : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %l = kiln.sparse_softmax_cross_entropy %o, %labels : (tensor<?x4xf32>, tensor<?xi64>) -> tensor<?xf32>
  %loss = kiln.reduce_mean %l {axes = array<i64: 0>} : (tensor<?xf32>) -> tensor<f32>
  return %loss : tensor<f32>
}
