// SPDX-License-Identifier: Apache-2.0
// VJP of batch normalization with given statistics.
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
// RANGE: var 0.5 2
func.func @f(%x: tensor<?x3x4xf64> {kiln.name = "x"}, %g: tensor<3xf64> {kiln.name = "g"}, %b: tensor<3xf64> {kiln.name = "b"},
             %mean: tensor<3xf64> {kiln.name = "mean"}, %var: tensor<3xf64> {kiln.name = "var"}) -> (tensor<?x3x4xf64> {kiln.name = "y"}) {
  %y = kiln.batch_norm_inference %x, %g, %b, %mean, %var {epsilon = 1.0e-3 : f64, feature_axis = 1 : i64}
      : (tensor<?x3x4xf64>, tensor<3xf64>, tensor<3xf64>, tensor<3xf64>, tensor<3xf64>) -> tensor<?x3x4xf64>
  return %y : tensor<?x3x4xf64>
}
