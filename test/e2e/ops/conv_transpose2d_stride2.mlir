// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// Each input element scatters x[n, i, j] * w[a, b, :, :] to (2i + a, 2j + b);
// padding (0, 1) crops the last row and column.
// NUMPY: t = np.einsum("nijc,abdc->nijabd", x, w)
// NUMPY: full = np.zeros((x.shape[0], 9, 9, 2), np.float32)
// NUMPY: for a, b in np.ndindex(3, 3): full[:, a:a + 7:2, b:b + 7:2] += t[:, :, :, a, b]
// NUMPY: y = full[:, :8, :8]
func.func @f(%x: tensor<?x4x4x3xf32> {kiln.name = "x"}, %w: tensor<3x3x2x3xf32> {kiln.name = "w"}) -> (tensor<?x8x8x2xf32> {kiln.name = "y"}) {
  %r = kiln.conv_transpose %x, %w {strides = array<i64: 2, 2>, padding = array<i64: 0, 1, 0, 1>}
      : (tensor<?x4x4x3xf32>, tensor<3x3x2x3xf32>) -> tensor<?x8x8x2xf32>
  return %r : tensor<?x8x8x2xf32>
}
