// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = t[i]
// RANGE: i -10 9
func.func @f(%t: tensor<10x4xf32> {kiln.name = "t"}, %i: tensor<?x3xi32> {kiln.name = "i"}) -> (tensor<?x3x4xf32> {kiln.name = "y"}) {
  %r = kiln.gather %t, %i {axis = 0 : i64} : (tensor<10x4xf32>, tensor<?x3xi32>) -> tensor<?x3x4xf32>
  return %r : tensor<?x3x4xf32>
}
