// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: y = np.argmin(x, axis=1)[:, None]
func.func @f(%x: tensor<?x7xf32> {kiln.name = "x"}) -> (tensor<?x1xi64> {kiln.name = "y"}) {
  %r = kiln.argmin %x {axis = 1 : i64, keep_dims = true} : (tensor<?x7xf32>) -> tensor<?x1xi64>
  return %r : tensor<?x1xi64>
}
