// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: p = 1/(1+np.exp(-l.astype(np.float64)))
// NUMPY: y = -(z*np.log(p) + (1-z)*np.log(1-p))
// RANGE: z 0 1
func.func @f(%l: tensor<?x3xf32> {kiln.name = "l"}, %z: tensor<?x3xf32> {kiln.name = "z"}) -> (tensor<?x3xf32> {kiln.name = "y"}) {
  %r = kiln.sigmoid_cross_entropy %l, %z : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  return %r : tensor<?x3xf32>
}
