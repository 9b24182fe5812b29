//===- ControlFlowOps.cpp - kiln.scan and kiln.yield ----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The builder and verifiers of the scan loop. Types inside and outside the
// body need only be compatible (equal where both are static), because shape
// refinement may make one side more static than the other.
//
//===----------------------------------------------------------------------===//

#include "dialects/kiln/IR/KilnOps.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace kiln {

namespace {

/// Same element type, and equal dimensions wherever both are static.
bool compatible(Type a, Type b) {
  auto ta = dyn_cast<RankedTensorType>(a), tb = dyn_cast<RankedTensorType>(b);
  return ta && tb && ta.getElementType() == tb.getElementType() &&
         succeeded(verifyCompatibleShape(ta.getShape(), tb.getShape()));
}

/// A sequence's type at one step: `axis` removed.
RankedTensorType sliceType(Type sequence, int64_t axis) {
  auto type = cast<RankedTensorType>(sequence);
  SmallVector<int64_t> shape(type.getShape());
  shape.erase(shape.begin() + axis);
  return RankedTensorType::get(shape, type.getElementType());
}

/// A per-step output stacked over `length` steps at `axis`.
RankedTensorType stackedType(Type step, int64_t axis, int64_t length) {
  auto type = cast<RankedTensorType>(step);
  SmallVector<int64_t> shape(type.getShape());
  shape.insert(shape.begin() + axis, length);
  return RankedTensorType::get(shape, type.getElementType());
}

std::string typeString(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return text;
}

} // namespace

void ScanOp::build(
    OpBuilder &builder, OperationState &state, ValueRange inits,
    ValueRange sequences, int64_t axis, bool reverse,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange,
                                    ValueRange)>
        bodyBuilder) {
  Location loc = state.location;
  auto *block = new Block();
  for (Value init : inits)
    block->addArgument(init.getType(), loc);
  int64_t length = ShapedType::kDynamic;
  for (Value seq : sequences) {
    block->addArgument(sliceType(seq.getType(), axis), loc);
    int64_t dim = cast<RankedTensorType>(seq.getType()).getDimSize(axis);
    if (!ShapedType::isDynamic(dim))
      length = dim;
  }
  SmallVector<Value> yielded;
  {
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(block);
    auto args = block->getArguments();
    yielded = bodyBuilder(builder, loc, args.take_front(inits.size()),
                          args.drop_front(inits.size()));
    YieldOp::create(builder, loc, yielded);
  }
  SmallVector<Type> resultTypes(inits.getTypes());
  for (Value out : ArrayRef<Value>(yielded).drop_front(inits.size()))
    resultTypes.push_back(stackedType(out.getType(), axis, length));
  build(builder, state, resultTypes, inits, sequences,
        builder.getI64IntegerAttr(axis),
        reverse ? builder.getUnitAttr() : UnitAttr());
  state.regions.front()->push_back(block);
}

YieldOp ScanOp::getYield() {
  return cast<YieldOp>(getBodyBlock().getTerminator());
}

LogicalResult ScanOp::verify() {
  int64_t axis = getAxis();
  if (getSequences().empty())
    return emitOpError("needs at least one sequence to scan over");
  int64_t length = ShapedType::kDynamic;
  for (auto [i, seq] : llvm::enumerate(getSequences())) {
    auto type = cast<RankedTensorType>(seq.getType());
    if (axis >= type.getRank())
      return emitOpError() << "axis " << axis << " is out of range for "
                           << "sequence #" << i << " of rank "
                           << type.getRank();
    int64_t dim = type.getDimSize(axis);
    if (ShapedType::isDynamic(dim))
      continue;
    if (!ShapedType::isDynamic(length) && dim != length)
      return emitOpError() << "sequences differ in length along axis " << axis
                           << ": " << length << " and " << dim
                           << " (sequence #" << i << ")";
    length = dim;
  }
  size_t carries = getInits().size();
  if (getNumResults() < carries)
    return emitOpError() << "has " << getNumResults()
                         << " results but carries " << carries << " values";
  for (auto [i, init, result] :
       llvm::enumerate(getInits(), getFinalCarries()))
    if (!compatible(init.getType(), result.getType()))
      return emitOpError() << "final carry #" << i << " has type "
                           << result.getType() << ", incompatible with its "
                           << "initial value " << init.getType();
  for (auto [i, out] : llvm::enumerate(getStackedOutputs())) {
    auto type = cast<RankedTensorType>(out.getType());
    if (axis >= type.getRank())
      return emitOpError() << "stacked output #" << i << " of type " << type
                           << " has no axis " << axis;
    int64_t dim = type.getDimSize(axis);
    if (!ShapedType::isDynamic(dim) && !ShapedType::isDynamic(length) &&
        dim != length)
      return emitOpError() << "stacked output #" << i << " has " << dim
                           << " steps along axis " << axis
                           << ", but the sequences have " << length;
  }
  return success();
}

LogicalResult ScanOp::verifyRegions() {
  Block &block = getBodyBlock();
  size_t carries = getInits().size();
  size_t expectedArgs = carries + getSequences().size();
  if (block.getNumArguments() != expectedArgs)
    return emitOpError() << "body takes " << block.getNumArguments()
                         << " arguments, expected " << expectedArgs
                         << " (the carries, then one slice per sequence)";
  for (auto [i, init] : llvm::enumerate(getInits()))
    if (!compatible(init.getType(), block.getArgument(i).getType()))
      return emitOpError() << "body argument #" << i << " has type "
                           << block.getArgument(i).getType()
                           << ", incompatible with its initial value "
                           << init.getType();
  for (auto [i, seq] : llvm::enumerate(getSequences())) {
    Type expected = sliceType(seq.getType(), getAxis());
    Type actual = block.getArgument(carries + i).getType();
    if (!compatible(expected, actual))
      return emitOpError() << "body argument #" << carries + i
                           << " has type " << actual << ", expected the "
                           << "slice of sequence #" << i << ", "
                           << typeString(expected);
  }
  auto yield = dyn_cast<YieldOp>(block.getTerminator());
  if (!yield)
    return emitOpError("body must end with kiln.yield");
  if (yield.getNumOperands() != getNumResults())
    return yield.emitOpError()
           << "yields " << yield.getNumOperands() << " values, but the scan "
           << "has " << getNumResults() << " results";
  for (auto [i, value] : llvm::enumerate(yield.getOperands())) {
    if (i < carries) {
      if (!compatible(value.getType(), block.getArgument(i).getType()))
        return yield.emitOpError()
               << "carry #" << i << " has type " << value.getType()
               << ", incompatible with the body argument "
               << block.getArgument(i).getType();
      continue;
    }
    Type result = getResult(i).getType();
    if (cast<RankedTensorType>(value.getType()).getRank() + 1 !=
            cast<RankedTensorType>(result).getRank() ||
        !compatible(stackedType(value.getType(), getAxis(),
                                cast<RankedTensorType>(result)
                                    .getDimSize(getAxis())),
                    result))
      return yield.emitOpError()
             << "output #" << i - carries << " has type " << value.getType()
             << ", which stacked along axis " << getAxis()
             << " does not give the result type " << result;
  }
  return success();
}

} // namespace kiln
