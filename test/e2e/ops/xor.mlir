// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = a ^ b
func.func @f(%a: tensor<?x4xi1> {kiln.name = "a"}, %b: tensor<4xi1> {kiln.name = "b"}) -> (tensor<?x4xi1> {kiln.name = "y"}) {
  %r = kiln.xor %a, %b : (tensor<?x4xi1>, tensor<4xi1>) -> tensor<?x4xi1>
  return %r : tensor<?x4xi1>
}
