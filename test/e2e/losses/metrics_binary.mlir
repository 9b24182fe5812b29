// SPDX-License-Identifier: Apache-2.0
// Loss and metrics (loss=binary_crossentropy from-logits=true metrics=accuracy) against Keras 3's formulas; the metrics are
// piecewise constant, so the VJP check sees only the loss's gradient.
// RUN: kiln-opt %s --kiln-add-loss="loss=binary_crossentropy from-logits=true metrics=accuracy" -o %t.mlir && kiln compile %t.mlir --entry f_loss -o %t --name l && %check %t/libl.so l %s && kiln-opt %t.mlir --kiln-autodiff=function=f_loss -o %t.vjp.mlir && kiln compile %t.vjp.mlir --entry f_loss_vjp -o %t --name g && %check-vjp %t/libl.so l %t/libg.so g %s
// NUMPY: loss = np.mean(np.mean(np.maximum(p, 0) - p * y_true + np.log1p(np.exp(-np.abs(p))), -1))
// NUMPY: accuracy = np.mean(y_true == (p > 0.5))
// RANGE: p -3 3
// RANGE: y_true 0 1
func.func @f(%p: tensor<?x8xf64> {kiln.name = "p"}) -> tensor<?x8xf64> {
  return %p : tensor<?x8xf64>
}
