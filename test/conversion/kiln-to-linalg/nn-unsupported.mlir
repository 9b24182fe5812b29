// SPDX-License-Identifier: Apache-2.0
// RUN: kiln-opt %s -split-input-file -kiln-convert-to-linalg -verify-diagnostics

// The reversed filter and the padding of a transposed convolution need the
// filter's spatial sizes.
func.func @conv_transpose_dynamic_window(%x: tensor<?x4x4x8xf32>, %w: tensor<?x3x4x8xf32>) -> tensor<?x?x6x4xf32> {
  // expected-error @+1 {{failed to legalize operation 'kiln.conv_transpose' that was explicitly marked illegal}}
  %0 = kiln.conv_transpose %x, %w : (tensor<?x4x4x8xf32>, tensor<?x3x4x8xf32>) -> tensor<?x?x6x4xf32>
  return %0 : tensor<?x?x6x4xf32>
}
