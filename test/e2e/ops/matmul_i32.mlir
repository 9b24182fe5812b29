// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = a @ b
func.func @f(%a: tensor<?x4xi32> {kiln.name = "a"}, %b: tensor<4x3xi32> {kiln.name = "b"}) -> (tensor<?x3xi32> {kiln.name = "y"}) {
  %r = kiln.matmul %a, %b : (tensor<?x4xi32>, tensor<4x3xi32>) -> tensor<?x3xi32>
  return %r : tensor<?x3xi32>
}
