// SPDX-License-Identifier: Apache-2.0
// RUN: kiln compile %s -o %t --name m && %check %t/libm.so m %s
// Each window sum is divided by its number of real elements.
// NUMPY: from numpy.lib.stride_tricks import sliding_window_view as windows
// NUMPY: pool = lambda v: windows(np.pad(v, ((0, 0), (1, 1), (1, 0), (0, 0))), (3, 3), axis=(1, 2))[:, ::2, ::2].sum((-2, -1))
// NUMPY: y = pool(x) / pool(np.ones_like(x))
func.func @f(%x: tensor<?x8x7x3xf32> {kiln.name = "x"}) -> (tensor<?x4x3x3xf32> {kiln.name = "y"}) {
  %r = kiln.avg_pool %x {window = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 0>}
      : (tensor<?x8x7x3xf32>) -> tensor<?x4x3x3xf32>
  return %r : tensor<?x4x3x3xf32>
}
