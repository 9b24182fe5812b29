// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// Labels -1 and 10 are out of range and give NaN.
// RANGE: logits -30 30
// RANGE: labels -1 10
// NUMPY: m = logits.max(1)
// NUMPY: lse = m + np.log(np.exp(logits - m[:, None]).sum(1))
// NUMPY: valid = (labels >= 0) & (labels < 10)
// NUMPY: picked = np.take_along_axis(logits, np.clip(labels, 0, 9)[:, None], 1)[:, 0]
// NUMPY: y = np.where(valid, lse - picked, np.nan)
func.func @f(%logits: tensor<?x10xf32> {kiln.name = "logits"}, %labels: tensor<?xi64> {kiln.name = "labels"}) -> (tensor<?xf32> {kiln.name = "y"}) {
  %r = kiln.sparse_softmax_cross_entropy %logits, %labels : (tensor<?x10xf32>, tensor<?xi64>) -> tensor<?xf32>
  return %r : tensor<?xf32>
}
