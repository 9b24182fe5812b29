// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = np.round(x) != 0
func.func @f(%x: tensor<?x4xf32> {kiln.name = "x"}) -> (tensor<?x4xi1> {kiln.name = "y"}) {
  %rx = kiln.round %x : tensor<?x4xf32>
  %r = kiln.cast %rx : tensor<?x4xf32> to tensor<?x4xi1>
  return %r : tensor<?x4xi1>
}
