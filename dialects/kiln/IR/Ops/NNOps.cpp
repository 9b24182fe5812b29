//===- NNOps.cpp - contractions, windows, normalizations, dropout ---------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Type inference for matmul, convolutions, pooling, normalizations and
// dropout. Every rule is a call into ShapeInference.cpp.
//
//===----------------------------------------------------------------------===//

#include "dialects/kiln/IR/KilnOps.h"
#include "dialects/kiln/IR/Ops/TypeHelpers.h"

using namespace mlir;
using namespace kiln::detail;

namespace kiln {

LogicalResult ConvOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  ArrayRef<int64_t> input, filter;
  if (failed(getOperandShape(loc, adaptor.getInput(), input)) ||
      failed(getOperandShape(loc, adaptor.getFilter(), filter)))
    return failure();
  if (failed(verifyWindowedRank(loc, input)))
    return failure();
  WindowParams params;
  DimVector result;
  int64_t spatial = static_cast<int64_t>(input.size()) - 2;
  if (failed(getWindowParams(loc, spatial,
                             adaptor.getStrides(), adaptor.getDilations(),
                             adaptor.getPadding(), params)) ||
      failed(inferConvShape(loc, input, filter, params,
                            static_cast<int64_t>(adaptor.getGroups()), result)))
    return failure();
  return pushTensor(inferred, result, getElementType(adaptor.getInput()));
}

LogicalResult ConvTransposeOp::inferReturnTypes(
    MLIRContext *, OptLoc loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  ArrayRef<int64_t> input, filter;
  if (failed(getOperandShape(loc, adaptor.getInput(), input)) ||
      failed(getOperandShape(loc, adaptor.getFilter(), filter)) ||
      failed(verifyWindowedRank(loc, input)))
    return failure();
  int64_t spatial = static_cast<int64_t>(input.size()) - 2;
  WindowParams params;
  DimVector outputPadding, result;
  if (failed(getWindowParams(loc, spatial, adaptor.getStrides(),
                             adaptor.getDilations(), adaptor.getPadding(),
                             params)) ||
      failed(getSpatialAttr(loc, "output_padding", adaptor.getOutputPadding(),
                            spatial, 0, 0, outputPadding)) ||
      failed(inferConvTransposeShape(loc, input, filter, params, outputPadding,
                                     static_cast<int64_t>(adaptor.getGroups()),
                                     result)))
    return failure();
  return pushTensor(inferred, result, getElementType(adaptor.getInput()));
}

LogicalResult inferPoolResultType(OptLoc loc, Value input,
                                  ArrayRef<int64_t> window,
                                  std::optional<ArrayRef<int64_t>> strides,
                                  std::optional<ArrayRef<int64_t>> dilations,
                                  std::optional<ArrayRef<int64_t>> padding,
                                  SmallVectorImpl<Type> &inferred) {
  ArrayRef<int64_t> shape;
  if (failed(getOperandShape(loc, input, shape)) ||
      failed(verifyWindowedRank(loc, shape)))
    return failure();
  int64_t spatial = static_cast<int64_t>(shape.size()) - 2;
  WindowParams params;
  DimVector result;
  if (failed(getWindowParams(loc, spatial, strides, dilations, padding,
                             params)) ||
      failed(inferPoolShape(loc, shape, window, params, result)))
    return failure();
  return pushTensor(inferred, result, getElementType(input));
}

LogicalResult BatchNormInferenceOp::inferReturnTypes(
    MLIRContext *, OptLoc loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  ArrayRef<int64_t> input;
  SmallVector<ArrayRef<int64_t>> params(4);
  Value values[] = {adaptor.getScale(), adaptor.getOffset(), adaptor.getMean(),
                    adaptor.getVariance()};
  if (failed(getOperandShape(loc, adaptor.getInput(), input)))
    return failure();
  for (auto [v, s] : llvm::zip(values, params))
    if (failed(getOperandShape(loc, v, s)))
      return failure();
  if (failed(verifyBatchNormShapes(
          loc, input, static_cast<int64_t>(adaptor.getFeatureAxis()), params,
          {"scale", "offset", "mean", "variance"})))
    return failure();
  inferred.push_back(adaptor.getInput().getType());
  return success();
}

LogicalResult BatchNormTrainingOp::inferReturnTypes(
    MLIRContext *, OptLoc loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferred) {
  ArrayRef<int64_t> input, scale, offset;
  if (failed(getOperandShape(loc, adaptor.getInput(), input)) ||
      failed(getOperandShape(loc, adaptor.getScale(), scale)) ||
      failed(getOperandShape(loc, adaptor.getOffset(), offset)))
    return failure();
  auto axis = static_cast<int64_t>(adaptor.getFeatureAxis());
  if (failed(verifyBatchNormShapes(loc, input, axis, {scale, offset},
                                   {"scale", "offset"})))
    return failure();
  Type elt = getElementType(adaptor.getInput());
  inferred.push_back(adaptor.getInput().getType());
  // The statistics have one entry per feature; take the size from the input
  // when it is static there, else from the scale.
  int64_t features = isDynamic(input[axis]) ? scale[0] : input[axis];
  auto stats = RankedTensorType::get({features}, elt);
  inferred.append({stats, stats});
  return success();
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  ArrayRef<int64_t> input, scale, offset;
  if (failed(getOperandShape(loc, adaptor.getInput(), input)) ||
      failed(getOperandShape(loc, adaptor.getScale(), scale)) ||
      failed(getOperandShape(loc, adaptor.getOffset(), offset)) ||
      failed(verifyLayerNormShapes(loc, input, adaptor.getAxes(), scale,
                                   offset)))
    return failure();
  inferred.push_back(adaptor.getInput().getType());
  return success();
}

LogicalResult DropoutOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  double rate = adaptor.getRate().convertToDouble();
  if (!(rate >= 0.0 && rate < 1.0))
    return emitOptionalError(loc, "rate ", rate, " must be in [0, 1)");
  ArrayRef<int64_t> input;
  if (failed(getOperandShape(loc, adaptor.getInput(), input)))
    return failure();
  if (auto noise = adaptor.getNoiseShape()) {
    if (noise->size() != input.size())
      return emitOptionalError(loc, "noise_shape has ", noise->size(),
                               " entries but the input has rank ",
                               input.size());
    for (auto [n, d] : llvm::zip(*noise, input))
      if (n != 1 && (isDynamic(d) ? n < 1 : n != d))
        return emitOptionalError(loc, "noise_shape ", formatShape(*noise),
                                 " must have 1 or the input's size in every "
                                 "dimension of ",
                                 formatShape(input));
  }
  inferred.push_back(adaptor.getInput().getType());
  return success();
}

} // namespace kiln
