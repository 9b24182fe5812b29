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

LogicalResult buildCPU(OpPassManager &pm, const CPUPipelineOptions &options,
                       Location loc) {
  if (options.stage != "linalg" && options.stage != "llvm-dialect")
    return emitError(loc, "unknown stage '")
           << options.stage << "' (expected linalg or llvm-dialect)";
  kiln::TargetOptions target;
  target.triple = options.triple;
  target.cpu = options.cpu;
  target.vectorWidth = options.vectorWidth;
  if (failed(kiln::resolveTargetOptions(target, loc)))
    return failure();
  kiln::buildKilnPipeline(pm);
  kiln::buildExportPipeline(pm, options.functions);
  kiln::Stage stage = options.stage == "linalg" ? kiln::Stage::Linalg
                                                : kiln::Stage::LLVMDialect;
  return kiln::buildTargetPipeline(pm, target, stage, loc);
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

LogicalResult buildTraining(OpPassManager &pm,
                            const TrainingPipelineCLOptions &options,
                            Location loc) {
  if (options.forward.empty())
    return emitError(loc, "name the model function with forward=NAME");
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
    return emitError(loc, error);
  kiln::buildTrainingPipeline(pm, training);
  return success();
}

/// `kiln-cuda-pipeline`: the GPU slot, which reports that it is empty.
struct CUDAPipelineOptions : PassPipelineOptions<CUDAPipelineOptions> {
  Option<std::string> gpu{*this, "gpu", llvm::cl::desc("SM architecture"),
                          llvm::cl::init("sm_90")};
};

LogicalResult buildCUDA(OpPassManager &pm, const CUDAPipelineOptions &options,
                        Location loc) {
  kiln::TargetOptions target;
  target.kind = kiln::TargetKind::CUDA;
  target.gpuChip = options.gpu;
  return kiln::buildTargetPipeline(pm, target, kiln::Stage::LLVMDialect, loc);
}

/// Registers pipeline `arg`, whose options `Options` parse from the text
/// and whose builder reports errors at a location: a scratch context gives
/// one and keeps the first message, which the pass manager reports as
/// "ARG: message".
template <typename Options>
void registerPipeline(StringRef arg, StringRef description,
                      LogicalResult (*build)(OpPassManager &, const Options &,
                                             Location)) {
  std::string name = arg.str();
  registerPassPipeline(
      arg, description,
      [name, build](OpPassManager &pm, StringRef text,
                    function_ref<LogicalResult(const Twine &)> errorHandler)
          -> LogicalResult {
        Options options;
        if (failed(options.parseFromString(text)))
          return failure();
        MLIRContext scratch;
        std::string error;
        ScopedDiagnosticHandler handler(&scratch, [&](Diagnostic &diag) {
          if (error.empty())
            error = diag.str();
          return success();
        });
        if (failed(build(pm, options, UnknownLoc::get(&scratch))))
          return errorHandler(name + ": " + error);
        return success();
      },
      [](function_ref<void(const detail::PassOptions &)> optHandler) {
        optHandler(Options());
      });
}

void registerKilnPipelines() {
  PassPipelineRegistration<>(
      "kiln-pipeline", "The kiln-level phase of every target",
      [](OpPassManager &pm) { kiln::buildKilnPipeline(pm); });
  registerPipeline<CPUPipelineOptions>(
      "kiln-cpu-pipeline",
      "What `kiln compile` runs for a CPU: kiln level, export, linalg, "
      "tiling, bufferization, LLVM dialect",
      buildCPU);
  registerPipeline<TrainingPipelineCLOptions>(
      "kiln-training-pipeline",
      "What `kiln compile` and `kiln train` add for a trainable library: "
      "kiln-add-loss on the model function (and its training-mode twin), "
      "then kiln-train-step",
      buildTraining);
  registerPipeline<CUDAPipelineOptions>(
      "kiln-cuda-pipeline", "The CUDA target's pipeline (not yet built)",
      buildCUDA);
}

} // namespace

void kiln::registerAllPasses() {
  kiln::registerKilnPasses();
  kiln::registerKilnConversionPasses();
  kiln::registerKilnCodegenPasses();
  mlir::registerAllPasses();
  registerKilnPipelines();
}
