// SPDX-License-Identifier: Apache-2.0
// VJP of layer normalization over the last two axes.
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
func.func @f(%x: tensor<?x3x4xf64> {kiln.name = "x"}, %g: tensor<3x4xf64> {kiln.name = "g"}, %b: tensor<3x4xf64> {kiln.name = "b"}) -> (tensor<?x3x4xf64> {kiln.name = "y"}) {
  %y = kiln.layer_norm %x, %g, %b {axes = array<i64: 1, 2>, epsilon = 1.0e-3 : f64} : (tensor<?x3x4xf64>, tensor<3x4xf64>, tensor<3x4xf64>) -> tensor<?x3x4xf64>
  return %y : tensor<?x3x4xf64>
}
