// SPDX-License-Identifier: Apache-2.0
// VJP of a 1-D convolution with dilation 2 (causal padding).
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
func.func @f(%x: tensor<?x9x3xf64> {kiln.name = "x"}, %w: tensor<3x3x4xf64> {kiln.name = "w"}) -> (tensor<?x9x4xf64> {kiln.name = "y"}) {
  %y = kiln.conv %x, %w {dilations = array<i64: 2>, padding = array<i64: 4, 0>} : (tensor<?x9x3xf64>, tensor<3x3x4xf64>) -> tensor<?x9x4xf64>
  return %y : tensor<?x9x4xf64>
}
