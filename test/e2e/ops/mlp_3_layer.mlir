// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: h = np.maximum(x.astype(np.float64) @ w1 + b1, 0)
// NUMPY: h = np.tanh(h @ w2 + b2)
// NUMPY: z = h @ w3 + b3
// NUMPY: e = np.exp(z - z.max(1, keepdims=True))
// NUMPY: y = e / e.sum(1, keepdims=True)
func.func @f(%x: tensor<?x8xf32> {kiln.name = "x"}, %w1: tensor<8x16xf32> {kiln.name = "w1"}, %b1: tensor<16xf32> {kiln.name = "b1"}, %w2: tensor<16x16xf32> {kiln.name = "w2"}, %b2: tensor<16xf32> {kiln.name = "b2"}, %w3: tensor<16x4xf32> {kiln.name = "w3"}, %b3: tensor<4xf32> {kiln.name = "b3"}) -> (tensor<?x4xf32> {kiln.name = "y"}) {
  %0 = kiln.matmul %x, %w1 : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
  %1 = kiln.add %0, %b1 : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  %2 = kiln.relu %1 : tensor<?x16xf32>
  %3 = kiln.matmul %2, %w2 : (tensor<?x16xf32>, tensor<16x16xf32>) -> tensor<?x16xf32>
  %4 = kiln.add %3, %b2 : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  %5 = kiln.tanh %4 : tensor<?x16xf32>
  %6 = kiln.matmul %5, %w3 : (tensor<?x16xf32>, tensor<16x4xf32>) -> tensor<?x4xf32>
  %7 = kiln.add %6, %b3 : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %r = kiln.softmax %7 {axis = 1 : i64} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}
