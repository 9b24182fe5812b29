// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = np.trunc(a / b).astype(np.int32)
// RANGE: b 1 3
func.func @f(%a: tensor<?x3x4xi32> {kiln.name = "a"}, %b: tensor<4xi32> {kiln.name = "b"}) -> (tensor<?x3x4xi32> {kiln.name = "y"}) {
  %r = kiln.div %a, %b : (tensor<?x3x4xi32>, tensor<4xi32>) -> tensor<?x3x4xi32>
  return %r : tensor<?x3x4xi32>
}
