// SPDX-License-Identifier: Apache-2.0
// VJP of reduce_prod over the last axis (inputs away from zero).
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
// RANGE: x 0.5 1.5
func.func @f(%x: tensor<?x4x3xf64> {kiln.name = "x"}) -> (tensor<?x4xf64> {kiln.name = "y"}) {
  %y = kiln.reduce_prod %x {axes = array<i64: 2>} : (tensor<?x4x3xf64>) -> tensor<?x4xf64>
  return %y : tensor<?x4xf64>
}
