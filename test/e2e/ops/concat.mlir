// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = np.concatenate([a, b], 1)
func.func @f(%a: tensor<?x3xf32> {kiln.name = "a"}, %b: tensor<?x5xf32> {kiln.name = "b"}) -> (tensor<?x8xf32> {kiln.name = "y"}) {
  %r = kiln.concat %a, %b {axis = 1 : i64} : (tensor<?x3xf32>, tensor<?x5xf32>) -> tensor<?x8xf32>
  return %r : tensor<?x8xf32>
}
