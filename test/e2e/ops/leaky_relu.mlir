// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = np.where(x>=0, x, 0.2*x)
func.func @f(%x: tensor<?x3x4xf32> {kiln.name = "x"}) -> (tensor<?x3x4xf32> {kiln.name = "y"}) {
  %r = kiln.leaky_relu %x {alpha = 2.000000e-01 : f64} : tensor<?x3x4xf32>
  return %r : tensor<?x3x4xf32>
}
