// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = np.sum(x.astype(np.float64), axis=(1, 2), keepdims=True)
func.func @f(%x: tensor<?x3x4xf32> {kiln.name = "x"}) -> (tensor<?x1x1xf32> {kiln.name = "y"}) {
  %r = kiln.reduce_sum %x {axes = array<i64: 1, 2>, keep_dims = true} : (tensor<?x3x4xf32>) -> tensor<?x1x1xf32>
  return %r : tensor<?x1x1xf32>
}
