// SPDX-License-Identifier: Apache-2.0
// Keras loss mae (loss=mae reduction=sum): values against Keras 3's formula, VJP against finite differences.
// RUN: kiln-opt %s --kiln-add-loss="loss=mae reduction=sum" -o %t.mlir && kiln compile %t.mlir --entry f_loss -o %t --name l && %check %t/libl.so l %s && kiln-opt %t.mlir --kiln-autodiff=function=f_loss -o %t.vjp.mlir && kiln compile %t.vjp.mlir --entry f_loss_vjp -o %t --name g && %check-vjp %t/libl.so l %t/libg.so g %s
// NUMPY: loss = np.sum(np.mean(np.abs(y_true - p), -1))
func.func @f(%p: tensor<?x5xf64> {kiln.name = "p"}) -> tensor<?x5xf64> {
  return %p : tensor<?x5xf64>
}
