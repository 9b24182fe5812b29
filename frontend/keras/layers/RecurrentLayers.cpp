//===- RecurrentLayers.cpp - SimpleRNN, LSTM, GRU, Bidirectional, Masking -===//
//
// SPDX-License-Identifier: Apache-2.0
//
// A recurrent layer is one kiln.scan over time: one batched matmul projects
// every timestep's input at once, then the scan's body adds the recurrent
// matmul to its step of the projection and applies the gates. Masks from a Masking layer travel
// as a tagged kiln.select (see kerasMaskOf in Emit.h); masked steps keep the
// previous state, as Keras's backend `rnn` does.
//
//===----------------------------------------------------------------------===//

#include "frontend/keras/layers/Emit.h"
#include "kiln/keras/MoreLayers.h"

using namespace mlir;
using namespace kiln::keras_detail;

namespace kiln {
namespace layers {

namespace {

Value reshape(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> shape) {
  return ReshapeOp::create(b, loc, x, shape);
}

/// `x[..., start:start + size]` along `axis`.
Value sliceAxis(OpBuilder &b, Location loc, Value x, int64_t axis,
                int64_t start, int64_t size) {
  int64_t axes[] = {axis}, starts[] = {start}, ends[] = {start + size},
          steps[] = {1};
  return SliceOp::create(b, loc, x, axes, starts, ends, steps);
}

/// Timestep `t` of a `[batch, time, n]` tensor, as `[batch, n]`.
Value timestep(OpBuilder &b, Location loc, Value x, int64_t t) {
  int64_t n = tensorType(x).getDimSize(2);
  return reshape(b, loc, sliceAxis(b, loc, x, 1, t, 1), {-1, n});
}

/// Reverses a `[batch, time, n]` tensor along time.
Value reverseTime(OpBuilder &b, Location loc, Value x) {
  int64_t steps = tensorType(x).getDimSize(1);
  std::vector<double> idx;
  for (int64_t t = steps - 1; t >= 0; --t)
    idx.push_back(static_cast<double>(t));
  Value indices = constant(b, loc, {steps}, idx, b.getI64Type());
  return GatherOp::create(b, loc, x, indices, b.getI64IntegerAttr(1));
}

const Shape &single(const Layer &layer, const std::vector<Shape> &in) {
  if (in.size() != 1)
    layer.fail("expects one input, got " + std::to_string(in.size()));
  return in.front();
}

/// Checks a `[batch, timesteps, features]` input with known timesteps.
void checkSequence(const Layer &layer, const Shape &s) {
  if (s.size() != 3)
    layer.fail("expects an input of rank 3 ([batch, timesteps, features]), "
               "got " + formatShape(s));
  if (s[1] == 0)
    layer.fail("needs at least one timestep, got input " + formatShape(s));
  if (s[2] < 0)
    layer.fail("needs a known feature dimension, got input " + formatShape(s));
}

const char *cellName(Recurrent::Cell cell) {
  switch (cell) {
  case Recurrent::Cell::SimpleRNN: return "SimpleRNN";
  case Recurrent::Cell::LSTM: return "LSTM";
  case Recurrent::Cell::GRU: return "GRU";
  }
  return "RNN";
}

/// A view of the enclosing context whose weights start at `offset`: lets a
/// wrapper own its sub-layers' weights (Keras lists them as the wrapper's).
class OffsetContext : public CallContext {
public:
  OffsetContext(CallContext &outer, int offset)
      : outer_(outer), offset_(offset) {}
  std::vector<Value> callLayer(Layer &layer,
                               const std::vector<Value> &inputs) override {
    return outer_.callLayer(layer, inputs);
  }
  OpBuilder &builder() override { return outer_.builder(); }
  Location loc() override { return outer_.loc(); }
  Value weight(int i) override { return outer_.weight(offset_ + i); }
  bool training() const override { return outer_.training(); }

private:
  CallContext &outer_;
  int offset_;
};

} // namespace

//===----------------------------------------------------------------------===//
// Recurrent
//===----------------------------------------------------------------------===//

Recurrent::Recurrent(Cell cell, int64_t units, RecurrentOptions options,
                     std::string name)
    : Layer(cellName(cell), std::move(name)), cell_(cell), units_(units),
      options_(std::move(options)) {
  if (units <= 0)
    fail("units must be positive, got " + std::to_string(units));
  if (options_.returnState)
    fail("return_state is not supported");
  for (const Activation *act :
       {&options_.activation, &options_.recurrentActivation})
    if (!isKnownActivation(act->name))
      fail("unknown activation '" + act->name + "'");
}

int64_t Recurrent::gates() const {
  switch (cell_) {
  case Cell::SimpleRNN: return 1;
  case Cell::LSTM: return 4;
  case Cell::GRU: return 3;
  }
  return 1;
}

std::shared_ptr<Recurrent> Recurrent::clone(RecurrentOptions options,
                                            std::string name) const {
  return std::make_shared<Recurrent>(cell_, units_, std::move(options),
                                     std::move(name));
}

void Recurrent::build(const std::vector<Shape> &in) {
  const Shape &s = single(*this, in);
  checkSequence(*this, s);
  int64_t g = gates() * units_;
  addWeight("kernel", {s[2], g}, options_.kernelInitializer);
  addWeight("recurrent_kernel", {units_, g}, options_.recurrentInitializer);
  if (!options_.useBias)
    return;
  if (cell_ == Cell::GRU && options_.resetAfter) {
    addWeight("bias", {2, g}, options_.biasInitializer);
    return;
  }
  Weight &bias = addWeight("bias", {g}, options_.biasInitializer);
  // Keras initializes the forget block to ones (Jozefowicz et al., 2015).
  if (cell_ == Cell::LSTM && options_.unitForgetBias)
    std::fill(bias.values.begin() + units_, bias.values.begin() + 2 * units_,
              1.0);
}

std::vector<Shape> Recurrent::computeOutputShapes(const std::vector<Shape> &in) {
  const Shape &s = single(*this, in);
  checkSequence(*this, s);
  int64_t expected = weights().front().shape[0];
  if (s[2] != expected)
    fail("expected input with " + std::to_string(expected) +
         " features, got " + std::to_string(s[2]) + " (input " +
         formatShape(s) + ")");
  if (options_.returnSequences)
    return {{s[0], s[1], units_}};
  return {{s[0], units_}};
}

std::vector<Value> Recurrent::call(CallContext &ctx,
                                   const std::vector<Value> &in) {
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  Value x = in[0];
  int64_t u = units_, g = gates() * u;
  Type elt = tensorType(x).getElementType();
  const Activation &act = options_.activation;
  const Activation &gateAct = options_.recurrentActivation;
  bool gruResetAfter = cell_ == Cell::GRU && options_.resetAfter;

  // The input projection of every timestep at once: [batch, time, g*u].
  Value xw = MatmulOp::create(b, loc, x, ctx.weight(0));
  Value recBias;
  if (options_.useBias) {
    Value bias = ctx.weight(2);
    if (gruResetAfter) {
      recBias = reshape(b, loc, sliceAxis(b, loc, bias, 0, 1, 1), {g});
      bias = reshape(b, loc, sliceAxis(b, loc, bias, 0, 0, 1), {g});
    }
    xw = AddOp::create(b, loc, xw, bias);
  }
  Value kernelU = ctx.weight(1);
  // The Keras 2 GRU multiplies r * h before the candidate's recurrent
  // matmul, so the z/r and h blocks of the recurrent kernel split.
  Value kernelZR, kernelH;
  if (cell_ == Cell::GRU && !gruResetAfter) {
    kernelZR = sliceAxis(b, loc, kernelU, 1, 0, 2 * u);
    kernelH = sliceAxis(b, loc, kernelU, 1, 2 * u, u);
  }
  auto gate = [&](Value v, int64_t k) { return sliceAxis(b, loc, v, 1, k * u, u); };
  auto apply = [&](const Activation &a, Value v) {
    return applyActivation(ctx, a, v);
  };
  auto add = [&](Value l, Value r) { return AddOp::create(b, loc, l, r); };
  auto mul = [&](Value l, Value r) { return MulOp::create(b, loc, l, r); };

  Value mask = kerasMaskOf(x);
  if (mask && tensorType(mask).getRank() != 3)
    mask = Value();
  Value zero = scalar(b, loc, elt, 0.0), one = scalar(b, loc, elt, 1.0);
  // The zero initial state, [batch, units] (the batch may be dynamic).
  Value h0 = BroadcastToOp::create(b, loc, zero, timestep(b, loc, xw, 0),
                                   ArrayRef<int64_t>{-1, u});
  bool lstm = cell_ == Cell::LSTM;
  SmallVector<Value> inits{h0};
  if (lstm)
    inits.push_back(h0);
  SmallVector<Value> sequences{xw};
  if (mask)
    sequences.push_back(mask);
  bool sequencesOut = options_.returnSequences;

  // One step of the cell: carries (h[, c]), slices (x_t[, mask_t]) ->
  // new carries, then the step's output when the sequence is returned.
  auto step = [&](OpBuilder &, Location, ValueRange carries,
                  ValueRange slices) -> SmallVector<Value> {
    Value h = carries[0], c = lstm ? carries[1] : Value();
    Value xt = slices[0];
    Value hNew, cNew;
    switch (cell_) {
    case Cell::SimpleRNN:
      hNew = apply(act, add(xt, MatmulOp::create(b, loc, h, kernelU)));
      break;
    case Cell::LSTM: {
      Value z = add(xt, MatmulOp::create(b, loc, h, kernelU));
      Value i = apply(gateAct, gate(z, 0)), f = apply(gateAct, gate(z, 1));
      Value cand = apply(act, gate(z, 2)), o = apply(gateAct, gate(z, 3));
      cNew = add(mul(f, c), mul(i, cand));
      hNew = mul(o, apply(act, cNew));
      break;
    }
    case Cell::GRU: {
      Value z, r, cand;
      if (gruResetAfter) {
        Value rec = MatmulOp::create(b, loc, h, kernelU);
        if (recBias)
          rec = add(rec, recBias);
        z = apply(gateAct, add(gate(xt, 0), gate(rec, 0)));
        r = apply(gateAct, add(gate(xt, 1), gate(rec, 1)));
        cand = apply(act, add(gate(xt, 2), mul(r, gate(rec, 2))));
      } else {
        Value rec = MatmulOp::create(b, loc, h, kernelZR);
        z = apply(gateAct, add(gate(xt, 0), gate(rec, 0)));
        r = apply(gateAct, add(gate(xt, 1), gate(rec, 1)));
        cand = apply(act, add(gate(xt, 2),
                              MatmulOp::create(b, loc, mul(r, h), kernelH)));
      }
      // h = z * h_prev + (1 - z) * candidate.
      hNew = add(mul(z, h), mul(SubOp::create(b, loc, one, z), cand));
      break;
    }
    }
    Value output = hNew;
    if (mask) {
      // A masked step keeps the state; its output is the previous output
      // (which is the state) or zeros.
      Value m = slices[1];
      Value hKept = SelectOp::create(b, loc, m, hNew, h);
      if (cNew)
        cNew = SelectOp::create(b, loc, m, cNew, c);
      output = options_.zeroOutputForMask
                   ? Value(SelectOp::create(b, loc, m, hNew, zero))
                   : hKept;
      hNew = hKept;
    }
    SmallVector<Value> yielded{hNew};
    if (lstm)
      yielded.push_back(cNew);
    if (sequencesOut)
      yielded.push_back(output);
    return yielded;
  };
  // go_backwards runs the steps from the end; the scan stores each output
  // at its step's position.
  auto scan = ScanOp::create(b, loc, inits, sequences, /*axis=*/1,
                             options_.goBackwards, step);
  if (!sequencesOut)
    return {scan.getFinalCarries().front()};
  Value seq = scan.getStackedOutputs().front();
  // Keras returns a backward layer's sequence in processing order.
  if (options_.goBackwards)
    seq = reverseTime(b, loc, seq);
  // Keras passes the input mask on with the sequence.
  return {mask ? withKerasMask(b, loc, seq, mask) : seq};
}

//===----------------------------------------------------------------------===//
// Bidirectional
//===----------------------------------------------------------------------===//

Bidirectional::Bidirectional(std::shared_ptr<Recurrent> layer,
                             std::string mergeMode,
                             std::shared_ptr<Recurrent> backwardLayer,
                             std::string name)
    : Layer("Bidirectional", std::move(name)), mergeMode_(std::move(mergeMode)) {
  if (!layer)
    fail("needs a recurrent layer");
  if (mergeMode_.empty())
    mergeMode_ = "none";
  if (mergeMode_ != "concat" && mergeMode_ != "sum" && mergeMode_ != "mul" &&
      mergeMode_ != "ave" && mergeMode_ != "none")
    fail("unknown merge_mode '" + mergeMode_ +
         "' (expected 'concat', 'sum', 'mul', 'ave' or 'none')");
  RecurrentOptions fwd = layer->options();
  RecurrentOptions bwd = backwardLayer ? backwardLayer->options() : fwd;
  if (!backwardLayer)
    bwd.goBackwards = !fwd.goBackwards;
  else if (bwd.goBackwards == fwd.goBackwards)
    fail("the forward and backward layers must have different go_backwards");
  if (bwd.returnSequences != fwd.returnSequences)
    fail("the forward and backward layers must have the same "
         "return_sequences");
  // As in Keras: with sequences, masked steps output zeros in both halves.
  fwd.zeroOutputForMask = fwd.returnSequences;
  bwd.zeroOutputForMask = bwd.returnSequences;
  const Recurrent &back = backwardLayer ? *backwardLayer : *layer;
  forward_ = layer->clone(fwd, "forward_" + layer->name());
  backward_ = back.clone(bwd, "backward_" + back.name());
}

void Bidirectional::build(const std::vector<Shape> &in) {
  // The halves create their weights; this layer owns copies, forward then
  // backward, so that get/set_weights see Keras's list.
  for (Recurrent *half : {forward_.get(), backward_.get()}) {
    half->build(in);
    const char *prefix = half == forward_.get() ? "forward_" : "backward_";
    for (const Weight &w : half->weights()) {
      Weight &copy = addWeight(prefix + w.name, w.shape, "zeros", w.trainable);
      copy.dtype = w.dtype;
      copy.values = w.values;
    }
  }
}

std::vector<Shape>
Bidirectional::computeOutputShapes(const std::vector<Shape> &in) {
  Shape f = forward_->computeOutputShapes(in).front();
  Shape b = backward_->computeOutputShapes(in).front();
  if (mergeMode_ == "none")
    return {f, b};
  if (mergeMode_ == "concat") {
    f.back() += b.back();
    return {f};
  }
  if (f != b)
    fail("merge_mode '" + mergeMode_ + "' needs equal outputs, got " +
         formatShape(f) + " and " + formatShape(b));
  return {f};
}

std::vector<Value> Bidirectional::call(CallContext &ctx,
                                       const std::vector<Value> &in) {
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  OffsetContext fctx(ctx, 0);
  OffsetContext bctx(ctx, static_cast<int>(forward_->weights().size()));
  Value y = forward_->call(fctx, in).front();
  Value yRev = backward_->call(bctx, in).front();
  bool sequences = forward_->options().returnSequences;
  // The backward half emits its sequence in processing order; reversing it
  // back folds away with the reversal inside it.
  if (sequences)
    yRev = reverseTime(b, loc, yRev);
  if (mergeMode_ == "none")
    return {y, yRev};
  Value out;
  if (mergeMode_ == "concat") {
    int64_t last = tensorType(y).getRank() - 1;
    out = ConcatOp::create(b, loc, ValueRange{y, yRev},
                           b.getI64IntegerAttr(last));
  } else if (mergeMode_ == "mul") {
    out = MulOp::create(b, loc, y, yRev);
  } else {
    out = AddOp::create(b, loc, y, yRev);
    if (mergeMode_ == "ave")
      out = MulOp::create(
          b, loc, out, scalar(b, loc, tensorType(out).getElementType(), 0.5));
  }
  Value mask = kerasMaskOf(in[0]);
  return {sequences && mask ? withKerasMask(b, loc, out, mask) : out};
}

//===----------------------------------------------------------------------===//
// Masking
//===----------------------------------------------------------------------===//

Masking::Masking(double maskValue, std::string name)
    : Layer("Masking", std::move(name)), maskValue_(maskValue) {}

std::vector<Shape> Masking::computeOutputShapes(const std::vector<Shape> &in) {
  const Shape &s = single(*this, in);
  if (s.size() < 3)
    fail("expects an input of rank 3 or more ([batch, timesteps, ..., "
         "features]), got " + formatShape(s));
  return {s};
}

std::vector<Value> Masking::call(CallContext &ctx, const std::vector<Value> &in) {
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  Value x = in[0];
  auto type = tensorType(x);
  Type elt = type.getElementType();
  // mask = any(x != mask_value, axis=-1, keepdims=True).
  Value differs = CompareOp::create(b, loc, CompareDirection::ne, x,
                                    scalar(b, loc, elt, maskValue_));
  Value count = CastOp::create(
      b, loc, RankedTensorType::get(type.getShape(), elt), differs);
  Value any = ReduceMaxOp::create(b, loc, count,
                                  ArrayRef<int64_t>{type.getRank() - 1}, true);
  Value mask = CompareOp::create(b, loc, CompareDirection::gt, any,
                                 scalar(b, loc, elt, 0.0));
  // Keras outputs x * mask: masked timesteps become zeros.
  return {withKerasMask(b, loc, x, mask, scalar(b, loc, elt, 0.0))};
}

} // namespace layers
} // namespace kiln
