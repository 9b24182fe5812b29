// SPDX-License-Identifier: Apache-2.0
// VJP of reduce_mean over the dynamic batch and a static axis (a loss mean).
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
func.func @f(%x: tensor<?x4x5xf64> {kiln.name = "x"}) -> (tensor<5xf64> {kiln.name = "y"}) {
  %y = kiln.reduce_mean %x {axes = array<i64: 0, 1>} : (tensor<?x4x5xf64>) -> tensor<5xf64>
  return %y : tensor<5xf64>
}
