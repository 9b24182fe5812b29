//===- ElementwiseOps.cpp - elementwise kiln ops --------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Type inference and verification for broadcasting binary ops, comparisons,
// select and clamp.
//
//===----------------------------------------------------------------------===//

#include "dialects/kiln/IR/KilnOps.h"
#include "dialects/kiln/IR/Ops/TypeHelpers.h"

using namespace mlir;
using namespace kiln::detail;

namespace kiln {

LogicalResult inferBroadcastResultType(OptLoc loc, ValueRange operands,
                                       Type elementType,
                                       SmallVectorImpl<Type> &inferred) {
  SmallVector<ArrayRef<int64_t>> shapes;
  DimVector result;
  if (failed(getOperandShapes(loc, operands, shapes)) ||
      failed(inferBroadcastShape(loc, shapes, result)))
    return failure();
  return pushTensor(inferred, result,
                    elementType ? elementType : getElementType(operands.back()));
}

LogicalResult CompareOp::inferReturnTypes(MLIRContext *ctx, OptLoc loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  return inferBroadcastResultType(loc, {adaptor.getLhs(), adaptor.getRhs()},
                                  IntegerType::get(ctx, 1), inferred);
}

LogicalResult SelectOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  return inferBroadcastResultType(loc, adaptor.getOperands(), nullptr,
                                  inferred);
}

LogicalResult SelectOp::verify() {
  if (getElementType(getOnTrue()) != getElementType(getOnFalse()))
    return emitOpError("on_true and on_false must have the same element "
                       "type, got ")
           << getElementType(getOnTrue()) << " and "
           << getElementType(getOnFalse());
  return success();
}

LogicalResult ClampOp::verify() {
  if (getMin() && getMax() &&
      getMin()->convertToDouble() > getMax()->convertToDouble())
    return emitOpError("min ") << getMin()->convertToDouble()
                               << " is greater than max "
                               << getMax()->convertToDouble();
  return success();
}

} // namespace kiln
