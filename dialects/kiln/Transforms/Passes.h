//===- Passes.h - kiln dialect passes ---------------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECTS_KILN_TRANSFORMS_PASSES_H
#define KILN_DIALECTS_KILN_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace kiln {

#define GEN_PASS_DECL
#include "dialects/kiln/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialects/kiln/Transforms/Passes.h.inc"

/// Reads kiln-train-step options written as text ("momentum=0.9
/// clipnorm=1", as `kiln train --optimizer-options` takes them) over
/// `options`. On failure `error` says which option is wrong.
mlir::LogicalResult parseTrainStepOptions(llvm::StringRef text,
                                          TrainStepPassOptions &options,
                                          std::string &error);

} // namespace kiln

#endif // KILN_DIALECTS_KILN_TRANSFORMS_PASSES_H
