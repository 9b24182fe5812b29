// SPDX-License-Identifier: Apache-2.0
// Keras loss hinge (loss=hinge reduction=none): values against Keras 3's formula, VJP against finite differences.
// RUN: kiln-opt %s --kiln-add-loss="loss=hinge reduction=none" -o %t.mlir && kiln compile %t.mlir --entry f_loss -o %t --name l && %check %t/libl.so l %s && kiln-opt %t.mlir --kiln-autodiff=function=f_loss -o %t.vjp.mlir && kiln compile %t.vjp.mlir --entry f_loss_vjp -o %t --name g && %check-vjp %t/libl.so l %t/libg.so g %s
// NUMPY: b = np.all((y_true == 0) | (y_true == 1)); s = 2 * y_true - 1 if b else y_true; loss = np.mean(np.maximum(1 - s * p, 0), -1)
// RANGE: p -2 2
// RANGE: y_true -1 1
func.func @f(%p: tensor<?x5xf64> {kiln.name = "p"}) -> tensor<?x5xf64> {
  return %p : tensor<?x5xf64>
}
