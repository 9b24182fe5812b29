// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = np.mean(x.astype(np.float64), axis=1)
func.func @f(%x: tensor<?x3x4xf32> {kiln.name = "x"}) -> (tensor<?x4xf32> {kiln.name = "y"}) {
  %r = kiln.reduce_mean %x {axes = array<i64: 1>} : (tensor<?x3x4xf32>) -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}
