// SPDX-License-Identifier: Apache-2.0
// A SimpleRNN as a scan over axis 1: final state and every step's state.
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: h = h0.astype(np.float64); seq = []
// NUMPY: for t in range(x.shape[1]): h = np.tanh(x[:, t].astype(np.float64) @ w + h @ u); seq.append(h)
// NUMPY: last = h; all = np.stack(seq, axis=1)
func.func @f(%x: tensor<?x5x4xf32> {kiln.name = "x"}, %h0: tensor<?x6xf32> {kiln.name = "h0"},
             %w: tensor<4x6xf32> {kiln.name = "w"}, %u: tensor<6x6xf32> {kiln.name = "u"})
    -> (tensor<?x6xf32> {kiln.name = "last"}, tensor<?x5x6xf32> {kiln.name = "all"}) {
  %xw = kiln.matmul %x, %w : (tensor<?x5x4xf32>, tensor<4x6xf32>) -> tensor<?x5x6xf32>
  %last, %all = kiln.scan (%h0) over (%xw) axis = 1
      : (tensor<?x6xf32>), (tensor<?x5x6xf32>) -> (tensor<?x6xf32>, tensor<?x5x6xf32>) {
  ^bb0(%h: tensor<?x6xf32>, %xt: tensor<?x6xf32>):
    %r = kiln.matmul %h, %u : (tensor<?x6xf32>, tensor<6x6xf32>) -> tensor<?x6xf32>
    %z = kiln.add %xt, %r : (tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<?x6xf32>
    %hn = kiln.tanh %z : tensor<?x6xf32>
    kiln.yield %hn, %hn : tensor<?x6xf32>, tensor<?x6xf32>
  }
  return %last, %all : tensor<?x6xf32>, tensor<?x5x6xf32>
}
