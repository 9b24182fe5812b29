// SPDX-License-Identifier: Apache-2.0
// VJP of softmax cross-entropy with soft labels (both operands differentiated).
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
// RANGE: z 0 1
func.func @f(%x: tensor<?x5xf64> {kiln.name = "x"}, %z: tensor<?x5xf64> {kiln.name = "z"}) -> (tensor<?xf64> {kiln.name = "y"}) {
  %y = kiln.softmax_cross_entropy %x, %z {axis = 1 : i64} : (tensor<?x5xf64>, tensor<?x5xf64>) -> tensor<?xf64>
  return %y : tensor<?xf64>
}
