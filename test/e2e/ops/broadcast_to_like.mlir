// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = np.broadcast_to(b, x.shape)
func.func @f(%b: tensor<5xf32> {kiln.name = "b"}, %x: tensor<?x5xf32> {kiln.name = "x"}) -> (tensor<?x5xf32> {kiln.name = "y"}) {
  %r = kiln.broadcast_to %b {shape = array<i64: -1, 5>} like %x : (tensor<5xf32>, tensor<?x5xf32>) -> tensor<?x5xf32>
  return %r : tensor<?x5xf32>
}
