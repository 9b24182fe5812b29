//===- ModelBuilder.cpp - Keras models to kiln IR -------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Emits `func.func @NAME(inputs) -> outputs`: each layer call becomes its
// kiln ops under a NameLoc with the layer's name; weights become
// kiln.constant ops (dense_resource blobs when large, so the IR stays small
// and the bytes are written once into the library).
//
//===----------------------------------------------------------------------===//

#include "frontend/keras/layers/Emit.h"
#include "kiln/keras/Core.h"
#include "kiln/keras/Layers.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include <map>
#include <set>

using namespace mlir;
using namespace kiln::keras_detail;

namespace kiln {
namespace {

/// Weights with at least this many elements become dense_resource blobs.
constexpr int64_t kResourceThreshold = 256;

class Emitter : public CallContext {
public:
  Emitter(OpBuilder &b, bool training) : b_(b), training_(training) {}
  /// Weights come from these values (function arguments) instead of
  /// constants.
  void bindWeights(std::map<const Weight *, Value> values) {
    for (const auto &kv : values)
      bound_.insert(kv.first);
    cache_ = std::move(values);
  }

  OpBuilder &builder() override { return b_; }
  Location loc() override {
    return NameLoc::get(b_.getStringAttr(current_ ? current_->name() : "model"));
  }
  bool training() const override { return training_; }

  Value weight(int i) override {
    Weight &w = current_->weights()[i];
    auto it = cache_.find(&w);
    if (it != cache_.end())
      return it->second;
    // Weights are emitted at the top of the function so that every use
    // (shared layers, nested models) dominates.
    OpBuilder::InsertionGuard guard(b_);
    b_.setInsertionPointToStart(b_.getInsertionBlock());
    Type elt = elementType(b_.getContext(), w.dtype);
    Location l = NameLoc::get(b_.getStringAttr(current_->name() + "/" + w.name));
    Value v;
    if (w.size() >= kResourceThreshold && elt.isF32()) {
      auto type = RankedTensorType::get(w.shape, elt);
      std::vector<float> data(w.values.begin(), w.values.end());
      auto blob = HeapAsmResourceBlob::allocateAndCopyInferAlign(
          ArrayRef<float>(data));
      auto attr = DenseResourceElementsAttr::get(
          type, current_->name() + "_" + w.name, std::move(blob));
      v = ConstantOp::create(b_, l, attr);
    } else {
      v = constant(b_, l, w.shape, w.values, elt);
    }
    cache_[&w] = v;
    return v;
  }

  void updateWeight(int i, Value value) override {
    Weight *w = &current_->weights()[i];
    // Only weights that are arguments (state) can take a new value.
    if (!bound_.count(w))
      return;
    std::string name = current_->name() + "/" + w->name;
    for (auto &u : updates_)
      if (u.first == name) {
        u.second = value;
        return;
      }
    updates_.push_back({name, value});
  }
  /// The new values, by weight ("layer/weight"), in order of first update.
  const std::vector<std::pair<std::string, Value>> &updates() const {
    return updates_;
  }

  std::vector<Value> callLayer(Layer &layer,
                               const std::vector<Value> &inputs) override {
    Layer *saved = current_;
    current_ = &layer;
    std::vector<Value> out = layer.call(*this, inputs);
    current_ = saved;
    return out;
  }

private:
  OpBuilder &b_;
  bool training_;
  Layer *current_ = nullptr;
  std::map<const Weight *, Value> cache_;
  std::set<const Weight *> bound_;
  std::vector<std::pair<std::string, Value>> updates_;
};

/// Emits the calls of `model`'s graph, in order, with `inputs` bound to its
/// inputs; nested models recurse through Model::call.
std::vector<Value> emitGraph(CallContext &ctx, const Model &model,
                             const std::vector<Value> &inputs) {
  std::map<std::pair<Node *, int>, Value> values;
  for (size_t i = 0; i < model.inputs().size(); ++i)
    values[{model.inputs()[i].node(), model.inputs()[i].index()}] = inputs[i];
  for (const auto &node : model.nodes()) {
    if (node->inputs.empty())
      continue; // an Input
    std::vector<Value> args;
    for (const Tensor &t : node->inputs)
      args.push_back(values.at({t.node(), t.index()}));
    std::vector<Value> outs = ctx.callLayer(*node->layer, args);
    for (size_t i = 0; i < outs.size(); ++i)
      values[{node.get(), static_cast<int>(i)}] = outs[i];
  }
  std::vector<Value> results;
  for (const Tensor &t : model.outputs())
    results.push_back(values.at({t.node(), t.index()}));
  return results;
}

} // namespace

std::vector<Value> Model::call(CallContext &ctx,
                               const std::vector<Value> &inputs) {
  return emitGraph(ctx, *this, inputs);
}

namespace {

/// Every weight of `layer` (recursing into nested models), once, in order.
void collectWeights(Layer &layer, std::vector<std::pair<Layer *, Weight *>> &out) {
  if (auto *model = dynamic_cast<Model *>(&layer)) {
    for (const auto &l : model->layers())
      if (l.get() != &layer)
        collectWeights(*l, out);
    return;
  }
  for (Weight &w : layer.weights())
    if (llvm::none_of(out, [&](auto &p) { return p.second == &w; }))
      out.push_back({&layer, &w});
}

/// The initial value of a weight as an attribute of its type.
Attribute initialValue(OpBuilder &b, const Layer &layer, const Weight &w,
                       RankedTensorType type) {
  Type elt = type.getElementType();
  if (elt.isF32()) {
    std::vector<float> data(w.values.begin(), w.values.end());
    auto blob = HeapAsmResourceBlob::allocateAndCopyInferAlign(
        ArrayRef<float>(data));
    return DenseResourceElementsAttr::get(type, layer.name() + "_" + w.name,
                                          std::move(blob));
  }
  if (elt.isF64())
    return DenseElementsAttr::get(type, ArrayRef<double>(w.values));
  if (auto it = dyn_cast<IntegerType>(elt)) {
    SmallVector<APInt> ints;
    for (double v : w.values)
      ints.push_back(APInt(it.getWidth(), static_cast<int64_t>(v), true));
    return DenseElementsAttr::get(type, ints);
  }
  return {};
}

} // namespace

OwningOpRef<ModuleOp> Model::buildTrainableModule(MLIRContext &ctx) const {
  ctx.loadDialect<KilnDialect, func::FuncDialect>();
  OwningOpRef<ModuleOp> inference = buildModule(ctx, false);
  auto base = cast<func::FuncOp>(inference->getBody()->front());
  std::vector<std::pair<Layer *, Weight *>> weights;
  collectWeights(const_cast<Model &>(*this), weights);
  OpBuilder b(&ctx);
  Location loc = NameLoc::get(b.getStringAttr(name()));
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  for (bool training : {false, true}) {
    b.setInsertionPointToEnd(module->getBody());
    SmallVector<Type> argTypes(base.getArgumentTypes());
    for (auto [layer, w] : weights)
      argTypes.push_back(
          RankedTensorType::get(w->shape, elementType(&ctx, w->dtype)));
    std::string fnName = name() + (training ? "_training" : "");
    auto fn = func::FuncOp::create(b, loc, fnName,
                                   b.getFunctionType(argTypes, {}));
    Block *entry = fn.addEntryBlock();
    for (unsigned i = 0; i < base.getNumArguments(); ++i)
      fn.setArgAttrs(i, base.getArgAttrDict(i));
    std::map<const Weight *, Value> bound;
    for (auto [k, lw] : llvm::enumerate(weights)) {
      auto [layer, w] = lw;
      unsigned i = base.getNumArguments() + k;
      auto type = cast<RankedTensorType>(argTypes[i]);
      fn.setArgAttr(i, "kiln.name",
                    b.getStringAttr(layer->name() + "/" + w->name));
      bool trainable = w->trainable && layer->trainable() && trainable_ &&
                       isa<FloatType>(type.getElementType());
      fn.setArgAttr(i, trainable ? "kiln.trainable" : "kiln.weight",
                    b.getUnitAttr());
      if (Attribute init = initialValue(b, *layer, *w, type))
        fn.setArgAttr(i, "kiln.initial_value", init);
      bound[w] = entry->getArgument(i);
    }
    b.setInsertionPointToStart(entry);
    Emitter emitter(b, training);
    emitter.bindWeights(std::move(bound));
    std::vector<Value> args(entry->getArguments().begin(),
                            entry->getArguments().begin() + base.getNumArguments());
    std::vector<Value> results = emitGraph(emitter, *this, args);
    // Weights a training step updates (moving averages) are extra results,
    // named after the state they replace.
    for (const auto &update : emitter.updates())
      results.push_back(update.second);
    func::ReturnOp::create(b, loc, ValueRange(results));
    fn.setType(b.getFunctionType(argTypes, ValueRange(results).getTypes()));
    for (unsigned i = 0; i < base.getNumResults(); ++i)
      fn.setResultAttrs(i, base.getResultAttrDict(i));
    for (auto [k, update] : llvm::enumerate(emitter.updates())) {
      unsigned i = base.getNumResults() + k;
      fn.setResultAttr(i, "kiln.name", b.getStringAttr("new_" + update.first));
      fn.setResultAttr(i, "kiln.state_update", b.getUnitAttr());
    }
  }
  return module;
}

OwningOpRef<ModuleOp> Model::buildModule(MLIRContext &ctx, bool training) const {
  ctx.loadDialect<KilnDialect, func::FuncDialect>();
  OpBuilder b(&ctx);
  Location loc = NameLoc::get(b.getStringAttr(name()));
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  b.setInsertionPointToEnd(module->getBody());

  SmallVector<Type> inputTypes, outputTypes;
  for (const Tensor &t : inputs_)
    inputTypes.push_back(RankedTensorType::get(
        toKiln(t.shape()), elementType(&ctx, t.dtype())));
  for (const Tensor &t : outputs_)
    outputTypes.push_back(RankedTensorType::get(
        toKiln(t.shape()), elementType(&ctx, t.dtype())));
  auto fn = func::FuncOp::create(b, loc, name(),
                                 b.getFunctionType(inputTypes, outputTypes));
  Block *entry = fn.addEntryBlock();
  // Inputs and outputs carry Keras names for the generated C API.
  for (size_t i = 0; i < inputs_.size(); ++i)
    fn.setArgAttr(i, "kiln.name",
                  b.getStringAttr(inputs_[i].node()->layer->name()));
  for (size_t i = 0; i < outputs_.size(); ++i) {
    std::string n = outputs_[i].node()->layer->name();
    if (outputs_.size() > 1 || n.empty())
      n = n + (outputs_[i].index() ? "_" + std::to_string(outputs_[i].index()) : "");
    fn.setResultAttr(i, "kiln.name", b.getStringAttr(n));
  }
  b.setInsertionPointToStart(entry);
  Emitter emitter(b, training);
  std::vector<Value> args(entry->getArguments().begin(),
                          entry->getArguments().end());
  std::vector<Value> results = emitGraph(emitter, *this, args);
  // Results may be less static than the declared types (a `?` that the
  // rules resolved); the declared types come from the same rules, so they
  // match.
  func::ReturnOp::create(b, loc, ValueRange(results));
  fn.setType(b.getFunctionType(inputTypes, ValueRange(results).getTypes()));
  return module;
}

} // namespace kiln
