//===- ExternalWeights.h - weights in a .safetensors file -------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#ifndef KILN_COMPILER_TARGET_EXTERNALWEIGHTS_H
#define KILN_COMPILER_TARGET_EXTERNALWEIGHTS_H

#include "compiler/Target/ModelSignature.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <string>
#include <vector>

namespace kiln {

/// A weight moved out of the IR: its signature and its bytes.
struct ExternalWeight {
  TensorSignature tensor;
  std::vector<char> bytes;
};

/// Turns every non-splat `kiln.constant` of `fn` with at least `minElements`
/// elements into a new trailing function argument, named after the
/// constant's location (the layer) when it has one. Boolean constants stay
/// embedded (their attribute storage is bit-packed).
mlir::FailureOr<std::vector<ExternalWeight>>
externalizeWeights(mlir::func::FuncOp fn, int64_t minElements);

/// The raw little-endian bytes of a dense or resource constant, if it has
/// them (not for splats of several elements).
std::optional<llvm::ArrayRef<char>> rawBytes(mlir::ElementsAttr value);

/// The bytes of a .safetensors file holding `weights`.
std::string serializeSafetensors(const std::vector<ExternalWeight> &weights);

} // namespace kiln

#endif // KILN_COMPILER_TARGET_EXTERNALWEIGHTS_H
