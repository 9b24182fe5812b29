// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = x[1:]
// BATCHES: 2 5
func.func @f(%x: tensor<?x4xf32> {kiln.name = "x"}) -> (tensor<?x4xf32> {kiln.name = "y"}) {
  %r = kiln.slice %x {axes = array<i64: 0>, starts = array<i64: 1>, ends = array<i64: 100>, steps = array<i64: 1>} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}
