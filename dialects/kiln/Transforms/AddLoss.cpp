//===- AddLoss.cpp - model function + Keras loss --------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "dialects/kiln/IR/KilnOps.h"
#include "dialects/kiln/Transforms/Autodiff.h"
#include "dialects/kiln/Transforms/Losses.h"
#include "dialects/kiln/Transforms/Passes.h"

using namespace mlir;

namespace kiln {
#define GEN_PASS_DEF_ADDLOSSPASS
#include "dialects/kiln/Transforms/Passes.h.inc"
} // namespace kiln

namespace {

struct AddLossPass : kiln::impl::AddLossPassBase<AddLossPass> {
  using AddLossPassBase::AddLossPassBase;

  void runOnOperation() override {
    FailureOr<func::FuncOp> fn =
        kiln::findFunction(getOperation(), function, "kiln-add-loss");
    if (failed(fn))
      return signalPassFailure();
    FunctionType type = fn->getFunctionType();
    if (type.getNumResults() == 0) {
      fn->emitError("kiln-add-loss: the function returns no prediction");
      return signalPassFailure();
    }
    std::string name = kiln::canonicalLossName(loss);
    auto predType = dyn_cast<RankedTensorType>(type.getResult(0));
    if (!predType || predType.getRank() < 1) {
      fn->emitError("kiln-add-loss: the prediction must be a ranked tensor "
                    "of rank >= 1, got ")
          << type.getResult(0);
      return signalPassFailure();
    }
    // Targets: the prediction's type, or class ids without the class axis.
    Type targetType = predType;
    if (name == "sparse_categorical_crossentropy")
      targetType = RankedTensorType::get(predType.getShape().drop_back(),
                                         IntegerType::get(&getContext(), 64));

    OpBuilder b(*fn);
    b.setInsertionPointAfter(*fn);
    auto lossFn = cast<func::FuncOp>(b.clone(**fn));
    lossFn.setSymName((fn->getSymName() + "_loss").str());
    Block &body = lossFn.getBody().front();
    auto ret = cast<func::ReturnOp>(body.getTerminator());
    Value yTrue = body.addArgument(targetType, fn->getLoc());
    Type weightType = RankedTensorType::get({predType.getDimSize(0)},
                                            predType.getElementType());
    Value weights =
        sampleWeight ? body.addArgument(weightType, fn->getLoc()) : Value();
    b.setInsertionPoint(ret);
    kiln::LossOptions options;
    options.sampleWeight = weights;
    options.fromLogits = fromLogits;
    options.reduction = reduction;
    options.delta = delta;
    FailureOr<Value> value =
        kiln::buildLoss(b, fn->getLoc(), loss, yTrue, ret.getOperand(0), options);
    if (failed(value))
      return signalPassFailure();
    SmallVector<Value> results{*value};
    SmallVector<std::string> names{"loss"};
    SmallVector<StringRef> kinds{"mean"};
    for (const std::string &metric : metrics) {
      std::string canonical = kiln::canonicalMetricName(metric, loss);
      if (canonical.empty()) {
        fn->emitError() << "kiln-add-loss: unknown metric '" << metric << "'";
        return signalPassFailure();
      }
      FailureOr<Value> m =
          kiln::buildMetric(b, fn->getLoc(), canonical, yTrue, ret.getOperand(0),
                            weights);
      if (failed(m))
        return signalPassFailure();
      results.push_back(*m);
      kinds.push_back(kiln::metricKind(canonical));
      // Named as written, as Keras logs them ("accuracy", "acc", "mae").
      names.push_back(metric);
    }
    // State updates of a training-mode function (moving averages) pass
    // through after the metrics, keeping their names.
    SmallVector<DictionaryAttr> updateAttrs;
    for (unsigned i = 1; i < type.getNumResults(); ++i)
      if (fn->getResultAttr(i, "kiln.state_update")) {
        results.push_back(ret.getOperand(i));
        updateAttrs.push_back(fn->getResultAttrDict(i));
      }
    func::ReturnOp::create(b, ret.getLoc(), results);
    ret.erase();
    SmallVector<Type> inputs(type.getInputs());
    inputs.push_back(targetType);
    if (weights)
      inputs.push_back(weightType);
    lossFn.setFunctionType(FunctionType::get(&getContext(), inputs,
                                             ValueRange(results).getTypes()));
    MLIRContext *ctx = &getContext();
    // {kiln.name = n} plus an optional attribute `key` = `value`.
    auto named = [&](StringRef n, StringRef key = {}, Attribute value = {}) {
      SmallVector<NamedAttribute> attrs{NamedAttribute(
          StringAttr::get(ctx, "kiln.name"), StringAttr::get(ctx, n))};
      if (!key.empty())
        attrs.push_back(NamedAttribute(StringAttr::get(ctx, key), value));
      return DictionaryAttr::get(ctx, attrs);
    };
    SmallVector<DictionaryAttr> argAttrs;
    for (unsigned i = 0; i < type.getNumInputs(); ++i) {
      DictionaryAttr a = fn->getArgAttrDict(i);
      argAttrs.push_back(a ? a : DictionaryAttr::get(ctx));
    }
    argAttrs.push_back(named("y_true"));
    if (weights)
      argAttrs.push_back(
          named("sample_weight", "kiln.sample_weight", UnitAttr::get(ctx)));
    lossFn.setAllArgAttrs(argAttrs);
    SmallVector<DictionaryAttr> resultAttrs;
    for (auto [n, kind] : llvm::zip(names, kinds))
      resultAttrs.push_back(kind == "mean" ? named(n)
                                           : named(n, "kiln.metric_kind",
                                                   StringAttr::get(ctx, kind)));
    resultAttrs.append(updateAttrs);
    lossFn.setAllResultAttrs(resultAttrs);
  }
};

} // namespace
