// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = x.reshape(-1, 3, 4)
func.func @f(%x: tensor<?x12xf32> {kiln.name = "x"}) -> (tensor<?x3x4xf32> {kiln.name = "y"}) {
  %r = kiln.reshape %x {shape = array<i64: -1, 3, 4>} : (tensor<?x12xf32>) -> tensor<?x3x4xf32>
  return %r : tensor<?x3x4xf32>
}
