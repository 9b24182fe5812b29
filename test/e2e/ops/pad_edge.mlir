// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = np.pad(x, ((0, 0), (1, 2)), mode='edge')
func.func @f(%x: tensor<?x4xf32> {kiln.name = "x"}) -> (tensor<?x7xf32> {kiln.name = "y"}) {
  %r = kiln.pad %x mode edge {low = array<i64: 0, 1>, high = array<i64: 0, 2>} : (tensor<?x4xf32>) -> tensor<?x7xf32>
  return %r : tensor<?x7xf32>
}
