// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = x.reshape(-1, 24)
func.func @f(%x: tensor<?x2x3x4xf32> {kiln.name = "x"}) -> (tensor<?x24xf32> {kiln.name = "y"}) {
  %r = kiln.reshape %x {shape = array<i64: -1, 24>} : (tensor<?x2x3x4xf32>) -> tensor<?x24xf32>
  return %r : tensor<?x24xf32>
}
