// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = a - b
func.func @f(%a: tensor<?x3x4xf32> {kiln.name = "a"}, %b: tensor<3x1xf32> {kiln.name = "b"}) -> (tensor<?x3x4xf32> {kiln.name = "y"}) {
  %r = kiln.sub %a, %b : (tensor<?x3x4xf32>, tensor<3x1xf32>) -> tensor<?x3x4xf32>
  return %r : tensor<?x3x4xf32>
}
