// SPDX-License-Identifier: Apache-2.0
// Two Adam steps of a SimpleRNN (a kiln.scan whose weights are captured from
// above) with a dense head and a mean squared error, against PyTorch 1.13
// with the same weights and batch: backpropagation through time.
// RUN: kiln-opt %s --kiln-add-loss="loss=mse" --kiln-train-step="function=f_loss optimizer=adam learning-rate=0.01 epsilon=1e-8" -o %t.mlir && kiln compile %t.mlir --entry f_loss_train_step -o %t --name t && %check-train-step %t/libt.so t %s
// TORCH: h = torch.zeros(x.shape[0], 5)
// TORCH: xw = x @ w
// TORCH: exec("for t in range(6): h = torch.tanh(xw[:, t] + h @ u + b)")
// TORCH: loss = F.mse_loss(h @ v, y_true)
// OPTIMIZER: torch.optim.Adam(params, lr=0.01, eps=1e-8)
func.func @f(%x: tensor<?x6x3xf32> {kiln.name = "x"},
             %w: tensor<3x5xf32> {kiln.name = "w", kiln.trainable}, %u: tensor<5x5xf32> {kiln.name = "u", kiln.trainable},
             %b: tensor<5xf32> {kiln.name = "b", kiln.trainable}, %v: tensor<5x2xf32> {kiln.name = "v", kiln.trainable})
    -> (tensor<?x2xf32> {kiln.name = "pred"}) {
  %xw = kiln.matmul %x, %w : (tensor<?x6x3xf32>, tensor<3x5xf32>) -> tensor<?x6x5xf32>
  %zero = kiln.constant dense<0.0> : tensor<f32>
  %first = kiln.slice %xw {axes = array<i64: 1>, starts = array<i64: 0>, ends = array<i64: 1>, steps = array<i64: 1>} : (tensor<?x6x5xf32>) -> tensor<?x1x5xf32>
  %like = kiln.reshape %first {shape = array<i64: -1, 5>} : (tensor<?x1x5xf32>) -> tensor<?x5xf32>
  %h0 = kiln.broadcast_to %zero {shape = array<i64: -1, 5>} like %like : (tensor<f32>, tensor<?x5xf32>) -> tensor<?x5xf32>
  %h = kiln.scan (%h0) over (%xw) axis = 1 : (tensor<?x5xf32>), (tensor<?x6x5xf32>) -> (tensor<?x5xf32>) {
  ^bb0(%hp: tensor<?x5xf32>, %xt: tensor<?x5xf32>):
    %r = kiln.matmul %hp, %u : (tensor<?x5xf32>, tensor<5x5xf32>) -> tensor<?x5xf32>
    %z0 = kiln.add %xt, %r : (tensor<?x5xf32>, tensor<?x5xf32>) -> tensor<?x5xf32>
    %z = kiln.add %z0, %b : (tensor<?x5xf32>, tensor<5xf32>) -> tensor<?x5xf32>
    %hn = kiln.tanh %z : tensor<?x5xf32>
    kiln.yield %hn : tensor<?x5xf32>
  }
  %o = kiln.matmul %h, %v : (tensor<?x5xf32>, tensor<5x2xf32>) -> tensor<?x2xf32>
  return %o : tensor<?x2xf32>
}
