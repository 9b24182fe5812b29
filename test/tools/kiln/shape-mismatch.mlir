// SPDX-License-Identifier: Apache-2.0
// RUN: rm -rf %t && mkdir -p %t
// RUN: not kiln compile %s -o %t --name m 2>&1 | FileCheck %s
// RUN: ls %t | count 0
// CHECK: error: loc("dense_2"): contracting dimensions differ: lhs [?, 64] has 64, rhs [128, 10] has 128
func.func @f(%x: tensor<?x64xf32>, %w: tensor<128x10xf32>) -> tensor<?x10xf32> {
  %0 = kiln.matmul %x, %w : (tensor<?x64xf32>, tensor<128x10xf32>) -> tensor<?x10xf32> loc("dense_2")
  return %0 : tensor<?x10xf32>
}
