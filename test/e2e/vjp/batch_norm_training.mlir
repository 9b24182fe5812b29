// SPDX-License-Identifier: Apache-2.0
// VJP of batch normalization with batch statistics (all three results).
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
func.func @f(%x: tensor<?x4x3xf64> {kiln.name = "x"}, %g: tensor<3xf64> {kiln.name = "g"}, %b: tensor<3xf64> {kiln.name = "b"})
    -> (tensor<?x4x3xf64> {kiln.name = "y"}, tensor<3xf64> {kiln.name = "mean"}, tensor<3xf64> {kiln.name = "var"}) {
  %y, %m, %v = kiln.batch_norm_training %x, %g, %b {epsilon = 1.0e-3 : f64, feature_axis = 2 : i64}
      : (tensor<?x4x3xf64>, tensor<3xf64>, tensor<3xf64>) -> (tensor<?x4x3xf64>, tensor<3xf64>, tensor<3xf64>)
  return %y, %m, %v : tensor<?x4x3xf64>, tensor<3xf64>, tensor<3xf64>
}
