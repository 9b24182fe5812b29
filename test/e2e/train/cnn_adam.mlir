// SPDX-License-Identifier: Apache-2.0
// Two Adam steps of a small CNN (conv 3x3 same, ReLU, 2x2 max
// pool, dense) with a mean sparse cross-entropy, against PyTorch 1.13 with
// the same weights and batch. Kiln's filters are HWIO, PyTorch's OIHW.
// RUN: kiln-opt %s --kiln-train-step="optimizer=adam learning-rate=0.01 epsilon=1e-8" -o %t.mlir && kiln compile %t.mlir --entry f_train_step -o %t --name t && %check-train-step %t/libt.so t %s
// TORCH: h = F.conv2d(x.permute(0, 3, 1, 2), k.permute(3, 2, 0, 1), kb, padding=1)
// TORCH: h = F.max_pool2d(torch.relu(h), 2).permute(0, 2, 3, 1).reshape(x.shape[0], -1)
// TORCH: loss = F.cross_entropy(h @ w + b, labels)
// OPTIMIZER: torch.optim.Adam(params, lr=0.01, eps=1e-8)
// RANGE: labels 0 4
func.func @f(%x: tensor<?x8x8x1xf32> {kiln.name = "x"}, %labels: tensor<?xi64> {kiln.name = "labels"},
             %k: tensor<3x3x1x4xf32> {kiln.name = "k", kiln.trainable}, %kb: tensor<4xf32> {kiln.name = "kb", kiln.trainable},
             %w: tensor<64x5xf32> {kiln.name = "w", kiln.trainable}, %b: tensor<5xf32> {kiln.name = "b", kiln.trainable})
    -> (tensor<f32> {kiln.name = "loss"}) {
  %c = kiln.conv %x, %k {padding = array<i64: 1, 1, 1, 1>} : (tensor<?x8x8x1xf32>, tensor<3x3x1x4xf32>) -> tensor<?x8x8x4xf32>
  %cb = kiln.add %c, %kb : (tensor<?x8x8x4xf32>, tensor<4xf32>) -> tensor<?x8x8x4xf32>
  %r = kiln.relu %cb : tensor<?x8x8x4xf32>
  %p = kiln.max_pool %r {window = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x8x8x4xf32>) -> tensor<?x4x4x4xf32>
  %f = kiln.reshape %p {shape = array<i64: -1, 64>} : (tensor<?x4x4x4xf32>) -> tensor<?x64xf32>
  %o0 = kiln.matmul %f, %w : (tensor<?x64xf32>, tensor<64x5xf32>) -> tensor<?x5xf32>
  %o = kiln.add %o0, %b : (tensor<?x5xf32>, tensor<5xf32>) -> tensor<?x5xf32>
  %l = kiln.sparse_softmax_cross_entropy %o, %labels : (tensor<?x5xf32>, tensor<?xi64>) -> tensor<?xf32>
  %loss = kiln.reduce_mean %l {axes = array<i64: 0>} : (tensor<?xf32>) -> tensor<f32>
  return %loss : tensor<f32>
}
