// SPDX-License-Identifier: Apache-2.0
// VJP of concat, slice and pad.
// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f && kiln compile %t.mlir --entry f_vjp -o %t --name g && %check-vjp %t/libf.so f %t/libg.so g %s
func.func @f(%a: tensor<?x3xf64> {kiln.name = "a"}, %b: tensor<?x2xf64> {kiln.name = "b"}) -> (tensor<?x6xf64> {kiln.name = "y"}) {
  %c = kiln.concat %a, %b {axis = 1 : i64} : (tensor<?x3xf64>, tensor<?x2xf64>) -> tensor<?x5xf64>
  %s = kiln.slice %c {axes = array<i64: 1>, starts = array<i64: 1>, ends = array<i64: 5>, steps = array<i64: 1>} : (tensor<?x5xf64>) -> tensor<?x4xf64>
  %y = kiln.pad %s {low = array<i64: 0, 2>, high = array<i64: 0, 0>} : (tensor<?x4xf64>) -> tensor<?x6xf64>
  return %y : tensor<?x6xf64>
}
