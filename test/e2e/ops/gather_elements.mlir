// SPDX-License-Identifier: Apache-2.0
// gather_elements along axis 1 with negative indices (count from the end).
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// RANGE: i -5 4
// NUMPY: y = np.take_along_axis(x, np.where(i < 0, i + 5, i), axis=1)
func.func @f(%x: tensor<?x5xf32> {kiln.name = "x"}, %i: tensor<?x3xi64> {kiln.name = "i"}) -> (tensor<?x3xf32> {kiln.name = "y"}) {
  %y = kiln.gather_elements %x, %i {axis = 1 : i64} : (tensor<?x5xf32>, tensor<?x3xi64>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}
