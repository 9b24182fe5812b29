// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: from numpy.lib.stride_tricks import sliding_window_view as windows
// NUMPY: xp = np.pad(x, ((0, 0), (1, 2), (0, 1), (0, 0)))
// NUMPY: y = np.einsum("nhwcij,ijco->nhwo", windows(xp, (3, 3), axis=(1, 2))[:, ::2, ::2], w)
func.func @f(%x: tensor<?x8x7x3xf32> {kiln.name = "x"}, %w: tensor<3x3x3x4xf32> {kiln.name = "w"}) -> (tensor<?x5x3x4xf32> {kiln.name = "y"}) {
  %r = kiln.conv %x, %w {strides = array<i64: 2, 2>, padding = array<i64: 1, 2, 0, 1>}
      : (tensor<?x8x7x3xf32>, tensor<3x3x3x4xf32>) -> tensor<?x5x3x4xf32>
  return %r : tensor<?x5x3x4xf32>
}
