// SPDX-License-Identifier: Apache-2.0
// Keras loss categorical_crossentropy (loss=categorical_crossentropy reduction=none): values against Keras 3's formula, VJP against finite differences.
// RUN: kiln-opt %s --kiln-add-loss="loss=categorical_crossentropy reduction=none" -o %t.mlir && kiln compile %t.mlir --entry f_loss -o %t --name l && %check %t/libl.so l %s && kiln-opt %t.mlir --kiln-autodiff=function=f_loss -o %t.vjp.mlir && kiln compile %t.vjp.mlir --entry f_loss_vjp -o %t --name g && %check-vjp %t/libl.so l %t/libg.so g %s
// NUMPY: q = np.clip(p / p.sum(-1, keepdims=True), 1e-7, 1 - 1e-7); loss = -np.sum(y_true * np.log(q), -1)
// RANGE: p 0.05 1
// RANGE: y_true 0 1
func.func @f(%p: tensor<?x5xf64> {kiln.name = "p"}) -> tensor<?x5xf64> {
  return %p : tensor<?x5xf64>
}
