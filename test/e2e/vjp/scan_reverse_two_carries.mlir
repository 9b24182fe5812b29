// SPDX-License-Identifier: Apache-2.0
// VJP of a reverse scan over axis 0 with two carries and two sequences.
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
func.func @f(%a: tensor<4x3x2xf64> {kiln.name = "a"}, %b: tensor<4x3x2xf64> {kiln.name = "b"},
             %s0: tensor<3x2xf64> {kiln.name = "s0"}, %m0: tensor<3x2xf64> {kiln.name = "m0"})
    -> (tensor<3x2xf64> {kiln.name = "sum"}, tensor<4x3x2xf64> {kiln.name = "out"}) {
  %s, %m, %d = kiln.scan (%s0, %m0) over (%a, %b) axis = 0 reverse
      : (tensor<3x2xf64>, tensor<3x2xf64>), (tensor<4x3x2xf64>, tensor<4x3x2xf64>)
      -> (tensor<3x2xf64>, tensor<3x2xf64>, tensor<4x3x2xf64>) {
  ^bb0(%sp: tensor<3x2xf64>, %mp: tensor<3x2xf64>, %at: tensor<3x2xf64>, %bt: tensor<3x2xf64>):
    %p = kiln.mul %at, %bt : (tensor<3x2xf64>, tensor<3x2xf64>) -> tensor<3x2xf64>
    %sn = kiln.add %sp, %p : (tensor<3x2xf64>, tensor<3x2xf64>) -> tensor<3x2xf64>
    %q = kiln.mul %mp, %sn : (tensor<3x2xf64>, tensor<3x2xf64>) -> tensor<3x2xf64>
    %mn = kiln.sigmoid %q : tensor<3x2xf64>
    %dn = kiln.sub %sn, %mn : (tensor<3x2xf64>, tensor<3x2xf64>) -> tensor<3x2xf64>
    kiln.yield %sn, %mn, %dn : tensor<3x2xf64>, tensor<3x2xf64>, tensor<3x2xf64>
  }
  return %s, %d : tensor<3x2xf64>, tensor<4x3x2xf64>
}
