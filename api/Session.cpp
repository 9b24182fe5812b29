//===- Session.cpp - compile, load and train from one place ---------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "api/Session.h"

#include "compiler/Registration/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cstdlib>
#include <mutex>

namespace kiln {

mlir::DialectRegistry compilerRegistry() {
  static std::once_flag registered;
  std::call_once(registered, [] { registerAllPasses(); });
  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  return registry;
}

CollectingContext::CollectingContext()
    : ctx_(compilerRegistry()), handler_(&ctx_, [this](mlir::Diagnostic &diag) {
        if (diag.getSeverity() == mlir::DiagnosticSeverity::Error) {
          std::string loc;
          llvm::raw_string_ostream os(loc);
          os << diag.getLocation();
          messages_ += loc + ": " + diag.str() + "\n";
        }
        return mlir::success();
      }) {}

std::string runtimeArchivePath(const std::string &fallback) {
  if (const char *env = std::getenv("KILN_RUNTIME_LIB"))
    return env;
  if (!fallback.empty() && llvm::sys::fs::exists(fallback))
    return fallback;
  return KILN_RUNTIME_ARCHIVE;
}

std::unique_ptr<TrainingSession>
TrainingSession::create(mlir::ModuleOp module, CompileOptions options,
                        std::string &error) {
  std::unique_ptr<TrainingSession> s(new TrainingSession());
  options.training.enabled = true;
  if (options.runtimeArchive.empty())
    options.runtimeArchive = runtimeArchivePath();
  if (options.outputDir.empty()) {
    llvm::SmallString<256> dir;
    if (llvm::sys::fs::createUniqueDirectory("kiln-train", dir)) {
      error = "cannot create a temporary directory";
      return nullptr;
    }
    options.outputDir = std::string(dir);
    s->temporary_ = true;
  }
  s->dir_ = options.outputDir;
  if (mlir::failed(compile(module, options))) {
    error.clear(); // the diagnostics say why
    return nullptr;
  }
  llvm::SmallString<256> so(s->dir_);
  llvm::sys::path::append(so, "lib" + options.name + ".so");
  // The runtime loads the library, checks its description version and
  // parses it (the one parser).
  if (kiln_library_open(so.c_str(), options.name.c_str(), &s->library_) !=
      KILN_OK) {
    error = kiln_last_error();
    return nullptr;
  }
  auto create = s->fn<int (*)(kiln_model_t **)>("create");
  if (!s->symbol("fit") || !s->symbol("train_step")) {
    error = "the library '" + std::string(so) + "' is not trainable";
    return nullptr;
  }
  if (create(&s->instance_) != 0) {
    error = "cannot create the model: " + s->lastError();
    return nullptr;
  }
  const kiln_model_t *described = kiln_library_model(s->library_);
  for (int32_t i = 0; i < kiln_model_num_state(described); ++i) {
    std::string name = kiln_model_state_info(described, i)->name;
    s->stateIndex_[name] = i;
    s->stateNames_.push_back(name);
  }
  for (int32_t i = 0; i < kiln_model_num_metrics(described); ++i)
    s->metricNames_.push_back(kiln_model_metric(described, i)->name);
  for (int32_t i = 0; i < kiln_model_num_inputs(described); ++i)
    s->inputs_.push_back(*kiln_model_input(described, i));
  for (int32_t i = 0; i < kiln_model_num_targets(described); ++i)
    s->targets_.push_back(*kiln_model_target(described, i));
  return s;
}

TrainingSession::~TrainingSession() {
  if (instance_)
    fn<void (*)(kiln_model_t *)>("destroy")(instance_);
  kiln_library_close(library_);
  if (temporary_)
    llvm::sys::fs::remove_directories(dir_);
}

void *TrainingSession::symbol(const char *suffix) const {
  return library_ ? kiln_library_symbol(library_, suffix) : nullptr;
}

std::string TrainingSession::lastError() const {
  return library_ ? kiln_library_last_error(library_) : "";
}

int32_t TrainingSession::stateIndex(const std::string &name) const {
  auto it = stateIndex_.find(name);
  return it == stateIndex_.end() ? -1 : it->second;
}

} // namespace kiln
