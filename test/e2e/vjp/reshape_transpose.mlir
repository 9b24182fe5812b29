// SPDX-License-Identifier: Apache-2.0
// VJP of reshape then transpose.
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
func.func @f(%x: tensor<?x12xf64> {kiln.name = "x"}) -> (tensor<?x4x3xf64> {kiln.name = "y"}) {
  %r = kiln.reshape %x {shape = array<i64: -1, 3, 4>} : (tensor<?x12xf64>) -> tensor<?x3x4xf64>
  %y = kiln.transpose %r {permutation = array<i64: 0, 2, 1>} : (tensor<?x3x4xf64>) -> tensor<?x4x3xf64>
  return %y : tensor<?x4x3xf64>
}
