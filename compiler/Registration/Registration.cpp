//===- Registration.cpp - register Kiln's dialects, passes, pipelines -----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The pipelines registered here call the builders of compiler/Pipelines
// with the same typed options the driver passes, so `kiln-opt
// --kiln-cpu-pipeline` prints what `kiln compile --emit=llvm-dialect`
// prints.
//
//===----------------------------------------------------------------------===//

#include "compiler/Registration/Registration.h"

#include "compiler/Codegen/Passes.h"
#include "compiler/Conversion/Passes.h"
#include "compiler/Pipelines/Pipelines.h"
#include "compiler/Target/Codegen.h"
#include "dialects/kiln/IR/KilnDialect.h"
#include "dialects/kiln/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassOptions.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

void kiln::registerAllDialects(DialectRegistry &registry) {
  registry.insert<kiln::KilnDialect>();
  // Kiln lowers through linalg, tensor, bufferization, scf, vector, LLVM and
  // the GPU dialects; registering all of upstream keeps kiln-opt usable for
  // any intermediate IR the pipelines print.
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
}

namespace {

/// `kiln-cpu-pipeline`'s options: the target (as `kiln compile` takes it)
/// and the exported functions.
struct CPUPipelineOptions : PassPipelineOptions<CPUPipelineOptions> {
  Option<std::string> triple{*this, "triple",
                             llvm::cl::desc("LLVM target triple (default: host)")};
  Option<std::string> cpu{*this, "cpu",
                          llvm::cl::desc("Target CPU (default: the host's)")};
  Option<int64_t> vectorWidth{
      *this, "vector-width",
      llvm::cl::desc("f32 lanes of a vector register (default: from the "
                     "target's features)"),
      llvm::cl::init(0)};
  Option<std::string> stage{
      *this, "stage",
      llvm::cl::desc("Where to stop: linalg or llvm-dialect (default)"),
      llvm::cl::init("llvm-dialect")};
  ListOption<std::string> functions{
      *this, "functions",
      llvm::cl::desc("The library's functions (default: every public one)")};
};

LogicalResult buildRegisteredCPUPipeline(
    OpPassManager &pm, StringRef text,
    function_ref<LogicalResult(const Twine &)> errorHandler) {
  CPUPipelineOptions options;
  if (failed(options.parseFromString(text)))
    return failure();
  if (options.stage != "linalg" && options.stage != "llvm-dialect")
    return errorHandler("kiln-cpu-pipeline: unknown stage '" + options.stage +
                        "' (expected linalg or llvm-dialect)");
  kiln::TargetOptions target;
  target.triple = options.triple;
  target.cpu = options.cpu;
  target.vectorWidth = options.vectorWidth;
  // Resolving reports through a location; a scratch context gives one.
  MLIRContext scratch;
  std::string error;
  ScopedDiagnosticHandler handler(&scratch, [&](Diagnostic &diag) {
    error = diag.str();
    return success();
  });
  if (failed(kiln::resolveTargetOptions(target, UnknownLoc::get(&scratch))))
    return errorHandler("kiln-cpu-pipeline: " + error);
  kiln::buildKilnPipeline(pm);
  kiln::buildExportPipeline(pm, options.functions);
  kiln::Stage stage = options.stage == "linalg" ? kiln::Stage::Linalg
                                                : kiln::Stage::LLVMDialect;
  if (failed(kiln::buildTargetPipeline(pm, target, stage,
                                       UnknownLoc::get(&scratch))))
    return errorHandler("kiln-cpu-pipeline: " + error);
  return success();
}

/// `kiln-training-pipeline`'s options: the model function, the loss and
/// metrics (kiln-add-loss's names) and the optimizer; further
/// kiln-train-step options as `optimizer-options`.
struct TrainingPipelineCLOptions
    : PassPipelineOptions<TrainingPipelineCLOptions> {
  Option<std::string> forward{*this, "forward",
                              llvm::cl::desc("The model function")};
  Option<bool> separateTraining{
      *this, "separate-training",
      llvm::cl::desc("The module has <forward>_training, the training-mode "
                     "forward whose loss the step differentiates"),
      llvm::cl::init(false)};
  Option<std::string> loss{*this, "loss", llvm::cl::desc("Keras loss name"),
                           llvm::cl::init("mean_squared_error")};
  Option<bool> fromLogits{*this, "from-logits",
                          llvm::cl::desc("The cross-entropy takes logits"),
                          llvm::cl::init(false)};
  ListOption<std::string> metrics{*this, "metrics",
                                  llvm::cl::desc("Keras metric names")};
  Option<std::string> optimizer{*this, "optimizer",
                                llvm::cl::desc("sgd, adam, adamw, rmsprop, adagrad"),
                                llvm::cl::init("sgd")};
  Option<std::string> optimizerOptions{
      *this, "optimizer-options",
      llvm::cl::desc("More kiln-train-step options, e.g. 'momentum=0.9'")};
};

LogicalResult buildRegisteredTrainingPipeline(
    OpPassManager &pm, StringRef text,
    function_ref<LogicalResult(const Twine &)> errorHandler) {
  TrainingPipelineCLOptions options;
  if (failed(options.parseFromString(text)))
    return failure();
  if (options.forward.empty())
    return errorHandler("kiln-training-pipeline: name the model function "
                        "with forward=NAME");
  kiln::TrainingPipelineOptions training;
  training.forward = options.forward;
  training.separateTraining = options.separateTraining;
  training.loss.loss = options.loss;
  training.loss.fromLogits = options.fromLogits;
  training.loss.metrics.assign(options.metrics.begin(), options.metrics.end());
  training.optimizer.optimizer = options.optimizer;
  std::string error;
  if (failed(kiln::parseTrainStepOptions(options.optimizerOptions,
                                         training.optimizer, error)))
    return errorHandler("kiln-training-pipeline: " + error);
  kiln::buildTrainingPipeline(pm, training);
  return success();
}

/// `kiln-cuda-pipeline`: the GPU slot, which reports that it is empty.
struct CUDAPipelineOptions : PassPipelineOptions<CUDAPipelineOptions> {
  Option<std::string> gpu{*this, "gpu", llvm::cl::desc("SM architecture"),
                          llvm::cl::init("sm_90")};
};

LogicalResult buildRegisteredCUDAPipeline(
    OpPassManager &pm, StringRef text,
    function_ref<LogicalResult(const Twine &)> errorHandler) {
  CUDAPipelineOptions options;
  if (failed(options.parseFromString(text)))
    return failure();
  kiln::TargetOptions target;
  target.kind = kiln::TargetKind::CUDA;
  target.gpuChip = options.gpu;
  MLIRContext scratch;
  std::string error;
  ScopedDiagnosticHandler handler(&scratch, [&](Diagnostic &diag) {
    error = diag.str();
    return success();
  });
  if (failed(kiln::buildTargetPipeline(pm, target, kiln::Stage::LLVMDialect,
                                       UnknownLoc::get(&scratch))))
    return errorHandler("kiln-cuda-pipeline: " + error);
  return success();
}

void registerKilnPipelines() {
  PassPipelineRegistration<>(
      "kiln-pipeline", "The kiln-level phase of every target",
      [](OpPassManager &pm) { kiln::buildKilnPipeline(pm); });
  registerPassPipeline(
      "kiln-cpu-pipeline",
      "What `kiln compile` runs for a CPU: kiln level, export, linalg, "
      "tiling, bufferization, LLVM dialect",
      buildRegisteredCPUPipeline,
      [](function_ref<void(const detail::PassOptions &)> optHandler) {
        optHandler(CPUPipelineOptions());
      });
  registerPassPipeline(
      "kiln-training-pipeline",
      "What `kiln compile` and `kiln train` add for a trainable library: "
      "kiln-add-loss on the model function (and its training-mode twin), "
      "then kiln-train-step",
      buildRegisteredTrainingPipeline,
      [](function_ref<void(const detail::PassOptions &)> optHandler) {
        optHandler(TrainingPipelineCLOptions());
      });
  registerPassPipeline(
      "kiln-cuda-pipeline", "The CUDA target's pipeline (not yet built)",
      buildRegisteredCUDAPipeline,
      [](function_ref<void(const detail::PassOptions &)> optHandler) {
        optHandler(CUDAPipelineOptions());
      });
}

} // namespace

void kiln::registerAllPasses() {
  kiln::registerKilnPasses();
  kiln::registerKilnConversionPasses();
  kiln::registerKilnCodegenPasses();
  mlir::registerAllPasses();
  registerKilnPipelines();
}
