// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = np.abs(x)
func.func @f(%x: tensor<?x3x4xi64> {kiln.name = "x"}) -> (tensor<?x3x4xi64> {kiln.name = "y"}) {
  %r = kiln.abs %x : tensor<?x3x4xi64>
  return %r : tensor<?x3x4xi64>
}
