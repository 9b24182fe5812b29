// SPDX-License-Identifier: Apache-2.0
// Four SGD steps with a piecewise-constant learning rate (0.1 up to step 1, 0.05 up to step 2, then 0.01) of an MLP with a mean sparse cross-entropy,
// against PyTorch 1.13 with the same weights and batch.
// RUN: kiln-opt %s --kiln-train-step="optimizer=sgd lr-schedule=piecewise boundaries=1,2 values=0.1,0.05,0.01" -o %t.mlir && kiln compile %t.mlir --entry f_train_step -o %t --name t && %check-train-step %t/libt.so t %s
// TORCH: h = torch.relu(x @ w1 + b1)
// TORCH: loss = F.cross_entropy(h @ w2 + b2, labels)
// OPTIMIZER: torch.optim.SGD(params, lr=1.0)
// SCHEDULER: torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.1 if s <= 1 else (0.05 if s <= 2 else 0.01))
// STEPS: 4
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
