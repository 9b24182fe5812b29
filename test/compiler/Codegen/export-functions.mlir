// SPDX-License-Identifier: Apache-2.0
// kiln-export-functions: entry points keep only the attributes later passes read.
// RUN: kiln-opt %s --kiln-export-functions=functions=f --split-input-file --verify-diagnostics | FileCheck %s

// The exported function keeps kiln.dim_symbols (the linalg lowering reads
// it) and loses the other kiln.* attributes; what nothing calls is dropped,
// what an exported function calls stays.
// CHECK-LABEL: func.func @f(
// CHECK-SAME: %{{.*}}: tensor<?x4xf32> {kiln.dim_symbols = ["N"]}) -> tensor<?x4xf32>
// CHECK-SAME: attributes {llvm.emit_c_interface}
// CHECK-NOT: kiln.name
// CHECK: func.func private @helper
// CHECK-NOT: func.func @unused
func.func @f(%x: tensor<?x4xf32> {kiln.name = "x", kiln.dim_symbols = ["N"]})
    -> (tensor<?x4xf32> {kiln.name = "y"}) {
  %y = func.call @helper(%x) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
func.func private @helper(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %x : tensor<?x4xf32>
}
func.func @unused(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// expected-error @+1 {{kiln-export-functions: no function 'f' to export}}
module {
  func.func @g(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}
