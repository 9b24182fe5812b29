// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = 0.5*x*(1+np.tanh(np.sqrt(2/np.pi)*(x+0.044715*x**3)))
func.func @f(%x: tensor<?x3x4xf32> {kiln.name = "x"}) -> (tensor<?x3x4xf32> {kiln.name = "y"}) {
  %r = kiln.gelu %x {approximate = true} : tensor<?x3x4xf32>
  return %r : tensor<?x3x4xf32>
}
