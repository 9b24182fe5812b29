// SPDX-License-Identifier: Apache-2.0
// An op Kiln cannot lower (a transposed convolution whose filter window is
// only known at run time): a diagnostic naming the op, nothing written.
// RUN: rm -rf %t && mkdir -p %t
// RUN: not kiln compile %s -o %t --name m --emit=linalg 2>&1 | FileCheck %s
// RUN: ls %t | count 0
// CHECK: unsupported.mlir:[[@LINE+2]]:8: error: failed to legalize operation 'kiln.conv_transpose'
func.func @f(%x: tensor<?x4x4x8xf32>, %w: tensor<?x?x4x8xf32>) -> tensor<?x?x?x4xf32> {
  %0 = kiln.conv_transpose %x, %w : (tensor<?x4x4x8xf32>, tensor<?x?x4x8xf32>) -> tensor<?x?x?x4xf32>
  return %0 : tensor<?x?x?x4xf32>
}
