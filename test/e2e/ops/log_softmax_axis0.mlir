// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: m = x.max(0, keepdims=True)
// NUMPY: y = x - m - np.log(np.exp(x - m).sum(0, keepdims=True))
func.func @f(%x: tensor<?x10xf64> {kiln.name = "x"}) -> (tensor<?x10xf64> {kiln.name = "y"}) {
  %r = kiln.log_softmax %x {axis = 0 : i64} : (tensor<?x10xf64>) -> tensor<?x10xf64>
  return %r : tensor<?x10xf64>
}
