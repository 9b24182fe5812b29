// SPDX-License-Identifier: Apache-2.0
// Only the leading batch dimension may be dynamic at the C API; the name
// must be a C identifier.
// RUN: rm -rf %t && mkdir -p %t
// RUN: not kiln compile %s -o %t --name m 2>&1 | FileCheck %s
// RUN: not kiln compile %s -o %t --name 9lives 2>&1 | FileCheck %s --check-prefix=NAME
// RUN: ls %t | count 0
// CHECK: error: 'input0' of type 'tensor<4x?xf32>' has a dynamic dimension other than the leading batch dimension
// NAME: model name '9lives' is not a C identifier
func.func @f(%x: tensor<4x?xf32>) -> tensor<4x?xf32> {
  %0 = kiln.relu %x : tensor<4x?xf32>
  return %0 : tensor<4x?xf32>
}
