// SPDX-License-Identifier: Apache-2.0
// kiln.scan after kiln-convert-to-linalg (body converted, scan kept), then
// kiln-convert-scan-to-scf: one scf.for over the sequence length carrying
// the state and the stacked output, allocated before the loop with sizes
// traced back to the function's arguments.
// RUN: kiln-opt %s -split-input-file -kiln-convert-to-linalg | FileCheck %s --check-prefix=KEPT
// RUN: kiln-opt %s -split-input-file -pass-pipeline='builtin.module(kiln-convert-to-linalg,func.func(kiln-convert-scan-to-scf))' -verify-diagnostics | FileCheck %s

// KEPT-LABEL: func.func @rnn
// KEPT: kiln.scan
// KEPT: linalg.generic
// KEPT: kiln.yield

// CHECK-LABEL: func.func @rnn
// CHECK-SAME: (%[[H0:.+]]: tensor<?x8xf32>, %[[XS:.+]]: tensor<?x5x8xf32>)
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C5:.+]] = arith.constant 5 : index
// CHECK: %[[B:.+]] = tensor.dim %[[H0]], %[[C0]]
// CHECK: %[[EMPTY:.+]] = tensor.empty(%[[B]]) : tensor<?x5x8xf32>
// CHECK: %[[R:.+]]:2 = scf.for %[[T:.+]] = %{{.+}} to %[[C5]] step %{{.+}} iter_args(%[[H:.+]] = %[[H0]], %[[ACC:.+]] = %[[EMPTY]])
// CHECK: %[[LAST:.+]] = arith.subi %[[C5]], %{{.+}}
// CHECK: %[[STEP:.+]] = arith.subi %[[LAST]], %[[T]]
// CHECK: tensor.extract_slice %[[XS]][0, %[[STEP]], 0] [%{{.+}}, 1, 8] [1, 1, 1] : tensor<?x5x8xf32> to tensor<?x8xf32>
// CHECK: %[[NEW:.+]] = linalg.generic
// CHECK: %[[INS:.+]] = tensor.insert_slice %[[NEW]] into %[[ACC]][0, %[[STEP]], 0] [%{{.+}}, 1, 8] [1, 1, 1]
// CHECK: scf.yield %[[NEW]], %[[INS]]
// CHECK: return %[[R]]#0, %[[R]]#1
func.func @rnn(%h0: tensor<?x8xf32>, %xs: tensor<?x5x8xf32>) -> (tensor<?x8xf32>, tensor<?x5x8xf32>) {
  %h, %seq = kiln.scan (%h0) over (%xs) axis = 1 reverse
      : (tensor<?x8xf32>), (tensor<?x5x8xf32>) -> (tensor<?x8xf32>, tensor<?x5x8xf32>) {
  ^bb0(%hp: tensor<?x8xf32>, %x: tensor<?x8xf32>):
    %s = kiln.add %hp, %x : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
    kiln.yield %s, %s : tensor<?x8xf32>, tensor<?x8xf32>
  }
  return %h, %seq : tensor<?x8xf32>, tensor<?x5x8xf32>
}

// -----

// A per-step output whose dynamic size comes from a reshape of the step's
// slice (a quotient, not a carried size) cannot be sized before the loop.
func.func @untraceable(%h0: tensor<4xf32>, %xs: tensor<3x?xf32>) -> tensor<3x?xf32> {
  // expected-error @+1 {{'kiln.scan' op cannot tell the size of a per-step output of type 'tensor<?x2xf32>' before the loop}}
  %h, %seq = kiln.scan (%h0) over (%xs) axis = 0
      : (tensor<4xf32>), (tensor<3x?xf32>) -> (tensor<4xf32>, tensor<3x?x2xf32>) {
  ^bb0(%hp: tensor<4xf32>, %x: tensor<?xf32>):
    %r = kiln.reshape %x {shape = array<i64: -1, 2>} : (tensor<?xf32>) -> tensor<?x2xf32>
    kiln.yield %hp, %r : tensor<4xf32>, tensor<?x2xf32>
  }
  %f = kiln.reshape %seq {shape = array<i64: 3, -1>} : (tensor<3x?x2xf32>) -> tensor<3x?xf32>
  return %f : tensor<3x?xf32>
}
