// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = np.max(x, axis=1)
func.func @f(%x: tensor<?x5xi32> {kiln.name = "x"}) -> (tensor<?xi32> {kiln.name = "y"}) {
  %r = kiln.reduce_max %x {axes = array<i64: 1>} : (tensor<?x5xi32>) -> tensor<?xi32>
  return %r : tensor<?xi32>
}
