//===- Utils.h - helpers shared by the kiln -> linalg patterns --*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#ifndef KILN_COMPILER_CONVERSION_KILNTOLINALG_UTILS_H
#define KILN_COMPILER_CONVERSION_KILNTOLINALG_UTILS_H

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace kiln::lowering {

/// `value` with `tensor.cast` to `type` when its type differs (a result type
/// written less static than the lowering computes).
mlir::Value castTo(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                   mlir::Type type);

/// Whether `type` (or its element type) is a float.
bool isFloat(mlir::Type type);

/// A scalar constant of `type` (float or integer) with the given value.
mlir::Value scalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Type type, double value);

/// `tensor.dim` of every dynamic dimension of `value`, in order.
llvm::SmallVector<mlir::Value> dynamicDims(mlir::OpBuilder &b,
                                           mlir::Location loc,
                                           mlir::Value value);

/// The size of dimension `dim` of `value` as an index value.
mlir::Value dimSize(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                    int64_t dim);

/// `tensor.empty` of `type`, optionally filled with `fill`.
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type,
                        mlir::ValueRange dynamicSizes);
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType type,
                         mlir::ValueRange dynamicSizes, double fill);

/// The dynamic sizes of a broadcast result: each dynamic result dimension
/// takes its size from an operand whose aligned dimension is not a static 1.
llvm::SmallVector<mlir::Value>
broadcastDynamicSizes(mlir::OpBuilder &b, mlir::Location loc,
                      mlir::RankedTensorType result, mlir::ValueRange operands);

/// The indexing map of a NumPy-broadcast operand into a result of
/// `resultRank` dimensions: right-aligned, static 1s map to 0.
mlir::AffineMap broadcastMap(mlir::MLIRContext *ctx,
                             mlir::RankedTensorType operand,
                             mlir::RankedTensorType result);

using ScalarBody = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// A `linalg.generic` that broadcasts `operands` to `resultType` and computes
/// each element with `body(scalars)`. The result's dynamic sizes come from
/// the operands unless `dynamicSizes` is given.
mlir::Value
buildElementwise(mlir::OpBuilder &b, mlir::Location loc,
                 mlir::RankedTensorType resultType, mlir::ValueRange operands,
                 ScalarBody body,
                 std::optional<mlir::ValueRange> dynamicSizes = std::nullopt);

/// Reduces `input` over `axes` (dropping them) with a `linalg.generic`:
/// the accumulator starts at `init` and `combine(element, accumulator)`
/// gives the next one.
mlir::Value buildReduction(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value input, llvm::ArrayRef<int64_t> axes,
                           double init, ScalarBody combine);

/// Reshapes `value` to `type` (same element count) through a 1-D collapse
/// and an expand; `type` may have one dynamic dimension more than `value`
/// determines.
mlir::Value reshapeTo(mlir::OpBuilder &b, mlir::Location loc,
                      mlir::Value value, mlir::RankedTensorType type);

/// Inserts size-1 dimensions at `axes` of `type` (the result of a reduction
/// with `keep_dims`), with a `tensor.expand_shape`.
mlir::Value insertUnitDims(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value value, mlir::RankedTensorType type,
                           llvm::ArrayRef<int64_t> axes);

/// The number of elements of `value` over `axes`, as a scalar of `type`.
mlir::Value countOver(mlir::OpBuilder &b, mlir::Location loc,
                      mlir::Value value, llvm::ArrayRef<int64_t> axes,
                      mlir::Type type);

/// The largest or smallest value of a float or integer type (-inf/+inf for
/// floats).
double lowestValue(mlir::Type type);
double highestValue(mlir::Type type);

/// Converts a scalar between element types (float/int/i1) with the `kiln.cast`
/// semantics.
mlir::Value convertScalar(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value value, mlir::Type to);

} // namespace kiln::lowering

#endif // KILN_COMPILER_CONVERSION_KILNTOLINALG_UTILS_H
