//===- TrainStep.cpp - loss + gradients + optimizer update ----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Builds `<f>_train_step` from `<f>_vjp` (inlined, seeded with a cotangent
// of one for the loss) and the optimizer's update of every `kiln.trainable`
// argument, in kiln ops.
//
//===----------------------------------------------------------------------===//

#include "dialects/kiln/IR/KilnOps.h"
#include "dialects/kiln/IR/VJP/VJPUtils.h"
#include "dialects/kiln/Transforms/Autodiff.h"
#include "dialects/kiln/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

#include <cmath>

using namespace mlir;

namespace kiln {
#define GEN_PASS_DEF_TRAINSTEPPASS
#include "dialects/kiln/Transforms/Passes.h.inc"
} // namespace kiln

namespace {

using kiln::vjp::scalar;

struct Optimizer {
  std::string kind;
  double lr, momentum, beta1, beta2, epsilon, weightDecay, clipNorm,
      clipValue;
  bool nesterov;
  double rho, initialAccumulator;
  bool centered;
  /// The base learning rate is the step's `learning_rate` argument (so that
  /// the runtime's callbacks can change it) instead of a constant.
  bool lrArgument;
  // The learning-rate schedule (Keras's), of the step count before this
  // step.
  std::string schedule;
  int64_t decaySteps;
  double decayRate, alpha;
  bool staircase;
  SmallVector<int64_t> boundaries;
  SmallVector<double> values;

  /// Names of the state slots of one parameter, with their initial value.
  SmallVector<std::pair<std::string, double>> slots() const {
    if (kind == "adam")
      return {{"m", 0.0}, {"v", 0.0}};
    if (kind == "adagrad")
      return {{"accumulator", initialAccumulator}};
    SmallVector<std::pair<std::string, double>> s;
    if (kind == "rmsprop") {
      s.push_back({"velocity", 0.0});
      if (centered)
        s.push_back({"average_gradient", 0.0});
    }
    if (momentum != 0.0)
      s.push_back({"momentum", 0.0});
    return s;
  }
};

/// The arguments, results and names of the train step under construction.
struct Signature {
  SmallVector<Type> inputs, results;
  SmallVector<DictionaryAttr> inputAttrs, resultAttrs;
};

class TrainStepBuilder {
public:
  TrainStepBuilder(func::FuncOp fn, const Optimizer &opt) : fn_(fn), opt_(opt) {}
  LogicalResult build();

private:
  /// Argument or result attributes: the name, and for state the runtime
  /// reads (`kiln.role`: slot, iterations, learning_rate) its initial value
  /// (`kiln.fill`).
  DictionaryAttr named(const std::string &name, StringRef role = {},
                       std::optional<double> fill = std::nullopt) {
    MLIRContext *ctx = fn_.getContext();
    SmallVector<NamedAttribute> attrs = {NamedAttribute(
        StringAttr::get(ctx, "kiln.name"), StringAttr::get(ctx, name))};
    if (!role.empty())
      attrs.push_back(NamedAttribute(StringAttr::get(ctx, "kiln.role"),
                                     StringAttr::get(ctx, role)));
    if (fill)
      attrs.push_back(NamedAttribute(StringAttr::get(ctx, "kiln.fill"),
                                     FloatAttr::get(Float64Type::get(ctx), *fill)));
    return DictionaryAttr::get(ctx, attrs);
  }
  std::string argName(unsigned i) {
    if (auto attr = fn_.getArgAttrOfType<StringAttr>(i, "kiln.name"))
      return attr.str();
    return "arg" + std::to_string(i);
  }
  /// The gradient after clipping.
  Value clip(OpBuilder &b, Location loc, Value g);
  /// The learning rate of this step, as a rank-0 tensor of `elt`, from the
  /// step count `done` (steps already taken) in `elt` and the base rate
  /// `base` (the learning-rate argument, or null for the constant).
  Value learningRate(OpBuilder &b, Location loc, Type elt, Value done,
                     Value base);
  /// The new parameter and state for one parameter.
  void update(OpBuilder &b, Location loc, Value p, Value g, ValueRange state,
              Value step, Value lr, SmallVectorImpl<Value> &newState,
              Value &newP);

  func::FuncOp fn_;
  Optimizer opt_;
};

Value TrainStepBuilder::clip(OpBuilder &b, Location loc, Value g) {
  Type elt = kiln::vjp::elementType(g);
  if (opt_.clipValue > 0.0)
    g = kiln::ClampOp::create(b, loc, g.getType(), g,
                              b.getF64FloatAttr(-opt_.clipValue),
                              b.getF64FloatAttr(opt_.clipValue));
  if (opt_.clipNorm > 0.0) {
    // g * clipnorm / max(||g||, clipnorm).
    int64_t rank = cast<RankedTensorType>(g.getType()).getRank();
    SmallVector<int64_t> all;
    for (int64_t i = 0; i < rank; ++i)
      all.push_back(i);
    Value sq = kiln::MulOp::create(b, loc, g, g);
    Value norm = kiln::SqrtOp::create(
        b, loc, kiln::ReduceSumOp::create(b, loc, sq, all, false));
    Value c = scalar(b, loc, elt, opt_.clipNorm);
    Value denom = kiln::MaximumOp::create(b, loc, norm, c);
    g = kiln::MulOp::create(b, loc, g, kiln::DivOp::create(b, loc, c, denom));
  }
  return g;
}

Value TrainStepBuilder::learningRate(OpBuilder &b, Location loc, Type elt,
                                     Value done, Value base) {
  auto c = [&](double v) { return scalar(b, loc, elt, v); };
  const Optimizer &o = opt_;
  // The schedules scale the base rate: lr0 * f(step) with f(0) = 1.
  Value lr0 = c(o.lr);
  if (base)
    lr0 = base.getType() == lr0.getType()
              ? base
              : kiln::CastOp::create(b, loc, lr0.getType(), base).getResult();
  if (o.schedule == "exponential") {
    // lr * rate ^ (step / decay_steps), the exponent floored with staircase.
    Value p = kiln::DivOp::create(b, loc, done, c(static_cast<double>(o.decaySteps)));
    if (o.staircase)
      p = kiln::FloorOp::create(b, loc, p);
    return kiln::MulOp::create(b, loc, lr0,
                               kiln::PowOp::create(b, loc, c(o.decayRate), p));
  }
  if (o.schedule == "cosine") {
    // lr * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, n) / n)) + alpha).
    double n = static_cast<double>(o.decaySteps);
    Value s = kiln::MinimumOp::create(b, loc, done, c(n));
    Value angle = kiln::MulOp::create(b, loc, s, c(M_PI / n));
    Value cosine = kiln::MulOp::create(
        b, loc, c(0.5),
        kiln::AddOp::create(b, loc, c(1.0), kiln::CosOp::create(b, loc, angle)));
    Value decayed = kiln::AddOp::create(
        b, loc, kiln::MulOp::create(b, loc, cosine, c(1.0 - o.alpha)), c(o.alpha));
    return kiln::MulOp::create(b, loc, lr0, decayed);
  }
  if (o.schedule == "piecewise") {
    // values[i] for boundaries[i-1] < step <= boundaries[i]; with a
    // learning-rate argument, scaled by it over values[0].
    Value lr = c(o.values.front());
    for (auto [boundary, value] :
         llvm::zip(o.boundaries, ArrayRef<double>(o.values).drop_front())) {
      Value past = kiln::CompareOp::create(b, loc, kiln::CompareDirection::gt,
                                           done, c(static_cast<double>(boundary)));
      lr = kiln::SelectOp::create(b, loc, past, c(value), lr);
    }
    if (base && o.values.front() != 0.0)
      lr = kiln::MulOp::create(
          b, loc, lr, kiln::DivOp::create(b, loc, lr0, c(o.values.front())));
    return lr;
  }
  return lr0;
}

void TrainStepBuilder::update(OpBuilder &b, Location loc, Value p, Value g,
                              ValueRange state, Value step, Value lr,
                              SmallVectorImpl<Value> &newState, Value &newP) {
  Type elt = kiln::vjp::elementType(p);
  auto c = [&](double v) { return scalar(b, loc, elt, v); };
  auto mul = [&](Value l, Value r) -> Value { return kiln::MulOp::create(b, loc, l, r); };
  auto add = [&](Value l, Value r) -> Value { return kiln::AddOp::create(b, loc, l, r); };
  auto sub = [&](Value l, Value r) -> Value { return kiln::SubOp::create(b, loc, l, r); };
  g = clip(b, loc, g);
  if (opt_.weightDecay != 0.0)
    p = sub(p, mul(mul(lr, c(opt_.weightDecay)), p));
  if (opt_.kind == "adam") {
    Value m = add(mul(c(opt_.beta1), state[0]), mul(c(1.0 - opt_.beta1), g));
    Value v = add(mul(c(opt_.beta2), state[1]), mul(c(1.0 - opt_.beta2), mul(g, g)));
    // lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t).
    Value b1t = kiln::PowOp::create(b, loc, c(opt_.beta1), step);
    Value b2t = kiln::PowOp::create(b, loc, c(opt_.beta2), step);
    Value lrT = kiln::DivOp::create(
        b, loc, mul(lr, kiln::SqrtOp::create(b, loc, sub(c(1.0), b2t))),
        sub(c(1.0), b1t));
    Value denom = add(kiln::SqrtOp::create(b, loc, v), c(opt_.epsilon));
    newP = sub(p, mul(lrT, kiln::DivOp::create(b, loc, m, denom)));
    newState.append({m, v});
    return;
  }
  if (opt_.kind == "adagrad") {
    // accumulator += g^2; p -= lr * g / sqrt(accumulator + epsilon).
    Value acc = add(state[0], mul(g, g));
    Value denom = kiln::SqrtOp::create(b, loc, add(acc, c(opt_.epsilon)));
    newP = sub(p, kiln::DivOp::create(b, loc, mul(lr, g), denom));
    newState.push_back(acc);
    return;
  }
  if (opt_.kind == "rmsprop") {
    // Keras: velocity = rho v + (1 - rho) g^2; centered subtracts the
    // squared running mean of g; increment = lr g / sqrt(denominator + eps).
    Value v = add(mul(c(opt_.rho), state[0]), mul(c(1.0 - opt_.rho), mul(g, g)));
    newState.push_back(v);
    Value denom = v;
    if (opt_.centered) {
      Value avg = add(mul(c(opt_.rho), state[1]), mul(c(1.0 - opt_.rho), g));
      newState.push_back(avg);
      denom = sub(v, mul(avg, avg));
    }
    Value increment = kiln::DivOp::create(
        b, loc, mul(lr, g),
        kiln::SqrtOp::create(b, loc, add(denom, c(opt_.epsilon))));
    if (opt_.momentum == 0.0) {
      newP = sub(p, increment);
      return;
    }
    Value m = add(mul(c(opt_.momentum), state.back()), increment);
    newState.push_back(m);
    newP = sub(p, m);
    return;
  }
  Value lrG = mul(lr, g);
  if (opt_.momentum == 0.0) {
    newP = sub(p, lrG);
    return;
  }
  Value v = sub(mul(c(opt_.momentum), state[0]), lrG);
  newP = opt_.nesterov ? add(p, sub(mul(c(opt_.momentum), v), lrG)) : add(p, v);
  newState.push_back(v);
}

LogicalResult TrainStepBuilder::build() {
  FunctionType type = fn_.getFunctionType();
  if (type.getNumResults() == 0)
    return fn_.emitError("kiln-train-step: the function returns no loss");
  auto lossType = dyn_cast<RankedTensorType>(type.getResult(0));
  if (!lossType || lossType.getRank() != 0 ||
      !isa<FloatType>(lossType.getElementType()))
    return fn_.emitError("kiln-train-step: the first result must be the loss, "
                         "a rank-0 float tensor, got ")
           << type.getResult(0);
  SmallVector<unsigned> params;
  for (unsigned i = 0; i < type.getNumInputs(); ++i) {
    if (!fn_.getArgAttr(i, "kiln.trainable"))
      continue;
    auto t = dyn_cast<RankedTensorType>(type.getInput(i));
    if (!t || !isa<FloatType>(t.getElementType()) || !t.hasStaticShape())
      return fn_.emitError("kiln-train-step: trainable argument #")
             << i << " must be a statically shaped float tensor, got "
             << type.getInput(i);
    params.push_back(i);
  }
  if (params.empty())
    return fn_.emitError("kiln-train-step: no argument is marked kiln.trainable");

  // Gradients of the parameters only: inputs and labels need none.
  FailureOr<func::FuncOp> vjp = kiln::buildVJPFunction(
      fn_, [&](unsigned i) { return llvm::is_contained(params, i); });
  if (failed(vjp))
    return failure();

  // The signature.
  MLIRContext *ctx = fn_.getContext();
  Signature sig;
  for (unsigned i = 0; i < type.getNumInputs(); ++i) {
    sig.inputs.push_back(type.getInput(i));
    DictionaryAttr attrs = fn_.getArgAttrDict(i);
    sig.inputAttrs.push_back(attrs ? attrs : DictionaryAttr::get(ctx));
  }
  auto slots = opt_.slots();
  for (unsigned p : params)
    for (const auto &[slot, fill] : slots) {
      sig.inputs.push_back(type.getInput(p));
      sig.inputAttrs.push_back(named(argName(p) + "_" + slot, "slot", fill));
    }
  auto i64Scalar = RankedTensorType::get({}, IntegerType::get(ctx, 64));
  sig.inputs.push_back(i64Scalar);
  sig.inputAttrs.push_back(named("iterations", "iterations", 0.0));
  auto lrType = RankedTensorType::get({}, Float32Type::get(ctx));
  if (opt_.lrArgument) {
    sig.inputs.push_back(lrType);
    sig.inputAttrs.push_back(named("learning_rate", "learning_rate",
                                   opt_.schedule == "piecewise"
                                       ? opt_.values.front()
                                       : opt_.lr));
  }
  for (unsigned i = 0; i < type.getNumResults(); ++i) {
    sig.results.push_back(type.getResult(i));
    DictionaryAttr attrs = fn_.getResultAttrDict(i);
    sig.resultAttrs.push_back(attrs ? attrs
                                    : named(i == 0 ? "loss" : "metric" + std::to_string(i)));
  }
  for (unsigned p : params) {
    sig.results.push_back(type.getInput(p));
    sig.resultAttrs.push_back(named("new_" + argName(p)));
  }
  for (unsigned p : params)
    for (const auto &slot : slots) {
      sig.results.push_back(type.getInput(p));
      sig.resultAttrs.push_back(named("new_" + argName(p) + "_" + slot.first));
    }
  sig.results.push_back(i64Scalar);
  sig.resultAttrs.push_back(named("new_iterations"));

  OpBuilder b(ctx);
  b.setInsertionPointAfter(*vjp);
  Location loc = fn_.getLoc();
  auto step = func::FuncOp::create(
      b, loc, (fn_.getSymName() + "_train_step").str(),
      FunctionType::get(ctx, sig.inputs, sig.results));
  step.setAllArgAttrs(sig.inputAttrs);
  step.setAllResultAttrs(sig.resultAttrs);
  Block *body = step.addEntryBlock();
  b.setInsertionPointToStart(body);

  // The VJP, inlined, seeded with d(loss) = 1 and zero cotangents for the
  // metrics.
  Block &vjpBody = vjp->getBody().front();
  IRMapping map;
  for (unsigned i = 0; i < type.getNumInputs(); ++i)
    map.map(vjpBody.getArgument(i), body->getArgument(i));
  unsigned seed = type.getNumInputs();
  for (unsigned i = 0; i < type.getNumResults(); ++i) {
    auto t = dyn_cast<RankedTensorType>(type.getResult(i));
    if (!t || !isa<FloatType>(t.getElementType()))
      continue;
    Value s = scalar(b, loc, t.getElementType(), i == 0 ? 1.0 : 0.0);
    if (t.getRank() != 0)
      s = kiln::BroadcastToOp::create(b, loc, s, Value(),
                                      ArrayRef<int64_t>(t.getShape()));
    map.map(vjpBody.getArgument(seed++), s);
  }
  for (Operation &op : vjpBody.without_terminator())
    b.clone(op, map);
  auto ret = cast<func::ReturnOp>(vjpBody.getTerminator());
  SmallVector<Value> vjpResults;
  for (Value v : ret.getOperands())
    vjpResults.push_back(map.lookup(v));
  // The gradient of argument i is after the results, among float arguments.
  DenseMap<unsigned, Value> grads;
  unsigned k = type.getNumResults();
  for (unsigned i : params)
    grads[i] = vjpResults[k++];
  (*vjp).erase();

  // The iteration count t = iterations + 1, as the parameters' float type.
  Value lrArg = opt_.lrArgument ? body->getArguments().back() : Value();
  Value iterations = body->getArgument(body->getNumArguments() - 1 -
                                       (opt_.lrArgument ? 1 : 0));
  Value one = kiln::ConstantOp::create(
      b, loc, DenseElementsAttr::get(i64Scalar, APInt(64, 1)));
  Value newIterations = kiln::AddOp::create(b, loc, iterations, one);
  // Training-mode dropout draws a new mask each step: the step count is the
  // mask's offset, for the forward op and its VJP (the same mask) alike.
  SmallVector<kiln::DropoutOp> dropouts;
  step.walk([&](kiln::DropoutOp d) {
    if (d.getTraining() && !d.getOffset())
      dropouts.push_back(d);
  });
  for (kiln::DropoutOp d : dropouts) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(d);
    auto replacement = kiln::DropoutOp::create(
        b, d.getLoc(), d.getType(), d.getInput(), iterations, d.getRateAttr(),
        d.getSeedAttr(), d.getTrainingAttr(), d.getNoiseShapeAttr());
    d.replaceAllUsesWith(replacement.getResult());
    d.erase();
  }

  SmallVector<Value> results(vjpResults.begin(),
                             vjpResults.begin() + type.getNumResults());
  SmallVector<Value> newParams, newStates;
  unsigned stateArg = type.getNumInputs();
  // The step count and learning rate, built once per parameter float type.
  DenseMap<Type, std::pair<Value, Value>> stepAndRate;
  for (unsigned p : params) {
    Value param = body->getArgument(p);
    Type elt = kiln::vjp::elementType(param);
    auto [it, fresh] = stepAndRate.try_emplace(elt);
    if (fresh) {
      auto scalarType = RankedTensorType::get({}, elt);
      it->second = {
          kiln::CastOp::create(b, loc, scalarType, newIterations),
          learningRate(b, loc, elt,
                       kiln::CastOp::create(b, loc, scalarType, iterations),
                       lrArg)};
    }
    auto [t, lr] = it->second;
    SmallVector<Value> state;
    for (size_t s = 0; s < slots.size(); ++s)
      state.push_back(body->getArgument(stateArg++));
    Value newP;
    SmallVector<Value> newState;
    update(b, loc, param, grads.lookup(p), state, t, lr, newState, newP);
    auto cast = [&](Value v) -> Value {
      return v.getType() == param.getType()
                 ? v
                 : tensor::CastOp::create(b, loc, param.getType(), v);
    };
    newParams.push_back(cast(newP));
    for (Value s : newState)
      newStates.push_back(cast(s));
  }
  results.append(newParams);
  results.append(newStates);
  results.push_back(newIterations);
  func::ReturnOp::create(b, loc, results);
  return success();
}

struct TrainStepPass : kiln::impl::TrainStepPassBase<TrainStepPass> {
  using TrainStepPassBase::TrainStepPassBase;

  /// The options as they stand (after initializeOptions).
  kiln::TrainStepPassOptions currentOptions() const {
    kiln::TrainStepPassOptions options;
    options.function = function;
    options.optimizer = optimizer;
    options.learningRate = learningRate;
    options.momentum = momentum;
    options.nesterov = nesterov;
    options.rho = rho;
    options.centered = centered;
    options.initialAccumulator = initialAccumulator;
    options.learningRateArgument = learningRateArgument;
    options.beta1 = beta1;
    options.beta2 = beta2;
    options.epsilon = epsilon;
    options.weightDecay = weightDecay;
    options.clipNorm = clipNorm;
    options.clipValue = clipValue;
    options.lrSchedule = lrSchedule;
    options.decaySteps = decaySteps;
    options.decayRate = decayRate;
    options.staircase = staircase;
    options.alpha = alpha;
    options.boundaries.assign(boundaries.begin(), boundaries.end());
    options.values.assign(values.begin(), values.end());
    return options;
  }

  void runOnOperation() override {
    if (optimizer != "sgd" && optimizer != "adam" && optimizer != "adamw" &&
        optimizer != "rmsprop" && optimizer != "adagrad") {
      getOperation().emitError()
          << "kiln-train-step: unknown optimizer '" << optimizer
          << "' (expected sgd, adam, adamw, rmsprop or adagrad)";
      return signalPassFailure();
    }
    FailureOr<func::FuncOp> fn =
        kiln::findFunction(getOperation(), function, "kiln-train-step");
    if (failed(fn))
      return signalPassFailure();
    if (lrSchedule != "constant" && lrSchedule != "exponential" &&
        lrSchedule != "cosine" && lrSchedule != "piecewise") {
      getOperation().emitError()
          << "kiln-train-step: unknown lr-schedule '" << lrSchedule
          << "' (expected constant, exponential, cosine or piecewise)";
      return signalPassFailure();
    }
    if (lrSchedule == "piecewise" &&
        (values.empty() || values.size() != boundaries.size() + 1)) {
      getOperation().emitError()
          << "kiln-train-step: a piecewise schedule needs one more value than "
             "boundaries, got "
          << values.size() << " values and " << boundaries.size()
          << " boundaries";
      return signalPassFailure();
    }
    if ((lrSchedule == "exponential" || lrSchedule == "cosine") &&
        decaySteps <= 0) {
      getOperation().emitError()
          << "kiln-train-step: decay-steps must be positive, got "
          << static_cast<int64_t>(decaySteps);
      return signalPassFailure();
    }
    // AdamW is Adam with decoupled weight decay (Keras's default 0.004).
    std::string kind = optimizer == "adamw" ? "adam" : optimizer.getValue();
    double decay = optimizer == "adamw" && weightDecay == 0.0 ? 0.004
                                                               : weightDecay;
    Optimizer opt{kind,      learningRate, momentum,  beta1,
                  beta2,     epsilon,      decay,     clipNorm,
                  clipValue, nesterov,     rho,       initialAccumulator,
                  centered,  learningRateArgument,
                  lrSchedule, decaySteps,   decayRate, alpha,    staircase,
                  SmallVector<int64_t>(boundaries.begin(), boundaries.end()),
                  SmallVector<double>(values.begin(), values.end())};
    if (failed(TrainStepBuilder(*fn, opt).build()))
      signalPassFailure();
  }
};

} // namespace

LogicalResult kiln::parseTrainStepOptions(StringRef text,
                                          kiln::TrainStepPassOptions &options,
                                          std::string &error) {
  // The pass's own option parser reads the text over the current values,
  // which are then read back: one parser and one list of names, the pass's.
  TrainStepPass pass(options);
  if (failed(pass.initializeOptions(text, [&](const Twine &message) {
        error = message.str();
        return failure();
      }))) {
    // LLVM's option parser reports a bad value itself, without a message
    // for the handler.
    if (error.empty())
      error = "cannot read '" + text.str() +
              "' as kiln-train-step options (name=value, space separated)";
    return failure();
  }
  options = pass.currentOptions();
  return success();
}
