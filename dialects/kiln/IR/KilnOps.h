//===- KilnOps.h - kiln dialect operations ----------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The op classes of the kiln dialect, and the type-level wrappers around the
// shape rules that their generated `inferReturnTypes` methods call.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECTS_KILN_IR_KILNOPS_H
#define KILN_DIALECTS_KILN_IR_KILNOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/kiln/IR/KilnDialect.h"
#include "dialects/kiln/IR/ShapeInference.h"

#include "dialects/kiln/IR/KilnEnums.h.inc"
#include "dialects/kiln/IR/KilnInterfaces.h.inc"

namespace kiln {

/// The result type of a broadcasting elementwise op over `operands`; its
/// element type is `elementType`, or the last operand's when null.
LogicalResult inferBroadcastResultType(OptLoc loc, mlir::ValueRange operands,
                                       mlir::Type elementType,
                                       llvm::SmallVectorImpl<mlir::Type> &inferred);

/// A shape rule applied to every operand's shape, in operand order:
/// `rule(shapes, result)` is one of ShapeInference.h's rules; the result's
/// element type is the first operand's. Ops declared with Kiln_RuleOp call
/// it from the `inferReturnTypes` that ODS generates.
using ShapeRule = llvm::function_ref<LogicalResult(
    llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes, DimVector &result)>;
LogicalResult applyShapeRule(OptLoc loc, mlir::ValueRange operands,
                             llvm::SmallVectorImpl<mlir::Type> &inferred,
                             ShapeRule rule);

/// The result type of a reduction of `input` over `axes`; its element type
/// is `elementType`, or the input's when null.
LogicalResult inferReduceResultType(OptLoc loc, mlir::Value input,
                                    llvm::ArrayRef<int64_t> axes, bool keepDims,
                                    mlir::Type elementType,
                                    llvm::SmallVectorImpl<mlir::Type> &inferred);

/// The result type of a pooling op.
LogicalResult inferPoolResultType(OptLoc loc, mlir::Value input,
                                  llvm::ArrayRef<int64_t> window,
                                  std::optional<llvm::ArrayRef<int64_t>> strides,
                                  std::optional<llvm::ArrayRef<int64_t>> dilations,
                                  std::optional<llvm::ArrayRef<int64_t>> padding,
                                  llvm::SmallVectorImpl<mlir::Type> &inferred);

} // namespace kiln

#define GET_OP_CLASSES
#include "dialects/kiln/IR/KilnOps.h.inc"

#endif // KILN_DIALECTS_KILN_IR_KILNOPS_H
