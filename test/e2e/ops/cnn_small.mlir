// SPDX-License-Identifier: Apache-2.0
// A small CNN for 8x8 digit images: conv 3x3 (same) + relu, 2x2 max pool,
// conv 3x3 (valid) + relu, flatten, dense, softmax. Weights are inputs so
// that nothing folds away.
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: import torch
// NUMPY: t = lambda a: torch.from_numpy(a.astype(np.float64))
// NUMPY: h = torch.nn.functional.conv2d(t(x).permute(0, 3, 1, 2), t(k1).permute(3, 2, 0, 1), t(c1), padding=1).relu()
// NUMPY: h = torch.nn.functional.max_pool2d(h, 2)
// NUMPY: h = torch.nn.functional.conv2d(h, t(k2).permute(3, 2, 0, 1), t(c2)).relu()
// NUMPY: z = h.permute(0, 2, 3, 1).reshape(h.shape[0], -1) @ t(w) + t(b)
// NUMPY: y = torch.softmax(z, 1).numpy()
func.func @cnn(%x: tensor<?x8x8x1xf32> {kiln.name = "x"},
               %k1: tensor<3x3x1x8xf32> {kiln.name = "k1"}, %c1: tensor<8xf32> {kiln.name = "c1"},
               %k2: tensor<3x3x8x16xf32> {kiln.name = "k2"}, %c2: tensor<16xf32> {kiln.name = "c2"},
               %w: tensor<64x10xf32> {kiln.name = "w"}, %b: tensor<10xf32> {kiln.name = "b"})
    -> (tensor<?x10xf32> {kiln.name = "y"}) {
  %0 = kiln.conv %x, %k1 {padding = array<i64: 1, 1, 1, 1>} : (tensor<?x8x8x1xf32>, tensor<3x3x1x8xf32>) -> tensor<?x8x8x8xf32>
  %1 = kiln.add %0, %c1 : (tensor<?x8x8x8xf32>, tensor<8xf32>) -> tensor<?x8x8x8xf32>
  %2 = kiln.relu %1 : tensor<?x8x8x8xf32>
  %3 = kiln.max_pool %2 {window = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x8x8x8xf32>) -> tensor<?x4x4x8xf32>
  %4 = kiln.conv %3, %k2 : (tensor<?x4x4x8xf32>, tensor<3x3x8x16xf32>) -> tensor<?x2x2x16xf32>
  %5 = kiln.add %4, %c2 : (tensor<?x2x2x16xf32>, tensor<16xf32>) -> tensor<?x2x2x16xf32>
  %6 = kiln.relu %5 : tensor<?x2x2x16xf32>
  %7 = kiln.reshape %6 {shape = array<i64: -1, 64>} : (tensor<?x2x2x16xf32>) -> tensor<?x64xf32>
  %8 = kiln.matmul %7, %w : (tensor<?x64xf32>, tensor<64x10xf32>) -> tensor<?x10xf32>
  %9 = kiln.add %8, %b : (tensor<?x10xf32>, tensor<10xf32>) -> tensor<?x10xf32>
  %r = kiln.softmax %9 {axis = 1 : i64} : (tensor<?x10xf32>) -> tensor<?x10xf32>
  return %r : tensor<?x10xf32>
}
