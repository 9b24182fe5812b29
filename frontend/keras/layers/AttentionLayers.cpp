//===- AttentionLayers.cpp - MultiHeadAttention ---------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Keras's einsum projections become plain matmuls: a `(d, heads, dim)`
// kernel reshaped to `(d, heads * dim)` projects `[batch, n, d]`, and the
// heads are split off with a reshape and moved next to the batch with a
// transpose, so that both attention products are batched kiln.matmul ops.
//
//===----------------------------------------------------------------------===//

#include "frontend/keras/layers/Emit.h"
#include "kiln/keras/MoreLayers.h"

#include <cmath>

using namespace mlir;
using namespace kiln::keras_detail;

namespace kiln {
namespace layers {

namespace {

/// The product of the dimensions between the batch and the features: the
/// positions attended over.
int64_t positions(const Shape &s) {
  int64_t n = 1;
  for (size_t i = 1; i + 1 < s.size(); ++i)
    n *= s[i];
  return n;
}

} // namespace

MultiHeadAttention::MultiHeadAttention(int64_t numHeads, int64_t keyDim,
                                       Options options, std::string name)
    : Layer("MultiHeadAttention", std::move(name)), numHeads_(numHeads),
      keyDim_(keyDim), valueDim_(options.valueDim ? options.valueDim : keyDim),
      options_(std::move(options)) {
  if (numHeads <= 0 || keyDim <= 0 || valueDim_ <= 0)
    fail("num_heads, key_dim and value_dim must be positive, got " +
         std::to_string(numHeads) + ", " + std::to_string(keyDim) + " and " +
         std::to_string(valueDim_));
  if (!(options_.dropout >= 0.0 && options_.dropout < 1.0))
    fail("dropout must be in [0, 1), got " + std::to_string(options_.dropout));
}

/// Checks `[query, value]` or `[query, value, key]`: equal ranks of 3 or
/// more, known non-batch dimensions, and keys matching the values.
static void checkInputs(const Layer &layer, const std::vector<Shape> &in) {
  if (in.size() != 2 && in.size() != 3)
    layer.fail("expects [query, value] or [query, value, key], got " +
               std::to_string(in.size()) + " inputs");
  static const char *const names[] = {"query", "value", "key"};
  for (size_t i = 0; i < in.size(); ++i) {
    const Shape &s = in[i];
    if (s.size() < 3 || s.size() != in[0].size())
      layer.fail(std::string(names[i]) + " must have rank 3 or more and the "
                 "query's rank, got " + formatShape(s) + " (query " +
                 formatShape(in[0]) + ")");
    for (size_t d = 1; d < s.size(); ++d)
      if (s[d] < 0)
        layer.fail(std::string(names[i]) +
                   " needs known non-batch dimensions, got " + formatShape(s));
  }
  if (in.size() == 3 && positions(in[2]) != positions(in[1]))
    layer.fail("key " + formatShape(in[2]) + " and value " +
               formatShape(in[1]) + " must have the same positions");
}

void MultiHeadAttention::build(const std::vector<Shape> &in) {
  checkInputs(*this, in);
  int64_t dq = in[0].back(), dv = in[1].back();
  int64_t dk = in.size() == 3 ? in[2].back() : dv;
  const Initializer &k = options_.kernelInitializer;
  const Initializer &bias = options_.biasInitializer;
  auto project = [&](const std::string &what, int64_t d, int64_t dim) {
    addWeight(what + "_kernel", {d, numHeads_, dim}, k);
    if (options_.useBias)
      addWeight(what + "_bias", {numHeads_, dim}, bias);
  };
  project("query", dq, keyDim_);
  project("key", dk, keyDim_);
  project("value", dv, valueDim_);
  addWeight("attention_output_kernel", {numHeads_, valueDim_, dq}, k);
  if (options_.useBias)
    addWeight("attention_output_bias", {dq}, bias);
}

std::vector<Shape>
MultiHeadAttention::computeOutputShapes(const std::vector<Shape> &in) {
  checkInputs(*this, in);
  int step = options_.useBias ? 2 : 1;
  const auto &w = weights();
  int64_t dv = in[1].back(), dk = in.size() == 3 ? in[2].back() : dv;
  int64_t want[] = {in[0].back(), dk, dv};
  static const char *const names[] = {"query", "key", "value"};
  for (int i = 0; i < 3; ++i)
    if (w[i * step].shape[0] != want[i])
      fail(std::string(names[i]) + " has " + std::to_string(want[i]) +
           " features but the layer was built for " +
           std::to_string(w[i * step].shape[0]));
  return {in[0]};
}

std::vector<Value> MultiHeadAttention::call(CallContext &ctx,
                                            const std::vector<Value> &in) {
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  Value query = in[0], value = in[1], key = in.size() == 3 ? in[2] : in[1];
  Shape qShape(tensorType(query).getShape().begin(),
               tensorType(query).getShape().end());
  Type elt = tensorType(query).getElementType();
  int64_t h = numHeads_;
  int step = options_.useBias ? 2 : 1;

  // [batch, ..., d] -> [batch, heads, n, dim] (transposed to [batch, heads,
  // dim, n] for the keys).
  auto project = [&](Value x, int weight, int64_t dim, bool transposeKeys) {
    auto type = tensorType(x);
    int64_t d = type.getShape().back();
    Shape s(type.getShape().begin(), type.getShape().end());
    int64_t n = positions(s);
    Value x3 = ReshapeOp::create(b, loc, x, ArrayRef<int64_t>{-1, n, d});
    Value kernel = ReshapeOp::create(b, loc, ctx.weight(weight),
                                     ArrayRef<int64_t>{d, h * dim});
    Value y = MatmulOp::create(b, loc, x3, kernel);
    if (options_.useBias)
      y = AddOp::create(b, loc, y,
                        ReshapeOp::create(b, loc, ctx.weight(weight + 1),
                                          ArrayRef<int64_t>{h * dim}));
    y = ReshapeOp::create(b, loc, y, ArrayRef<int64_t>{-1, n, h, dim});
    static const int64_t headsFirst[] = {0, 2, 1, 3}, keysLast[] = {0, 2, 3, 1};
    return TransposeOp::create(b, loc, y,
                               ArrayRef<int64_t>(transposeKeys ? keysLast
                                                               : headsFirst));
  };
  Value q = project(query, 0, keyDim_, false);
  Value k = project(key, step, keyDim_, true);
  Value v = project(value, 2 * step, valueDim_, false);
  q = MulOp::create(b, loc, q,
                    scalar(b, loc, elt, 1.0 / std::sqrt(double(keyDim_))));

  // Scores [batch, heads, nq, nk], normalized over the keys.
  Value scores = MatmulOp::create(b, loc, q, k);
  Value attention = SoftmaxOp::create(b, loc, scores, b.getI64IntegerAttr(3));
  if (ctx.training() && options_.dropout > 0.0)
    attention = DropoutOp::create(b, loc, tensorType(attention), attention,
                                  Value(), b.getF64FloatAttr(options_.dropout),
                                  b.getI64IntegerAttr(0), b.getBoolAttr(true),
                                  DenseI64ArrayAttr());

  // [batch, heads, nq, vdim] -> [batch, nq, heads * vdim] -> output.
  int64_t nq = positions(qShape), dOut = qShape.back();
  Value o = MatmulOp::create(b, loc, attention, v);
  o = TransposeOp::create(b, loc, o, ArrayRef<int64_t>{0, 2, 1, 3});
  o = ReshapeOp::create(b, loc, o, ArrayRef<int64_t>{-1, nq, h * valueDim_});
  Value kernel = ReshapeOp::create(b, loc, ctx.weight(3 * step),
                                   ArrayRef<int64_t>{h * valueDim_, dOut});
  Value y = MatmulOp::create(b, loc, o, kernel);
  if (options_.useBias)
    y = AddOp::create(b, loc, y, ctx.weight(3 * step + 1));
  // Back to the query's positions.
  SmallVector<int64_t> outShape(qShape.begin(), qShape.end());
  outShape.front() = -1;
  return {ReshapeOp::create(b, loc, y, outShape)};
}

} // namespace layers
} // namespace kiln
