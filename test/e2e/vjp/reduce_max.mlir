// SPDX-License-Identifier: Apache-2.0
// VJP of reduce_max over the middle axis.
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
func.func @f(%x: tensor<?x4x5xf64> {kiln.name = "x"}) -> (tensor<?x5xf64> {kiln.name = "y"}) {
  %y = kiln.reduce_max %x {axes = array<i64: 1>} : (tensor<?x4x5xf64>) -> tensor<?x5xf64>
  return %y : tensor<?x5xf64>
}
