// SPDX-License-Identifier: Apache-2.0
// Loss and metrics (loss=categorical_crossentropy metrics=acc,top_k_categorical_accuracy,mae,mse) against Keras 3's formulas; the metrics are
// piecewise constant, so the VJP check sees only the loss's gradient.
// RUN: kiln-opt %s --kiln-add-loss="loss=categorical_crossentropy metrics=acc,top_k_categorical_accuracy,mae,mse" -o %t.mlir && kiln compile %t.mlir --entry f_loss -o %t --name l && %check %t/libl.so l %s && kiln-opt %t.mlir --kiln-autodiff=function=f_loss -o %t.vjp.mlir && kiln compile %t.vjp.mlir --entry f_loss_vjp -o %t --name g && %check-vjp %t/libl.so l %t/libg.so g %s
// NUMPY: q = np.clip(p / p.sum(-1, keepdims=True), 1e-7, 1 - 1e-7); loss = np.mean(-np.sum(y_true * np.log(q), -1))
// NUMPY: acc = np.mean(np.argmax(y_true, -1) == np.argmax(p, -1))
// NUMPY: t = np.take_along_axis(p, np.argmax(y_true, -1)[:, None], -1); top_k_categorical_accuracy = np.mean((p > t).sum(-1) < 5)
// NUMPY: mae = np.mean(np.abs(y_true - p))
// NUMPY: mse = np.mean((y_true - p) ** 2)
// RANGE: p 0.05 1
// RANGE: y_true 0 1
func.func @f(%p: tensor<?x8xf64> {kiln.name = "p"}) -> tensor<?x8xf64> {
  return %p : tensor<?x8xf64>
}
