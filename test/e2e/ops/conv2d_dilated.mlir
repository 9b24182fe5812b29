// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: from numpy.lib.stride_tricks import sliding_window_view as windows
// NUMPY: xp = np.pad(x, ((0, 0), (2, 2), (2, 2), (0, 0)))
// NUMPY: y = np.einsum("nhwcij,ijco->nhwo", windows(xp, (5, 5), axis=(1, 2))[..., ::2, ::2], w)
func.func @f(%x: tensor<?x6x6x2xf32> {kiln.name = "x"}, %w: tensor<3x3x2x5xf32> {kiln.name = "w"}) -> (tensor<?x6x6x5xf32> {kiln.name = "y"}) {
  %r = kiln.conv %x, %w {dilations = array<i64: 2, 2>, padding = array<i64: 2, 2, 2, 2>}
      : (tensor<?x6x6x2xf32>, tensor<3x3x2x5xf32>) -> tensor<?x6x6x5xf32>
  return %r : tensor<?x6x6x5xf32>
}
