//===- Autodiff.cpp - reverse-mode differentiation of kiln functions ------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Builds `<f>_vjp` from a copy of `f`: a forward sweep marks the values
// that depend on a floating-point argument, then a reverse sweep over the
// ops asks each active op's DifferentiableOpInterface for its operands'
// cotangents and accumulates them (a value used twice gets the sum).
//
//===----------------------------------------------------------------------===//

#include "dialects/kiln/Transforms/Autodiff.h"
#include "dialects/kiln/IR/KilnOps.h"
#include "dialects/kiln/IR/VJP/VJPUtils.h"
#include "dialects/kiln/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/DenseSet.h"

using namespace mlir;

namespace kiln {
#define GEN_PASS_DEF_AUTODIFFPASS
#include "dialects/kiln/Transforms/Passes.h.inc"
} // namespace kiln

namespace {

bool isFloatTensor(Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  return t && isa<FloatType>(t.getElementType());
}

/// Rebuilds `scan` so that the active float values its body uses from
/// above are extra carries that each step passes on unchanged (after the
/// existing carries); the scan's VJP then accumulates their cotangents
/// over the steps like any carry's. Returns the scan to use.
FailureOr<kiln::ScanOp> captureAsCarries(kiln::ScanOp scan,
                                         const DenseSet<Value> &active) {
  SetVector<Value> captured;
  getUsedValuesDefinedAbove(scan.getBody(), captured);
  SmallVector<Value> extra;
  for (Value v : captured)
    if (active.contains(v) && isFloatTensor(v.getType()))
      extra.push_back(v);
  if (extra.empty())
    return scan;
  size_t carries = scan.getInits().size();
  OpBuilder b(scan);
  SmallVector<Value> inits(scan.getInits());
  inits.append(extra);
  SmallVector<Type> resultTypes;
  for (Value v : inits)
    resultTypes.push_back(v.getType());
  for (Value r : scan.getStackedOutputs())
    resultTypes.push_back(r.getType());
  auto rebuilt = kiln::ScanOp::create(b, scan.getLoc(), resultTypes, inits,
                                      scan.getSequences(), scan.getAxisAttr(),
                                      scan.getReverseAttr());
  Region &region = rebuilt.getBody();
  region.takeBody(scan.getBody());
  Block &block = region.front();
  for (auto [i, v] : llvm::enumerate(extra)) {
    BlockArgument arg = block.insertArgument(carries + i, v.getType(), scan.getLoc());
    replaceAllUsesInRegionWith(v, arg, region);
  }
  auto yield = cast<kiln::YieldOp>(block.getTerminator());
  SmallVector<Value> yielded(yield.getOperands().take_front(carries));
  for (size_t i = 0; i < extra.size(); ++i)
    yielded.push_back(block.getArgument(carries + i));
  yielded.append(yield.getOperands().drop_front(carries).begin(),
                 yield.getOperands().drop_front(carries).end());
  OpBuilder yb(yield);
  kiln::YieldOp::create(yb, yield.getLoc(), yielded);
  yield.erase();
  for (size_t i = 0; i < carries; ++i)
    scan.getResult(i).replaceAllUsesWith(rebuilt.getResult(i));
  for (auto [i, r] : llvm::enumerate(scan.getStackedOutputs()))
    r.replaceAllUsesWith(rebuilt.getResult(carries + extra.size() + i));
  scan.erase();
  return rebuilt;
}

/// Builds the VJP of `fn` as a new function after it.
class VJPBuilder {
public:
  VJPBuilder(func::FuncOp fn, function_ref<bool(unsigned)> wrt)
      : fn_(fn), wrt_(wrt) {}
  /// Whether argument `i` gets a cotangent.
  bool differentiated(unsigned i) {
    return isFloatTensor(fn_.getFunctionType().getInput(i)) && wrt_(i);
  }
  FailureOr<func::FuncOp> build();

private:
  /// Adds `ct` to the cotangent of `value`.
  void accumulate(OpBuilder &b, Location loc, Value value, Value ct) {
    auto [it, inserted] = cotangents_.try_emplace(value, ct);
    if (!inserted)
      it->second = kiln::AddOp::create(b, loc, it->second, ct);
  }

  func::FuncOp fn_;
  function_ref<bool(unsigned)> wrt_;
  DenseMap<Value, Value> cotangents_;
};

FailureOr<func::FuncOp> VJPBuilder::build() {
  if (!fn_.getBody().hasOneBlock())
    return fn_.emitError("kiln-autodiff: the function must have one block");
  OpBuilder b(fn_);
  b.setInsertionPointAfter(fn_);
  auto vjp = cast<func::FuncOp>(b.clone(*fn_));
  vjp.setSymName((fn_.getSymName() + "_vjp").str());
  Block &body = vjp.getBody().front();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  FunctionType type = vjp.getFunctionType();

  // Forward sweep: values that depend on a floating-point argument.
  DenseSet<Value> active;
  for (BlockArgument arg : body.getArguments())
    if (differentiated(arg.getArgNumber()))
      active.insert(arg);
  for (Operation &opRef : llvm::make_early_inc_range(body.without_terminator())) {
    Operation *op = &opRef;
    if (auto scan = dyn_cast<kiln::ScanOp>(op)) {
      // Active values the body captures from above become carries, so
      // that the scan's VJP rule sees every input as an operand.
      FailureOr<kiln::ScanOp> explicitScan = captureAsCarries(scan, active);
      if (failed(explicitScan))
        return failure();
      op = *explicitScan;
    } else if (op->getNumRegions() != 0) {
      return op->emitOpError("kiln-autodiff: ops with regions are not "
                             "differentiable");
    }
    bool any = llvm::any_of(op->getOperands(),
                            [&](Value v) { return active.contains(v); });
    if (any)
      for (Value r : op->getResults())
        if (isFloatTensor(r.getType()))
          active.insert(r);
  }

  // Seeds: one cotangent argument per floating-point result.
  SmallVector<Type> inputs(type.getInputs());
  b.setInsertionPoint(ret);
  for (Value result : ret.getOperands()) {
    if (!isFloatTensor(result.getType()))
      continue;
    BlockArgument seed = body.addArgument(result.getType(), ret.getLoc());
    inputs.push_back(result.getType());
    if (active.contains(result))
      accumulate(b, ret.getLoc(), result, seed);
  }

  // Reverse sweep.
  SmallVector<Operation *> ops;
  for (Operation &op : body.without_terminator())
    ops.push_back(&op);
  if (failed(kiln::vjp::reverseSweep(
          b, ops, cotangents_, [&](Value v) { return active.contains(v); })))
    return failure();

  // Results: the function's, then a cotangent per floating-point argument.
  SmallVector<Value> results(ret.getOperands());
  SmallVector<Type> resultTypes(type.getResults());
  for (BlockArgument arg : body.getArguments().take_front(type.getNumInputs())) {
    if (!differentiated(arg.getArgNumber()))
      continue;
    Value ct = cotangents_.lookup(arg);
    if (!ct)
      ct = kiln::vjp::broadcastLike(
          b, ret.getLoc(),
          kiln::vjp::scalar(b, ret.getLoc(), kiln::vjp::elementType(arg), 0.0),
          arg);
    if (ct.getType() != arg.getType())
      ct = tensor::CastOp::create(b, ret.getLoc(), arg.getType(), ct);
    results.push_back(ct);
    resultTypes.push_back(arg.getType());
  }
  func::ReturnOp::create(b, ret.getLoc(), results);
  ret.erase();
  vjp.setFunctionType(FunctionType::get(fn_.getContext(), inputs, resultTypes));
  // Names (`kiln.name`, the C API's) for the new arguments and results:
  // `d_<name>` of the value each cotangent belongs to.
  MLIRContext *ctx = fn_.getContext();
  auto nameOf = [&](DictionaryAttr attrs, const Twine &fallback) {
    if (attrs)
      if (auto name = attrs.getAs<StringAttr>("kiln.name"))
        return name.str();
    return fallback.str();
  };
  auto named = [&](const std::string &name) {
    return DictionaryAttr::get(
        ctx, {NamedAttribute(StringAttr::get(ctx, "kiln.name"),
                             StringAttr::get(ctx, name))});
  };
  SmallVector<DictionaryAttr> argAttrs, resAttrs;
  for (unsigned i = 0; i < type.getNumInputs(); ++i)
    argAttrs.push_back(fn_.getArgAttrDict(i));
  for (unsigned i = 0; i < type.getNumResults(); ++i) {
    resAttrs.push_back(fn_.getResultAttrDict(i));
    if (isFloatTensor(type.getResult(i)))
      argAttrs.push_back(
          named("d_" + nameOf(fn_.getResultAttrDict(i), "result" + Twine(i))));
  }
  for (unsigned i = 0; i < type.getNumInputs(); ++i)
    if (differentiated(i))
      resAttrs.push_back(
          named("d_" + nameOf(fn_.getArgAttrDict(i), "arg" + Twine(i))));
  for (DictionaryAttr &a : argAttrs)
    if (!a)
      a = DictionaryAttr::get(ctx);
  for (DictionaryAttr &a : resAttrs)
    if (!a)
      a = DictionaryAttr::get(ctx);
  vjp.setAllArgAttrs(argAttrs);
  vjp.setAllResultAttrs(resAttrs);
  return vjp;
}

} // namespace

FailureOr<func::FuncOp>
kiln::buildVJPFunction(func::FuncOp fn, function_ref<bool(unsigned)> wrt) {
  return VJPBuilder(fn, wrt).build();
}

FailureOr<func::FuncOp> kiln::findFunction(ModuleOp module,
                                           StringRef name, StringRef pass) {
  if (!name.empty()) {
    auto fn = module.lookupSymbol<func::FuncOp>(name);
    if (!fn)
      return module.emitError() << pass << ": no function '" << name << "'";
    return fn;
  }
  func::FuncOp target;
  for (auto fn : module.getOps<func::FuncOp>()) {
    if (!fn.isPublic() || fn.isExternal())
      continue;
    if (target)
      return module.emitError()
             << pass << ": several public functions; name one with function=";
    target = fn;
  }
  if (!target)
    return module.emitError() << pass << ": no public function";
  return target;
}

namespace {

struct AutodiffPass : kiln::impl::AutodiffPassBase<AutodiffPass> {
  using AutodiffPassBase::AutodiffPassBase;

  void runOnOperation() override {
    FailureOr<func::FuncOp> target =
        kiln::findFunction(getOperation(), function, "kiln-autodiff");
    if (failed(target))
      return signalPassFailure();
    if (failed(VJPBuilder(*target, [](unsigned) { return true; }).build()))
      signalPassFailure();
  }
};

} // namespace
