//===- VJPUtils.cpp - helpers for the kiln VJP rules ----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "dialects/kiln/IR/VJP/VJPUtils.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

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

Value broadcastLike(OpBuilder &b, Location loc, Value v, Value like) {
  auto likeType = cast<RankedTensorType>(like.getType());
  SmallVector<int64_t> shape;
  for (int64_t d : likeType.getShape())
    shape.push_back(ShapedType::isDynamic(d) ? -1 : d);
  return BroadcastToOp::create(b, loc, v, like, shape);
}

} // namespace kiln::vjp
