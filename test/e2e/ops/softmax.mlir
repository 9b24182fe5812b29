// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: e = np.exp(x - x.max(1, keepdims=True))
// NUMPY: y = e / e.sum(1, keepdims=True)
// RANGE: x -50 50
func.func @f(%x: tensor<?x10xf32> {kiln.name = "x"}) -> (tensor<?x10xf32> {kiln.name = "y"}) {
  %r = kiln.softmax %x {axis = 1 : i64} : (tensor<?x10xf32>) -> tensor<?x10xf32>
  return %r : tensor<?x10xf32>
}
