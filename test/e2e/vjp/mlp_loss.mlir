// SPDX-License-Identifier: Apache-2.0
// VJP of a two-layer MLP with a mean cross-entropy loss: fan-out of the hidden layer, weights and biases.
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
// RANGE: labels 0 3
func.func @f(%x: tensor<?x6xf64> {kiln.name = "x"}, %labels: tensor<?xi64> {kiln.name = "labels"},
             %w1: tensor<6x8xf64> {kiln.name = "w1"}, %b1: tensor<8xf64> {kiln.name = "b1"},
             %w2: tensor<8x4xf64> {kiln.name = "w2"}, %b2: tensor<4xf64> {kiln.name = "b2"}) -> (tensor<f64> {kiln.name = "loss"}) {
  %h0 = kiln.matmul %x, %w1 : (tensor<?x6xf64>, tensor<6x8xf64>) -> tensor<?x8xf64>
  %h1 = kiln.add %h0, %b1 : (tensor<?x8xf64>, tensor<8xf64>) -> tensor<?x8xf64>
  %h = kiln.tanh %h1 : tensor<?x8xf64>
  %g = kiln.mul %h, %h : (tensor<?x8xf64>, tensor<?x8xf64>) -> tensor<?x8xf64>
  %o0 = kiln.matmul %g, %w2 : (tensor<?x8xf64>, tensor<8x4xf64>) -> tensor<?x4xf64>
  %o = kiln.add %o0, %b2 : (tensor<?x4xf64>, tensor<4xf64>) -> tensor<?x4xf64>
  %l = kiln.sparse_softmax_cross_entropy %o, %labels : (tensor<?x4xf64>, tensor<?xi64>) -> tensor<?xf64>
  %loss = kiln.reduce_mean %l {axes = array<i64: 0>} : (tensor<?xf64>) -> tensor<f64>
  return %loss : tensor<f64>
}
