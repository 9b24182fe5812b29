// SPDX-License-Identifier: Apache-2.0
// VJP of dropout in training mode (the same mask on the cotangent).
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
func.func @f(%x: tensor<?x16xf64> {kiln.name = "x"}) -> (tensor<?x16xf64> {kiln.name = "y"}) {
  %y = kiln.dropout %x {rate = 0.3 : f64, seed = 7 : i64, training = true} : (tensor<?x16xf64>) -> tensor<?x16xf64>
  return %y : tensor<?x16xf64>
}
