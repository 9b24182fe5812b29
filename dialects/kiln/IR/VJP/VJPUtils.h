//===- VJPUtils.h - helpers for the kiln VJP rules --------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// What every VJP rule file needs: scalar constants, summing a broadcast
// cotangent back to its operand's shape, and the external-model template
// that attaches a rule function to an op.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECTS_KILN_IR_VJP_VJPUTILS_H
#define KILN_DIALECTS_KILN_IR_VJP_VJPUTILS_H

#include "dialects/kiln/IR/KilnOps.h"

namespace kiln {

/// Attach the rules of each family (called when the dialect loads).
void attachElementwiseVJPs(mlir::MLIRContext *ctx);
void attachStructureVJPs(mlir::MLIRContext *ctx);
void attachNNVJPs(mlir::MLIRContext *ctx);
void attachControlFlowVJPs(mlir::MLIRContext *ctx);

namespace vjp {

using mlir::Value;
/// The two lists a rule works on: result cotangents in, operand ones out.
using Cts = llvm::ArrayRef<Value>;
using Out = llvm::SmallVectorImpl<Value>;

/// A rank-0 constant of element type `elt`.
Value scalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Type elt,
             double value);

/// The element type of a tensor value.
mlir::Type elementType(Value v);

/// `ct`, the cotangent of a broadcasting op's result, summed over the
/// dimensions that broadcasting added or stretched, reshaped to `operand`'s
/// shape. Fails (with a diagnostic at `loc`) when `operand` has more than
/// one dynamic dimension that the sum would have to reshape.
mlir::FailureOr<Value> unbroadcast(mlir::OpBuilder &b, mlir::Location loc,
                                   Value ct, Value operand);

/// The one-hot encoding of integer `ids` over `classes` classes, as
/// `floatType` values of shape `ids.shape + [classes]`: compares the ids
/// (reshaped to a trailing unit axis) with a constant [0, classes) row.
Value oneHot(mlir::OpBuilder &b, mlir::Location loc, Value ids,
             int64_t classes, mlir::Type floatType);

/// Broadcasts `v` to the shape of `like` (NumPy rules, `like`'s sizes).
Value broadcastLike(mlir::OpBuilder &b, mlir::Location loc, Value v,
                    Value like);

/// The reverse sweep over `ops` (in program order): each op with a
/// cotangent on some result and an operand for which `isActive` holds gets
/// its VJP built, and the operands' cotangents are summed into
/// `cotangents`. An op without a rule is an error naming it.
mlir::LogicalResult
reverseSweep(mlir::OpBuilder &b, llvm::ArrayRef<mlir::Operation *> ops,
             llvm::DenseMap<Value, Value> &cotangents,
             llvm::function_ref<bool(Value)> isActive);

/// The VJP of `op` through a decomposition into primitive kiln ops:
/// `decompose` rebuilds op's results from its operands; the primitives'
/// own rules then differentiate it. The rebuilt forward values are only
/// used by the backward code (canonicalization merges what it can).
mlir::LogicalResult vjpByDecomposition(
    mlir::Operation *op, mlir::OpBuilder &b, Cts cts, Out &out,
    llvm::function_ref<llvm::SmallVector<Value>(mlir::OpBuilder &,
                                                mlir::Location)>
        decompose);

/// A VJP rule: the op, the builder, the result cotangents (non-null for a
/// single-result op), and the operand cotangents to push.
template <typename OpT>
using Rule = mlir::LogicalResult (*)(OpT, mlir::OpBuilder &,
                                     llvm::ArrayRef<Value>,
                                     llvm::SmallVectorImpl<Value> &);

template <typename OpT, Rule<OpT> R>
struct Model
    : DifferentiableOpInterface::ExternalModel<Model<OpT, R>, OpT> {
  mlir::LogicalResult buildVJP(mlir::Operation *op, mlir::OpBuilder &b,
                               llvm::ArrayRef<Value> cts,
                               llvm::SmallVectorImpl<Value> &out) const {
    return R(llvm::cast<OpT>(op), b, cts, out);
  }
};

template <typename OpT, Rule<OpT> R> void attach(mlir::MLIRContext *ctx) {
  OpT::template attachInterface<Model<OpT, R>>(*ctx);
}

} // namespace vjp
} // namespace kiln

#endif // KILN_DIALECTS_KILN_IR_VJP_VJPUTILS_H
