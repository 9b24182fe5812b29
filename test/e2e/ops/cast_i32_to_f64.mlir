// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = x.astype(np.float64)
// RANGE: x -9 9
func.func @f(%x: tensor<?x4xi32> {kiln.name = "x"}) -> (tensor<?x4xf64> {kiln.name = "y"}) {
  %r = kiln.cast %x : tensor<?x4xi32> to tensor<?x4xf64>
  return %r : tensor<?x4xf64>
}
