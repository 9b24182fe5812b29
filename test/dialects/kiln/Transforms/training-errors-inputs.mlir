// SPDX-License-Identifier: Apache-2.0
// kiln-add-loss on predictions its loss cannot take, and kiln-train-step on
// a loss with no trainable argument.
// RUN: kiln-opt %s -split-input-file --kiln-add-loss="loss=sparse_categorical_crossentropy" -verify-diagnostics
// RUN: not kiln-opt %s -split-input-file --kiln-train-step 2>&1 | FileCheck %s --check-prefix=NOPARAM
// NOPARAM: error: kiln-train-step: no argument is marked kiln.trainable

// expected-error @+1 {{loss 'sparse_categorical_crossentropy': predictions must be a float tensor of rank >= 1, got 'tensor<?x3xi32>'}}
func.func @f(%x: tensor<?x3xi32>) -> tensor<?x3xi32> {
  return %x : tensor<?x3xi32>
}

// -----

// expected-error @+1 {{kiln-add-loss: the prediction must be a ranked tensor of rank >= 1, got 'tensor<f32>'}}
func.func @g(%x: tensor<?x3xf32>) -> tensor<f32> {
  %l = kiln.reduce_mean %x {axes = array<i64: 0, 1>} : (tensor<?x3xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
