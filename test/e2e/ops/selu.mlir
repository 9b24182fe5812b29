// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = 1.0507009873554805*np.where(x>0, x, 1.6732632423543772*np.expm1(x))
func.func @f(%x: tensor<?x3x4xf32> {kiln.name = "x"}) -> (tensor<?x3x4xf32> {kiln.name = "y"}) {
  %r = kiln.selu %x : tensor<?x3x4xf32>
  return %r : tensor<?x3x4xf32>
}
