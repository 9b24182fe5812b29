// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = a.astype(np.float64) @ b
func.func @f(%a: tensor<?x3x8xf32> {kiln.name = "a"}, %b: tensor<8x5xf32> {kiln.name = "b"}) -> (tensor<?x3x5xf32> {kiln.name = "y"}) {
  %r = kiln.matmul %a, %b : (tensor<?x3x8xf32>, tensor<8x5xf32>) -> tensor<?x3x5xf32>
  return %r : tensor<?x3x5xf32>
}
