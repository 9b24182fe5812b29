//===- Session.h - compile, load and train from one place -------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The layer above the frontends and the compiler that the C++ Keras API
// (Model::exportLibrary, compile/fit/evaluate/predict) and the `kiln` tool
// (kiln compile, kiln train) share: an MLIR context with Kiln registered,
// the path of the runtime archive generated libraries link, and a
// trainable library compiled into a directory, loaded, with one instance.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_API_SESSION_H
#define KILN_API_SESSION_H

#include "compiler/Driver/Driver.h"

#include "kiln/library.h"
#include "kiln/runtime.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kiln {

/// An MLIR context with Kiln's dialects and passes registered.
mlir::DialectRegistry compilerRegistry();

/// A compiler context that collects error diagnostics as text (for APIs
/// that report errors as strings or exceptions rather than to stderr).
class CollectingContext {
public:
  CollectingContext();
  mlir::MLIRContext &context() { return ctx_; }
  /// The errors reported so far, one "location: message" per line.
  const std::string &messages() const { return messages_; }

private:
  mlir::MLIRContext ctx_;
  std::string messages_;
  mlir::ScopedDiagnosticHandler handler_;
};

/// The runtime archive generated libraries link: $KILN_RUNTIME_LIB, else
/// `fallback` (the tool's ../lib/libkiln_runtime.a), else the one this
/// build produced.
std::string runtimeArchivePath(const std::string &fallback = "");

/// A trainable library compiled from a kiln module and loaded, with one
/// instance of it. Its functions are reached through the library's own
/// exported API (`NAME_fit`, `NAME_get_state`, ...), never through a
/// second copy of the runtime.
class TrainingSession {
public:
  /// Compiles `module` as `options` says (training enabled; an empty
  /// outputDir means a temporary directory removed with the session), then
  /// loads the library and creates an instance. On failure returns null
  /// with `error` set; compiler diagnostics go to the context's handler.
  static std::unique_ptr<TrainingSession> create(mlir::ModuleOp module,
                                                 CompileOptions options,
                                                 std::string &error);
  ~TrainingSession();
  TrainingSession(const TrainingSession &) = delete;
  TrainingSession &operator=(const TrainingSession &) = delete;

  /// `NAME_<suffix>` of the library, null when absent.
  void *symbol(const char *suffix) const;
  template <typename F> F fn(const char *suffix) const {
    return reinterpret_cast<F>(symbol(suffix));
  }
  kiln_model_t *instance() const { return instance_; }
  /// The library's last error in this thread.
  std::string lastError() const;

  /// The state tensors (weights, optimizer slots, ...) and the loss and
  /// metrics, by name and in the library's order.
  const std::vector<std::string> &stateNames() const { return stateNames_; }
  const std::vector<std::string> &metricNames() const { return metricNames_; }
  /// The index of the state named `name`, -1 when there is none.
  int32_t stateIndex(const std::string &name) const;
  /// The inputs and targets of a step, as the runtime describes them.
  const std::vector<kiln_tensor_info_t> &inputs() const { return inputs_; }
  const std::vector<kiln_tensor_info_t> &targets() const { return targets_; }

private:
  TrainingSession() = default;
  std::string dir_;
  bool temporary_ = false;
  kiln_library_t *library_ = nullptr;
  kiln_model_t *instance_ = nullptr;
  std::vector<std::string> stateNames_, metricNames_;
  std::map<std::string, int32_t> stateIndex_;
  std::vector<kiln_tensor_info_t> inputs_, targets_;
};

} // namespace kiln

#endif // KILN_API_SESSION_H
