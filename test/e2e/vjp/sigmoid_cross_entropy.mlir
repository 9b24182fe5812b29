// SPDX-License-Identifier: Apache-2.0
// VJP of sigmoid cross-entropy from logits.
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
// RANGE: z 0 1
func.func @f(%x: tensor<?x3xf64> {kiln.name = "x"}, %z: tensor<?x3xf64> {kiln.name = "z"}) -> (tensor<?x3xf64> {kiln.name = "y"}) {
  %y = kiln.sigmoid_cross_entropy %x, %z : (tensor<?x3xf64>, tensor<?x3xf64>) -> tensor<?x3xf64>
  return %y : tensor<?x3xf64>
}
