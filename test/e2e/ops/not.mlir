// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = ~a
func.func @f(%a: tensor<?x4xi1> {kiln.name = "a"}) -> (tensor<?x4xi1> {kiln.name = "y"}) {
  %r = kiln.not %a : tensor<?x4xi1>
  return %r : tensor<?x4xi1>
}
