//===- UKernels.h - which linalg ops become runtime micro-kernel calls -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// One predicate for the two passes that must agree on it: the tiling pass
// leaves these ops whole, and kiln-cpu-lower-to-ukernels replaces them with
// calls into the runtime's matrix-multiply engine (runtime/src/ukernel).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_COMPILER_CODEGEN_CPU_UKERNELS_H
#define KILN_COMPILER_CODEGEN_CPU_UKERNELS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <optional>

namespace kiln {

/// The roles of a matrix multiply's loops: C[batch..., m, n] (+)=
/// A[batch..., m, k] * B[batch..., k, n], in any operand dimension order.
struct MatmulLoops {
  unsigned m, n, k;
  llvm::SmallVector<unsigned, 2> batch; ///< at most two, in every operand
};

/// The loops of `op` if it is an f32 matrix multiply the runtime computes:
/// a contraction (multiply-add body) with one m, one n and one k loop, at
/// most two batch loops that all three operands index, and projected-
/// permutation indexing maps.
std::optional<MatmulLoops> matchUKernelMatmul(mlir::linalg::LinalgOp op);

/// Whether `op` is an f32 2-D NHWC/HWCF convolution.
bool isUKernelConv(mlir::linalg::LinalgOp op);

/// Whether `op` is an f32 2-D NHWC/HWCM depthwise convolution.
bool isUKernelDepthwiseConv(mlir::linalg::LinalgOp op);

/// Whether `op` is lowered to a runtime micro-kernel call.
inline bool isUKernelOp(mlir::linalg::LinalgOp op) {
  return isUKernelConv(op) || isUKernelDepthwiseConv(op) ||
         matchUKernelMatmul(op).has_value();
}

/// The elementwise tail of a micro-kernel op that the runtime applies as it
/// stores each output tile: out = clamp(acc + addends..., lo, hi), with
/// the clamp propagating NaN (arith.maximumf / arith.minimumf).
struct Epilogue {
  /// Block arguments added to the accumulator, in the body's order (at
  /// most two; each is a distinct input of the generic).
  llvm::SmallVector<mlir::BlockArgument, 2> addends;
  std::optional<float> lo, hi;
};

/// Matches the body of an all-parallel generic as an epilogue of `acc`
/// (one of its block arguments): a chain in which each op uses the
/// previous value once, first `arith.addf` of other block arguments (at
/// most two), then `arith.maximumf` / `arith.minimumf` with constants
/// (lo <= hi), yielded.
std::optional<Epilogue> matchEpilogueBody(mlir::Block &body,
                                          mlir::BlockArgument acc);

/// Whether `op` is an epilogue in the form kiln-cpu-fuse-epilogues leaves:
/// a `linalg.generic`, all parallel, with one f32 init read as the
/// accumulator through an identity map, and one input per addend, each
/// an f32 operand indexed by a projected permutation (broadcasts allowed).
std::optional<Epilogue> matchUKernelEpilogue(mlir::linalg::LinalgOp op);

/// The micro-kernel op whose output the epilogue `op` updates in place on
/// tensors: its init is that op's result, or the result of collapsing a
/// depthwise convolution's unit multiplier dimension. Null otherwise.
mlir::linalg::LinalgOp epilogueKernel(mlir::linalg::LinalgOp op);

/// Whether `collapse` (a tensor or memref collapse_shape) folds a depthwise
/// convolution output's unit multiplier into its channels: rank 5 to 4,
/// groups [0], [1], [2], [3, 4], the last dimension 1.
bool isUnitMultiplierCollapse(mlir::Operation *collapse);

} // namespace kiln

#endif // KILN_COMPILER_CODEGEN_CPU_UKERNELS_H
