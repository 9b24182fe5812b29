// SPDX-License-Identifier: Apache-2.0
// Used by ../dynamic-reshape.mlir: a copied 0 (copy_zero).
func.func @f(%x: tensor<2x6xf32>, %s: tensor<3xi64>) -> tensor<?x?x?xf32> {
  %0 = kiln.dynamic_reshape %x(%s) {copy_zero} : (tensor<2x6xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  return %0 : tensor<?x?x?xf32>
}
