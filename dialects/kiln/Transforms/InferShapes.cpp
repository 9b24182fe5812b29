//===- InferShapes.cpp - refine result types with the shape rules ---------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// A forward walk over each function: every op that implements
// InferTypeOpInterface gets the inferred result type when that type is a
// refinement of the one it has. Uses outside the kiln dialect that cannot
// take the refined type get a `tensor.cast` back to the old one.
//
//===----------------------------------------------------------------------===//

#include "dialects/kiln/IR/KilnDialect.h"
#include "dialects/kiln/IR/KilnOps.h"
#include "dialects/kiln/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

using namespace mlir;

namespace kiln {
#define GEN_PASS_DEF_INFERSHAPESPASS
#include "dialects/kiln/Transforms/Passes.h.inc"
} // namespace kiln

namespace {

/// Whether `user` can take a more static operand type without changing:
/// kiln ops re-infer their own types, and `func.return` is handled by the
/// signature update.
bool acceptsRefinedOperand(Operation *user, bool updateSignatures) {
  if (isa<kiln::KilnDialect>(user->getDialect()))
    return true;
  return updateSignatures && isa<func::ReturnOp>(user);
}

struct InferShapesPass
    : kiln::impl::InferShapesPassBase<InferShapesPass> {
  using InferShapesPassBase::InferShapesPassBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    WalkResult walk = func.walk([&](Operation *op) {
      auto infer = dyn_cast<InferTypeOpInterface>(op);
      if (!infer || !isa<kiln::KilnDialect>(op->getDialect()))
        return WalkResult::advance();
      SmallVector<Type> inferred;
      if (failed(infer.inferReturnTypes(
              op->getContext(), op->getLoc(), op->getOperands(),
              op->getRawDictionaryAttrs(), op->getPropertiesStorage(),
              op->getRegions(), inferred)))
        return WalkResult::interrupt();
      refineResults(op, inferred);
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();
    if (updateSignatures)
      refineSignature(func);
  }

  /// Sets each result to its inferred type when that is a strict refinement,
  /// casting back for users that need the old type.
  void refineResults(Operation *op, ArrayRef<Type> inferred) {
    for (auto [result, type] : llvm::zip(op->getResults(), inferred)) {
      Type old = result.getType();
      if (old == type || !kiln::isRefinableTo(old, type))
        continue;
      result.setType(type);
      OpBuilder builder(op->getContext());
      builder.setInsertionPointAfter(op);
      Value castBack;
      for (OpOperand &use : llvm::make_early_inc_range(result.getUses())) {
        if (acceptsRefinedOperand(use.getOwner(), updateSignatures))
          continue;
        if (!castBack)
          castBack = tensor::CastOp::create(builder, op->getLoc(), old, result);
        if (use.getOwner() != castBack.getDefiningOp())
          use.set(castBack);
      }
    }
  }

  /// Gives the function the types of the values it returns when every
  /// return agrees on them and no call depends on the old signature;
  /// otherwise casts the returned values back to the declared types.
  void refineSignature(func::FuncOp func) {
    if (func.isExternal())
      return;
    SmallVector<func::ReturnOp> returns;
    func.walk([&](func::ReturnOp ret) { returns.push_back(ret); });
    auto fnType = func.getFunctionType();
    SmallVector<Type> results(returns.front().getOperandTypes());
    bool agree = llvm::all_of(returns, [&](func::ReturnOp ret) {
      return TypeRange(ret.getOperandTypes()) == TypeRange(results);
    });
    Operation *symbolTable = SymbolTable::getNearestSymbolTable(func);
    bool uncalled =
        !symbolTable || SymbolTable::symbolKnownUseEmpty(func, symbolTable);
    if (agree && uncalled) {
      func.setType(FunctionType::get(func.getContext(), fnType.getInputs(),
                                     results));
      return;
    }
    for (func::ReturnOp ret : returns) {
      OpBuilder builder(ret);
      for (auto [operand, type] :
           llvm::zip(ret->getOpOperands(), fnType.getResults()))
        if (operand.get().getType() != type)
          operand.set(tensor::CastOp::create(builder, ret.getLoc(), type,
                                             operand.get()));
    }
  }
};

} // namespace
