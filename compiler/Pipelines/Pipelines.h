//===- Pipelines.h - the pass pipelines of each target ----------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The only place where Kiln's pass order is written down. Each builder
// appends `create…Pass(options)` calls to a pass manager, one function per
// phase, as IREE writes its pipelines; `kiln compile` (compiler/Driver) and
// `kiln-opt --kiln-cpu-pipeline` (compiler/Registration) both call them, so
// the two run the same passes with the same options.
//
//   kiln level     buildKilnPipeline            canonicalize, shapes
//   training       buildTrainingPipeline        loss, train step (optional)
//   export         buildExportPipeline          the library's functions
//   target         buildTargetPipeline(stage)   CPU: linalg, tiling,
//                                               bufferization, LLVM dialect;
//                                               CUDA: not yet
//
//===----------------------------------------------------------------------===//

#ifndef KILN_COMPILER_PIPELINES_PIPELINES_H
#define KILN_COMPILER_PIPELINES_PIPELINES_H

#include "compiler/Pipelines/TargetOptions.h"
#include "dialects/kiln/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"

#include <string>
#include <vector>

namespace kiln {

/// The IR levels a target pipeline can stop at (`kiln compile --emit`).
enum class Stage { Linalg, LLVMDialect };

/// What a trainable library trains: the loss and metrics (kiln-add-loss)
/// and the optimizer (kiln-train-step), as the passes' own option structs.
/// The `function` fields are set by the pipeline from `forward`.
struct TrainingPipelineOptions {
  std::string forward;          ///< the model function
  bool separateTraining = false; ///< `<forward>_training` is the training-mode forward
  AddLossPassOptions loss;
  TrainStepPassOptions optimizer;
};

/// kiln level: simplify and refine shapes.
void buildKilnPipeline(mlir::OpPassManager &pm);

/// Adds the eval function (`<forward>_loss`) and the train step to a module
/// at the kiln level. Every trainable library takes per-example weights and
/// its learning rate as an argument.
void buildTrainingPipeline(mlir::OpPassManager &pm,
                           const TrainingPipelineOptions &options);

/// Marks `functions` (empty: every public function) as the library's entry
/// points and drops the functions nothing calls.
void buildExportPipeline(mlir::OpPassManager &pm,
                         llvm::ArrayRef<std::string> functions);

/// From kiln ops to `stage` for `target` (resolved: see
/// resolveTargetOptions). Fails with a diagnostic at `loc` for a target
/// that has no pipeline yet.
mlir::LogicalResult buildTargetPipeline(mlir::OpPassManager &pm,
                                        const TargetOptions &target,
                                        Stage stage, mlir::Location loc);

/// The CPU phases buildTargetPipeline chains.
void buildCPULinalgPipeline(mlir::OpPassManager &pm,
                            const TargetOptions &target);
void buildCPUBufferizePipeline(mlir::OpPassManager &pm);
void buildCPULLVMPipeline(mlir::OpPassManager &pm);

} // namespace kiln

#endif // KILN_COMPILER_PIPELINES_PIPELINES_H
