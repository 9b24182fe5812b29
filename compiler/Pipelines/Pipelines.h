//===- Pipelines.h - the pass pipelines of each target ----------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The only place where Kiln's pass order is written down. Each stage ends at
// one of the IR levels that `kiln compile --emit` can print.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_COMPILER_PIPELINES_PIPELINES_H
#define KILN_COMPILER_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"

namespace kiln {

/// The IR levels a compilation can stop at.
enum class Stage { Kiln, Linalg, LLVMDialect };

/// Appends the CPU passes that take a module from kiln ops to `stage`.
/// Returns failure (with a diagnostic) if a textual pipeline does not parse,
/// which would be a bug in this file.
mlir::LogicalResult buildCPUPipeline(mlir::OpPassManager &pm, Stage stage);

} // namespace kiln

#endif // KILN_COMPILER_PIPELINES_PIPELINES_H
