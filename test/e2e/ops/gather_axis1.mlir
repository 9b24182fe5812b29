// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = np.take(x, i, axis=1)
// RANGE: i 0 5
func.func @f(%x: tensor<?x6xf32> {kiln.name = "x"}, %i: tensor<2xi64> {kiln.name = "i"}) -> (tensor<?x2xf32> {kiln.name = "y"}) {
  %r = kiln.gather %x, %i {axis = 1 : i64} : (tensor<?x6xf32>, tensor<2xi64>) -> tensor<?x2xf32>
  return %r : tensor<?x2xf32>
}
