// SPDX-License-Identifier: Apache-2.0
// VJP of a broadcasting kiln.minimum against finite differences.
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
func.func @f(%a: tensor<?x5xf64> {kiln.name = "a"}, %b: tensor<5xf64> {kiln.name = "b"}) -> (tensor<?x5xf64> {kiln.name = "y"}) {
  %y = kiln.minimum %a, %b : (tensor<?x5xf64>, tensor<5xf64>) -> tensor<?x5xf64>
  return %y : tensor<?x5xf64>
}
