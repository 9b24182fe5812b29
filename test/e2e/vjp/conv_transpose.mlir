// SPDX-License-Identifier: Apache-2.0
// VJP of a 2-D transposed convolution, stride 2 with padding and output padding.
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
func.func @f(%x: tensor<?x3x3x4xf64> {kiln.name = "x"}, %w: tensor<3x3x2x4xf64> {kiln.name = "w"}) -> (tensor<?x6x6x2xf64> {kiln.name = "y"}) {
  %y = kiln.conv_transpose %x, %w {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, output_padding = array<i64: 1, 1>} : (tensor<?x3x3x4xf64>, tensor<3x3x2x4xf64>) -> tensor<?x6x6x2xf64>
  return %y : tensor<?x6x6x2xf64>
}
