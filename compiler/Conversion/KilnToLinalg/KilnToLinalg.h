//===- KilnToLinalg.h - kiln to linalg conversion patterns ------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The patterns are split by op family, one file each; the umbrella populate
// function adds them all.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_COMPILER_CONVERSION_KILNTOLINALG_KILNTOLINALG_H
#define KILN_COMPILER_CONVERSION_KILNTOLINALG_KILNTOLINALG_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace kiln {

/// All kiln -> linalg/tensor/arith/math patterns.
void populateKilnToLinalgConversionPatterns(mlir::TypeConverter &converter,
                                            mlir::RewritePatternSet &patterns);

/// Elementwise ops (unary, broadcasting binary, compare, select, cast,
/// activations, sigmoid cross-entropy).
void populateElementwiseToLinalgPatterns(mlir::TypeConverter &converter,
                                         mlir::RewritePatternSet &patterns);

/// Matmul.
void populateContractionToLinalgPatterns(mlir::TypeConverter &converter,
                                         mlir::RewritePatternSet &patterns);

/// Reductions, argmax/argmin, softmax and log-softmax.
void populateReductionToLinalgPatterns(mlir::TypeConverter &converter,
                                       mlir::RewritePatternSet &patterns);

/// Convolutions, transposed convolutions, pooling, batch and layer
/// normalization, dropout and softmax cross-entropy.
void populateNNToLinalgPatterns(mlir::TypeConverter &converter,
                                mlir::RewritePatternSet &patterns);

/// Constants and data movement.
void populateShapeToLinalgPatterns(mlir::TypeConverter &converter,
                                   mlir::RewritePatternSet &patterns);

} // namespace kiln

#endif // KILN_COMPILER_CONVERSION_KILNTOLINALG_KILNTOLINALG_H
