// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = np.clip(x, -1, 0.5)
func.func @f(%x: tensor<?x3x4xf32> {kiln.name = "x"}) -> (tensor<?x3x4xf32> {kiln.name = "y"}) {
  %r = kiln.clamp %x {max = 5.000000e-01 : f64, min = -1.000000e+00 : f64} : tensor<?x3x4xf32>
  return %r : tensor<?x3x4xf32>
}
