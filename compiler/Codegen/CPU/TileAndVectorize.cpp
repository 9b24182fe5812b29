//===- TileAndVectorize.cpp - tile, fuse producers, vectorize -------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// See the pass description in compiler/Codegen/Passes.td.
//
//===----------------------------------------------------------------------===//

#include "compiler/Codegen/CPU/UKernels.h"
#include "compiler/Codegen/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/AffineExprVisitor.h"
#include "llvm/ADT/DenseSet.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/TilingInterface.h"

using namespace mlir;

namespace kiln {
#define GEN_PASS_DEF_TILEANDVECTORIZEPASS
#include "compiler/Codegen/Passes.h.inc"
} // namespace kiln

namespace {

/// Whether no result of `op` feeds another linalg op: such an op ends a
/// producer chain and is tiled, pulling its producers in.
bool isTileable(linalg::LinalgOp op);

/// Whether `op` is left whole: a micro-kernel op (kiln-cpu-lower-to-ukernels
/// replaces it after bufferization), its epilogue, or a fill used only as
/// such ops' output init, which that pass folds into the calls (also when
/// bufferization copies one shared fill into several outputs).
bool isLeftWhole(linalg::LinalgOp op) {
  if (kiln::isUKernelOp(op) || kiln::epilogueKernel(op))
    return true;
  if (!isa<linalg::FillOp>(op.getOperation()) || op->use_empty())
    return false;
  return llvm::all_of(op->getUses(), [](OpOperand &use) {
    auto user = dyn_cast<linalg::LinalgOp>(use.getOwner());
    return user && kiln::isUKernelOp(user) && user.isDpsInit(&use);
  });
}

/// Whether `op` is fused into its consumer's tile loop rather than tiled on
/// its own: an all-parallel op with one use, by a linalg op. Fusing only
/// these keeps the recomputation in each tile bounded (a reduction or a
/// value used twice would be recomputed per tile, and a chain through an
/// unrolled recurrence would pull in the whole history).
bool isFusedIntoConsumer(linalg::LinalgOp op) {
  if (op.getNumReductionLoops() != 0 || !op->hasOneUse() || !isTileable(op))
    return false;
  auto user = dyn_cast<linalg::LinalgOp>(*op->user_begin());
  return user && !isLeftWhole(user);
}

/// Whether `op` ends a fusion group and is tiled, pulling its fusable
/// producers in.
bool isRoot(linalg::LinalgOp op) {
  return op.hasPureTensorSemantics() && isTileable(op) && !isLeftWhole(op) &&
         !isFusedIntoConsumer(op);
}

/// Tile sizes for `op`: 1 on outer parallel loops, `width` (or the whole
/// static loop when shorter) on the innermost parallel loop longer than 1,
/// 0 (untiled) on reductions.
SmallVector<int64_t> tileSizesFor(linalg::LinalgOp op, int64_t width) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<int64_t> sizes(ranges.size(), 0);
  // The innermost parallel loop that is not a static unit loop (a reshape
  // often leaves a trailing dimension of 1, such as a depthwise multiplier).
  int64_t innermost = -1;
  for (auto [i, it] : llvm::enumerate(iterators))
    if (it == utils::IteratorType::parallel) {
      sizes[i] = 1;
      if (ranges[i] != 1 || innermost < 0)
        innermost = i;
    }
  if (innermost >= 0) {
    int64_t r = ranges[innermost];
    sizes[innermost] = ShapedType::isDynamic(r) ? width : std::min(r, width);
  }
  return sizes;
}

/// Vectorizes a tile of an NHWC f32 max/min/sum pooling whose output is
/// 1 x 1 x 1 x C (static): one vector of C channels, combined across the
/// unrolled window (KH x KW loads of C channels each). The upstream
/// vectorizer takes only 1-D windows.
LogicalResult vectorizePoolingTile(RewriterBase &rewriter,
                                   linalg::LinalgOp op) {
  Operation *raw = op.getOperation();
  if (!isa<linalg::PoolingNhwcMaxOp, linalg::PoolingNhwcMinOp,
           linalg::PoolingNhwcSumOp>(raw))
    return failure();
  Value input = op.getDpsInputOperand(0)->get();
  Value window = op.getDpsInputOperand(1)->get();
  Value output = op.getDpsInitOperand(0)->get();
  auto outType = dyn_cast<RankedTensorType>(output.getType());
  auto inType = dyn_cast<RankedTensorType>(input.getType());
  auto windowType = dyn_cast<RankedTensorType>(window.getType());
  if (!outType || !inType || !windowType || !outType.hasStaticShape() ||
      !windowType.hasStaticShape() || !outType.getElementType().isF32() ||
      outType.getDimSize(0) != 1 || outType.getDimSize(1) != 1 ||
      outType.getDimSize(2) != 1)
    return failure();
  auto dilations = raw->getAttrOfType<DenseIntElementsAttr>("dilations");
  if (!dilations)
    return failure();
  SmallVector<int64_t> dilation(dilations.getValues<int64_t>());
  int64_t kh = windowType.getDimSize(0), kw = windowType.getDimSize(1);
  if (kh * kw > 64)
    return failure();
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(raw);
  auto vecType = VectorType::get({outType.getDimSize(3)}, rewriter.getF32Type());
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value pad = arith::ConstantOp::create(rewriter, loc,
                                        rewriter.getF32FloatAttr(0.0f));
  SmallVector<bool> inBounds = {true};
  Value acc = vector::TransferReadOp::create(
      rewriter, loc, vecType, output, ValueRange{zero, zero, zero, zero}, pad,
      inBounds);
  for (int64_t i = 0; i < kh; ++i)
    for (int64_t j = 0; j < kw; ++j) {
      Value h = arith::ConstantIndexOp::create(rewriter, loc, i * dilation[0]);
      Value w = arith::ConstantIndexOp::create(rewriter, loc, j * dilation[1]);
      Value v = vector::TransferReadOp::create(
          rewriter, loc, vecType, input, ValueRange{zero, h, w, zero}, pad,
          inBounds);
      if (isa<linalg::PoolingNhwcMaxOp>(raw))
        acc = arith::MaximumFOp::create(rewriter, loc, acc, v);
      else if (isa<linalg::PoolingNhwcMinOp>(raw))
        acc = arith::MinimumFOp::create(rewriter, loc, acc, v);
      else
        acc = arith::AddFOp::create(rewriter, loc, acc, v);
    }
  Value result = vector::TransferWriteOp::create(
                     rewriter, loc, acc, output,
                     ValueRange{zero, zero, zero, zero}, inBounds)
                     .getResult();
  rewriter.replaceOp(raw, result);
  return success();
}

/// Whether the vectorized form of `op` lowers cleanly on every path: only
/// all-parallel ops (reductions and contractions stay scalar loops, which
/// LLVM's loop vectorizer handles; pooling windows have their own
/// vectorization below), no i1 tensors (vector loads of i1 memrefs would
/// read packed bits), and no data-dependent indexing.
bool isVectorizable(linalg::LinalgOp op) {
  if (op.getNumReductionLoops() != 0)
    return false;
  for (Value v : op->getOperands())
    if (getElementTypeOrSelf(v.getType()).isInteger(1))
      return false;
  for (Value v : op->getResults())
    if (getElementTypeOrSelf(v.getType()).isInteger(1))
      return false;
  // Data-dependent indexing, and integer abs, whose n-D vector form has no
  // LLVM lowering, stay scalar.
  bool unsupported = false;
  op->walk([&](Operation *inner) {
    if (isa<linalg::IndexOp, tensor::ExtractOp, math::AbsIOp>(inner))
      unsupported = true;
  });
  if (unsupported)
    return false;
  // Masked vectorization of dynamic tiles is left for later: only fully
  // static tiles are vectorized.
  return llvm::none_of(op.getStaticLoopRanges(), ShapedType::isDynamic);
}

/// Whether tiling `op` yields correct slices: every indexing expression is
/// a sum of loop dimensions with non-negative coefficients (convolution
/// windows) or the constant 0 (broadcasts). A reversed access such as
/// `3 - d0` (the filter flip of a transposed convolution) is not tiled.
bool isTileable(linalg::LinalgOp op) {
  for (AffineMap map : op.getIndexingMapsArray())
    for (AffineExpr expr : map.getResults()) {
      bool ok = true;
      expr.walk([&](AffineExpr e) {
        if (auto c = dyn_cast<AffineConstantExpr>(e))
          ok &= c.getValue() >= 0;
        else if (isa<AffineSymbolExpr>(e) ||
                 e.getKind() == AffineExprKind::Mod ||
                 e.getKind() == AffineExprKind::FloorDiv ||
                 e.getKind() == AffineExprKind::CeilDiv)
          ok = false;
      });
      if (auto c = dyn_cast<AffineConstantExpr>(expr))
        ok &= c.getValue() == 0;
      if (!ok)
        return false;
    }
  return true;
}

/// The vector sizes for a tiled op: its static loop ranges, with dynamic
/// ranges bounded by the tile size (the vectorizer masks the remainder).
/// Empty if the op cannot or should not be vectorized.
SmallVector<int64_t> vectorSizesFor(linalg::LinalgOp op,
                                    ArrayRef<int64_t> tileSizes,
                                    int64_t maxElements) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<int64_t> sizes;
  int64_t total = 1;
  for (auto [i, r] : llvm::enumerate(ranges)) {
    int64_t s = r;
    if (ShapedType::isDynamic(r)) {
      if (i >= tileSizes.size() || tileSizes[i] == 0)
        return {}; // a dynamic, untiled (reduction) loop
      s = tileSizes[i];
    }
    sizes.push_back(s);
    total *= s;
    if (total > maxElements)
      return {};
  }
  return sizes;
}

struct TileAndVectorizePass
    : kiln::impl::TileAndVectorizePassBase<TileAndVectorizePass> {
  using TileAndVectorizePassBase::TileAndVectorizePassBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    IRRewriter rewriter(&getContext());

    // Decide fusion on the IR as it is: once tiling starts, a producer's
    // use moves into loop init values and the user test no longer applies.
    SmallVector<linalg::LinalgOp> roots;
    llvm::DenseSet<Operation *> fusable;
    func.walk([&](linalg::LinalgOp op) {
      if (isRoot(op))
        roots.push_back(op);
      else if (isFusedIntoConsumer(op))
        fusable.insert(op);
    });

    // Tile each root and fuse its producers; remember the tiled ops and
    // their tile sizes for vectorization.
    SmallVector<std::pair<Operation *, SmallVector<int64_t>>> tiled;
    for (linalg::LinalgOp root : roots) {
      SmallVector<int64_t> sizes = tileSizesFor(root, vectorWidth);
      if (llvm::all_of(sizes, [](int64_t s) { return s == 0; }))
        continue;
      scf::SCFTilingOptions tiling;
      tiling.setTileSizes(getAsIndexOpFoldResult(&getContext(), sizes));
      scf::SCFTileAndFuseOptions options;
      options.setTilingOptions(tiling);
      // Only fuse what isFusedIntoConsumer allows, and the padding of a
      // convolution's input; other producers are roots of their own. In
      // particular a root tiled earlier is an scf.for by now: fusing
      // through it would clone its whole loop nest into each tile, and
      // again for every later consumer (memory grows without bound).
      options.setFusionControlFn(
          [&fusable](tensor::ExtractSliceOp, OpResult producer, bool)
              -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
            Operation *owner = producer.getOwner();
            if (fusable.contains(owner) || isa<tensor::PadOp>(owner))
              return scf::SCFTileAndFuseOptions::ControlFnResult{};
            return std::nullopt;
          });
      rewriter.setInsertionPoint(root);
      FailureOr<scf::SCFTileAndFuseResult> result =
          scf::tileConsumerAndFuseProducersUsingSCF(
              rewriter, cast<TilingInterface>(root.getOperation()), options);
      if (failed(result))
        continue; // leave the op untiled; it is still correct
      for (auto [orig, replacement] : result->replacements)
        rewriter.replaceAllUsesWith(orig, replacement);
      for (Operation *op : result->tiledAndFusedOps)
        if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
          tiled.push_back({op, tileSizesFor(linalgOp, vectorWidth)});
    }
    // Remove the untiled originals that are dead now.
    for (linalg::LinalgOp root : llvm::reverse(roots))
      if (root->use_empty())
        rewriter.eraseOp(root);

    for (auto &[op, sizes] : tiled) {
      auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
      if (!linalgOp || succeeded(vectorizePoolingTile(rewriter, linalgOp)))
        continue;
      if (!linalg::hasVectorizationImpl(op) || !isVectorizable(linalgOp))
        continue;
      SmallVector<int64_t> vectorSizes =
          vectorSizesFor(linalgOp, sizes, maxVectorElements);
      if (vectorSizes.empty())
        continue;
      bool dynamic = llvm::any_of(linalgOp.getStaticLoopRanges(),
                                  ShapedType::isDynamic);
      if (failed(linalg::vectorizeOpPrecondition(
              op, dynamic ? ArrayRef<int64_t>(vectorSizes) : ArrayRef<int64_t>{})))
        continue;
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::VectorizationResult> v = linalg::vectorize(
          rewriter, op, dynamic ? ArrayRef<int64_t>(vectorSizes)
                                : ArrayRef<int64_t>{});
      if (succeeded(v))
        rewriter.replaceOp(op, v->replacements);
    }
  }
};

} // namespace
