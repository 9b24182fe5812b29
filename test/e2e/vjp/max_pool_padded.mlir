// SPDX-License-Identifier: Apache-2.0
// VJP of max pooling, 3x3 windows, stride 2, padded (overlapping windows).
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
func.func @f(%x: tensor<?x5x5x2xf64> {kiln.name = "x"}) -> (tensor<?x3x3x2xf64> {kiln.name = "y"}) {
  %y = kiln.max_pool %x {window = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<?x5x5x2xf64>) -> tensor<?x3x3x2xf64>
  return %y : tensor<?x3x3x2xf64>
}
