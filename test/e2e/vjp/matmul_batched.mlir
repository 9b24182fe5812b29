// SPDX-License-Identifier: Apache-2.0
// VJP of Batched matmul whose right operand broadcasts over the batch.
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
func.func @f(%a: tensor<?x3x4xf64> {kiln.name = "a"}, %w: tensor<4x6xf64> {kiln.name = "w"}) -> (tensor<?x3x6xf64> {kiln.name = "y"}) {
  %y = kiln.matmul %a, %w : (tensor<?x3x4xf64>, tensor<4x6xf64>) -> tensor<?x3x6xf64>
  return %y : tensor<?x3x6xf64>
}
