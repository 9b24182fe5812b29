//===- Losses.cpp - Keras losses as kiln ops ------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Each loss follows Keras 3's formula (keras/src/losses/losses.py and the
// backend's cross-entropies): probabilities are clipped to
// [1e-7, 1 - 1e-7], logits go through the fused stable kiln losses.
//
//===----------------------------------------------------------------------===//

#include "dialects/kiln/Transforms/Losses.h"
#include "dialects/kiln/IR/KilnOps.h"
#include "dialects/kiln/IR/VJP/VJPUtils.h"

#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;

namespace kiln {
namespace {

/// Keras's backend epsilon.
constexpr double kEpsilon = 1e-7;

class LossBuilder {
public:
  LossBuilder(OpBuilder &b, Location loc, Value yPred)
      : b_(b), loc_(loc), elt_(vjp::elementType(yPred)),
        rank_(cast<RankedTensorType>(yPred.getType()).getRank()) {}

  Value c(double v) { return vjp::scalar(b_, loc_, elt_, v); }
  Value add(Value l, Value r) { return AddOp::create(b_, loc_, l, r); }
  Value sub(Value l, Value r) { return SubOp::create(b_, loc_, l, r); }
  Value mul(Value l, Value r) { return MulOp::create(b_, loc_, l, r); }
  Value log(Value v) { return LogOp::create(b_, loc_, v); }
  Value clip(Value v, double lo, double hi) {
    return ClampOp::create(b_, loc_, v.getType(), v, b_.getF64FloatAttr(lo),
                           b_.getF64FloatAttr(hi));
  }
  /// Over the last axis.
  Value meanLast(Value v) {
    return ReduceMeanOp::create(b_, loc_, v, ArrayRef<int64_t>{rank_ - 1}, false);
  }
  Value sumLast(Value v, bool keep = false) {
    return ReduceSumOp::create(b_, loc_, v, ArrayRef<int64_t>{rank_ - 1}, keep);
  }
  /// Probabilities normalized to sum to one over the last axis, clipped.
  Value normalized(Value p) {
    return clip(DivOp::create(b_, loc_, p, sumLast(p, true)), kEpsilon,
                1.0 - kEpsilon);
  }

  Value meanSquaredError(Value y, Value p) {
    Value d = sub(y, p);
    return meanLast(mul(d, d));
  }
  Value meanAbsoluteError(Value y, Value p) {
    return meanLast(AbsOp::create(b_, loc_, sub(y, p)));
  }
  Value huber(Value y, Value p, double delta) {
    Value err = sub(p, y);
    Value abs = AbsOp::create(b_, loc_, err);
    Value quad = mul(c(0.5), mul(err, err));
    Value lin = sub(mul(c(delta), abs), c(0.5 * delta * delta));
    Value small = CompareOp::create(b_, loc_, CompareDirection::le, abs, c(delta));
    return meanLast(SelectOp::create(b_, loc_, small, quad, lin));
  }
  Value binaryCrossentropy(Value y, Value p, bool logits) {
    if (logits)
      return meanLast(SigmoidCrossEntropyOp::create(b_, loc_, p, y));
    Value q = clip(p, kEpsilon, 1.0 - kEpsilon);
    Value ll = add(mul(y, log(q)), mul(sub(c(1.0), y), log(sub(c(1.0), q))));
    return meanLast(NegOp::create(b_, loc_, ll));
  }
  Value categoricalCrossentropy(Value y, Value p, bool logits) {
    if (logits)
      return SoftmaxCrossEntropyOp::create(b_, loc_, p, y, rank_ - 1);
    return NegOp::create(b_, loc_, sumLast(mul(y, log(normalized(p)))));
  }
  Value sparseCategoricalCrossentropy(Value ids, Value p, bool logits) {
    if (logits)
      return SparseSoftmaxCrossEntropyOp::create(b_, loc_, p, ids);
    // -log(p[id]) as -sum(one_hot(id) * log(p)).
    int64_t classes = cast<RankedTensorType>(p.getType()).getDimSize(rank_ - 1);
    Value hot = vjp::oneHot(b_, loc_, ids, classes, elt_);
    return NegOp::create(b_, loc_, sumLast(mul(hot, log(normalized(p)))));
  }
  Value klDivergence(Value y, Value p) {
    Value yc = clip(y, kEpsilon, 1.0), pc = clip(p, kEpsilon, 1.0);
    return sumLast(mul(yc, log(DivOp::create(b_, loc_, yc, pc))));
  }
  Value hinge(Value y, Value p) {
    // Labels in {0, 1} become {-1, 1}, as Keras converts binary labels.
    Value isZero = CompareOp::create(b_, loc_, CompareDirection::eq, y, c(0.0));
    Value isOne = CompareOp::create(b_, loc_, CompareDirection::eq, y, c(1.0));
    Value binary01 = CastOp::create(
        b_, loc_,
        RankedTensorType::get(cast<RankedTensorType>(isZero.getType()).getShape(), elt_),
        OrOp::create(b_, loc_, isZero, isOne));
    SmallVector<int64_t> all;
    for (int64_t i = 0; i < rank_; ++i)
      all.push_back(i);
    Value allBinary = CompareOp::create(
        b_, loc_, CompareDirection::eq,
        ReduceMinOp::create(b_, loc_, binary01, all, false), c(1.0));
    Value signs = SelectOp::create(b_, loc_, allBinary,
                                   sub(mul(c(2.0), y), c(1.0)), y);
    return meanLast(
        MaximumOp::create(b_, loc_, sub(c(1.0), mul(signs, p)), c(0.0)));
  }

private:
  OpBuilder &b_;
  Location loc_;
  Type elt_;
  int64_t rank_;
};

/// Per-example weights [N] reshaped to [N, 1, ...] so that they broadcast
/// against a tensor of `rank` whose first axis is the batch.
Value weightsAlong(OpBuilder &b, Location loc, Value w, int64_t rank) {
  if (rank <= 1)
    return w;
  SmallVector<int64_t> shape(rank, 1);
  shape[0] = -1;
  return ReshapeOp::create(b, loc, w, shape);
}

SmallVector<int64_t> allAxes(Value v) {
  SmallVector<int64_t> all;
  for (int64_t i = 0; i < cast<RankedTensorType>(v.getType()).getRank(); ++i)
    all.push_back(i);
  return all;
}

} // namespace

std::string canonicalLossName(StringRef name) {
  return llvm::StringSwitch<std::string>(name)
      .Cases({"mean_squared_error", "mse", "MeanSquaredError"}, "mean_squared_error")
      .Cases({"mean_absolute_error", "mae", "MeanAbsoluteError"}, "mean_absolute_error")
      .Cases({"huber", "huber_loss", "Huber"}, "huber")
      .Cases({"binary_crossentropy", "bce", "BinaryCrossentropy"}, "binary_crossentropy")
      .Cases({"categorical_crossentropy", "cce", "CategoricalCrossentropy"},
             "categorical_crossentropy")
      .Cases({"sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"},
             "sparse_categorical_crossentropy")
      .Cases({"kl_divergence", "kld", "kullback_leibler_divergence", "KLDivergence"},
             "kl_divergence")
      .Cases({"hinge", "Hinge"}, "hinge")
      .Default("");
}

StringRef knownLossNames() {
  return "mean_squared_error (mse), mean_absolute_error (mae), huber, "
         "binary_crossentropy, categorical_crossentropy, "
         "sparse_categorical_crossentropy, kl_divergence (kld), hinge";
}

FailureOr<Value> buildLoss(OpBuilder &b, Location loc, StringRef name,
                           Value yTrue, Value yPred,
                           const LossOptions &options) {
  std::string canonical = canonicalLossName(name);
  if (canonical.empty())
    return emitError(loc) << "unknown loss '" << name << "' (known: "
                          << knownLossNames() << ")";
  if (options.reduction != "sum_over_batch_size" && options.reduction != "sum" &&
      options.reduction != "none")
    return emitError(loc) << "unknown reduction '" << options.reduction
                          << "' (expected sum_over_batch_size, sum or none)";
  auto predType = dyn_cast<RankedTensorType>(yPred.getType());
  auto trueType = dyn_cast<RankedTensorType>(yTrue.getType());
  if (!predType || !isa<FloatType>(predType.getElementType()) ||
      predType.getRank() < 1)
    return emitError(loc) << "loss '" << canonical
                          << "': predictions must be a float tensor of rank "
                             ">= 1, got "
                          << yPred.getType();
  bool sparse = canonical == "sparse_categorical_crossentropy";
  if (sparse) {
    if (!trueType || !trueType.getElementType().isSignlessInteger() ||
        trueType.getRank() + 1 != predType.getRank())
      return emitError(loc)
             << "loss '" << canonical
             << "': labels must be integer class ids of the predictions' "
                "shape without the class axis, got "
             << yTrue.getType() << " for predictions " << yPred.getType();
  } else if (!trueType || trueType.getElementType() != predType.getElementType() ||
             failed(verifyCompatibleShape(trueType.getShape(),
                                          predType.getShape()))) {
    return emitError(loc) << "loss '" << canonical
                          << "': targets " << yTrue.getType()
                          << " do not match predictions " << yPred.getType();
  }
  LossBuilder l(b, loc, yPred);
  Value perExample;
  if (canonical == "mean_squared_error")
    perExample = l.meanSquaredError(yTrue, yPred);
  else if (canonical == "mean_absolute_error")
    perExample = l.meanAbsoluteError(yTrue, yPred);
  else if (canonical == "huber")
    perExample = l.huber(yTrue, yPred, options.delta);
  else if (canonical == "binary_crossentropy")
    perExample = l.binaryCrossentropy(yTrue, yPred, options.fromLogits);
  else if (canonical == "categorical_crossentropy")
    perExample = l.categoricalCrossentropy(yTrue, yPred, options.fromLogits);
  else if (sparse)
    perExample = l.sparseCategoricalCrossentropy(yTrue, yPred, options.fromLogits);
  else if (canonical == "kl_divergence")
    perExample = l.klDivergence(yTrue, yPred);
  else
    perExample = l.hinge(yTrue, yPred);
  int64_t rank = cast<RankedTensorType>(perExample.getType()).getRank();
  if (Value w = options.sampleWeight) {
    auto wType = dyn_cast<RankedTensorType>(w.getType());
    if (!wType || wType.getRank() != 1 ||
        wType.getElementType() != predType.getElementType() || rank < 1)
      return emitError(loc) << "loss '" << canonical
                            << "': sample weights must be a vector of the "
                               "predictions' element type, got "
                            << w.getType();
    perExample = MulOp::create(b, loc, perExample, weightsAlong(b, loc, w, rank));
  }
  if (options.reduction == "none")
    return perExample;
  SmallVector<int64_t> all = allAxes(perExample);
  if (options.reduction == "sum")
    return Value(ReduceSumOp::create(b, loc, perExample, all, false));
  return Value(ReduceMeanOp::create(b, loc, perExample, all, false));
}

std::string canonicalMetricName(StringRef name, StringRef loss) {
  if (name == "accuracy" || name == "acc") {
    std::string l = canonicalLossName(loss);
    if (l == "sparse_categorical_crossentropy")
      return "sparse_categorical_accuracy";
    if (l == "categorical_crossentropy")
      return "categorical_accuracy";
    return "binary_accuracy";
  }
  return llvm::StringSwitch<std::string>(name)
      .Cases({"binary_accuracy", "BinaryAccuracy"}, "binary_accuracy")
      .Cases({"categorical_accuracy", "CategoricalAccuracy"}, "categorical_accuracy")
      .Cases({"sparse_categorical_accuracy", "SparseCategoricalAccuracy"},
             "sparse_categorical_accuracy")
      .Cases({"top_k_categorical_accuracy", "TopKCategoricalAccuracy"},
             "top_k_categorical_accuracy")
      .Cases({"sparse_top_k_categorical_accuracy", "SparseTopKCategoricalAccuracy"},
             "sparse_top_k_categorical_accuracy")
      .Cases({"mean_absolute_error", "mae"}, "mean_absolute_error")
      .Cases({"mean_squared_error", "mse"}, "mean_squared_error")
      .Cases({"precision", "Precision"}, "precision")
      .Cases({"recall", "Recall"}, "recall")
      .Cases({"auc", "AUC"}, "auc")
      .Default("");
}

StringRef metricKind(StringRef name) {
  return llvm::StringSwitch<StringRef>(name)
      .Cases({"binary_accuracy", "categorical_accuracy",
              "sparse_categorical_accuracy", "top_k_categorical_accuracy",
              "sparse_top_k_categorical_accuracy", "mean_absolute_error",
              "mean_squared_error"},
             "mean")
      .Cases({"precision", "recall"}, "ratio")
      .Case("auc", "auc")
      .Default("");
}

FailureOr<Value> buildMetric(OpBuilder &b, Location loc, StringRef name,
                             Value yTrue, Value yPred, Value sampleWeight) {
  auto predType = cast<RankedTensorType>(yPred.getType());
  Type elt = predType.getElementType();
  int64_t rank = predType.getRank(), last = rank - 1;
  auto c = [&](double v) { return vjp::scalar(b, loc, elt, v); };
  auto asFloat = [&](Value v) -> Value {
    return CastOp::create(
        b, loc,
        RankedTensorType::get(cast<RankedTensorType>(v.getType()).getShape(), elt), v);
  };
  auto sumAll = [&](Value v) -> Value {
    return ReduceSumOp::create(b, loc, v, allAxes(v), false);
  };
  // The mean of per-example values `v` (the batch first), weighted by the
  // sample weights broadcast to `v`'s shape when there are any.
  auto mean = [&](Value v) -> Value {
    if (!sampleWeight)
      return ReduceMeanOp::create(b, loc, v, allAxes(v), false);
    // sum(w * v) / sum(w broadcast to v): every example has as many
    // values, so this is the weighted mean of the per-example means.
    int64_t r = cast<RankedTensorType>(v.getType()).getRank();
    if (r > 1) {
      SmallVector<int64_t> inner;
      for (int64_t d = 1; d < r; ++d)
        inner.push_back(d);
      v = ReduceMeanOp::create(b, loc, v, inner, false);
    }
    return DivOp::create(b, loc, sumAll(MulOp::create(b, loc, v, sampleWeight)),
                         sumAll(sampleWeight));
  };
  auto argmax = [&](Value v) -> Value {
    auto t = cast<RankedTensorType>(v.getType());
    return ArgmaxOp::create(
        b, loc, RankedTensorType::get(t.getShape().drop_back(), b.getI64Type()), v,
        b.getI64IntegerAttr(last), b.getBoolAttr(false));
  };
  auto idsOf = [&](Value ids) -> Value {
    if (vjp::elementType(ids).isInteger(64))
      return ids;
    auto t = cast<RankedTensorType>(ids.getType());
    return CastOp::create(b, loc, RankedTensorType::get(t.getShape(), b.getI64Type()),
                          ids);
  };
  auto meanLast = [&](Value v) -> Value {
    return ReduceMeanOp::create(b, loc, v, ArrayRef<int64_t>{last}, false);
  };
  // Whether the true class is among the k highest scores: fewer than k
  // classes score strictly higher.
  auto inTopK = [&](Value hot, int64_t k) -> Value {
    Value trueScore = ReduceSumOp::create(b, loc, MulOp::create(b, loc, hot, yPred),
                                          ArrayRef<int64_t>{last}, true);
    Value higher = asFloat(CompareOp::create(b, loc, CompareDirection::gt, yPred, trueScore));
    Value count = ReduceSumOp::create(b, loc, higher, ArrayRef<int64_t>{last}, false);
    return asFloat(CompareOp::create(b, loc, CompareDirection::lt, count,
                                     c(static_cast<double>(k))));
  };
  // One vector of scalars.
  auto stack = [&](ArrayRef<Value> scalars) -> Value {
    SmallVector<Value> parts;
    for (Value v : scalars)
      parts.push_back(ReshapeOp::create(b, loc, v, ArrayRef<int64_t>{1}));
    return ConcatOp::create(b, loc, ValueRange(parts), b.getI64IntegerAttr(0));
  };
  int64_t classes = predType.getDimSize(last);
  // Per-element weights of the counting metrics: the sample weights along
  // the batch axis, or one.
  auto countWeights = [&]() -> Value {
    return sampleWeight ? weightsAlong(b, loc, sampleWeight, rank) : c(1.0);
  };
  if (name == "binary_accuracy") {
    Value predicted = asFloat(CompareOp::create(b, loc, CompareDirection::gt, yPred, c(0.5)));
    return mean(meanLast(
        asFloat(CompareOp::create(b, loc, CompareDirection::eq, yTrue, predicted))));
  }
  if (name == "categorical_accuracy")
    return mean(asFloat(CompareOp::create(b, loc, CompareDirection::eq,
                                          argmax(yTrue), argmax(yPred))));
  if (name == "sparse_categorical_accuracy")
    return mean(asFloat(CompareOp::create(b, loc, CompareDirection::eq,
                                          idsOf(yTrue), argmax(yPred))));
  if (name == "top_k_categorical_accuracy" ||
      name == "sparse_top_k_categorical_accuracy") {
    if (ShapedType::isDynamic(classes))
      return emitError(loc) << "metric '" << name
                            << "' needs a static number of classes";
    Value ids = name == "top_k_categorical_accuracy" ? argmax(yTrue) : idsOf(yTrue);
    return mean(inTopK(vjp::oneHot(b, loc, ids, classes, elt), 5));
  }
  if (name == "mean_absolute_error")
    return mean(meanLast(AbsOp::create(b, loc, SubOp::create(b, loc, yTrue, yPred))));
  if (name == "mean_squared_error") {
    Value d = SubOp::create(b, loc, yTrue, yPred);
    return mean(meanLast(MulOp::create(b, loc, d, d)));
  }
  if (name == "precision" || name == "recall" || name == "auc") {
    if (vjp::elementType(yTrue) != elt)
      return emitError(loc) << "metric '" << name
                            << "' needs targets of the predictions' type, got "
                            << yTrue.getType();
    // Keras casts the targets to bool; a prediction is positive above the
    // threshold.
    Value isTrue = asFloat(CompareOp::create(b, loc, CompareDirection::ne, yTrue, c(0.0)));
    Value w = countWeights();
    if (name != "auc") {
      Value predicted =
          asFloat(CompareOp::create(b, loc, CompareDirection::gt, yPred, c(0.5)));
      Value tp = sumAll(MulOp::create(b, loc, MulOp::create(b, loc, predicted, isTrue), w));
      Value other = name == "precision" ? predicted : isTrue;
      // predicted or actual positives, weighted, over every element.
      Value den = sumAll(MulOp::create(b, loc, other, w));
      return stack({tp, den});
    }
    // Thresholds as Keras's: 0 - eps, i / (n - 1) for 0 < i < n - 1, 1 + eps.
    int64_t n = kAucThresholds;
    SmallVector<float> thresholds(n);
    for (int64_t i = 0; i < n; ++i)
      thresholds[i] = static_cast<float>(i) / static_cast<float>(n - 1);
    thresholds.front() = 0.0f - 1e-7f;
    thresholds.back() = 1.0f + 1e-7f;
    if (!elt.isF32())
      return emitError(loc) << "metric 'auc' needs f32 predictions, got " << elt;
    Value thr = ConstantOp::create(
        b, loc, DenseElementsAttr::get(RankedTensorType::get({n}, elt),
                                       ArrayRef<float>(thresholds)));
    // Along a new last axis of thresholds.
    SmallVector<int64_t> expanded;
    for (int64_t d = 0; d < rank; ++d)
      expanded.push_back(d == 0 ? -1 : predType.getDimSize(d));
    expanded.push_back(1);
    for (int64_t d = 1; d < rank; ++d)
      if (ShapedType::isDynamic(predType.getDimSize(d)))
        return emitError(loc) << "metric 'auc' needs static non-batch "
                                 "dimensions, got "
                              << yPred.getType();
    auto expand = [&](Value v) -> Value {
      return ReshapeOp::create(b, loc, v, expanded);
    };
    Value predicted = asFloat(CompareOp::create(b, loc, CompareDirection::gt,
                                                expand(yPred), thr));
    Value wt = expand(MulOp::create(b, loc, isTrue, w)); // weighted positives
    Value wf = expand(MulOp::create(b, loc, SubOp::create(b, loc, c(1.0), isTrue), w));
    SmallVector<int64_t> batchAxes;
    for (int64_t d = 0; d < rank; ++d)
      batchAxes.push_back(d);
    auto sumOver = [&](Value v) -> Value {
      return ReduceSumOp::create(b, loc, v, batchAxes, false);
    };
    Value tp = sumOver(MulOp::create(b, loc, predicted, wt));
    Value fp = sumOver(MulOp::create(b, loc, predicted, wf));
    Value positives = sumAll(wt), negatives = sumAll(wf);
    Value fn = SubOp::create(b, loc, positives, tp);
    Value tn = SubOp::create(b, loc, negatives, fp);
    return Value(ConcatOp::create(b, loc, ValueRange{tp, fp, tn, fn},
                                  b.getI64IntegerAttr(0)));
  }
  return emitError(loc) << "unknown metric '" << name << "'";
}

} // namespace kiln
