// SPDX-License-Identifier: Apache-2.0
// VJP of broadcast_to of a bias to the batch.
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
func.func @f(%b: tensor<1x5xf64> {kiln.name = "b"}, %x: tensor<?x5xf64> {kiln.name = "x"}) -> (tensor<?x5xf64> {kiln.name = "y"}) {
  %y = kiln.broadcast_to %b {shape = array<i64: -1, 5>} like %x : (tensor<1x5xf64>, tensor<?x5xf64>) -> tensor<?x5xf64>
  %z = kiln.mul %y, %x : (tensor<?x5xf64>, tensor<?x5xf64>) -> tensor<?x5xf64>
  return %z : tensor<?x5xf64>
}
