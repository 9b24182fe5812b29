// SPDX-License-Identifier: Apache-2.0
// A malformed model: located error, non-zero exit, nothing written.
// RUN: rm -rf %t && mkdir -p %t
// RUN: not kiln compile %s -o %t --name m 2>&1 | FileCheck %s
// RUN: ls %t | count 0
// CHECK: malformed.mlir:[[@LINE+2]]:{{[0-9]+}}: error: expected '>' in tensor type
func.func @f(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = kiln.relu %x : tensor<?x4xf32
  return %0 : tensor<?x4xf32>
}
