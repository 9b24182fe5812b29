// SPDX-License-Identifier: Apache-2.0
// VJP of dynamic_reshape to [N, 3, 4] (two sizes unknown to the compiler), transposed and reshaped back: both cotangents need the input's run-time shape.
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
func.func @f(%x: tensor<?x12xf64> {kiln.name = "x"}) -> (tensor<?x12xf64> {kiln.name = "y"}) {
  %s = kiln.constant dense<[0, -1, 4]> : tensor<3xi64>
  %r = kiln.dynamic_reshape %x(%s) {copy_zero} : (tensor<?x12xf64>, tensor<3xi64>) -> tensor<?x?x4xf64>
  %t = kiln.transpose %r {permutation = array<i64: 0, 2, 1>} : (tensor<?x?x4xf64>) -> tensor<?x4x?xf64>
  %e = kiln.exp %t : tensor<?x4x?xf64>
  %y = kiln.reshape %e {shape = array<i64: -1, 12>} : (tensor<?x4x?xf64>) -> tensor<?x12xf64>
  return %y : tensor<?x12xf64>
}
