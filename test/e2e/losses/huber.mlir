// SPDX-License-Identifier: Apache-2.0
// Keras loss huber (loss=huber reduction=none delta=0.8): values against Keras 3's formula, VJP against finite differences.
// RUN: kiln-opt %s --kiln-add-loss="loss=huber reduction=none delta=0.8" -o %t.mlir && kiln compile %t.mlir --entry f_loss -o %t --name l && %check %t/libl.so l %s && kiln-opt %t.mlir --kiln-autodiff=function=f_loss -o %t.vjp.mlir && kiln compile %t.vjp.mlir --entry f_loss_vjp -o %t --name g && %check-vjp %t/libl.so l %t/libg.so g %s
// NUMPY: e = p - y_true; a = np.abs(e); loss = np.mean(np.where(a <= 0.8, 0.5 * e * e, 0.8 * a - 0.5 * 0.64), -1)
// RANGE: p -3 3
func.func @f(%p: tensor<?x5xf64> {kiln.name = "p"}) -> tensor<?x5xf64> {
  return %p : tensor<?x5xf64>
}
