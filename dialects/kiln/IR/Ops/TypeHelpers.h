//===- TypeHelpers.h - small helpers for the op implementations -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Private to dialects/kiln/IR: turns values into shapes and shapes into
// result types for the `inferReturnTypes` implementations.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECTS_KILN_IR_OPS_TYPEHELPERS_H
#define KILN_DIALECTS_KILN_IR_OPS_TYPEHELPERS_H

#include "dialects/kiln/IR/ShapeInference.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"

namespace kiln::detail {

/// The shape of a ranked tensor value. Operand types are checked by ODS
/// before inference runs, but builders may call inference on anything, so
/// this reports an unranked operand instead of asserting.
inline LogicalResult getOperandShape(OptLoc loc, mlir::Value value,
                              llvm::ArrayRef<int64_t> &shape) {
  auto type = llvm::dyn_cast_or_null<mlir::RankedTensorType>(
      value ? value.getType() : mlir::Type());
  if (!type)
    return mlir::emitOptionalError(loc, "expected a ranked tensor operand");
  shape = type.getShape();
  return mlir::success();
}

/// The shapes of every operand, in order.
inline LogicalResult
getOperandShapes(OptLoc loc, mlir::ValueRange values,
                 llvm::SmallVectorImpl<llvm::ArrayRef<int64_t>> &shapes) {
  for (mlir::Value v : values) {
    llvm::ArrayRef<int64_t> shape;
    if (mlir::failed(getOperandShape(loc, v, shape)))
      return mlir::failure();
    shapes.push_back(shape);
  }
  return mlir::success();
}

inline mlir::Type getElementType(mlir::Value value) {
  return llvm::cast<mlir::ShapedType>(value.getType()).getElementType();
}

/// Appends `tensor<shape x elementType>` to `inferred`.
inline LogicalResult pushTensor(llvm::SmallVectorImpl<mlir::Type> &inferred,
                                llvm::ArrayRef<int64_t> shape,
                                mlir::Type elementType) {
  inferred.push_back(mlir::RankedTensorType::get(shape, elementType));
  return mlir::success();
}

} // namespace kiln::detail

#endif // KILN_DIALECTS_KILN_IR_OPS_TYPEHELPERS_H
