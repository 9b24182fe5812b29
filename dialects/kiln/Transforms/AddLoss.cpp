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
    b.setInsertionPoint(ret);
    kiln::LossOptions options;
    options.fromLogits = fromLogits;
    options.reduction = reduction;
    options.delta = delta;
    FailureOr<Value> value =
        kiln::buildLoss(b, fn->getLoc(), loss, yTrue, ret.getOperand(0), options);
    if (failed(value))
      return signalPassFailure();
    SmallVector<Value> results{*value};
    SmallVector<std::string> names{"loss"};
    for (const std::string &metric : metrics) {
      std::string canonical = kiln::canonicalMetricName(metric, loss);
      if (canonical.empty()) {
        fn->emitError() << "kiln-add-loss: unknown metric '" << metric << "'";
        return signalPassFailure();
      }
      FailureOr<Value> m =
          kiln::buildMetric(b, fn->getLoc(), canonical, yTrue, ret.getOperand(0));
      if (failed(m))
        return signalPassFailure();
      results.push_back(*m);
      // Named as written, as Keras logs them ("accuracy", "acc", "mae").
      names.push_back(metric);
    }
    func::ReturnOp::create(b, ret.getLoc(), results);
    ret.erase();
    SmallVector<Type> inputs(type.getInputs());
    inputs.push_back(targetType);
    lossFn.setFunctionType(FunctionType::get(&getContext(), inputs,
                                             ValueRange(results).getTypes()));
    MLIRContext *ctx = &getContext();
    auto named = [&](StringRef n) {
      return DictionaryAttr::get(
          ctx, {NamedAttribute(StringAttr::get(ctx, "kiln.name"),
                               StringAttr::get(ctx, n))});
    };
    SmallVector<DictionaryAttr> argAttrs;
    for (unsigned i = 0; i < type.getNumInputs(); ++i) {
      DictionaryAttr a = fn->getArgAttrDict(i);
      argAttrs.push_back(a ? a : DictionaryAttr::get(ctx));
    }
    argAttrs.push_back(named("y_true"));
    lossFn.setAllArgAttrs(argAttrs);
    SmallVector<DictionaryAttr> resultAttrs;
    for (const std::string &n : names)
      resultAttrs.push_back(named(n));
    lossFn.setAllResultAttrs(resultAttrs);
  }
};

} // namespace
