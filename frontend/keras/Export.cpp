//===- Export.cpp - Model::exportLibrary ----------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The bridge from the Keras API to the compiler: builds the kiln module and
// runs the same driver as `kiln compile`. Kept in its own library
// (KilnKerasExport) so that the model-building API does not depend on the
// compiler.
//
//===----------------------------------------------------------------------===//

#include "kiln/keras/Core.h"

#include "compiler/Driver/Driver.h"
#include "compiler/Registration/Registration.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include <cstdlib>
#include <mutex>

namespace kiln {

void Model::exportLibrary(const std::string &name, const std::string &dir,
                          ExportOptions options) const {
  static std::once_flag registered;
  std::call_once(registered, [] { registerAllPasses(); });
  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  mlir::MLIRContext ctx(registry);
  std::string messages;
  mlir::ScopedDiagnosticHandler handler(&ctx, [&](mlir::Diagnostic &diag) {
    if (diag.getSeverity() == mlir::DiagnosticSeverity::Error) {
      std::string loc;
      llvm::raw_string_ostream os(loc);
      os << diag.getLocation();
      messages += loc + ": " + diag.str() + "\n";
    }
    return mlir::success();
  });
  mlir::OwningOpRef<mlir::ModuleOp> module = buildModule(ctx);
  CompileOptions o;
  o.name = name;
  o.outputDir = dir;
  o.externalWeights = options.externalWeights;
  const char *env = std::getenv("KILN_RUNTIME_LIB");
  o.runtimeArchive = env ? env : KILN_RUNTIME_ARCHIVE;
  if (mlir::failed(compile(*module, o)))
    throw Error("exporting model '" + this->name() + "' failed:\n" + messages);
}

} // namespace kiln
