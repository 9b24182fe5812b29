// SPDX-License-Identifier: Apache-2.0
// Keras loss mse (loss=mse reduction=none): values against Keras 3's formula, VJP against finite differences.
// RUN: kiln-opt %s --kiln-add-loss="loss=mse reduction=none" -o %t.mlir && kiln compile %t.mlir --entry f_loss -o %t --name l && %check %t/libl.so l %s && kiln-opt %t.mlir --kiln-autodiff=function=f_loss -o %t.vjp.mlir && kiln compile %t.vjp.mlir --entry f_loss_vjp -o %t --name g && %check-vjp %t/libl.so l %t/libg.so g %s
// NUMPY: loss = np.mean((y_true - p) ** 2, -1)
func.func @f(%p: tensor<?x5xf64> {kiln.name = "p"}) -> tensor<?x5xf64> {
  return %p : tensor<?x5xf64>
}
