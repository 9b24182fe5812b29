// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = x.transpose(0, 2, 1)
// BATCHES: 2 5
func.func @f(%x: tensor<?x3x4xf32> {kiln.name = "x"}) -> (tensor<?x4x3xf32> {kiln.name = "y"}) {
  %r = kiln.transpose %x {permutation = array<i64: 0, 2, 1>} : (tensor<?x3x4xf32>) -> tensor<?x4x3xf32>
  return %r : tensor<?x4x3xf32>
}
