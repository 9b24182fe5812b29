// SPDX-License-Identifier: Apache-2.0
// VJP of a depthwise convolution (groups = channels, multiplier 2), stride 2, same padding.
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
func.func @f(%x: tensor<?x6x6x3xf64> {kiln.name = "x"}, %w: tensor<3x3x1x6xf64> {kiln.name = "w"}) -> (tensor<?x3x3x6xf64> {kiln.name = "y"}) {
  %y = kiln.conv %x, %w {strides = array<i64: 2, 2>, padding = array<i64: 0, 1, 0, 1>, groups = 3 : i64} : (tensor<?x6x6x3xf64>, tensor<3x3x1x6xf64>) -> tensor<?x3x3x6xf64>
  return %y : tensor<?x3x3x6xf64>
}
