// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// Stride 3, padding (1, 2), output_padding 2: full length 3 * 3 + 4 = 13,
// plus 2 zero rows, cropped to [1, 13).
// NUMPY: t = np.einsum("nic,kdc->nikd", x, w)
// NUMPY: full = np.zeros((x.shape[0], 15, 3), np.float32)
// NUMPY: for k in range(4): full[:, k:k + 10:3] += t[:, :, k]
// NUMPY: y = full[:, 1:13]
func.func @f(%x: tensor<?x4x2xf32> {kiln.name = "x"}, %w: tensor<4x3x2xf32> {kiln.name = "w"}) -> (tensor<?x12x3xf32> {kiln.name = "y"}) {
  %r = kiln.conv_transpose %x, %w {strides = array<i64: 3>, padding = array<i64: 1, 2>, output_padding = array<i64: 2>}
      : (tensor<?x4x2xf32>, tensor<4x3x2xf32>) -> tensor<?x12x3xf32>
  return %r : tensor<?x12x3xf32>
}
