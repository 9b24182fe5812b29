//===- Emit.h - helpers for emitting kiln ops from layers -------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Private to frontend/keras.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_FRONTEND_KERAS_EMIT_H
#define KILN_FRONTEND_KERAS_EMIT_H

#include "kiln/keras/Core.h"

#include "dialects/kiln/IR/KilnOps.h"
#include "dialects/kiln/IR/ShapeInference.h"

#include "mlir/IR/Builders.h"

namespace kiln::keras_detail {

using mlir::OpBuilder;
using mlir::Location;
using mlir::Value;

inline mlir::RankedTensorType tensorType(Value v) {
  return llvm::cast<mlir::RankedTensorType>(v.getType());
}

/// The MLIR element type of a Keras dtype.
mlir::Type elementType(mlir::MLIRContext *ctx, DType dtype);

/// A scalar kiln.constant of `elt` (broadcasts against anything).
Value scalar(OpBuilder &b, Location loc, mlir::Type elt, double value);

/// A kiln.constant of `shape` holding `values` (row-major) as `elt`.
Value constant(OpBuilder &b, Location loc, llvm::ArrayRef<int64_t> shape,
               llvm::ArrayRef<double> values, mlir::Type elt);

/// Keras shapes use -1 for unknown; kiln uses ShapedType::kDynamic.
llvm::SmallVector<int64_t> toKiln(const Shape &shape);
Shape fromKiln(llvm::ArrayRef<int64_t> shape);

/// Fills a per-spatial-dimension list (kernel size, strides, ...): empty ->
/// `dflt`, one value -> all `rank`; fails on the layer for a wrong count or
/// a value below 1.
std::vector<int64_t> perDim(const Layer &layer, const char *what,
                            std::vector<int64_t> v, int rank, int64_t dflt);

/// The shape rules' window parameters from a layer's strides, dilations
/// and flattened (low, high) padding.
kiln::WindowParams windowParams(llvm::ArrayRef<int64_t> strides,
                                llvm::ArrayRef<int64_t> dilations,
                                llvm::ArrayRef<int64_t> padding);

/// Normalizes a possibly negative axis for `rank`, or fails on the layer.
int64_t normalizeAxisOrFail(const Layer &layer, int64_t axis, int64_t rank);

/// Keras `same`/`valid`/`causal` padding as explicit (low, high) pairs.
std::vector<int64_t> explicitPadding(const Layer &layer,
                                     const std::string &padding,
                                     const Shape &spatialIn,
                                     const std::vector<int64_t> &window,
                                     const std::vector<int64_t> &strides,
                                     const std::vector<int64_t> &dilations);

/// Runs `rule` (which reports through an optional location) with a
/// location whose diagnostics are captured and rethrown as kiln::Error.
void runShapeRule(const Layer &layer,
                  const std::function<mlir::LogicalResult(
                      std::optional<mlir::Location>)> &rule);

/// The shape that `rule` computes: a call of the shape rule
/// (ShapeInference.h) of the op the layer builds, with the rule's location
/// and result. Layers infer their output shapes through these rules, as
/// the ops' builders do, so a layer and its op cannot disagree; the rule's
/// message becomes the layer's error.
Shape inferShape(const Layer &layer,
                 const std::function<mlir::LogicalResult(
                     std::optional<mlir::Location>, DimVector &)> &rule);

/// Keras masks. A value carries a timestep mask when it is the result of a
/// `kiln.select` on that mask (i1, `[batch, time, 1]`) tagged with
/// `kKerasMaskAttr`; layers that honor masks (recurrent layers) read it back
/// with `kerasMaskOf`. The tag is a discardable attribute that the compiler
/// ignores.
inline constexpr llvm::StringLiteral kKerasMaskAttr = "kiln.keras_mask";

/// Returns `select(mask, x, onFalse)` tagged as carrying `mask`; a null
/// `onFalse` means `x` (the value is unchanged).
Value withKerasMask(OpBuilder &b, Location loc, Value x, Value mask,
                    Value onFalse = Value());

/// The mask that `v` carries, or a null value.
Value kerasMaskOf(Value v);

} // namespace kiln::keras_detail

#endif // KILN_FRONTEND_KERAS_EMIT_H
