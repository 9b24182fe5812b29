//===- NormLayers.cpp - normalizations and activation layers --------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "frontend/keras/layers/Emit.h"
#include "kiln/keras/Layers.h"

#include <algorithm>

using namespace mlir;
using namespace kiln::keras_detail;

namespace kiln {
namespace layers {

//===----------------------------------------------------------------------===//
// BatchNormalization
//===----------------------------------------------------------------------===//

BatchNormalization::BatchNormalization(Options options, std::string name)
    : Layer("BatchNormalization", std::move(name)), options_(options) {
  if (!(options.epsilon > 0))
    fail("epsilon must be positive");
}

void BatchNormalization::build(const std::vector<Shape> &in) {
  const Shape &s = in.front();
  axis_ = normalizeAxisOrFail(*this, options_.axis, s.size());
  int64_t n = s[axis_];
  if (n < 0)
    fail("the feature axis must have a known size, got input " + formatShape(s));
  // Keras order: gamma, beta (trainable), moving_mean, moving_variance.
  if (options_.scale)
    addWeight("gamma", {n}, "ones");
  if (options_.center)
    addWeight("beta", {n}, "zeros");
  addWeight("moving_mean", {n}, "zeros", false);
  addWeight("moving_variance", {n}, "ones", false);
}

std::vector<Shape>
BatchNormalization::computeOutputShapes(const std::vector<Shape> &in) {
  const Shape &s = in.front();
  int64_t axis = normalizeAxisOrFail(*this, options_.axis, s.size());
  int64_t n = weights().back().shape[0];
  if (s[axis] >= 0 && s[axis] != n)
    fail("expected " + std::to_string(n) + " features on axis " +
         std::to_string(axis) + ", got input " + formatShape(s));
  // kiln.batch_norm_*: the input's shape, with per-feature parameters.
  runShapeRule(*this, [&](std::optional<Location> loc) {
    llvm::SmallVector<int64_t> param = {n};
    return verifyBatchNormShapes(loc, toKiln(s), axis, {param},
                                 {llvm::StringRef("moving_mean")});
  });
  return {s};
}

std::vector<Value> BatchNormalization::call(CallContext &ctx,
                                            const std::vector<Value> &in) {
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  auto type = tensorType(in[0]);
  Type elt = type.getElementType();
  int64_t n = type.getDimSize(axis_);
  int w = 0;
  Value gamma = options_.scale ? ctx.weight(w++)
                               : constant(b, loc, {n}, std::vector<double>(n, 1.0), elt);
  Value beta = options_.center ? ctx.weight(w++)
                               : constant(b, loc, {n}, std::vector<double>(n, 0.0), elt);
  Value mean = ctx.weight(w++), var = ctx.weight(w++);
  auto eps = b.getF64FloatAttr(options_.epsilon);
  auto axis = b.getI64IntegerAttr(axis_);
  // As in Keras, a frozen layer normalizes with its moving statistics.
  if (ctx.training() && trainable()) {
    auto op = BatchNormTrainingOp::create(b, loc, in[0], gamma, beta, eps, axis);
    // moving = moving * momentum + batch * (1 - momentum), with Keras's
    // biased batch variance.
    auto scalarType = RankedTensorType::get({}, elt);
    auto c = [&](double v) -> Value {
      return ConstantOp::create(
          b, loc, DenseElementsAttr::get(scalarType, b.getFloatAttr(elt, v)));
    };
    auto movingAverage = [&](Value moving, Value batch) -> Value {
      return AddOp::create(b, loc, MulOp::create(b, loc, moving, c(options_.momentum)),
                           MulOp::create(b, loc, batch, c(1.0 - options_.momentum)));
    };
    ctx.updateWeight(w - 2, movingAverage(mean, op.getBatchMean()));
    ctx.updateWeight(w - 1, movingAverage(var, op.getBatchVariance()));
    return {op.getResult()};
  }
  return {BatchNormInferenceOp::create(b, loc, in[0], gamma, beta, mean, var,
                                       eps, axis)};
}

//===----------------------------------------------------------------------===//
// LayerNormalization
//===----------------------------------------------------------------------===//

LayerNormalization::LayerNormalization(Options options, std::string name)
    : Layer("LayerNormalization", std::move(name)), options_(std::move(options)) {
  if (options_.axes.empty())
    fail("needs at least one axis");
}

void LayerNormalization::build(const std::vector<Shape> &in) {
  const Shape &s = in.front();
  axes_.clear();
  for (int64_t a : options_.axes)
    axes_.push_back(normalizeAxisOrFail(*this, a, s.size()));
  std::sort(axes_.begin(), axes_.end());
  Shape paramShape;
  for (int64_t a : axes_) {
    if (a == 0)
      fail("cannot normalize over the batch axis");
    if (s[a] < 0)
      fail("normalized axes need known sizes, got input " + formatShape(s));
    paramShape.push_back(s[a]);
  }
  if (options_.scale)
    addWeight("gamma", paramShape, "ones");
  if (options_.center)
    addWeight("beta", paramShape, "zeros");
}

std::vector<Shape>
LayerNormalization::computeOutputShapes(const std::vector<Shape> &in) {
  // kiln.layer_norm: the input's shape, scale and offset of the normalized
  // dimensions' shape.
  const Shape &s = in.front();
  runShapeRule(*this, [&](std::optional<Location> loc) {
    // gamma and beta as built (constants of the normalized shape without
    // them).
    llvm::SmallVector<int64_t> input = toKiln(s), param;
    if (!weights().empty())
      param = toKiln(weights().front().shape);
    else
      for (int64_t a : axes_)
        param.push_back(a < static_cast<int64_t>(input.size()) ? input[a] : 0);
    return verifyLayerNormShapes(loc, input, axes_, param, param);
  });
  return {s};
}

std::vector<Value> LayerNormalization::call(CallContext &ctx,
                                            const std::vector<Value> &in) {
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  auto type = tensorType(in[0]);
  Type elt = type.getElementType();
  llvm::SmallVector<int64_t> paramShape;
  std::vector<double> ones, zeros;
  int64_t count = 1;
  for (int64_t a : axes_) {
    paramShape.push_back(type.getDimSize(a));
    count *= type.getDimSize(a);
  }
  int w = 0;
  Value gamma = options_.scale
                    ? ctx.weight(w++)
                    : constant(b, loc, paramShape,
                               std::vector<double>(count, 1.0), elt);
  Value beta = options_.center
                   ? ctx.weight(w++)
                   : constant(b, loc, paramShape,
                              std::vector<double>(count, 0.0), elt);
  return {LayerNormOp::create(b, loc, in[0], gamma, beta,
                              b.getDenseI64ArrayAttr(axes_),
                              b.getF64FloatAttr(options_.epsilon))};
}

//===----------------------------------------------------------------------===//
// ReLU, LeakyReLU, Softmax
//===----------------------------------------------------------------------===//

ReLU::ReLU(std::optional<double> maxValue, double negativeSlope,
           double threshold, std::string name)
    : Layer("ReLU", std::move(name)), maxValue_(maxValue),
      negativeSlope_(negativeSlope), threshold_(threshold) {
  if (maxValue && *maxValue < 0)
    fail("max_value must be non-negative");
  if (negativeSlope < 0)
    fail("negative_slope must be non-negative");
}

std::vector<Value> ReLU::call(CallContext &ctx, const std::vector<Value> &in) {
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  Value x = in[0];
  Type elt = tensorType(x).getElementType();
  Value y;
  if (negativeSlope_ == 0.0 && threshold_ == 0.0) {
    y = ReluOp::create(b, loc, x);
  } else {
    // x >= threshold ? x : negative_slope * (x - threshold)
    Value t = scalar(b, loc, elt, threshold_);
    Value below = MulOp::create(b, loc, scalar(b, loc, elt, negativeSlope_),
                                SubOp::create(b, loc, x, t));
    Value keep = CompareOp::create(b, loc, CompareDirection::ge, x, t);
    y = SelectOp::create(b, loc, keep, x, below);
  }
  if (maxValue_)
    y = ClampOp::create(b, loc, y, FloatAttr(), b.getF64FloatAttr(*maxValue_));
  return {y};
}

LeakyReLU::LeakyReLU(double alpha, std::string name)
    : Layer("LeakyReLU", std::move(name)), alpha_(alpha) {}

std::vector<Value> LeakyReLU::call(CallContext &ctx,
                                   const std::vector<Value> &in) {
  return {LeakyReluOp::create(ctx.builder(), ctx.loc(), in[0],
                              ctx.builder().getF64FloatAttr(alpha_))};
}

Softmax::Softmax(int64_t axis, std::string name)
    : Layer("Softmax", std::move(name)), axis_(axis) {}

std::vector<Shape> Softmax::computeOutputShapes(const std::vector<Shape> &in) {
  normalizeAxisOrFail(*this, axis_, in.front().size());
  return {in.front()};
}

std::vector<Value> Softmax::call(CallContext &ctx, const std::vector<Value> &in) {
  int64_t axis = normalizeAxisOrFail(*this, axis_, tensorType(in[0]).getRank());
  return {SoftmaxOp::create(ctx.builder(), ctx.loc(), in[0],
                            ctx.builder().getI64IntegerAttr(axis))};
}

} // namespace layers
} // namespace kiln
