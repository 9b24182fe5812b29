//===- ConvLayers.cpp - convolution, pooling, padding, cropping -----------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "frontend/keras/layers/Emit.h"
#include "kiln/keras/Layers.h"

using namespace mlir;
using namespace kiln::keras_detail;

namespace kiln {
namespace layers {

static void checkRank(const Layer &layer, const Shape &s, int rank) {
  if (static_cast<int>(s.size()) != rank + 2)
    layer.fail("expects an input of rank " + std::to_string(rank + 2) +
               " ([batch, spatial..., channels]), got " + formatShape(s));
}

//===----------------------------------------------------------------------===//
// Conv
//===----------------------------------------------------------------------===//

Conv::Conv(int rank, int64_t filters, std::vector<int64_t> kernelSize,
           ConvOptions options, std::string name)
    : Layer("Conv" + std::to_string(rank) + "D", std::move(name)), rank_(rank),
      filters_(filters), options_(std::move(options)) {
  if (filters <= 0)
    fail("filters must be positive, got " + std::to_string(filters));
  kernel_ = perDim(*this, "kernel_size", std::move(kernelSize), rank, 1);
  strides_ = perDim(*this, "strides", options_.strides, rank, 1);
  dilations_ = perDim(*this, "dilation_rate", options_.dilationRate, rank, 1);
  if (options_.groups < 1 || filters % options_.groups)
    fail("groups " + std::to_string(options_.groups) +
         " must be positive and divide filters " + std::to_string(filters));
  if (options_.padding == "causal" && rank != 1)
    fail("'causal' padding is only for Conv1D");
  if (!isKnownActivation(options_.activation.name))
    fail("unknown activation '" + options_.activation.name + "'");
}

void Conv::build(const std::vector<Shape> &in) {
  const Shape &s = in.front();
  checkRank(*this, s, rank_);
  int64_t channels = s.back();
  if (channels < 0)
    fail("needs a known channel dimension, got " + formatShape(s));
  if (channels % options_.groups)
    fail("input channels " + std::to_string(channels) +
         " are not divisible by groups " + std::to_string(options_.groups));
  Shape kshape(kernel_.begin(), kernel_.end());
  kshape.push_back(channels / options_.groups);
  kshape.push_back(filters_);
  addWeight("kernel", kshape, options_.kernelInitializer);
  if (options_.useBias)
    addWeight("bias", {filters_}, options_.biasInitializer);
}

std::vector<int64_t> Conv::paddingFor(const Shape &input) const {
  Shape spatial(input.begin() + 1, input.end() - 1);
  return explicitPadding(*this, options_.padding, spatial, kernel_, strides_,
                         dilations_);
}

std::vector<Shape> Conv::computeOutputShapes(const std::vector<Shape> &in) {
  const Shape &s = in.front();
  checkRank(*this, s, rank_);
  std::vector<int64_t> padding = paddingFor(s);
  llvm::SmallVector<int64_t> result;
  runShapeRule(*this, [&](std::optional<Location> loc) {
    WindowParams p = windowParams(strides_, dilations_, padding);
    auto input = toKiln(s);
    auto filter = toKiln(weights().front().shape);
    return inferConvShape(loc, input, filter, p, options_.groups, result);
  });
  return {fromKiln(result)};
}

std::vector<Value> Conv::call(CallContext &ctx, const std::vector<Value> &in) {
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  Shape s = fromKiln(tensorType(in[0]).getShape());
  std::vector<int64_t> padding = paddingFor(s);
  Value y = ConvOp::create(b, loc, in[0], ctx.weight(0),
                           b.getDenseI64ArrayAttr(strides_),
                           b.getDenseI64ArrayAttr(dilations_),
                           b.getDenseI64ArrayAttr(padding),
                           b.getI64IntegerAttr(options_.groups));
  if (options_.useBias)
    y = AddOp::create(b, loc, y, ctx.weight(1));
  return {applyActivation(ctx, options_.activation, y)};
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

Pooling::Pooling(bool max, int rank, std::vector<int64_t> poolSize,
                 PoolOptions options, std::string name)
    : Layer(std::string(max ? "MaxPooling" : "AveragePooling") +
                std::to_string(rank) + "D",
            std::move(name)),
      max_(max), rank_(rank), padding_(options.padding) {
  pool_ = perDim(*this, "pool_size", std::move(poolSize), rank, 2);
  strides_ = options.strides.empty()
                 ? pool_
                 : perDim(*this, "strides", options.strides, rank, 1);
  if (padding_ != "valid" && padding_ != "same")
    fail("unknown padding '" + padding_ + "' (expected 'valid' or 'same')");
}

std::vector<int64_t> Pooling::paddingFor(const Shape &input) const {
  Shape spatial(input.begin() + 1, input.end() - 1);
  return explicitPadding(*this, padding_, spatial, pool_, strides_,
                         std::vector<int64_t>(rank_, 1));
}

std::vector<Shape> Pooling::computeOutputShapes(const std::vector<Shape> &in) {
  const Shape &s = in.front();
  checkRank(*this, s, rank_);
  std::vector<int64_t> padding = paddingFor(s);
  llvm::SmallVector<int64_t> result;
  runShapeRule(*this, [&](std::optional<Location> loc) {
    WindowParams p = windowParams(strides_, SmallVector<int64_t>(rank_, 1), padding);
    auto input = toKiln(s);
    llvm::SmallVector<int64_t> window(pool_.begin(), pool_.end());
    return inferPoolShape(loc, input, window, p, result);
  });
  return {fromKiln(result)};
}

std::vector<Value> Pooling::call(CallContext &ctx, const std::vector<Value> &in) {
  OpBuilder &b = ctx.builder();
  Shape s = fromKiln(tensorType(in[0]).getShape());
  std::vector<int64_t> padding = paddingFor(s);
  auto window = b.getDenseI64ArrayAttr(pool_);
  auto strides = b.getDenseI64ArrayAttr(strides_);
  auto pads = b.getDenseI64ArrayAttr(padding);
  if (max_)
    return {MaxPoolOp::create(b, ctx.loc(), in[0], window, strides,
                              DenseI64ArrayAttr(), pads)};
  // Keras averages over the real (unpadded) elements.
  return {AvgPoolOp::create(b, ctx.loc(), in[0], window, strides,
                            DenseI64ArrayAttr(), pads, b.getBoolAttr(false))};
}

GlobalPooling::GlobalPooling(bool max, int rank, bool keepDims,
                             std::string name, bool channelsFirst)
    : Layer(std::string(max ? "GlobalMaxPooling" : "GlobalAveragePooling") +
                std::to_string(rank) + "D",
            std::move(name)),
      max_(max), rank_(rank), keepDims_(keepDims),
      channelsFirst_(channelsFirst) {}

std::vector<Shape>
GlobalPooling::computeOutputShapes(const std::vector<Shape> &in) {
  const Shape &s = in.front();
  checkRank(*this, s, rank_);
  int first = channelsFirst_ ? 2 : 1;
  llvm::SmallVector<int64_t> axes;
  for (int i = first; i < first + rank_; ++i)
    axes.push_back(i);
  // kiln.reduce_max / reduce_mean over the spatial axes.
  return {inferShape(*this, [&](std::optional<Location> loc, DimVector &r) {
    return inferReduceShape(loc, toKiln(s), axes, keepDims_, r);
  })};
}

std::vector<Value> GlobalPooling::call(CallContext &ctx,
                                       const std::vector<Value> &in) {
  OpBuilder &b = ctx.builder();
  llvm::SmallVector<int64_t> axes;
  int first = channelsFirst_ ? 2 : 1;
  for (int i = first; i < first + rank_; ++i)
    axes.push_back(i);
  auto axesAttr = b.getDenseI64ArrayAttr(axes);
  if (max_)
    return {ReduceMaxOp::create(b, ctx.loc(), in[0], axesAttr,
                                b.getBoolAttr(keepDims_))};
  return {ReduceMeanOp::create(b, ctx.loc(), in[0], axesAttr,
                               b.getBoolAttr(keepDims_))};
}

//===----------------------------------------------------------------------===//
// ZeroPadding, Cropping
//===----------------------------------------------------------------------===//

/// (low, high) per spatial dimension from 1, rank or 2*rank values.
static std::vector<int64_t> pairs(const Layer &layer, std::vector<int64_t> v,
                                  int rank) {
  if (v.size() == 1)
    v.assign(2 * rank, v[0]);
  else if (static_cast<int>(v.size()) == rank) {
    std::vector<int64_t> out;
    for (int64_t x : v)
      out.insert(out.end(), {x, x});
    v = out;
  }
  if (static_cast<int>(v.size()) != 2 * rank)
    layer.fail("expects 1, " + std::to_string(rank) + " or " +
               std::to_string(2 * rank) + " values, got " +
               std::to_string(v.size()));
  for (int64_t x : v)
    if (x < 0)
      layer.fail("values must be non-negative");
  return v;
}

/// Per-dimension (low, high) of a [batch, spatial..., channels] input from
/// the spatial (low, high) pairs.
static void lowHigh(const std::vector<int64_t> &pairs,
                    llvm::SmallVectorImpl<int64_t> &low,
                    llvm::SmallVectorImpl<int64_t> &high) {
  size_t rank = pairs.size() / 2;
  low.assign(rank + 2, 0);
  high.assign(rank + 2, 0);
  for (size_t i = 0; i < rank; ++i) {
    low[1 + i] = pairs[2 * i];
    high[1 + i] = pairs[2 * i + 1];
  }
}

ZeroPadding::ZeroPadding(int rank, std::vector<int64_t> padding,
                         std::string name)
    : Layer("ZeroPadding" + std::to_string(rank) + "D", std::move(name)),
      rank_(rank), padding_(pairs(*this, std::move(padding), rank)) {}

std::vector<Shape> ZeroPadding::computeOutputShapes(const std::vector<Shape> &in) {
  const Shape &s = in.front();
  checkRank(*this, s, rank_);
  llvm::SmallVector<int64_t> low, high;
  lowHigh(padding_, low, high);
  return {inferShape(*this, [&](std::optional<Location> loc, DimVector &r) {
    return inferPadShape(loc, toKiln(s), low, high, /*reflect=*/false, r);
  })};
}

std::vector<Value> ZeroPadding::call(CallContext &ctx,
                                     const std::vector<Value> &in) {
  OpBuilder &b = ctx.builder();
  llvm::SmallVector<int64_t> low, high;
  lowHigh(padding_, low, high);
  return {PadOp::create(b, ctx.loc(), in[0], b.getDenseI64ArrayAttr(low),
                        b.getDenseI64ArrayAttr(high),
                        PadModeAttr::get(b.getContext(), PadMode::constant),
                        b.getF64FloatAttr(0.0))};
}

Cropping::Cropping(int rank, std::vector<int64_t> cropping, std::string name)
    : Layer("Cropping" + std::to_string(rank) + "D", std::move(name)),
      rank_(rank), cropping_(pairs(*this, std::move(cropping), rank)) {}

/// The kiln.slice of a cropping: the spatial axes from `low` to `-high`.
static void croppingSlice(const std::vector<int64_t> &cropping,
                          llvm::SmallVectorImpl<int64_t> &axes,
                          llvm::SmallVectorImpl<int64_t> &starts,
                          llvm::SmallVectorImpl<int64_t> &ends,
                          llvm::SmallVectorImpl<int64_t> &steps) {
  for (size_t i = 0; i < cropping.size() / 2; ++i) {
    axes.push_back(1 + i);
    starts.push_back(cropping[2 * i]);
    // Python end: -high, or the whole dimension when high is 0.
    ends.push_back(cropping[2 * i + 1] ? -cropping[2 * i + 1]
                                       : std::numeric_limits<int64_t>::max());
    steps.push_back(1);
  }
}

std::vector<Shape> Cropping::computeOutputShapes(const std::vector<Shape> &in) {
  const Shape &s = in.front();
  checkRank(*this, s, rank_);
  for (int i = 0; i < rank_; ++i)
    if (s[1 + i] >= 0 && s[1 + i] <= cropping_[2 * i] + cropping_[2 * i + 1])
      fail("cropping removes all of spatial dimension " + std::to_string(i) +
           " of input " + formatShape(s));
  llvm::SmallVector<int64_t> axes, starts, ends, steps;
  croppingSlice(cropping_, axes, starts, ends, steps);
  return {inferShape(*this, [&](std::optional<Location> loc, DimVector &r) {
    return inferSliceShape(loc, toKiln(s), axes, starts, ends, steps, r);
  })};
}

std::vector<Value> Cropping::call(CallContext &ctx,
                                  const std::vector<Value> &in) {
  OpBuilder &b = ctx.builder();
  llvm::SmallVector<int64_t> axes, starts, ends, steps;
  croppingSlice(cropping_, axes, starts, ends, steps);
  return {SliceOp::create(b, ctx.loc(), in[0], b.getDenseI64ArrayAttr(axes),
                          b.getDenseI64ArrayAttr(starts),
                          b.getDenseI64ArrayAttr(ends),
                          b.getDenseI64ArrayAttr(steps))};
}

} // namespace layers
} // namespace kiln
