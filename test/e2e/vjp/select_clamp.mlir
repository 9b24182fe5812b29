// SPDX-License-Identifier: Apache-2.0
// VJP of select on a comparison, and clamp.
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
func.func @f(%a: tensor<?x5xf64> {kiln.name = "a"}, %b: tensor<?x5xf64> {kiln.name = "b"}) -> (tensor<?x5xf64> {kiln.name = "y"}) {
  %zero = kiln.constant dense<0.25> : tensor<f64>
  %c = kiln.compare gt, %a, %zero : (tensor<?x5xf64>, tensor<f64>) -> tensor<?x5xi1>
  %s = kiln.select %c, %a, %b : (tensor<?x5xi1>, tensor<?x5xf64>, tensor<?x5xf64>) -> tensor<?x5xf64>
  %y = kiln.clamp %s {min = -1.5 : f64, max = 1.5 : f64} : tensor<?x5xf64>
  return %y : tensor<?x5xf64>
}
