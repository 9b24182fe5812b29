// SPDX-License-Identifier: Apache-2.0
// VJP of sparse softmax cross-entropy (integer labels get no cotangent).
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
// RANGE: labels 0 4
func.func @f(%x: tensor<?x5xf64> {kiln.name = "x"}, %labels: tensor<?xi64> {kiln.name = "labels"}) -> (tensor<?xf64> {kiln.name = "y"}) {
  %y = kiln.sparse_softmax_cross_entropy %x, %labels : (tensor<?x5xf64>, tensor<?xi64>) -> tensor<?xf64>
  return %y : tensor<?xf64>
}
