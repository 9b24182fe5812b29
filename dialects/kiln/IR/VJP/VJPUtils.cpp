//===- VJPUtils.cpp - helpers for the kiln VJP rules ----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "dialects/kiln/IR/VJP/VJPUtils.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseSet.h"

using namespace mlir;

namespace kiln::vjp {

Value scalar(OpBuilder &b, Location loc, Type elt, double value) {
  auto type = RankedTensorType::get({}, elt);
  auto floatType = cast<FloatType>(elt);
  APFloat v(value);
  bool lost;
  v.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
            &lost);
  return ConstantOp::create(b, loc, DenseElementsAttr::get(type, v));
}

Type elementType(Value v) {
  return cast<RankedTensorType>(v.getType()).getElementType();
}

FailureOr<Value> unbroadcast(OpBuilder &b, Location loc, Value ct,
                             Value operand) {
  auto ctType = cast<RankedTensorType>(ct.getType());
  auto opType = cast<RankedTensorType>(operand.getType());
  int64_t lead = ctType.getRank() - opType.getRank();
  SmallVector<int64_t> axes;
  for (int64_t i = 0; i < lead; ++i)
    axes.push_back(i);
  for (int64_t i = 0; i < opType.getRank(); ++i)
    if (opType.getDimSize(i) == 1 && ctType.getDimSize(lead + i) != 1)
      axes.push_back(lead + i);
  if (axes.empty())
    return ct;
  Value sum = ReduceSumOp::create(b, loc, ct, axes, /*keep_dims=*/false);
  if (cast<RankedTensorType>(sum.getType()).getRank() == opType.getRank())
    return sum;
  // Put the stretched size-1 dimensions back.
  SmallVector<int64_t> shape;
  for (int64_t d : opType.getShape())
    shape.push_back(ShapedType::isDynamic(d) ? -1 : d);
  if (llvm::count(shape, -1) > 1)
    return emitError(loc) << "cannot differentiate a broadcast to "
                          << opType << ": more than one dynamic dimension";
  return Value(ReshapeOp::create(b, loc, sum, shape));
}

Value oneHot(OpBuilder &b, Location loc, Value ids, int64_t classes,
             Type floatType) {
  Type idType = elementType(ids);
  SmallVector<APInt> iota;
  for (int64_t k = 0; k < classes; ++k)
    iota.push_back(APInt(idType.getIntOrFloatBitWidth(), k));
  Value classIds = ConstantOp::create(
      b, loc, DenseElementsAttr::get(RankedTensorType::get({classes}, idType), iota));
  SmallVector<int64_t> column;
  for (int64_t d : cast<RankedTensorType>(ids.getType()).getShape())
    column.push_back(ShapedType::isDynamic(d) ? -1 : d);
  column.push_back(1);
  Value idColumn = ReshapeOp::create(b, loc, ids, column);
  Value hot = CompareOp::create(b, loc, CompareDirection::eq, idColumn, classIds);
  return CastOp::create(
      b, loc,
      RankedTensorType::get(cast<RankedTensorType>(hot.getType()).getShape(),
                            floatType),
      hot);
}

Value broadcastLike(OpBuilder &b, Location loc, Value v, Value like) {
  auto likeType = cast<RankedTensorType>(like.getType());
  SmallVector<int64_t> shape;
  for (int64_t d : likeType.getShape())
    shape.push_back(ShapedType::isDynamic(d) ? -1 : d);
  return BroadcastToOp::create(b, loc, v, like, shape);
}

LogicalResult reverseSweep(OpBuilder &b, ArrayRef<Operation *> ops,
                           DenseMap<Value, Value> &cotangents,
                           function_ref<bool(Value)> isActive) {
  for (Operation *op : llvm::reverse(ops)) {
    SmallVector<Value> resultCts;
    bool any = false;
    for (Value r : op->getResults()) {
      Value ct = cotangents.lookup(r);
      resultCts.push_back(ct);
      any |= static_cast<bool>(ct);
    }
    if (!any || llvm::none_of(op->getOperands(), isActive))
      continue;
    auto diff = dyn_cast<DifferentiableOpInterface>(op);
    if (!diff)
      return op->emitOpError("is not differentiable (no VJP rule)");
    SmallVector<Value> operandCts;
    if (failed(diff.buildVJP(b, resultCts, operandCts)))
      return op->emitOpError("cannot be differentiated here");
    if (operandCts.size() != op->getNumOperands())
      return op->emitOpError("VJP rule returned ")
             << operandCts.size() << " cotangents for "
             << op->getNumOperands() << " operands";
    for (auto [operand, ct] : llvm::zip(op->getOperands(), operandCts)) {
      if (!ct || !isActive(operand))
        continue;
      auto [it, inserted] = cotangents.try_emplace(operand, ct);
      if (!inserted)
        it->second = AddOp::create(b, op->getLoc(), it->second, ct);
    }
  }
  return success();
}

namespace {
/// Records the ops a builder creates.
struct Recorder : OpBuilder::Listener {
  SmallVector<Operation *> ops;
  void notifyOperationInserted(Operation *op,
                               OpBuilder::InsertPoint) override {
    ops.push_back(op);
  }
};
} // namespace

LogicalResult vjpByDecomposition(
    Operation *op, OpBuilder &b, Cts cts, Out &out,
    function_ref<SmallVector<Value>(OpBuilder &, Location)> decompose) {
  Recorder recorder;
  OpBuilder::Listener *previous = b.getListener();
  b.setListener(&recorder);
  SmallVector<Value> results = decompose(b, op->getLoc());
  b.setListener(previous);
  DenseMap<Value, Value> cotangents;
  for (auto [r, ct] : llvm::zip(results, cts))
    if (ct)
      cotangents[r] = ct;
  DenseSet<Value> operands(op->getOperands().begin(), op->getOperands().end());
  // Everything the decomposition computed from the operands is active.
  DenseSet<Value> active(operands);
  for (Operation *created : recorder.ops)
    if (llvm::any_of(created->getOperands(),
                     [&](Value v) { return active.contains(v); }))
      for (Value r : created->getResults())
        active.insert(r);
  if (failed(reverseSweep(b, recorder.ops, cotangents,
                          [&](Value v) { return active.contains(v); })))
    return failure();
  for (Value operand : op->getOperands())
    out.push_back(cotangents.lookup(operand));
  return success();
}

} // namespace kiln::vjp
