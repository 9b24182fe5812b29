// SPDX-License-Identifier: Apache-2.0
// VJP of max pooling, 2x2 windows, stride 2.
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
func.func @f(%x: tensor<?x4x6x3xf64> {kiln.name = "x"}) -> (tensor<?x2x3x3xf64> {kiln.name = "y"}) {
  %y = kiln.max_pool %x {window = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x4x6x3xf64>) -> tensor<?x2x3x3xf64>
  return %y : tensor<?x2x3x3xf64>
}
