// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = np.pad(x, ((0, 0), (1, 1), (2, 1)), constant_values=1.5)
func.func @f(%x: tensor<?x3x3xf32> {kiln.name = "x"}) -> (tensor<?x5x6xf32> {kiln.name = "y"}) {
  %r = kiln.pad %x {low = array<i64: 0, 1, 2>, high = array<i64: 0, 1, 1>, value = 1.500000e+00 : f64} : (tensor<?x3x3xf32>) -> tensor<?x5x6xf32>
  return %r : tensor<?x5x6xf32>
}
