// SPDX-License-Identifier: Apache-2.0
// VJP of a grouped 2-D transposed convolution (2 groups), stride 2.
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
func.func @f(%x: tensor<?x3x3x4xf64> {kiln.name = "x"}, %w: tensor<2x2x3x4xf64> {kiln.name = "w"}) -> (tensor<?x6x6x6xf64> {kiln.name = "y"}) {
  %y = kiln.conv_transpose %x, %w {strides = array<i64: 2, 2>, groups = 2 : i64} : (tensor<?x3x3x4xf64>, tensor<2x2x3x4xf64>) -> tensor<?x6x6x6xf64>
  return %y : tensor<?x6x6x6xf64>
}
