//===- KilnLossOps.td - fused, numerically stable losses -----*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Per-example losses that need a stable fused form. Mean squared error, mean
// absolute error, Huber, hinge and KL divergence compose from elementwise ops
// and reductions; the frontends apply the Keras reduction.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_LOSS_OPS_TD
#define KILN_LOSS_OPS_TD

include "dialects/kiln/IR/KilnBase.td"

def Kiln_SoftmaxCrossEntropyOp : Kiln_RuleOp<"softmax_cross_entropy",
    "inferSoftmaxCrossEntropyShape(loc, shapes[0], shapes[1], static_cast<int64_t>(adaptor.getAxis()), result)",
    [SameOperandsElementType, SameOperandsAndResultElementType]> {
  let summary = "softmax cross-entropy with one-hot or soft labels";
  let description = [{
    Per example: `-sum(labels * log_softmax(logits), axis)`, computed from
    the logits with the log-sum-exp trick. `labels` has the shape of
    `logits`; the result drops `axis`.

    Example:

    ```mlir
    %0 = kiln.softmax_cross_entropy %logits, %onehot {axis = 1 : i64}
        : (tensor<?x10xf32>, tensor<?x10xf32>) -> tensor<?xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$logits, Kiln_FloatTensor:$labels,
                       I64Attr:$axis);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat =
      "$logits `,` $labels attr-dict `:` functional-type(operands, results)";
}

def Kiln_SparseSoftmaxCrossEntropyOp : Kiln_RuleOp<"sparse_softmax_cross_entropy",
    "inferSparseSoftmaxCrossEntropyShape(loc, shapes[0], shapes[1], result)"> {
  let summary = "softmax cross-entropy with integer class labels";
  let description = [{
    Per example: `-log_softmax(logits)[label]` over the last axis. `logits`
    is `[..., classes]`, `labels` is `[...]` of `i32` or `i64`; the result
    has the labels' shape. A label outside `[0, classes)` gives NaN.

    Example:

    ```mlir
    %0 = kiln.sparse_softmax_cross_entropy %logits, %labels
        : (tensor<?x10xf32>, tensor<?xi64>) -> tensor<?xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$logits, Kiln_IndexTensor:$labels);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat =
      "$logits `,` $labels attr-dict `:` functional-type(operands, results)";
}

def Kiln_SigmoidCrossEntropyOp : Kiln_InferOp<"sigmoid_cross_entropy",
    [SameOperandsElementType, SameOperandsAndResultElementType]> {
  let summary = "elementwise binary cross-entropy from logits";
  let description = [{
    Elementwise `max(x, 0) - x * z + log(1 + exp(-|x|))` for logits `x` and
    labels `z` in `[0, 1]`: the stable form of
    `-(z * log(sigmoid(x)) + (1 - z) * log(1 - sigmoid(x)))`. The operands
    broadcast under NumPy rules.

    Example:

    ```mlir
    %0 = kiln.sigmoid_cross_entropy %logits, %labels
        : (tensor<?x1xf32>, tensor<?x1xf32>) -> tensor<?x1xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$logits, Kiln_FloatTensor:$labels);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat =
      "$logits `,` $labels attr-dict `:` functional-type(operands, results)";
}

#endif // KILN_LOSS_OPS_TD
