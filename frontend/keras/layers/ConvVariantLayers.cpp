//===- ConvVariantLayers.cpp - depthwise, separable, transposed, upsampling ===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Keras's convolution variants on top of kiln.conv and kiln.conv_transpose.
// A depthwise kernel `(k..., in, dm)` is, read row-major, exactly the
// grouped-convolution filter `(k..., 1, in * dm)` with groups = in, so it
// only needs a reshape. A Conv2DTranspose kernel already has the layout
// kiln.conv_transpose takes; only Keras's output sizes need translating
// into a crop and an output padding.
//
//===----------------------------------------------------------------------===//

#include "frontend/keras/layers/Emit.h"
#include "kiln/keras/MoreLayers.h"

using namespace mlir;
using namespace kiln::keras_detail;

namespace kiln {
namespace layers {

namespace {

const Shape &singleOfRank(const Layer &layer, const std::vector<Shape> &in,
                          int rank) {
  if (in.size() != 1)
    layer.fail("expects one input, got " + std::to_string(in.size()));
  if (static_cast<int>(in[0].size()) != rank + 2)
    layer.fail("expects an input of rank " + std::to_string(rank + 2) +
               " ([batch, spatial..., channels]), got " + formatShape(in[0]));
  return in[0];
}

int64_t knownChannels(const Layer &layer, const Shape &s) {
  if (s.back() < 0)
    layer.fail("needs a known channel dimension, got " + formatShape(s));
  return s.back();
}

void checkPadding(const Layer &layer, const std::string &padding) {
  if (padding != "valid" && padding != "same")
    layer.fail("unknown padding '" + padding +
               "' (expected 'valid' or 'same')");
}

std::string rankName(const char *base, int rank, const char *suffix = "") {
  return base + std::to_string(rank) + "D" + suffix;
}

} // namespace

//===----------------------------------------------------------------------===//
// DepthwiseConv
//===----------------------------------------------------------------------===//

DepthwiseConv::DepthwiseConv(int rank, std::vector<int64_t> kernelSize,
                             DepthwiseConvOptions options, std::string name)
    : DepthwiseConv(rankName("DepthwiseConv", rank), rank,
                    std::move(kernelSize), std::move(options),
                    std::move(name)) {}

DepthwiseConv::DepthwiseConv(std::string className, int rank,
                             std::vector<int64_t> kernelSize,
                             DepthwiseConvOptions options, std::string name)
    : Layer(std::move(className), std::move(name)), rank_(rank),
      options_(std::move(options)) {
  if (rank < 1 || rank > 2)
    fail("only 1-D and 2-D depthwise convolutions are supported");
  kernel_ = perDim(*this, "kernel_size", std::move(kernelSize), rank, 1);
  strides_ = perDim(*this, "strides", options_.strides, rank, 1);
  dilations_ = perDim(*this, "dilation_rate", options_.dilationRate, rank, 1);
  if (options_.depthMultiplier < 1)
    fail("depth_multiplier must be positive, got " +
         std::to_string(options_.depthMultiplier));
  checkPadding(*this, options_.padding);
  if (!isKnownActivation(options_.activation.name))
    fail("unknown activation '" + options_.activation.name + "'");
}

void DepthwiseConv::build(const std::vector<Shape> &in) {
  int64_t c = knownChannels(*this, singleOfRank(*this, in, rank_));
  Shape kshape(kernel_.begin(), kernel_.end());
  kshape.insert(kshape.end(), {c, options_.depthMultiplier});
  addWeight("kernel", kshape, options_.depthwiseInitializer);
  if (options_.useBias)
    addWeight("bias", {c * options_.depthMultiplier}, options_.biasInitializer);
}

Shape DepthwiseConv::depthwiseShape(const Shape &s) const {
  int64_t c = weights().front().shape[rank_];
  if (s.back() >= 0 && s.back() != c)
    fail("expected input with " + std::to_string(c) + " channels, got " +
         formatShape(s));
  Shape spatial(s.begin() + 1, s.end() - 1);
  std::vector<int64_t> pads = explicitPadding(*this, options_.padding, spatial,
                                              kernel_, strides_, dilations_);
  // The kiln.conv that depthwise() builds: one group per input channel.
  llvm::SmallVector<int64_t> filter(kernel_.begin(), kernel_.end());
  filter.append({1, c * options_.depthMultiplier});
  return inferShape(*this, [&](std::optional<Location> loc, DimVector &r) {
    return inferConvShape(loc, toKiln(s), filter,
                          windowParams(strides_, dilations_, pads), c, r);
  });
}

std::vector<Shape>
DepthwiseConv::computeOutputShapes(const std::vector<Shape> &in) {
  return {depthwiseShape(singleOfRank(*this, in, rank_))};
}

Value DepthwiseConv::depthwise(CallContext &ctx, Value x, Value w) const {
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  Shape s = fromKiln(tensorType(x).getShape());
  int64_t c = s.back(), dm = options_.depthMultiplier;
  SmallVector<int64_t> filterShape(kernel_.begin(), kernel_.end());
  filterShape.append({1, c * dm});
  Value filter = ReshapeOp::create(b, loc, w, filterShape);
  Shape spatial(s.begin() + 1, s.end() - 1);
  std::vector<int64_t> pads = explicitPadding(*this, options_.padding, spatial,
                                              kernel_, strides_, dilations_);
  return ConvOp::create(b, loc, x, filter, b.getDenseI64ArrayAttr(strides_),
                        b.getDenseI64ArrayAttr(dilations_),
                        b.getDenseI64ArrayAttr(pads), b.getI64IntegerAttr(c));
}

std::vector<Value> DepthwiseConv::call(CallContext &ctx,
                                       const std::vector<Value> &in) {
  Value y = depthwise(ctx, in[0], ctx.weight(0));
  if (options_.useBias)
    y = AddOp::create(ctx.builder(), ctx.loc(), y, ctx.weight(1));
  return {applyActivation(ctx, options_.activation, y)};
}

//===----------------------------------------------------------------------===//
// SeparableConv
//===----------------------------------------------------------------------===//

SeparableConv::SeparableConv(int rank, int64_t filters,
                             std::vector<int64_t> kernelSize,
                             DepthwiseConvOptions options, std::string name)
    : DepthwiseConv(rankName("SeparableConv", rank), rank,
                    std::move(kernelSize), std::move(options),
                    std::move(name)),
      filters_(filters) {
  if (filters <= 0)
    fail("filters must be positive, got " + std::to_string(filters));
}

void SeparableConv::build(const std::vector<Shape> &in) {
  int64_t c = knownChannels(*this, singleOfRank(*this, in, rank_));
  int64_t dm = options_.depthMultiplier;
  Shape dshape(kernel_.begin(), kernel_.end());
  dshape.insert(dshape.end(), {c, dm});
  addWeight("depthwise_kernel", dshape, options_.depthwiseInitializer);
  Shape pshape(rank_, 1);
  pshape.insert(pshape.end(), {c * dm, filters_});
  addWeight("pointwise_kernel", pshape, options_.pointwiseInitializer);
  if (options_.useBias)
    addWeight("bias", {filters_}, options_.biasInitializer);
}

std::vector<Shape>
SeparableConv::computeOutputShapes(const std::vector<Shape> &in) {
  Shape mid = depthwiseShape(singleOfRank(*this, in, rank_));
  // The pointwise kiln.matmul over the channels.
  return {inferShape(*this, [&](std::optional<Location> loc, DimVector &r) {
    return inferMatmulShape(loc, toKiln(mid), {mid.back(), filters_}, r);
  })};
}

std::vector<Value> SeparableConv::call(CallContext &ctx,
                                       const std::vector<Value> &in) {
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  Value y = depthwise(ctx, in[0], ctx.weight(0));
  // The 1x1 pointwise convolution is a matmul over the channels.
  int64_t mid = tensorType(y).getShape().back();
  Value pointwise = ReshapeOp::create(b, loc, ctx.weight(1),
                                      ArrayRef<int64_t>{mid, filters_});
  y = MatmulOp::create(b, loc, y, pointwise);
  if (options_.useBias)
    y = AddOp::create(b, loc, y, ctx.weight(2));
  return {applyActivation(ctx, options_.activation, y)};
}

//===----------------------------------------------------------------------===//
// ConvTranspose
//===----------------------------------------------------------------------===//

ConvTranspose::ConvTranspose(int rank, int64_t filters,
                             std::vector<int64_t> kernelSize,
                             ConvOptions options, std::string name)
    : Layer(rankName("Conv", rank, "Transpose"), std::move(name)), rank_(rank),
      filters_(filters), options_(std::move(options)) {
  if (rank < 1 || rank > 3)
    fail("only 1-D, 2-D and 3-D transposed convolutions are supported");
  if (filters <= 0)
    fail("filters must be positive, got " + std::to_string(filters));
  kernel_ = perDim(*this, "kernel_size", std::move(kernelSize), rank, 1);
  strides_ = perDim(*this, "strides", options_.strides, rank, 1);
  dilations_ = perDim(*this, "dilation_rate", options_.dilationRate, rank, 1);
  if (options_.groups != 1)
    fail("groups must be 1, got " + std::to_string(options_.groups));
  checkPadding(*this, options_.padding);
  if (!isKnownActivation(options_.activation.name))
    fail("unknown activation '" + options_.activation.name + "'");
}

void ConvTranspose::build(const std::vector<Shape> &in) {
  int64_t c = knownChannels(*this, singleOfRank(*this, in, rank_));
  Shape kshape(kernel_.begin(), kernel_.end());
  kshape.insert(kshape.end(), {filters_, c});
  addWeight("kernel", kshape, options_.kernelInitializer);
  if (options_.useBias)
    addWeight("bias", {filters_}, options_.biasInitializer);
}

void ConvTranspose::paddingFor(std::vector<int64_t> &padding,
                               std::vector<int64_t> &outputPadding) const {
  // The full transposed convolution has (in - 1) * s + k_eff elements.
  // Keras wants in * s ("same") or in * s + max(k_eff - s, 0) ("valid"):
  // "same" crops max(k_eff - s, 0), the smaller half first (TensorFlow puts
  // the odd element of `same` padding at the end); both append s - k_eff
  // zeros-plus-bias rows when the kernel is shorter than the stride.
  padding.clear();
  outputPadding.clear();
  for (int i = 0; i < rank_; ++i) {
    int64_t keff = dilations_[i] * (kernel_[i] - 1) + 1, s = strides_[i];
    int64_t crop = options_.padding == "same" ? std::max<int64_t>(keff - s, 0)
                                              : 0;
    padding.insert(padding.end(), {crop / 2, crop - crop / 2});
    outputPadding.push_back(std::max<int64_t>(s - keff, 0));
  }
}

std::vector<Shape>
ConvTranspose::computeOutputShapes(const std::vector<Shape> &in) {
  const Shape &s = singleOfRank(*this, in, rank_);
  std::vector<int64_t> padding, outputPadding;
  paddingFor(padding, outputPadding);
  llvm::SmallVector<int64_t> result;
  runShapeRule(*this, [&](std::optional<Location> loc) {
    WindowParams p = windowParams(strides_, dilations_, padding);
    auto input = toKiln(s);
    auto filter = toKiln(weights().front().shape);
    SmallVector<int64_t> outPad(outputPadding.begin(), outputPadding.end());
    return inferConvTransposeShape(loc, input, filter, p, outPad, 1, result);
  });
  return {fromKiln(result)};
}

std::vector<Value> ConvTranspose::call(CallContext &ctx,
                                       const std::vector<Value> &in) {
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  std::vector<int64_t> padding, outputPadding;
  paddingFor(padding, outputPadding);
  Value y = ConvTransposeOp::create(
      b, loc, in[0], ctx.weight(0), b.getDenseI64ArrayAttr(strides_),
      b.getDenseI64ArrayAttr(dilations_), b.getDenseI64ArrayAttr(padding),
      b.getDenseI64ArrayAttr(outputPadding), b.getI64IntegerAttr(1));
  if (options_.useBias)
    y = AddOp::create(b, loc, y, ctx.weight(1));
  return {applyActivation(ctx, options_.activation, y)};
}

//===----------------------------------------------------------------------===//
// UpSampling
//===----------------------------------------------------------------------===//

UpSampling::UpSampling(int rank, std::vector<int64_t> size,
                       std::string interpolation, std::string name)
    : Layer(rankName("UpSampling", rank), std::move(name)), rank_(rank) {
  if (rank < 1 || rank > 3)
    fail("only 1-D, 2-D and 3-D upsampling is supported");
  size_ = perDim(*this, "size", std::move(size), rank, 2);
  if (interpolation != "nearest")
    fail("interpolation '" + interpolation +
         "' is not supported (only 'nearest')");
}

std::vector<Shape> UpSampling::computeOutputShapes(const std::vector<Shape> &in) {
  Shape s = singleOfRank(*this, in, rank_);
  for (int i = 0; i < rank_; ++i)
    if (s[1 + i] < 0)
      fail("needs known spatial dimensions, got " + formatShape(s));
  // One kiln.gather per spatial axis, of n * size indices.
  for (int i = 0; i < rank_; ++i)
    if (size_[i] != 1)
      s = inferShape(*this, [&](std::optional<Location> loc, DimVector &r) {
        return inferGatherShape(loc, toKiln(s), {s[1 + i] * size_[i]}, 1 + i,
                                r);
      });
  return {s};
}

std::vector<Value> UpSampling::call(CallContext &ctx,
                                    const std::vector<Value> &in) {
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  Value y = in[0];
  // Nearest neighbour: output row i reads input row i / size, one gather
  // per spatial axis.
  for (int i = 0; i < rank_; ++i) {
    int64_t n = tensorType(y).getDimSize(1 + i);
    if (size_[i] == 1)
      continue;
    std::vector<double> idx;
    for (int64_t j = 0; j < n * size_[i]; ++j)
      idx.push_back(static_cast<double>(j / size_[i]));
    Value indices = constant(b, loc, {n * size_[i]}, idx, b.getI64Type());
    y = GatherOp::create(b, loc, y, indices, b.getI64IntegerAttr(1 + i));
  }
  return {y};
}

} // namespace layers
} // namespace kiln
