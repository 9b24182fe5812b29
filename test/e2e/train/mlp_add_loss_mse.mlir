// SPDX-License-Identifier: Apache-2.0
// A model function without a loss: kiln-add-loss appends Keras's mean
// squared error, kiln-train-step trains it with Adam; two steps against
// PyTorch 1.13 (MSELoss over every element, as Keras's mean over the batch of
// per-example means when all examples have the same width).
// RUN: kiln-opt %s --kiln-add-loss="loss=mse" --kiln-train-step="function=f_loss optimizer=adam learning-rate=0.01 epsilon=1e-8" -o %t.mlir && kiln compile %t.mlir --entry f_loss_train_step -o %t --name t && %check-train-step %t/libt.so t %s
// TORCH: pred = torch.tanh(x @ w1 + b1) @ w2
// TORCH: loss = F.mse_loss(pred, y_true)
// OPTIMIZER: torch.optim.Adam(params, lr=0.01, eps=1e-8)
func.func @f(%x: tensor<?x6xf32> {kiln.name = "x"},
             %w1: tensor<6x8xf32> {kiln.name = "w1", kiln.trainable}, %b1: tensor<8xf32> {kiln.name = "b1", kiln.trainable},
             %w2: tensor<8x3xf32> {kiln.name = "w2", kiln.trainable}) -> (tensor<?x3xf32> {kiln.name = "pred"}) {
  %h0 = kiln.matmul %x, %w1 : (tensor<?x6xf32>, tensor<6x8xf32>) -> tensor<?x8xf32>
  %h1 = kiln.add %h0, %b1 : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  %h = kiln.tanh %h1 : tensor<?x8xf32>
  %o = kiln.matmul %h, %w2 : (tensor<?x8xf32>, tensor<8x3xf32>) -> tensor<?x3xf32>
  return %o : tensor<?x3xf32>
}
