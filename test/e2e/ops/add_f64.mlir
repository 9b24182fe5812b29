// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = a + b
func.func @f(%a: tensor<?x3x4xf64> {kiln.name = "a"}, %b: tensor<4xf64> {kiln.name = "b"}) -> (tensor<?x3x4xf64> {kiln.name = "y"}) {
  %r = kiln.add %a, %b : (tensor<?x3x4xf64>, tensor<4xf64>) -> tensor<?x3x4xf64>
  return %r : tensor<?x3x4xf64>
}
