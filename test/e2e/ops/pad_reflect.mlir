// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = np.pad(x, ((0, 0), (2, 3)), mode='reflect')
func.func @f(%x: tensor<?x4xf32> {kiln.name = "x"}) -> (tensor<?x9xf32> {kiln.name = "y"}) {
  %r = kiln.pad %x mode reflect {low = array<i64: 0, 2>, high = array<i64: 0, 3>} : (tensor<?x4xf32>) -> tensor<?x9xf32>
  return %r : tensor<?x9xf32>
}
