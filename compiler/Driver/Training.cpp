//===- Training.cpp - the functions and signature of a trainable library --===//
//
// SPDX-License-Identifier: Apache-2.0
//
// A trainable library compiles three functions of one model: predict (the
// model function), eval (its loss and metrics, from kiln-add-loss) and
// train (kiln-train-step over the training-mode forward's loss, with the
// learning rate as an argument). The runtime owns the state those
// functions share, so the signature records, for each function, where each
// argument comes from and where each result goes.
//
//===----------------------------------------------------------------------===//

#include "compiler/Driver/Training.h"
#include "compiler/Pipelines/Pipelines.h"
#include "compiler/Target/ExternalWeights.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringMap.h"

using namespace mlir;

namespace kiln {
namespace {

bool isWeight(func::FuncOp fn, unsigned i) {
  return fn.getArgAttr(i, "kiln.trainable") || fn.getArgAttr(i, "kiln.weight");
}

std::string argName(func::FuncOp fn, unsigned i, const std::string &fallback) {
  if (auto n = fn.getArgAttrOfType<StringAttr>(i, "kiln.name"))
    return n.str();
  return fallback;
}

std::string resultName(func::FuncOp fn, unsigned i, const std::string &fallback) {
  if (auto n = fn.getResultAttrOfType<StringAttr>(i, "kiln.name"))
    return n.str();
  return fallback;
}

/// Inputs, targets and metrics are named by C identifiers in the API
/// (state keeps names such as "dense/kernel", which files use).
std::string identifier(StringRef name) { return toCIdentifier(name, 't'); }

} // namespace

LogicalResult addTrainingFunctions(ModuleOp module, func::FuncOp fn,
                                   const TrainingOptions &options) {
  std::string f = fn.getSymName().str();
  std::string training = f + "_training";
  bool separate = static_cast<bool>(module.lookupSymbol<func::FuncOp>(training));
  if (separate) {
    auto t = module.lookupSymbol<func::FuncOp>(training);
    if (t.getFunctionType().getInputs() != fn.getFunctionType().getInputs())
      return t.emitError("the training-mode function '")
             << training << "' must take the same arguments as '" << f << "'";
  }
  PassManager pm(module.getContext());
  TrainingPipelineOptions pipeline;
  pipeline.forward = f;
  pipeline.separateTraining = separate;
  pipeline.loss = options.loss;
  pipeline.optimizer = options.optimizer;
  buildTrainingPipeline(pm, pipeline);
  return pm.run(module);
}

FailureOr<ModelSignature> getTrainingSignature(ModuleOp module,
                                               func::FuncOp fn,
                                               StringRef modelName) {
  if (!isCIdentifier(modelName))
    return fn.emitError("model name '") << modelName << "' is not a C identifier";
  std::string f = fn.getSymName().str();
  bool separate =
      static_cast<bool>(module.lookupSymbol<func::FuncOp>(f + "_training"));
  auto eval = module.lookupSymbol<func::FuncOp>(f + "_loss");
  auto train = module.lookupSymbol<func::FuncOp>(
      (separate ? f + "_training" : f) + "_loss_train_step");
  if (!eval || !train)
    return module.emitError("internal error: the training functions are missing");

  ModelSignature sig;
  sig.name = modelName.str();
  sig.entry = f;
  FunctionType type = fn.getFunctionType();
  EntrySignature predict{"predict", f, {}, {}};
  llvm::StringMap<unsigned> stateIndex;
  SmallVector<std::string> argRefs; // f's arguments as references
  for (unsigned i = 0; i < type.getNumInputs(); ++i) {
    if (!isWeight(fn, i)) {
      TensorSignature t;
      std::string name =
          identifier(argName(fn, i, "input" + std::to_string(i)));
      if (failed(describeTensor(fn, type.getInput(i), name, t)))
        return failure();
      argRefs.push_back("i" + std::to_string(sig.inputs.size()));
      sig.inputs.push_back(std::move(t));
      continue;
    }
    StateSignature st;
    std::string name = argName(fn, i, "weight" + std::to_string(i));
    if (failed(describeTensor(fn, type.getInput(i), name, st.tensor)))
      return failure();
    if (llvm::is_contained(st.tensor.dims, -1))
      return fn.emitError("weight '") << name << "' must have a static shape";
    if (stateIndex.count(name))
      return fn.emitError("two weights are named '") << name << "'";
    st.role = fn.getArgAttr(i, "kiln.trainable") ? "param" : "weight";
    if (auto init = fn.getArgAttrOfType<ElementsAttr>(i, "kiln.initial_value")) {
      if (init.getType() != type.getInput(i))
        return fn.emitError("the initial value of '")
               << name << "' has type " << init.getType() << ", expected "
               << type.getInput(i);
      if (std::optional<ArrayRef<char>> bytes = rawBytes(init))
        st.initial.assign(bytes->begin(), bytes->end());
      else if (auto dense = dyn_cast<DenseElementsAttr>(init);
               dense && dense.isSplat() && isa<FloatType>(dense.getElementType()))
        st.fill = dense.getSplatValue<APFloat>().convertToDouble();
      else
        return fn.emitError("the initial value of '")
               << name << "' is not a dense constant";
    }
    stateIndex[name] = sig.state.size();
    argRefs.push_back("s" + std::to_string(sig.state.size()));
    sig.state.push_back(std::move(st));
  }
  predict.args = argRefs;
  for (unsigned i = 0; i < type.getNumResults(); ++i) {
    TensorSignature t;
    if (failed(describeTensor(fn, type.getResult(i),
                              identifier(resultName(fn, i, "output" + std::to_string(i))),
                              t)))
      return failure();
    predict.results.push_back("o" + std::to_string(sig.outputs.size()));
    sig.outputs.push_back(std::move(t));
  }

  // eval: f's arguments, then the targets -> loss and metrics.
  EntrySignature evalEntry{"eval", eval.getSymName().str(), argRefs, {}};
  FunctionType evalType = eval.getFunctionType();
  for (unsigned i = type.getNumInputs(); i < evalType.getNumInputs(); ++i) {
    if (eval.getArgAttr(i, "kiln.sample_weight")) {
      auto w = dyn_cast<RankedTensorType>(evalType.getInput(i));
      if (!w || w.getRank() != 1 || !w.getElementType().isF32())
        return eval.emitError("the sample weights must be an f32 vector, got ")
               << evalType.getInput(i);
      evalEntry.args.push_back("w0");
      continue;
    }
    TensorSignature t;
    std::string name = identifier(argName(eval, i, "target"));
    if (sig.targets.size())
      name += "_" + std::to_string(sig.targets.size());
    if (failed(describeTensor(eval, evalType.getInput(i), name, t)))
      return failure();
    evalEntry.args.push_back("t" + std::to_string(sig.targets.size()));
    sig.targets.push_back(std::move(t));
  }
  for (unsigned i = 0; i < evalType.getNumResults(); ++i) {
    TensorSignature t;
    if (failed(describeTensor(eval, evalType.getResult(i),
                              identifier(resultName(eval, i, "metric" + std::to_string(i))),
                              t)))
      return failure();
    auto kind = eval.getResultAttrOfType<StringAttr>(i, "kiln.metric_kind");
    if (!kind && !t.dims.empty())
      return eval.emitError("the loss and metrics must be scalars; '")
             << t.name << "' is not";
    if (kind && (t.dims.size() != 1 || t.dims[0] < 1 || t.dtype != "f32"))
      return eval.emitError("metric '")
             << t.name << "' must be a static f32 vector of counts";
    sig.metricKinds.push_back(kind ? kind.str() : "mean");
    evalEntry.results.push_back("m" + std::to_string(sig.metrics.size()));
    sig.metrics.push_back(std::move(t));
  }

  // train: the eval arguments, then slots, iterations and learning rate ->
  // loss, metrics, then the new parameters, slots and iterations.
  EntrySignature trainEntry{"train", train.getSymName().str(), evalEntry.args, {}};
  FunctionType trainType = train.getFunctionType();
  for (unsigned i = evalType.getNumInputs(); i < trainType.getNumInputs(); ++i) {
    StateSignature st;
    std::string name = argName(train, i, "state" + std::to_string(i));
    if (failed(describeTensor(train, trainType.getInput(i), name, st.tensor)))
      return failure();
    auto role = train.getArgAttrOfType<StringAttr>(i, "kiln.role");
    st.role = role ? role.str() : "slot";
    if (st.role == "learning_rate")
      st.role = "lr";
    if (auto fill = train.getArgAttrOfType<FloatAttr>(i, "kiln.fill"))
      st.fill = fill.getValueAsDouble();
    stateIndex[name] = sig.state.size();
    trainEntry.args.push_back("s" + std::to_string(sig.state.size()));
    sig.state.push_back(std::move(st));
  }
  for (unsigned i = 0; i < trainType.getNumResults(); ++i) {
    if (i < sig.metrics.size()) {
      trainEntry.results.push_back("m" + std::to_string(i));
      continue;
    }
    std::string name = resultName(train, i, "");
    StringRef updated = StringRef(name).drop_front(4); // "new_"
    auto it = stateIndex.find(updated);
    if (!StringRef(name).starts_with("new_") || it == stateIndex.end())
      return train.emitError("internal error: train-step result '")
             << name << "' updates no known state";
    trainEntry.results.push_back("s" + std::to_string(it->second));
  }
  sig.entries = {predict, evalEntry, trainEntry};
  return sig;
}

} // namespace kiln
