// SPDX-License-Identifier: Apache-2.0
// VJP of a SimpleRNN as a scan: the recurrent weight is captured from above (a carry for the VJP), final state and every step's output used.
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
func.func @f(%x: tensor<?x5x4xf64> {kiln.name = "x"}, %h0: tensor<?x6xf64> {kiln.name = "h0"},
             %w: tensor<4x6xf64> {kiln.name = "w"}, %u: tensor<6x6xf64> {kiln.name = "u"})
    -> (tensor<?x6xf64> {kiln.name = "last"}, tensor<?x5x6xf64> {kiln.name = "all"}) {
  %xw = kiln.matmul %x, %w : (tensor<?x5x4xf64>, tensor<4x6xf64>) -> tensor<?x5x6xf64>
  %last, %all = kiln.scan (%h0) over (%xw) axis = 1
      : (tensor<?x6xf64>), (tensor<?x5x6xf64>) -> (tensor<?x6xf64>, tensor<?x5x6xf64>) {
  ^bb0(%h: tensor<?x6xf64>, %xt: tensor<?x6xf64>):
    %r = kiln.matmul %h, %u : (tensor<?x6xf64>, tensor<6x6xf64>) -> tensor<?x6xf64>
    %z = kiln.add %xt, %r : (tensor<?x6xf64>, tensor<?x6xf64>) -> tensor<?x6xf64>
    %hn = kiln.tanh %z : tensor<?x6xf64>
    kiln.yield %hn, %hn : tensor<?x6xf64>, tensor<?x6xf64>
  }
  return %last, %all : tensor<?x6xf64>, tensor<?x5x6xf64>
}
