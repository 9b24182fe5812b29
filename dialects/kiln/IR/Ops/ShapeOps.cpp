//===- ShapeOps.cpp - constants, casts and data movement ------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Type inference for constant, reshape, transpose, concat, slice, pad,
// gather and broadcast_to.
//
//===----------------------------------------------------------------------===//

#include "dialects/kiln/IR/KilnOps.h"
#include "dialects/kiln/IR/Ops/TypeHelpers.h"

using namespace mlir;
using namespace kiln::detail;

namespace kiln {

LogicalResult applyShapeRule(OptLoc loc, ValueRange operands,
                             SmallVectorImpl<Type> &inferred, ShapeRule rule) {
  SmallVector<ArrayRef<int64_t>> shapes;
  if (failed(getOperandShapes(loc, operands, shapes)))
    return failure();
  if (shapes.empty())
    return emitOptionalError(loc, "expected at least one operand");
  DimVector result;
  if (failed(rule(shapes, result)))
    return failure();
  return pushTensor(inferred, result, getElementType(operands.front()));
}

LogicalResult ConstantOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &inferred) {
  auto value = adaptor.getValue();
  auto type = value ? dyn_cast<RankedTensorType>(value.getType()) : nullptr;
  if (!type || !type.hasStaticShape())
    return emitOptionalError(loc, "value must be a statically shaped tensor");
  inferred.push_back(type);
  return success();
}

LogicalResult ShapeOfOp::inferReturnTypes(MLIRContext *ctx, OptLoc loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  ArrayRef<int64_t> input;
  if (failed(getOperandShape(loc, adaptor.getInput(), input)))
    return failure();
  return pushTensor(inferred, {static_cast<int64_t>(input.size())},
                    IntegerType::get(ctx, 64));
}

LogicalResult DynamicReshapeOp::verify() {
  auto in = cast<RankedTensorType>(getInput().getType());
  auto out = cast<RankedTensorType>(getType());
  auto shape = cast<RankedTensorType>(getShape().getType());
  if (in.getElementType() != out.getElementType())
    return emitOpError("result element type ")
           << out.getElementType() << " differs from the input's "
           << in.getElementType();
  if (shape.isDynamicDim(0))
    return emitOpError("the shape operand must have a static length (the "
                       "result's rank)");
  if (shape.getDimSize(0) != out.getRank())
    return emitOpError("the shape operand has ")
           << shape.getDimSize(0) << " entries but the result has rank "
           << out.getRank();
  if (in.hasStaticShape() && out.hasStaticShape() &&
      in.getNumElements() != out.getNumElements())
    return emitOpError("cannot reshape ")
           << formatShape(in.getShape()) << " to "
           << formatShape(out.getShape()) << ": the element counts differ";
  return success();
}

LogicalResult IotaOp::inferReturnTypes(MLIRContext *ctx, OptLoc loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  ArrayRef<int64_t> like;
  if (failed(getOperandShape(loc, adaptor.getLike(), like)) ||
      failed(verifyAxis(loc, static_cast<int64_t>(adaptor.getAxis()),
                        like.size())))
    return failure();
  return pushTensor(inferred, like, IntegerType::get(ctx, 64));
}

LogicalResult GatherElementsOp::inferReturnTypes(
    MLIRContext *, OptLoc loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  ArrayRef<int64_t> data, indices;
  if (failed(getOperandShape(loc, adaptor.getData(), data)) ||
      failed(getOperandShape(loc, adaptor.getIndices(), indices)))
    return failure();
  auto axis = static_cast<int64_t>(adaptor.getAxis());
  if (data.size() != indices.size())
    return emitOptionalError(loc, "indices ", formatShape(indices),
                             " must have the rank of data ",
                             formatShape(data));
  if (failed(verifyAxis(loc, axis, data.size())))
    return failure();
  for (size_t i = 0; i < data.size(); ++i)
    if (static_cast<int64_t>(i) != axis && !isDynamic(data[i]) &&
        !isDynamic(indices[i]) && indices[i] > data[i])
      return emitOptionalError(loc, "indices ", formatShape(indices),
                               " exceed data ", formatShape(data),
                               " in dimension ", i);
  return pushTensor(inferred, indices, getElementType(adaptor.getData()));
}

LogicalResult BroadcastToOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                              Adaptor adaptor,
                                              SmallVectorImpl<Type> &inferred) {
  ArrayRef<int64_t> input;
  std::optional<ArrayRef<int64_t>> like;
  if (failed(getOperandShape(loc, adaptor.getInput(), input)))
    return failure();
  if (Value likeValue = adaptor.getLike()) {
    ArrayRef<int64_t> shape;
    if (failed(getOperandShape(loc, likeValue, shape)))
      return failure();
    like = shape;
  }
  DimVector result;
  if (failed(inferBroadcastToShape(loc, input, adaptor.getShape(), like,
                                   result)))
    return failure();
  return pushTensor(inferred, result, getElementType(adaptor.getInput()));
}

bool BroadcastToOp::isExpandedDim(int64_t i) {
  int64_t offset = getShape().size() - getInput().getType().getRank();
  return i < offset;
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

LogicalResult SigmoidCrossEntropyOp::inferReturnTypes(
    MLIRContext *, OptLoc loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  return inferBroadcastResultType(loc, adaptor.getOperands(), nullptr,
                                  inferred);
}

} // namespace kiln
