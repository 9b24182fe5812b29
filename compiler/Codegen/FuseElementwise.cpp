//===- FuseElementwise.cpp - elementwise fusion that keeps contractions ---===//
//
// SPDX-License-Identifier: Apache-2.0
//
// See the pass description in compiler/Codegen/Passes.td.
//
//===----------------------------------------------------------------------===//

#include "compiler/Codegen/CPU/UKernels.h"
#include "compiler/Codegen/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace kiln {
#define GEN_PASS_DEF_FUSEELEMENTWISEPASS
#include "compiler/Codegen/Passes.h.inc"
} // namespace kiln

namespace {

/// Whether `op` is a linalg op that stays a contraction or convolution of
/// its own (a micro-kernel call on the CPU).
bool isKernel(Operation *op) {
  auto linalgOp = dyn_cast_or_null<linalg::LinalgOp>(op);
  return linalgOp && kiln::isUKernelOp(linalgOp);
}

/// Fuse when the producer has one use and neither side is a kernel op: an
/// elementwise producer fused into a matmul (a softmax into attention's
/// second product, a scaling into the first) or a reshape folded into one
/// would turn it into a generic the micro-kernels do not take.
bool shouldFuse(OpOperand *fused) {
  Operation *producer = fused->get().getDefiningOp();
  return producer && producer->hasOneUse() && !isKernel(producer) &&
         !isKernel(fused->getOwner());
}

/// A transpose as a generic with a permuted input map, so that fusion can
/// compose it with its neighbours: a model imported in NCHW surrounds each
/// NHWC convolution with transposes, and the elementwise ops between two
/// convolutions (a ReLU, a residual add) fold into one NHWC generic whose
/// maps are the identity again.
struct GeneralizeTranspose : OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return failure();
    return linalg::generalizeNamedOp(rewriter, op);
  }
};

/// An elementwise generic whose every user reads its result through the
/// same permutation computes the permuted result instead: iterating in the
/// users' order, its input maps composed with the permutation, its output
/// and the users' reads the identity. The block output of a residual
/// network imported in NCHW feeds both the next convolution (through a
/// transpose to NHWC) and the next residual add: it is then produced in
/// NHWC once, and the transpose becomes a copy that folds away.
struct PermuteResultForUsers : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.getNumDpsInits() != 1 ||
        op.getNumLoops() != op.getNumParallelLoops() || isKernel(op))
      return failure();
    OpOperand *init = op.getDpsInitOperand(0);
    if (!op.getMatchingIndexingMap(init).isIdentity() ||
        !op.getMatchingBlockArgument(init).use_empty())
      return failure();
    Value result = op->getResult(0);
    AffineMap perm;
    for (OpOperand &use : result.getUses()) {
      auto user = dyn_cast<linalg::GenericOp>(use.getOwner());
      if (!user || isKernel(user) || !user.isDpsInput(&use))
        return failure();
      AffineMap map = user.getMatchingIndexingMap(&use);
      if (!map.isPermutation() || map.isIdentity() || (perm && map != perm))
        return failure();
      perm = map;
    }
    if (!perm)
      return failure();

    // The permuted result: dimension i is the users' loop i.
    Location loc = op.getLoc();
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, init->get());
    SmallVector<OpFoldResult> permuted(sizes.size());
    for (unsigned j = 0; j < perm.getNumResults(); ++j)
      permuted[perm.getDimPosition(j)] = sizes[j];
    Type elementType = getElementTypeOrSelf(result.getType());
    Value empty = tensor::EmptyOp::create(rewriter, loc, permuted, elementType);
    SmallVector<AffineMap> maps;
    for (OpOperand *input : op.getDpsInputOperands())
      maps.push_back(op.getMatchingIndexingMap(input).compose(perm));
    maps.push_back(AffineMap::getMultiDimIdentityMap(perm.getNumDims(),
                                                     getContext()));
    auto permutedOp = linalg::GenericOp::create(
        rewriter, loc, TypeRange{empty.getType()}, op.getDpsInputs(),
        ValueRange{empty}, maps, op.getIteratorTypesArray());
    rewriter.inlineRegionBefore(op.getRegion(), permutedOp.getRegion(),
                                permutedOp.getRegion().end());
    // Loop j of the old order is loop perm(j) of the new one.
    permutedOp.getRegion().walk([&](linalg::IndexOp index) {
      rewriter.modifyOpInPlace(index, [&] {
        index.setDim(perm.getDimPosition(index.getDim()));
      });
    });
    AffineMap identity = AffineMap::getMultiDimIdentityMap(
        perm.getNumResults(), getContext());
    for (OpOperand &use : llvm::make_early_inc_range(result.getUses())) {
      auto user = cast<linalg::GenericOp>(use.getOwner());
      SmallVector<AffineMap> userMaps = user.getIndexingMapsArray();
      userMaps[use.getOperandNumber()] = identity;
      rewriter.modifyOpInPlace(user, [&] {
        user.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(userMaps));
        use.set(permutedOp->getResult(0));
      });
    }
    rewriter.eraseOp(op);
    return success();
  }
};

/// Whether `op` only permutes its one input: an all-parallel generic with
/// a permutation input map, an identity output map and a body that yields
/// the input unchanged.
bool isPureTranspose(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1 ||
      op.getNumLoops() != op.getNumParallelLoops())
    return false;
  OpOperand *input = op.getDpsInputOperand(0);
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  return op.getMatchingIndexingMap(input).isPermutation() &&
         op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity() &&
         body.getOperations().size() == 1 &&
         yield.getOperand(0) == op.getMatchingBlockArgument(input);
}

/// A transpose whose only user is a matrix multiply the runtime computes
/// becomes that product's indexing map: the engine reads operands at any
/// strides, so the backward pass's transposed weights and activations, and
/// attention's transposed keys, need no copy. The product becomes a
/// generic contraction (still a micro-kernel op).
struct FoldTransposeIntoMatmul
    : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;
  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || !kiln::matchUKernelMatmul(op))
      return failure();
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    SmallVector<Value> inputs = op.getDpsInputs();
    bool folded = false;
    for (OpOperand *input : op.getDpsInputOperands()) {
      auto transpose = input->get().getDefiningOp<linalg::GenericOp>();
      if (!transpose || !transpose->hasOneUse() || !isPureTranspose(transpose))
        continue;
      unsigned i = input->getOperandNumber();
      maps[i] = transpose.getIndexingMapsArray()[0].compose(maps[i]);
      inputs[i] = transpose.getDpsInputs()[0];
      folded = true;
    }
    if (!folded)
      return failure();
    auto generic = linalg::GenericOp::create(
        rewriter, op.getLoc(), op->getResultTypes(), inputs, op.getDpsInits(),
        maps, op.getIteratorTypesArray());
    rewriter.cloneRegionBefore(op->getRegion(0), generic.getRegion(),
                               generic.getRegion().end());
    rewriter.replaceOp(op, generic->getResults());
    return success();
  }
};

struct FuseElementwisePass
    : kiln::impl::FuseElementwisePassBase<FuseElementwisePass> {
  void runOnOperation() override {
    Operation *op = getOperation();
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    patterns.add<GeneralizeTranspose, PermuteResultForUsers,
                 FoldTransposeIntoMatmul>(context);
    linalg::populateElementwiseOpsFusionPatterns(patterns, shouldFuse);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, shouldFuse);
    tensor::populateBubbleUpExpandShapePatterns(patterns);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, context);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, context);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, context);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, context);
    context->getLoadedDialect<linalg::LinalgDialect>()
        ->getCanonicalizationPatterns(patterns);
    linalg::populateConstantFoldLinalgOperations(patterns, shouldFuse);
    // Top-down for compile time, as upstream's pass.
    if (failed(applyPatternsGreedily(
            op, std::move(patterns),
            GreedyRewriteConfig().setUseTopDownTraversal())))
      signalPassFailure();
  }
};

} // namespace
