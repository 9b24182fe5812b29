// SPDX-License-Identifier: Apache-2.0
// VJP of log_softmax over the middle axis.
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
func.func @f(%x: tensor<?x4x3xf64> {kiln.name = "x"}) -> (tensor<?x4x3xf64> {kiln.name = "y"}) {
  %y = kiln.log_softmax %x {axis = 1 : i64} : (tensor<?x4x3xf64>) -> tensor<?x4x3xf64>
  return %y : tensor<?x4x3xf64>
}
