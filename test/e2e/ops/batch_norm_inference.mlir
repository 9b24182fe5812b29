// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// RANGE: v 0.1 2
// NUMPY: y = g * (x - m) / np.sqrt(v + 1e-3) + b
func.func @f(%x: tensor<?x5x4x6xf32> {kiln.name = "x"}, %g: tensor<6xf32> {kiln.name = "g"}, %b: tensor<6xf32> {kiln.name = "b"},
             %m: tensor<6xf32> {kiln.name = "m"}, %v: tensor<6xf32> {kiln.name = "v"}) -> (tensor<?x5x4x6xf32> {kiln.name = "y"}) {
  %r = kiln.batch_norm_inference %x, %g, %b, %m, %v {epsilon = 1.0e-3 : f64, feature_axis = 3 : i64}
      : (tensor<?x5x4x6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<?x5x4x6xf32>
  return %r : tensor<?x5x4x6xf32>
}
