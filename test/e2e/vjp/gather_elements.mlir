// SPDX-License-Identifier: Apache-2.0
// VJP of gather_elements along axis 1 with negative and repeated indices (repeats sum).
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
// RANGE: i -5 4
func.func @f(%x: tensor<?x5xf64> {kiln.name = "x"}, %i: tensor<?x7xi64> {kiln.name = "i"}) -> (tensor<?x7xf64> {kiln.name = "y"}) {
  %g = kiln.gather_elements %x, %i {axis = 1 : i64} : (tensor<?x5xf64>, tensor<?x7xi64>) -> tensor<?x7xf64>
  %y = kiln.mul %g, %g : (tensor<?x7xf64>, tensor<?x7xf64>) -> tensor<?x7xf64>
  return %y : tensor<?x7xf64>
}
