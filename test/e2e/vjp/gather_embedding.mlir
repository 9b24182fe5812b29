// SPDX-License-Identifier: Apache-2.0
// VJP of an embedding lookup (gather on axis 0; repeated ids sum).
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
// RANGE: ids 0 6
func.func @f(%t: tensor<7x4xf64> {kiln.name = "t"}, %ids: tensor<?x5xi64> {kiln.name = "ids"}) -> (tensor<?x5x4xf64> {kiln.name = "y"}) {
  %y = kiln.gather %t, %ids {axis = 0 : i64} : (tensor<7x4xf64>, tensor<?x5xi64>) -> tensor<?x5x4xf64>
  return %y : tensor<?x5x4xf64>
}
