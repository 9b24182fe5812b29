// SPDX-License-Identifier: Apache-2.0
// kiln-autodiff: the VJP function's signature and names, fan-out summing,
// integer arguments without cotangents, and errors for what has no rule.
// RUN: kiln-opt %s -split-input-file --kiln-autodiff -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @f_vjp
// CHECK-SAME: (%[[X:.+]]: tensor<3xf32> {kiln.name = "x"}, %[[N:.+]]: tensor<3xi64> {kiln.name = "n"}, %[[DY:.+]]: tensor<3xf32> {kiln.name = "d_y"})
// CHECK-SAME: -> (tensor<3xf32> {kiln.name = "y"}, tensor<3xf32> {kiln.name = "d_x"})
// CHECK: %[[T:.+]] = kiln.tanh %[[X]]
// CHECK: %[[Y:.+]] = kiln.mul %[[T]], %[[T]]
// The product's two uses of %t each contribute; the sum feeds tanh's rule.
// CHECK: %[[A:.+]] = kiln.mul %[[DY]], %[[T]]
// CHECK: %[[B:.+]] = kiln.mul %[[DY]], %[[T]]
// CHECK: %[[S:.+]] = kiln.add %[[A]], %[[B]]
// CHECK: %[[DX:.+]] = kiln.mul %[[S]], %{{.+}}
// CHECK: return %[[Y]], %[[DX]]
func.func @f(%x: tensor<3xf32> {kiln.name = "x"}, %n: tensor<3xi64> {kiln.name = "n"}) -> (tensor<3xf32> {kiln.name = "y"}) {
  %t = kiln.tanh %x : tensor<3xf32>
  %y = kiln.mul %t, %t : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// -----

// An argument the result does not depend on gets a zero cotangent.
// CHECK-LABEL: func.func @g_vjp
// CHECK: %[[Z:.+]] = kiln.constant dense<0.000000e+00> : tensor<f32>
// CHECK: %[[ZB:.+]] = kiln.broadcast_to %[[Z]]
// CHECK: return %{{.+}}, %{{.+}}, %[[ZB]]
func.func @g(%x: tensor<2xf32>, %unused: tensor<2xf32>) -> tensor<2xf32> {
  %y = kiln.exp %x : tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @gather_axis1(%t: tensor<5x3xf32>, %ids: tensor<2xi64>) -> tensor<5x2xf32> {
  // expected-error @+2 {{cannot differentiate a gather along axis 1 or of a dynamically shaped table yet}}
  // expected-error @+1 {{'kiln.gather' op cannot be differentiated here}}
  %y = kiln.gather %t, %ids {axis = 1 : i64} : (tensor<5x3xf32>, tensor<2xi64>) -> tensor<5x2xf32>
  return %y : tensor<5x2xf32>
}

// -----

// expected-error @+1 {{kiln-autodiff: several public functions; name one with function=}}
module {
  func.func @a(%x: tensor<2xf32>) -> tensor<2xf32> {
    return %x : tensor<2xf32>
  }
  func.func @b(%x: tensor<2xf32>) -> tensor<2xf32> {
    return %x : tensor<2xf32>
  }
}
