// SPDX-License-Identifier: Apache-2.0
// A reverse scan over axis 0 with two carries (a running sum and a running
// max) and two sequences; outputs land at their step's position.
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: s = s0.astype(np.float64); mx = m0.astype(np.float64); outs = [None] * a.shape[0]
// NUMPY: for t in reversed(range(a.shape[0])): s = s + a[t] * b[t]; mx = np.maximum(mx, a[t]); outs[t] = s - mx
// NUMPY: sum = s; max = mx; diff = np.stack(outs, axis=0)
func.func @f(%a: tensor<?x3x7xf64> {kiln.name = "a"}, %b: tensor<?x3x7xf64> {kiln.name = "b"},
             %s0: tensor<3x7xf64> {kiln.name = "s0"}, %m0: tensor<3x7xf64> {kiln.name = "m0"})
    -> (tensor<3x7xf64> {kiln.name = "sum"}, tensor<3x7xf64> {kiln.name = "max"},
        tensor<?x3x7xf64> {kiln.name = "diff"}) {
  %s, %m, %d = kiln.scan (%s0, %m0) over (%a, %b) axis = 0 reverse
      : (tensor<3x7xf64>, tensor<3x7xf64>), (tensor<?x3x7xf64>, tensor<?x3x7xf64>)
      -> (tensor<3x7xf64>, tensor<3x7xf64>, tensor<?x3x7xf64>) {
  ^bb0(%sp: tensor<3x7xf64>, %mp: tensor<3x7xf64>, %at: tensor<3x7xf64>, %bt: tensor<3x7xf64>):
    %p = kiln.mul %at, %bt : (tensor<3x7xf64>, tensor<3x7xf64>) -> tensor<3x7xf64>
    %sn = kiln.add %sp, %p : (tensor<3x7xf64>, tensor<3x7xf64>) -> tensor<3x7xf64>
    %mn = kiln.maximum %mp, %at : (tensor<3x7xf64>, tensor<3x7xf64>) -> tensor<3x7xf64>
    %dn = kiln.sub %sn, %mn : (tensor<3x7xf64>, tensor<3x7xf64>) -> tensor<3x7xf64>
    kiln.yield %sn, %mn, %dn : tensor<3x7xf64>, tensor<3x7xf64>, tensor<3x7xf64>
  }
  return %s, %m, %d : tensor<3x7xf64>, tensor<3x7xf64>, tensor<?x3x7xf64>
}
