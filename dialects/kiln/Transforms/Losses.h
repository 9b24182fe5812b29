//===- Losses.h - Keras losses as kiln ops ----------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The Keras losses by name, built from kiln ops (so they are differentiable
// by the ops' rules): per-example values over the last axis, then Keras's
// reduction. Used by kiln-add-loss, `kiln train` and the Keras frontend.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECTS_KILN_TRANSFORMS_LOSSES_H
#define KILN_DIALECTS_KILN_TRANSFORMS_LOSSES_H

#include "mlir/IR/Builders.h"

#include <string>

namespace kiln {

struct LossOptions {
  /// `y_pred` holds logits rather than probabilities (the cross-entropies).
  bool fromLogits = false;
  /// Huber's threshold.
  double delta = 1.0;
  /// "sum_over_batch_size" (the mean of the per-example losses), "sum" or
  /// "none" (per-example losses).
  std::string reduction = "sum_over_batch_size";
};

/// The canonical Keras name of a loss or alias ("mse" ->
/// "mean_squared_error"), or an empty string for an unknown name.
std::string canonicalLossName(llvm::StringRef name);

/// The names `canonicalLossName` knows, for messages.
llvm::StringRef knownLossNames();

/// Builds loss `name` of `yTrue` and `yPred` (`yTrue` is an integer class
/// index tensor of `yPred`'s shape without its last axis for
/// sparse_categorical_crossentropy, otherwise `yPred`'s type). Emits an
/// error at `loc` and fails on an unknown name or reduction or mismatched
/// operands.
mlir::FailureOr<mlir::Value> buildLoss(mlir::OpBuilder &b, mlir::Location loc,
                                       llvm::StringRef name, mlir::Value yTrue,
                                       mlir::Value yPred,
                                       const LossOptions &options);

/// The canonical Keras name of a metric, resolving "accuracy" / "acc" by
/// the loss as Keras does (sparse categorical, categorical or binary
/// accuracy); empty for an unknown name.
std::string canonicalMetricName(llvm::StringRef name, llvm::StringRef loss);

/// Builds metric `name` (canonical) of one batch, a rank-0 value:
/// binary_accuracy (threshold 0.5), categorical_accuracy,
/// sparse_categorical_accuracy, top_k_categorical_accuracy and
/// sparse_top_k_categorical_accuracy (k = 5), mean_absolute_error,
/// mean_squared_error. The targets are as for the loss.
mlir::FailureOr<mlir::Value> buildMetric(mlir::OpBuilder &b, mlir::Location loc,
                                         llvm::StringRef name, mlir::Value yTrue,
                                         mlir::Value yPred);

} // namespace kiln

#endif // KILN_DIALECTS_KILN_TRANSFORMS_LOSSES_H
