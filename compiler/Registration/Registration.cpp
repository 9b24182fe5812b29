//===- Registration.cpp - register Kiln's dialects and passes -------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "compiler/Registration/Registration.h"

#include "compiler/Codegen/Passes.h"
#include "compiler/Conversion/Passes.h"
#include "dialects/kiln/IR/KilnDialect.h"
#include "dialects/kiln/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"

void kiln::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<kiln::KilnDialect>();
  // Kiln lowers through linalg, tensor, bufferization, scf, vector, LLVM and
  // the GPU dialects; registering all of upstream keeps kiln-opt usable for
  // any intermediate IR the pipelines print.
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
}

void kiln::registerAllPasses() {
  kiln::registerKilnPasses();
  kiln::registerKilnConversionPasses();
  kiln::registerKilnCodegenPasses();
  mlir::registerAllPasses();
}
