// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = a ** b
// RANGE: a 0.1 3
func.func @f(%a: tensor<?x4xf32> {kiln.name = "a"}, %b: tensor<4xf32> {kiln.name = "b"}) -> (tensor<?x4xf32> {kiln.name = "y"}) {
  %r = kiln.pow %a, %b : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}
