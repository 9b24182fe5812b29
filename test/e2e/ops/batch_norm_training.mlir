// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: mean = x.mean((0, 2))
// NUMPY: var = x.var((0, 2))
// NUMPY: y = g[:, None] * (x - mean[:, None]) / np.sqrt(var[:, None] + 1e-3) + b[:, None]
func.func @f(%x: tensor<?x4x5xf32> {kiln.name = "x"}, %g: tensor<4xf32> {kiln.name = "g"}, %b: tensor<4xf32> {kiln.name = "b"})
    -> (tensor<?x4x5xf32> {kiln.name = "y"}, tensor<4xf32> {kiln.name = "mean"}, tensor<4xf32> {kiln.name = "var"}) {
  %y, %mean, %var = kiln.batch_norm_training %x, %g, %b {epsilon = 1.0e-3 : f64, feature_axis = 1 : i64}
      : (tensor<?x4x5xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<?x4x5xf32>, tensor<4xf32>, tensor<4xf32>)
  return %y, %mean, %var : tensor<?x4x5xf32>, tensor<4xf32>, tensor<4xf32>
}
