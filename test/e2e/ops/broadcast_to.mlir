// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = np.broadcast_to(x, (x.shape[0], 5))
func.func @f(%x: tensor<?x1xf32> {kiln.name = "x"}) -> (tensor<?x5xf32> {kiln.name = "y"}) {
  %r = kiln.broadcast_to %x {shape = array<i64: -1, 5>} : (tensor<?x1xf32>) -> tensor<?x5xf32>
  return %r : tensor<?x5xf32>
}
