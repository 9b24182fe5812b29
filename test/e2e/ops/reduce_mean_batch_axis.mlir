// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = np.mean(x.astype(np.float64), axis=0)
func.func @f(%x: tensor<?x3xf32> {kiln.name = "x"}) -> (tensor<3xf32> {kiln.name = "y"}) {
  %r = kiln.reduce_mean %x {axes = array<i64: 0>} : (tensor<?x3xf32>) -> tensor<3xf32>
  return %r : tensor<3xf32>
}
