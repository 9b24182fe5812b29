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

} // namespace kiln

#endif // KILN_COMPILER_CODEGEN_CPU_UKERNELS_H
