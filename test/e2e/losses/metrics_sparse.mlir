// SPDX-License-Identifier: Apache-2.0
// Loss and metrics (loss=sparse_categorical_crossentropy from-logits=true metrics=accuracy,sparse_top_k_categorical_accuracy) against Keras 3's formulas; the metrics are
// piecewise constant, so the VJP check sees only the loss's gradient.
// RUN: kiln-opt %s --kiln-add-loss="loss=sparse_categorical_crossentropy from-logits=true metrics=accuracy,sparse_top_k_categorical_accuracy" -o %t.mlir && kiln compile %t.mlir --entry f_loss -o %t --name l && %check %t/libl.so l %s && kiln-opt %t.mlir --kiln-autodiff=function=f_loss -o %t.vjp.mlir && kiln compile %t.vjp.mlir --entry f_loss_vjp -o %t --name g && %check-vjp %t/libl.so l %t/libg.so g %s
// NUMPY: m = p.max(-1, keepdims=True); ls = p - m - np.log(np.exp(p - m).sum(-1, keepdims=True)); loss = np.mean(-np.take_along_axis(ls, y_true[:, None], -1))
// NUMPY: accuracy = np.mean(np.argmax(p, -1) == y_true)
// NUMPY: t = np.take_along_axis(p, y_true[:, None], -1); sparse_top_k_categorical_accuracy = np.mean((p > t).sum(-1) < 5)
// RANGE: p -3 3
// RANGE: y_true 0 7
func.func @f(%p: tensor<?x8xf64> {kiln.name = "p"}) -> tensor<?x8xf64> {
  return %p : tensor<?x8xf64>
}
