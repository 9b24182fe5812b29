// SPDX-License-Identifier: Apache-2.0
// VJP of a grouped 1-D convolution (2 groups).
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
func.func @f(%x: tensor<?x7x4xf64> {kiln.name = "x"}, %w: tensor<3x2x6xf64> {kiln.name = "w"}) -> (tensor<?x5x6xf64> {kiln.name = "y"}) {
  %y = kiln.conv %x, %w {groups = 2 : i64} : (tensor<?x7x4xf64>, tensor<3x2x6xf64>) -> tensor<?x5x6xf64>
  return %y : tensor<?x5x6xf64>
}
