//===- ModelWrapper.h - the typed C API of a generated library --*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#ifndef KILN_COMPILER_TARGET_MODELWRAPPER_H
#define KILN_COMPILER_TARGET_MODELWRAPPER_H

#include "compiler/Target/ModelSignature.h"

#include "mlir/IR/BuiltinOps.h"

namespace kiln {

/// Adds to a module in the LLVM dialect the model's exported functions —
/// `NAME_create`, `NAME_destroy`, `NAME_predict`, `NAME_last_error` — and the
/// pieces they use: the embedded description and `NAME__invoke`, which
/// unpacks an argument array into a call of `_mlir_ciface_<entry>`.
mlir::LogicalResult emitModelWrapper(mlir::ModuleOp module,
                                     const ModelSignature &sig);

/// The text of `NAME.h`, the typed C header of the generated library.
std::string emitModelHeader(const ModelSignature &sig);

} // namespace kiln

#endif // KILN_COMPILER_TARGET_MODELWRAPPER_H
