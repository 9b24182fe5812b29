// SPDX-License-Identifier: Apache-2.0
// dynamic_reshape with copy_zero and an inferred entry gives [N, 2, 3] (two
// sizes unknown to the compiler); the transpose and the reshape back (whose
// input has two dynamic sizes) check that the data kept its row-major order.
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = x.reshape(x.shape[0], 2, 3).transpose(0, 2, 1).reshape(-1, 6)
// NUMPY: s = np.array(x.shape, dtype=np.int64)
func.func @f(%x: tensor<?x6xf32> {kiln.name = "x"}) -> (tensor<?x6xf32> {kiln.name = "y"}, tensor<2xi64> {kiln.name = "s"}) {
  %shape = kiln.constant dense<[0, -1, 3]> : tensor<3xi64>
  %r = kiln.dynamic_reshape %x(%shape) {copy_zero} : (tensor<?x6xf32>, tensor<3xi64>) -> tensor<?x?x3xf32>
  %t = kiln.transpose %r {permutation = array<i64: 0, 2, 1>} : (tensor<?x?x3xf32>) -> tensor<?x3x?xf32>
  %y = kiln.reshape %t {shape = array<i64: -1, 6>} : (tensor<?x3x?xf32>) -> tensor<?x6xf32>
  %s = kiln.shape_of %x : (tensor<?x6xf32>) -> tensor<2xi64>
  return %y, %s : tensor<?x6xf32>, tensor<2xi64>
}
