// SPDX-License-Identifier: Apache-2.0
// iota along the dynamic batch and along a static axis, as a lower-triangle
// mask (ONNX Trilu with dynamic sizes).
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// NUMPY: rows = np.arange(x.shape[0])[:, None]; cols = np.arange(4)[None, :]
// NUMPY: y = np.where(cols <= rows, x, 0).astype(np.float32)
// NUMPY: i = np.broadcast_to(rows, x.shape).astype(np.int64)
func.func @f(%x: tensor<?x4xf32> {kiln.name = "x"}) -> (tensor<?x4xf32> {kiln.name = "y"}, tensor<?x4xi64> {kiln.name = "i"}) {
  %rows = kiln.iota %x {axis = 0 : i64} : (tensor<?x4xf32>) -> tensor<?x4xi64>
  %cols = kiln.iota %x {axis = 1 : i64} : (tensor<?x4xf32>) -> tensor<?x4xi64>
  %keep = kiln.compare le, %cols, %rows : (tensor<?x4xi64>, tensor<?x4xi64>) -> tensor<?x4xi1>
  %zero = kiln.constant dense<0.0> : tensor<f32>
  %y = kiln.select %keep, %x, %zero : (tensor<?x4xi1>, tensor<?x4xf32>, tensor<f32>) -> tensor<?x4xf32>
  return %y, %rows : tensor<?x4xf32>, tensor<?x4xi64>
}
