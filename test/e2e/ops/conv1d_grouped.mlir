// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// Two groups of two input and three output channels, stride 2, dilation 2.
// NUMPY: from numpy.lib.stride_tricks import sliding_window_view as windows
// NUMPY: win = windows(np.pad(x, ((0, 0), (1, 1), (0, 0))), 5, axis=1)[:, ::2, :, ::2]
// NUMPY: t = np.einsum("nogck,kcgm->nogm", win.reshape(win.shape[0], 4, 2, 2, 3), w.reshape(3, 2, 2, 3))
// NUMPY: y = t.reshape(t.shape[0], 4, 6)
func.func @f(%x: tensor<?x9x4xf32> {kiln.name = "x"}, %w: tensor<3x2x6xf32> {kiln.name = "w"}) -> (tensor<?x4x6xf32> {kiln.name = "y"}) {
  %r = kiln.conv %x, %w {groups = 2 : i64, strides = array<i64: 2>, dilations = array<i64: 2>, padding = array<i64: 1, 1>}
      : (tensor<?x9x4xf32>, tensor<3x2x6xf32>) -> tensor<?x4x6xf32>
  return %r : tensor<?x4x6xf32>
}
