//===- CoreLayers.cpp - Dense, reshaping, dropout, merging, embedding -----===//
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

static void checkActivation(const Layer &layer, const Activation &act) {
  if (!isKnownActivation(act.name))
    layer.fail("unknown activation '" + act.name + "'");
}

static const Shape &single(const Layer &layer, const std::vector<Shape> &in) {
  if (in.size() != 1)
    layer.fail("expects one input, got " + std::to_string(in.size()));
  return in.front();
}

//===----------------------------------------------------------------------===//
// InputLayer
//===----------------------------------------------------------------------===//

InputLayer::InputLayer(Shape shape, DType dtype, std::string name)
    : Layer("InputLayer", name.empty() ? uniqueLayerName("input_layer") : name),
      shape_(std::move(shape)), dtype_(dtype) {}

std::vector<Shape> InputLayer::computeOutputShapes(const std::vector<Shape> &) {
  Shape full = {-1};
  full.insert(full.end(), shape_.begin(), shape_.end());
  return {full};
}

//===----------------------------------------------------------------------===//
// Dense
//===----------------------------------------------------------------------===//

Dense::Dense(int64_t units, Options options, std::string name)
    : Layer("Dense", std::move(name)), units_(units),
      options_(std::move(options)) {
  if (units <= 0)
    fail("units must be positive, got " + std::to_string(units));
  checkActivation(*this, options_.activation);
}

void Dense::build(const std::vector<Shape> &in) {
  const Shape &s = single(*this, in);
  if (s.empty() || s.back() < 0)
    fail("needs a known last input dimension, got input " + formatShape(s));
  addWeight("kernel", {s.back(), units_}, options_.kernelInitializer);
  if (options_.useBias)
    addWeight("bias", {units_}, options_.biasInitializer);
}

std::vector<Shape> Dense::computeOutputShapes(const std::vector<Shape> &in) {
  Shape s = single(*this, in);
  if (s.size() < 2)
    fail("expects an input of rank 2 or more, got " + formatShape(s));
  int64_t expected = weights().front().shape[0];
  if (s.back() >= 0 && s.back() != expected)
    fail("expected input with last dimension " + std::to_string(expected) +
         ", got " + std::to_string(s.back()) + " (input " + formatShape(s) +
         ")");
  return {inferShape(*this, [&](std::optional<Location> loc, DimVector &r) {
    return inferMatmulShape(loc, toKiln(s), {expected, units_}, r);
  })};
}

std::vector<Value> Dense::call(CallContext &ctx, const std::vector<Value> &in) {
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  Value y = MatmulOp::create(b, loc, in[0], ctx.weight(0));
  if (options_.useBias)
    y = AddOp::create(b, loc, y, ctx.weight(1));
  return {applyActivation(ctx, options_.activation, y)};
}

//===----------------------------------------------------------------------===//
// Activation, Flatten, Reshape, Permute
//===----------------------------------------------------------------------===//

ActivationLayer::ActivationLayer(Activation act, std::string name)
    : Layer("Activation", std::move(name)), act_(std::move(act)) {
  checkActivation(*this, act_);
}

std::vector<Value> ActivationLayer::call(CallContext &ctx,
                                         const std::vector<Value> &in) {
  return {applyActivation(ctx, act_, in[0])};
}

std::vector<Shape> Flatten::computeOutputShapes(const std::vector<Shape> &in) {
  const Shape &s = single(*this, in);
  if (s.empty())
    fail("cannot flatten a scalar");
  for (size_t i = 1; i < s.size(); ++i)
    if (s[i] < 0)
      fail("needs known non-batch dimensions, got " + formatShape(s));
  // kiln.reshape to [batch, -1].
  return {inferShape(*this, [&](std::optional<Location> loc, DimVector &r) {
    llvm::SmallVector<int64_t> batch1 = toKiln(s);
    batch1[0] = 1;
    if (failed(inferReshapeShape(loc, batch1, {1, -1}, r)))
      return failure();
    r[0] = toKiln({s[0]})[0];
    return success();
  })};
}

std::vector<Value> Flatten::call(CallContext &ctx, const std::vector<Value> &in) {
  int64_t n = 1;
  for (int64_t d : tensorType(in[0]).getShape().drop_front())
    n *= d;
  return {ReshapeOp::create(ctx.builder(), ctx.loc(), in[0],
                            ctx.builder().getDenseI64ArrayAttr({-1, n}))};
}

Reshape::Reshape(Shape targetShape, std::string name)
    : Layer("Reshape", std::move(name)), target_(std::move(targetShape)) {}

std::vector<Shape> Reshape::computeOutputShapes(const std::vector<Shape> &in) {
  const Shape &s = single(*this, in);
  Shape perExample(s.begin() + (s.empty() ? 0 : 1), s.end());
  for (int64_t d : perExample)
    if (d < 0)
      fail("needs known non-batch dimensions, got " + formatShape(s));
  // Reshape per example with the shared rule (one -1 allowed).
  llvm::SmallVector<int64_t> result;
  runShapeRule(*this, [&](std::optional<Location> loc) {
    Shape target(target_.begin(), target_.end());
    return inferReshapeShape(loc, perExample, target, result);
  });
  Shape out = {s.empty() ? -1 : s[0]};
  out.insert(out.end(), result.begin(), result.end());
  return {out};
}

std::vector<Value> Reshape::call(CallContext &ctx, const std::vector<Value> &in) {
  Shape out = computeOutputShapes({Shape(tensorType(in[0]).getShape().begin(),
                                         tensorType(in[0]).getShape().end())})
                  .front();
  llvm::SmallVector<int64_t> shape = {-1};
  shape.append(out.begin() + 1, out.end());
  return {ReshapeOp::create(ctx.builder(), ctx.loc(), in[0],
                            ctx.builder().getDenseI64ArrayAttr(shape))};
}

Permute::Permute(std::vector<int64_t> dims, std::string name)
    : Layer("Permute", std::move(name)), dims_(std::move(dims)) {}

std::vector<Shape> Permute::computeOutputShapes(const std::vector<Shape> &in) {
  const Shape &s = single(*this, in);
  if (dims_.size() + 1 != s.size())
    fail("dims has " + std::to_string(dims_.size()) +
         " entries but the input " + formatShape(s) + " has " +
         std::to_string(s.size() - 1) + " non-batch dimensions");
  std::vector<int64_t> seen(s.size(), 0);
  for (int64_t d : dims_)
    if (d < 1 || d >= static_cast<int64_t>(s.size()) || seen[d]++)
      fail("dims must be a permutation of 1.." + std::to_string(s.size() - 1));
  llvm::SmallVector<int64_t> perm = {0};
  perm.append(dims_.begin(), dims_.end());
  return {inferShape(*this, [&](std::optional<Location> loc, DimVector &r) {
    return inferTransposeShape(loc, toKiln(s), perm, r);
  })};
}

std::vector<Value> Permute::call(CallContext &ctx, const std::vector<Value> &in) {
  llvm::SmallVector<int64_t> perm = {0};
  perm.append(dims_.begin(), dims_.end());
  return {TransposeOp::create(ctx.builder(), ctx.loc(), in[0],
                              ctx.builder().getDenseI64ArrayAttr(perm))};
}

//===----------------------------------------------------------------------===//
// Dropout, Rescaling, Normalization
//===----------------------------------------------------------------------===//

Dropout::Dropout(double rate, int spatialRank, int64_t seed, std::string name)
    : Layer(spatialRank ? "SpatialDropout" + std::to_string(spatialRank) + "D"
                        : "Dropout",
            std::move(name)),
      rate_(rate), spatialRank_(spatialRank), seed_(seed) {
  if (!(rate >= 0.0 && rate < 1.0))
    fail("rate must be in [0, 1), got " + std::to_string(rate));
}

std::vector<Shape> Dropout::computeOutputShapes(const std::vector<Shape> &in) {
  const Shape &s = single(*this, in);
  if (spatialRank_ && static_cast<int>(s.size()) != spatialRank_ + 2)
    fail("expects an input of rank " + std::to_string(spatialRank_ + 2) +
         ", got " + formatShape(s));
  return {s};
}

std::vector<Value> Dropout::call(CallContext &ctx, const std::vector<Value> &in) {
  if (!ctx.training() || rate_ == 0.0)
    return {in[0]};
  OpBuilder &b = ctx.builder();
  auto type = tensorType(in[0]);
  DenseI64ArrayAttr noise;
  if (spatialRank_) {
    // One mask value per (example, channel), shared over spatial axes.
    llvm::SmallVector<int64_t> shape(type.getRank(), 1);
    shape.back() = type.getShape().back();
    noise = b.getDenseI64ArrayAttr(shape);
    noise = b.getDenseI64ArrayAttr(shape);
  }
  return {DropoutOp::create(b, ctx.loc(), type, in[0], Value(),
                            b.getF64FloatAttr(rate_),
                            b.getI64IntegerAttr(seed_), b.getBoolAttr(true),
                            noise)};
}

Rescaling::Rescaling(std::vector<double> scale, std::vector<double> offset,
                     std::string name)
    : Layer("Rescaling", std::move(name)), scale_(std::move(scale)),
      offset_(std::move(offset)) {}

std::vector<Shape> Rescaling::computeOutputShapes(const std::vector<Shape> &in) {
  const Shape &s = single(*this, in);
  for (const auto *v : {&scale_, &offset_})
    if (v->size() > 1 && (s.empty() || s.back() != static_cast<int64_t>(v->size())))
      fail("per-channel scale/offset of " + std::to_string(v->size()) +
           " values does not match input " + formatShape(s));
  // x * scale + offset, each a scalar or a vector over the channels.
  return {inferShape(*this, [&](std::optional<Location> loc, DimVector &r) {
    llvm::SmallVector<int64_t> x = toKiln(s),
                               scale(scale_.size() > 1 ? 1 : 0, scale_.size()),
                               offset(offset_.size() > 1 ? 1 : 0, offset_.size());
    return inferBroadcastShape(loc, {x, scale, offset}, r);
  })};
}

std::vector<Value> Rescaling::call(CallContext &ctx,
                                   const std::vector<Value> &in) {
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  Type elt = tensorType(in[0]).getElementType();
  auto asTensor = [&](const std::vector<double> &v) {
    return v.size() == 1 ? scalar(b, loc, elt, v[0])
                         : constant(b, loc, {int64_t(v.size())}, v, elt);
  };
  Value y = MulOp::create(b, loc, in[0], asTensor(scale_));
  return {AddOp::create(b, loc, y, asTensor(offset_))};
}

Normalization::Normalization(int64_t axis, std::vector<double> mean,
                             std::vector<double> variance, bool invert,
                             std::string name)
    : Layer("Normalization", std::move(name)), axis_(axis),
      mean_(std::move(mean)), variance_(std::move(variance)), invert_(invert) {}

void Normalization::build(const std::vector<Shape> &in) {
  const Shape &s = single(*this, in);
  int64_t axis = normalizeAxisOrFail(*this, axis_, s.size());
  int64_t n = s[axis];
  if (n < 0)
    fail("the normalized axis must have a known size");
  // Keras stores mean, variance and count as (non-trainable) weights.
  Weight &m = addWeight("mean", {n}, "zeros", false);
  Weight &v = addWeight("variance", {n}, "ones", false);
  addWeight("count", {}, "zeros", false).dtype = DType::Int64;
  auto fill = [&](Weight &w, const std::vector<double> &vals) {
    if (vals.size() == 1)
      std::fill(w.values.begin(), w.values.end(), vals[0]);
    else if (static_cast<int64_t>(vals.size()) == n)
      w.values = vals;
    else if (!vals.empty())
      fail("mean/variance have " + std::to_string(vals.size()) +
           " values, the axis has " + std::to_string(n));
  };
  fill(m, mean_);
  fill(v, variance_);
}

std::vector<Shape>
Normalization::computeOutputShapes(const std::vector<Shape> &in) {
  return {single(*this, in)};
}

std::vector<Value> Normalization::call(CallContext &ctx,
                                       const std::vector<Value> &in) {
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  auto type = tensorType(in[0]);
  int64_t axis = normalizeAxisOrFail(*this, axis_, type.getRank());
  // Broadcast the per-feature statistics along `axis`.
  llvm::SmallVector<int64_t> shape(type.getRank() - axis, 1);
  shape.front() = type.getDimSize(axis);
  auto bcast = [&](Value v) {
    return ReshapeOp::create(b, loc, v, b.getDenseI64ArrayAttr(shape));
  };
  Type elt = type.getElementType();
  Value mean = bcast(ctx.weight(0));
  Value stddev = SqrtOp::create(
      b, loc,
      MaximumOp::create(b, loc, bcast(ctx.weight(1)), scalar(b, loc, elt, 1e-7)));
  if (invert_)
    return {AddOp::create(b, loc, MulOp::create(b, loc, in[0], stddev), mean)};
  return {DivOp::create(b, loc, SubOp::create(b, loc, in[0], mean), stddev)};
}

//===----------------------------------------------------------------------===//
// Merging
//===----------------------------------------------------------------------===//

/// Several Keras shapes as kiln shapes, for the rules over operand lists.
struct KilnShapes {
  explicit KilnShapes(const std::vector<Shape> &in) {
    for (const Shape &s : in)
      owned.push_back(toKiln(s));
    refs.assign(owned.begin(), owned.end());
  }
  std::vector<llvm::SmallVector<int64_t>> owned;
  llvm::SmallVector<ArrayRef<int64_t>> refs;
};

static const char *mergeName(Merge::Kind k) {
  static const char *const names[] = {"Add", "Subtract", "Multiply",
                                      "Average", "Maximum", "Minimum"};
  return names[k];
}

Merge::Merge(Kind kind, std::string name)
    : Layer(mergeName(kind), std::move(name)), kind_(kind) {}

std::vector<Shape> Merge::computeOutputShapes(const std::vector<Shape> &in) {
  if (in.size() < 2)
    fail("expects at least 2 inputs, got " + std::to_string(in.size()));
  if (kind_ == Subtract && in.size() != 2)
    fail("expects exactly 2 inputs, got " + std::to_string(in.size()));
  KilnShapes shapes(in);
  return {inferShape(*this, [&](std::optional<Location> loc, DimVector &r) {
    return inferBroadcastShape(loc, shapes.refs, r);
  })};
}

std::vector<Value> Merge::call(CallContext &ctx, const std::vector<Value> &in) {
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  Value acc = in[0];
  for (size_t i = 1; i < in.size(); ++i) {
    switch (kind_) {
    case Add:
    case Average: acc = AddOp::create(b, loc, acc, in[i]); break;
    case Subtract: acc = SubOp::create(b, loc, acc, in[i]); break;
    case Multiply: acc = MulOp::create(b, loc, acc, in[i]); break;
    case Maximum: acc = MaximumOp::create(b, loc, acc, in[i]); break;
    case Minimum: acc = MinimumOp::create(b, loc, acc, in[i]); break;
    }
  }
  if (kind_ == Average)
    acc = DivOp::create(
        b, loc, acc,
        scalar(b, loc, tensorType(acc).getElementType(), double(in.size())));
  return {acc};
}

Concatenate::Concatenate(int64_t axis, std::string name)
    : Layer("Concatenate", std::move(name)), axis_(axis) {}

std::vector<Shape>
Concatenate::computeOutputShapes(const std::vector<Shape> &in) {
  if (in.empty())
    fail("expects a list of inputs");
  int64_t axis = normalizeAxisOrFail(*this, axis_, in[0].size());
  KilnShapes shapes(in);
  return {inferShape(*this, [&](std::optional<Location> loc, DimVector &r) {
    return inferConcatShape(loc, shapes.refs, axis, r);
  })};
}

std::vector<Value> Concatenate::call(CallContext &ctx,
                                     const std::vector<Value> &in) {
  int64_t axis = normalizeAxisOrFail(*this, axis_, tensorType(in[0]).getRank());
  return {ConcatOp::create(ctx.builder(), ctx.loc(), ValueRange(in),
                           ctx.builder().getI64IntegerAttr(axis))};
}

//===----------------------------------------------------------------------===//
// Embedding
//===----------------------------------------------------------------------===//

Embedding::Embedding(int64_t inputDim, int64_t outputDim, Initializer init,
                     std::string name)
    : Layer("Embedding", std::move(name)), inputDim_(inputDim),
      outputDim_(outputDim), init_(std::move(init)) {
  if (inputDim <= 0 || outputDim <= 0)
    fail("input_dim and output_dim must be positive");
}

void Embedding::build(const std::vector<Shape> &) {
  addWeight("embeddings", {inputDim_, outputDim_}, init_);
}

std::vector<Shape> Embedding::computeOutputShapes(const std::vector<Shape> &in) {
  const Shape &s = single(*this, in);
  // kiln.gather of the [input_dim, output_dim] table along axis 0.
  return {inferShape(*this, [&](std::optional<Location> loc, DimVector &r) {
    return inferGatherShape(loc, {inputDim_, outputDim_}, toKiln(s), 0, r);
  })};
}

std::vector<Value> Embedding::call(CallContext &ctx,
                                   const std::vector<Value> &in) {
  OpBuilder &b = ctx.builder();
  Value ids = in[0];
  // Keras feeds float ids through int casts; gather wants integers.
  auto type = tensorType(ids);
  if (!type.getElementType().isInteger(32) && !type.getElementType().isInteger(64))
    ids = CastOp::create(b, ctx.loc(),
                         RankedTensorType::get(type.getShape(), b.getI64Type()),
                         ids);
  return {GatherOp::create(b, ctx.loc(), ctx.weight(0), ids,
                           b.getI64IntegerAttr(0))};
}

} // namespace layers
} // namespace kiln
