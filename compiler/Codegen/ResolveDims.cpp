//===- ResolveDims.cpp - dynamic sizes in terms of function arguments -----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// One greedy rewrite with the folds that move a `tensor.dim` up the
// def-use chain: through loop results (shape-preserving tile loops), through
// ops that reify their result shapes, and through `tensor.empty`. Upstream
// has them in two passes plus canonicalize; only together do they reach a
// fixed point.
//
//===----------------------------------------------------------------------===//

#include "compiler/Codegen/Passes.h"

#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace kiln {
#define GEN_PASS_DEF_RESOLVEDIMSPASS
#include "compiler/Codegen/Passes.h.inc"
} // namespace kiln

namespace {

struct ResolveDimsPass : kiln::impl::ResolveDimsPassBase<ResolveDimsPass> {
  using ResolveDimsPassBase::ResolveDimsPassBase;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    scf::populateSCFForLoopCanonicalizationPatterns(patterns);
    memref::populateResolveRankedShapedTypeResultDimsPatterns(patterns);
    tensor::DimOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::EmptyOp::getCanonicalizationPatterns(patterns, ctx);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
