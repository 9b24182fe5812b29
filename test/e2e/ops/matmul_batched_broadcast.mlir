// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = a @ b
func.func @f(%a: tensor<?x1x4x8xf64> {kiln.name = "a"}, %b: tensor<3x8x5xf64> {kiln.name = "b"}) -> (tensor<?x3x4x5xf64> {kiln.name = "y"}) {
  %r = kiln.matmul %a, %b : (tensor<?x1x4x8xf64>, tensor<3x8x5xf64>) -> tensor<?x3x4x5xf64>
  return %r : tensor<?x3x4x5xf64>
}
