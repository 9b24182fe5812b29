// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = np.argmax(x, axis=1)
func.func @f(%x: tensor<?x7xf32> {kiln.name = "x"}) -> (tensor<?xi64> {kiln.name = "y"}) {
  %r = kiln.argmax %x {axis = 1 : i64} : (tensor<?x7xf32>) -> tensor<?xi64>
  return %r : tensor<?xi64>
}
