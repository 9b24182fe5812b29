//===- Driver.h - compile(module, options) -> artifacts ---------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#ifndef KILN_COMPILER_DRIVER_DRIVER_H
#define KILN_COMPILER_DRIVER_DRIVER_H

#include "compiler/Pipelines/TargetOptions.h"
#include "dialects/kiln/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace kiln {

/// What `compile` produces.
enum class EmitKind { Kiln, Linalg, LLVMDialect, LLVMIR, Asm, Obj, SharedLib };

/// A trainable library: the model function's arguments marked
/// `kiln.trainable` (or `kiln.weight`, non-trainable) are its weights, with
/// their initial values in `kiln.initial_value` (zeros without one).
/// The loss, metrics and optimizer are the training passes' own option
/// structs; the pipeline sets the functions they apply to.
struct TrainingOptions {
  bool enabled = false;
  AddLossPassOptions loss;        ///< loss, from-logits, metrics
  TrainStepPassOptions optimizer; ///< optimizer and its hyperparameters
};

struct CompileOptions {
  std::string name;       ///< model name: symbol prefix, libNAME.so, NAME.h
  std::string outputDir;  ///< where artifacts go; empty: textual output to stdout
  std::string entry;      ///< entry function; empty: the only public function
  EmitKind emit = EmitKind::SharedLib;
  TargetOptions target;
  bool printIRAfterAll = false;
  /// Move constants of at least `externalWeightsMinElements` elements into
  /// NAME.safetensors, loaded at create time, instead of embedding them.
  bool externalWeights = false;
  int64_t externalWeightsMinElements = 2;
  std::string runtimeArchive; ///< libkiln_runtime.a
  TrainingOptions training;
};

/// Parses an --emit value.
std::optional<EmitKind> parseEmitKind(llvm::StringRef text);

/// Compiles `module` (kiln dialect) as `options` says. Errors are reported as
/// diagnostics on the module's context; no partial artifact is left behind.
mlir::LogicalResult compile(mlir::ModuleOp module, const CompileOptions &options);

} // namespace kiln

#endif // KILN_COMPILER_DRIVER_DRIVER_H
