//===- Pipelines.cpp - the pass pipelines of each target ------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The CPU pipeline, stage by stage. Upstream passes are named in textual
// form so that the order reads as a list; Kiln's own passes are registered
// under their arguments too.
//
//===----------------------------------------------------------------------===//

#include "compiler/Pipelines/Pipelines.h"

#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

namespace kiln {

/// kiln level: verify, simplify, refine shapes.
static const char *const kKilnStage =
    "canonicalize,cse,func.func(kiln-infer-shapes),canonicalize";

/// kiln -> linalg on tensors, with elementwise fusion, then tiling with
/// producer fusion and vectorization. Tiling sizes each loop from its
/// operand (`tensor.dim` of the previous loop's result); resolving those
/// dims back to the function's arguments leaves one SSA value per dynamic
/// size. Without it, bufferization's subset analysis must prove sizes equal
/// through every earlier loop, which is quadratic in the depth of the model
/// (minutes for an EfficientNet).
static const char *const kLinalgStage =
    "kiln-convert-to-linalg,func.func(kiln-convert-scan-to-scf),"
    "canonicalize,cse,"
    "linalg-fuse-elementwise-ops,canonicalize,cse,"
    "func.func(kiln-cpu-tile-and-vectorize),canonicalize,cse,"
    "func.func(kiln-resolve-dims),canonicalize,cse";

/// Bufferization across function boundaries with identity layouts, then
/// ownership-based deallocation, which also makes every returned buffer
/// owned by the caller (the runtime frees results after copying them).
static const char *const kBufferizeStage =
    "one-shot-bufferize{allow-return-allocs-from-loops "
    "bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map},"
    "func.func(ownership-based-buffer-deallocation),canonicalize,"
    "buffer-deallocation-simplification,bufferization-lower-deallocations,"
    "convert-bufferization-to-memref,cse,canonicalize";

/// Loops and the LLVM dialect. expand-strided-metadata creates affine.apply,
/// so it runs before lower-affine; math-to-libm scalarizes vector math with
/// vector ops, so it runs before vector-to-llvm. convert-vector-to-scf
/// unrolls n-D transfers into 1-D ones: without full-unroll it stages them
/// through a memref.alloca placed inside the tile loop, and the stack grows
/// by one vector per iteration (an EfficientNet at batch 3 overflowed 8 MB).
/// Public functions get C interface wrappers (`_mlir_ciface_*`), which the
/// model wrapper calls.
static const char *const kLLVMStage =
    "func.func(convert-linalg-to-loops,lower-vector-mask,"
    "lower-vector-multi-reduction),convert-vector-to-scf{full-unroll=true},"
    "expand-strided-metadata,lower-affine,convert-scf-to-cf,"
    "convert-math-to-llvm,convert-math-to-libm,convert-vector-to-llvm,"
    "finalize-memref-to-llvm,convert-arith-to-llvm,convert-index-to-llvm,"
    "convert-func-to-llvm,convert-cf-to-llvm,convert-ub-to-llvm,"
    "reconcile-unrealized-casts";

LogicalResult buildCPUPipeline(OpPassManager &pm, Stage stage) {
  std::string text = kKilnStage;
  if (stage != Stage::Kiln)
    text += std::string(",") + kLinalgStage;
  if (stage == Stage::LLVMDialect)
    text += std::string(",") + kBufferizeStage + "," + kLLVMStage;
  return parsePassPipeline(text, pm);
}

} // namespace kiln
