// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = np.where(x>0, x, 1.5*np.expm1(x))
func.func @f(%x: tensor<?x3x4xf32> {kiln.name = "x"}) -> (tensor<?x3x4xf32> {kiln.name = "y"}) {
  %r = kiln.elu %x {alpha = 1.500000e+00 : f64} : tensor<?x3x4xf32>
  return %r : tensor<?x3x4xf32>
}
