// SPDX-License-Identifier: Apache-2.0
// VJP of a 2-D convolution with stride 2, dilation 1 and asymmetric padding.
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
func.func @f(%x: tensor<?x7x6x2xf64> {kiln.name = "x"}, %w: tensor<3x2x2x3xf64> {kiln.name = "w"}) -> (tensor<?x4x3x3xf64> {kiln.name = "y"}) {
  %y = kiln.conv %x, %w {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 0, 1>} : (tensor<?x7x6x2xf64>, tensor<3x2x2x3xf64>) -> tensor<?x4x3x3xf64>
  return %y : tensor<?x4x3x3xf64>
}
