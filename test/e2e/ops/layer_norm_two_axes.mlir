// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// scale and offset are [8, 6]: the normalized dimensions in the order of axes.
// NUMPY: m = x.mean((1, 2), keepdims=True)
// NUMPY: v = x.var((1, 2), keepdims=True)
// NUMPY: y = (x - m) / np.sqrt(v + 1e-5) * g.T + b.T
func.func @f(%x: tensor<?x6x8xf32> {kiln.name = "x"}, %g: tensor<8x6xf32> {kiln.name = "g"}, %b: tensor<8x6xf32> {kiln.name = "b"}) -> (tensor<?x6x8xf32> {kiln.name = "y"}) {
  %r = kiln.layer_norm %x, %g, %b {axes = array<i64: 2, 1>, epsilon = 1.0e-5 : f64}
      : (tensor<?x6x8xf32>, tensor<8x6xf32>, tensor<8x6xf32>) -> tensor<?x6x8xf32>
  return %r : tensor<?x6x8xf32>
}
