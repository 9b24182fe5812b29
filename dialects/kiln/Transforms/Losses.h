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
  /// Per-example weights (a float tensor of the batch size, or null): each
  /// example's loss is multiplied by its weight before the reduction, so
  /// "sum_over_batch_size" is sum(w * loss) / count, as Keras's.
  mlir::Value sampleWeight;
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

/// How a metric's per-batch results combine over an epoch:
///   "mean"  a rank-0 mean of one batch (binary_accuracy with threshold
///           0.5, categorical_accuracy, sparse_categorical_accuracy,
///           top_k_categorical_accuracy and sparse_top_k_categorical_accuracy
///           with k = 5, mean_absolute_error, mean_squared_error);
///   "ratio" counts [numerator, denominator] that sum over batches, the
///           value their quotient (precision: [tp, tp + fp], recall:
///           [tp, tp + fn], threshold 0.5);
///   "auc"   confusion counts at kAucThresholds thresholds, [tp, fp, tn,
///           fn] each of kAucThresholds values, that sum over batches; the
///           value is Keras's AUC (ROC, interpolated Riemann sum).
/// Empty for an unknown canonical name.
llvm::StringRef metricKind(llvm::StringRef name);

/// Keras AUC's default number of thresholds.
constexpr int64_t kAucThresholds = 200;

/// Builds metric `name` (canonical) of one batch, as `metricKind` says. The
/// targets are as for the loss; `sampleWeight` (per example, or null)
/// weights the mean (sum(w * v) / sum(w)) or the counts, as Keras's.
mlir::FailureOr<mlir::Value> buildMetric(mlir::OpBuilder &b, mlir::Location loc,
                                         llvm::StringRef name, mlir::Value yTrue,
                                         mlir::Value yPred,
                                         mlir::Value sampleWeight = {});

} // namespace kiln

#endif // KILN_DIALECTS_KILN_TRANSFORMS_LOSSES_H
