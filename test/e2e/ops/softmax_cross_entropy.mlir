// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// RANGE: logits -30 30
// RANGE: labels 0 1
// NUMPY: s = logits - logits.max(1, keepdims=True)
// NUMPY: y = -(labels * (s - np.log(np.exp(s).sum(1, keepdims=True)))).sum(1)
func.func @f(%logits: tensor<?x10xf32> {kiln.name = "logits"}, %labels: tensor<?x10xf32> {kiln.name = "labels"}) -> (tensor<?xf32> {kiln.name = "y"}) {
  %r = kiln.softmax_cross_entropy %logits, %labels {axis = 1 : i64} : (tensor<?x10xf32>, tensor<?x10xf32>) -> tensor<?xf32>
  return %r : tensor<?xf32>
}
