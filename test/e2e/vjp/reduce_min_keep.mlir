// SPDX-License-Identifier: Apache-2.0
// VJP of reduce_min over the last axis, keep_dims.
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
func.func @f(%x: tensor<?x4x5xf64> {kiln.name = "x"}) -> (tensor<?x4x1xf64> {kiln.name = "y"}) {
  %y = kiln.reduce_min %x {axes = array<i64: 2>, keep_dims = true} : (tensor<?x4x5xf64>) -> tensor<?x4x1xf64>
  return %y : tensor<?x4x1xf64>
}
