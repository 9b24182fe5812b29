//===- Pipelines.cpp - the pass pipelines of each target ------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Each phase as a list of `create…Pass` calls with typed options. The
// comments say why a pass sits where it does; docs/architecture.md walks a
// model through the phases.
//
//===----------------------------------------------------------------------===//

#include "compiler/Pipelines/Pipelines.h"

#include "compiler/Codegen/Passes.h"
#include "compiler/Conversion/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Vector/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace kiln {

static void addCleanup(OpPassManager &pm) {
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

//===----------------------------------------------------------------------===//
// Target-independent phases
//===----------------------------------------------------------------------===//

void buildKilnPipeline(OpPassManager &pm) {
  addCleanup(pm);
  pm.addNestedPass<func::FuncOp>(createInferShapesPass());
  pm.addPass(createCanonicalizerPass());
}

void buildTrainingPipeline(OpPassManager &pm,
                           const TrainingPipelineOptions &options) {
  // The inference-mode forward gives the eval function; a separate
  // training-mode forward (dropout on, batch statistics) gives the loss the
  // train step differentiates.
  AddLossPassOptions loss = options.loss;
  loss.sampleWeight = true;
  loss.function = options.forward;
  pm.addPass(createAddLossPass(loss));
  std::string trained = options.forward;
  if (options.separateTraining) {
    trained += "_training";
    loss.function = trained;
    pm.addPass(createAddLossPass(loss));
  }
  TrainStepPassOptions step = options.optimizer;
  step.function = trained + "_loss";
  step.learningRateArgument = true;
  pm.addPass(createTrainStepPass(step));
}

void buildExportPipeline(OpPassManager &pm, ArrayRef<std::string> functions) {
  ExportFunctionsPassOptions options;
  options.functions.assign(functions.begin(), functions.end());
  pm.addPass(createExportFunctionsPass(options));
}

//===----------------------------------------------------------------------===//
// CPU
//===----------------------------------------------------------------------===//

void buildCPULinalgPipeline(OpPassManager &pm, const TargetOptions &target) {
  pm.addPass(createConvertKilnToLinalgPass());
  pm.addNestedPass<func::FuncOp>(createConvertScanToSCFPass());
  addCleanup(pm);
  pm.addPass(createFuseElementwisePass());
  addCleanup(pm);
  // After elementwise fusion has gathered each kernel's tail into one
  // generic; before tiling, which leaves kernels and epilogues whole.
  pm.addPass(createFuseEpiloguesPass());
  // Tiles hold one vector register of f32 on the innermost loop.
  TileAndVectorizePassOptions tiling;
  tiling.vectorWidth = target.vectorWidth > 0 ? target.vectorWidth : 16;
  pm.addNestedPass<func::FuncOp>(createTileAndVectorizePass(tiling));
  addCleanup(pm);
  // Tiling sizes each loop from its operand (`tensor.dim` of the previous
  // loop's result); resolving those dims back to the function's arguments
  // leaves one SSA value per dynamic size. Without it, bufferization's
  // subset analysis must prove sizes equal through every earlier loop,
  // which is quadratic in the depth of the model (minutes for an
  // EfficientNet).
  pm.addNestedPass<func::FuncOp>(createResolveDimsPass());
  addCleanup(pm);
}

void buildCPUBufferizePipeline(OpPassManager &pm) {
  // Across function boundaries with identity layouts, then ownership-based
  // deallocation, which also makes every returned buffer owned by the
  // caller (the runtime frees results after copying them).
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.allowReturnAllocsFromLoops = true;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addNestedPass<func::FuncOp>(
      bufferization::createOwnershipBasedBufferDeallocationPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(bufferization::createBufferDeallocationSimplificationPass());
  pm.addPass(bufferization::createLowerDeallocationsPass());
  pm.addPass(createConvertBufferizationToMemRefPass());
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
}

void buildCPULLVMPipeline(OpPassManager &pm) {
  // Matmuls and convolutions, left whole by the tiling pass, become calls
  // into the runtime's packed, register-blocked engine; it needs buffers
  // (strides) and runs before the remaining linalg ops become loops.
  pm.addPass(createLowerToUKernelsPass());
  OpPassManager &fn = pm.nest<func::FuncOp>();
  fn.addPass(createConvertLinalgToLoopsPass());
  fn.addPass(vector::createLowerVectorMaskPass());
  fn.addPass(vector::createLowerVectorMultiReductionPass());
  // Unroll n-D transfers into 1-D ones: without full unrolling they are
  // staged through a memref.alloca placed inside the tile loop, and the
  // stack grows by one vector per iteration (an EfficientNet at batch 3
  // overflowed 8 MB).
  pm.addPass(createConvertVectorToSCFPass(
      VectorTransferToSCFOptions().enableFullUnroll()));
  // expand-strided-metadata creates affine.apply, so it runs before
  // lower-affine.
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  // math-to-libm scalarizes vector math with vector ops, so it runs before
  // vector-to-llvm.
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertVectorToLLVMPass());
  // Allocations go through the runtime's caching heap
  // (runtime/src/buffers.c), so calls after the first reuse their buffers.
  FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
  memrefToLLVM.useGenericFunctions = true;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  // Public functions get C interface wrappers (`_mlir_ciface_*`), which the
  // model wrapper calls.
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

LogicalResult buildTargetPipeline(OpPassManager &pm,
                                  const TargetOptions &target, Stage stage,
                                  Location loc) {
  switch (target.kind) {
  case TargetKind::CPU:
    buildCPULinalgPipeline(pm, target);
    if (stage == Stage::LLVMDialect) {
      buildCPUBufferizePipeline(pm);
      buildCPULLVMPipeline(pm);
    }
    return success();
  case TargetKind::CUDA:
    // The slot the GPU pipeline fills: tiling onto blocks and threads,
    // shared-memory promotion, outlining, NVVM.
    return emitError(loc, "the CUDA target has no pipeline yet");
  }
  return emitError(loc, "unknown target kind");
}

} // namespace kiln
