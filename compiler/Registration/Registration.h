//===- Registration.h - register Kiln's dialects and passes -----*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#ifndef KILN_COMPILER_REGISTRATION_REGISTRATION_H
#define KILN_COMPILER_REGISTRATION_REGISTRATION_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace kiln {

/// Adds the kiln dialect and every upstream dialect (with its interface
/// extensions) that Kiln's pipelines produce or consume.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Registers Kiln's passes and the upstream passes, for kiln-opt and for
/// textual pipelines.
void registerAllPasses();

} // namespace kiln

#endif // KILN_COMPILER_REGISTRATION_REGISTRATION_H
