// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: from numpy.lib.stride_tricks import sliding_window_view as windows
// NUMPY: xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
// NUMPY: t = np.einsum("nhwcij,ijcm->nhwcm", windows(xp, (3, 3), axis=(1, 2))[:, ::2, ::2], w.reshape(3, 3, 3, 2))
// NUMPY: y = t.reshape(*t.shape[:3], 6)
func.func @f(%x: tensor<?x7x7x3xf32> {kiln.name = "x"}, %w: tensor<3x3x1x6xf32> {kiln.name = "w"}) -> (tensor<?x4x4x6xf32> {kiln.name = "y"}) {
  %r = kiln.conv %x, %w {groups = 3 : i64, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>}
      : (tensor<?x7x7x3xf32>, tensor<3x3x1x6xf32>) -> tensor<?x4x4x6xf32>
  return %r : tensor<?x4x4x6xf32>
}
