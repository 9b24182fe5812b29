//===- ScanToSCF.cpp - kiln.scan to scf.for -------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// A scan becomes one scf.for whose iteration arguments are the carries and
// the stacked outputs. The body, already converted to linalg/tensor ops by
// kiln-convert-to-linalg, moves into the loop unchanged; slices of the
// sequences replace its step arguments and insert_slices take the per-step
// outputs.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/KilnToLinalg/Utils.h"
#include "compiler/Conversion/Passes.h"
#include "dialects/kiln/IR/KilnOps.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"

using namespace mlir;

namespace kiln {
#define GEN_PASS_DEF_CONVERTSCANTOSCFPASS
#include "compiler/Conversion/Passes.h.inc"
} // namespace kiln

namespace {

using kiln::ScanOp;
using kiln::YieldOp;

/// Lowers one scan; `outside` builds before it.
class ScanLowering {
public:
  ScanLowering(ScanOp scan) : scan_(scan), rewriter_(scan) {}

  LogicalResult run();

private:
  /// Size `dim` of `value` (used inside the body) as an expression valid
  /// before the scan: traced through ops that reify their result shapes back
  /// to a carry, a sequence slice or a value defined above the scan.
  FailureOr<OpFoldResult> traceSize(Value value, int64_t dim, int depth = 0);

  /// The sizes of a per-step output, valid before the scan.
  FailureOr<SmallVector<OpFoldResult>> stepSizes(Value output, Type stacked);

  Value outsideDim(Value tensor, int64_t dim) {
    OpBuilder::InsertionGuard guard(rewriter_);
    rewriter_.setInsertionPoint(scan_);
    return kiln::lowering::dimSize(rewriter_, scan_.getLoc(), tensor, dim);
  }

  Value castIfNeeded(Location loc, Value value, Type type) {
    if (value.getType() == type)
      return value;
    return tensor::CastOp::create(rewriter_, loc, type, value);
  }

  ScanOp scan_;
  IRRewriter rewriter_;
};

FailureOr<OpFoldResult> ScanLowering::traceSize(Value value, int64_t dim,
                                                int depth) {
  auto type = cast<RankedTensorType>(value.getType());
  if (!type.isDynamicDim(dim))
    return OpFoldResult(rewriter_.getIndexAttr(type.getDimSize(dim)));
  // Bounded: a size is a short chain of ops back to its source.
  if (depth > 64)
    return failure();
  Block &body = scan_.getBodyBlock();
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    if (arg.getOwner() != &body)
      return failure();
    size_t carries = scan_.getInits().size();
    unsigned i = arg.getArgNumber();
    // Carries keep their shape from step to step.
    if (i < carries)
      return OpFoldResult(outsideDim(scan_.getInits()[i], dim));
    int64_t axis = scan_.getAxis();
    return OpFoldResult(outsideDim(scan_.getSequences()[i - carries],
                                   dim < axis ? dim : dim + 1));
  }
  Operation *def = value.getDefiningOp();
  if (!scan_->isProperAncestor(def))
    return OpFoldResult(outsideDim(value, dim));
  auto reify = dyn_cast<ReifyRankedShapedTypeOpInterface>(def);
  if (!reify)
    return failure();
  OpBuilder::InsertionGuard guard(rewriter_);
  rewriter_.setInsertionPoint(def);
  ReifiedRankedShapedTypeDims shapes;
  if (failed(reify.reifyResultShapes(rewriter_, shapes)))
    return failure();
  OpFoldResult size =
      shapes[cast<OpResult>(value).getResultNumber()][dim];
  if (auto attr = dyn_cast<Attribute>(size))
    return size;
  Value sizeValue = cast<Value>(size);
  if (!scan_->isProperAncestor(sizeValue.getParentRegion()->getParentOp()) &&
      sizeValue.getParentRegion() != &scan_.getBody())
    return size; // defined above the scan
  auto dimOp = sizeValue.getDefiningOp<tensor::DimOp>();
  std::optional<int64_t> index =
      dimOp ? dimOp.getConstantIndex() : std::nullopt;
  if (!index)
    return failure();
  return traceSize(dimOp.getSource(), *index, depth + 1);
}

FailureOr<SmallVector<OpFoldResult>> ScanLowering::stepSizes(Value output,
                                                             Type stacked) {
  auto stackedType = cast<RankedTensorType>(stacked);
  int64_t axis = scan_.getAxis();
  SmallVector<OpFoldResult> sizes;
  auto type = cast<RankedTensorType>(output.getType());
  for (int64_t d = 0; d < type.getRank(); ++d) {
    int64_t known = stackedType.getDimSize(d < axis ? d : d + 1);
    if (!ShapedType::isDynamic(known)) {
      sizes.push_back(rewriter_.getIndexAttr(known));
      continue;
    }
    FailureOr<OpFoldResult> size = traceSize(output, d);
    if (failed(size))
      return failure();
    sizes.push_back(*size);
  }
  return sizes;
}

LogicalResult ScanLowering::run() {
  Location loc = scan_.getLoc();
  Block &body = scan_.getBodyBlock();
  YieldOp yield = scan_.getYield();
  size_t carries = scan_.getInits().size();
  int64_t axis = scan_.getAxis();

  // The stacked outputs, allocated before the loop.
  rewriter_.setInsertionPoint(scan_);
  Value length;
  for (Value seq : scan_.getSequences())
    if (!cast<RankedTensorType>(seq.getType()).isDynamicDim(axis))
      length = kiln::lowering::dimSize(rewriter_, loc, seq, axis);
  if (!length)
    length = kiln::lowering::dimSize(rewriter_, loc, scan_.getSequences().front(), axis);
  SmallVector<Value> inits(scan_.getInits());
  for (auto [output, result] :
       llvm::zip(yield.getOperands().drop_front(carries),
                 scan_.getStackedOutputs())) {
    FailureOr<SmallVector<OpFoldResult>> sizes =
        stepSizes(output, result.getType());
    if (failed(sizes))
      return scan_.emitOpError()
             << "cannot tell the size of a per-step output of type "
             << output.getType()
             << " before the loop: its dynamic sizes must come from a carry, "
                "a sequence or a value defined above the scan";
    sizes->insert(sizes->begin() + axis, getAsOpFoldResult(length));
    rewriter_.setInsertionPoint(scan_);
    inits.push_back(tensor::EmptyOp::create(
        rewriter_, loc, *sizes,
        cast<RankedTensorType>(output.getType()).getElementType()));
  }

  Value zero = arith::ConstantIndexOp::create(rewriter_, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter_, loc, 1);
  auto loop = scf::ForOp::create(rewriter_, loc, zero, length, one, inits);
  Block *loopBody = loop.getBody();
  rewriter_.setInsertionPointToStart(loopBody);
  Value step = loop.getInductionVar();
  if (scan_.getReverse()) {
    Value last = arith::SubIOp::create(rewriter_, loc, length, one);
    step = arith::SubIOp::create(rewriter_, loc, last, step);
  }
  auto sliceAt = [&](Value tensor, int64_t rank, auto sizeOf) {
    SmallVector<OpFoldResult> offsets(rank, rewriter_.getIndexAttr(0)),
        sizes, strides(rank, rewriter_.getIndexAttr(1));
    for (int64_t d = 0; d < rank; ++d)
      sizes.push_back(d == axis ? OpFoldResult(rewriter_.getIndexAttr(1))
                                : sizeOf(d));
    offsets[axis] = step;
    return std::make_tuple(offsets, sizes, strides);
  };

  // Step arguments: the carries, then slice `step` of each sequence.
  SmallVector<Value> args;
  for (auto [arg, iterArg] :
       llvm::zip(body.getArguments().take_front(carries),
                 loop.getRegionIterArgs()))
    args.push_back(castIfNeeded(loc, iterArg, arg.getType()));
  for (auto [seqValue, arg] : llvm::zip(scan_.getSequences(),
                                   body.getArguments().drop_front(carries))) {
    Value seq = seqValue;
    auto seqType = cast<RankedTensorType>(seq.getType());
    auto [offsets, sizes, strides] =
        sliceAt(seq, seqType.getRank(), [&](int64_t d) -> OpFoldResult {
          return seqType.isDynamicDim(d)
                     ? OpFoldResult(tensor::DimOp::create(rewriter_, loc, seq, d)
                                        .getResult())
                     : OpFoldResult(rewriter_.getIndexAttr(seqType.getDimSize(d)));
        });
    SmallVector<int64_t> shape(seqType.getShape());
    shape.erase(shape.begin() + axis);
    auto sliceType = RankedTensorType::get(shape, seqType.getElementType());
    Value slice = tensor::ExtractSliceOp::create(rewriter_, loc, sliceType, seq,
                                                 offsets, sizes, strides);
    args.push_back(castIfNeeded(loc, slice, arg.getType()));
  }
  rewriter_.inlineBlockBefore(&body, loopBody, loopBody->end(), args);

  // The terminator: next carries, and each output inserted at `step`.
  rewriter_.setInsertionPoint(yield);
  SmallVector<Value> next;
  for (auto [value, iterArg] :
       llvm::zip(yield.getOperands().take_front(carries),
                 loop.getRegionIterArgs()))
    next.push_back(castIfNeeded(loc, value, iterArg.getType()));
  for (auto [outputValue, acc] :
       llvm::zip(yield.getOperands().drop_front(carries),
                 loop.getRegionIterArgs().drop_front(carries))) {
    Value output = outputValue;
    auto outType = cast<RankedTensorType>(output.getType());
    auto [offsets, sizes, strides] = sliceAt(
        acc, outType.getRank() + 1, [&](int64_t d) -> OpFoldResult {
          int64_t od = d < axis ? d : d - 1;
          return outType.isDynamicDim(od)
                     ? OpFoldResult(
                           tensor::DimOp::create(rewriter_, loc, output, od)
                               .getResult())
                     : OpFoldResult(rewriter_.getIndexAttr(outType.getDimSize(od)));
        });
    next.push_back(tensor::InsertSliceOp::create(rewriter_, loc, output, acc,
                                                 offsets, sizes, strides));
  }
  scf::YieldOp::create(rewriter_, loc, next);
  rewriter_.eraseOp(yield);

  rewriter_.setInsertionPointAfter(loop);
  SmallVector<Value> results;
  for (auto [value, result] : llvm::zip(loop.getResults(), scan_.getResults()))
    results.push_back(castIfNeeded(loc, value, result.getType()));
  rewriter_.replaceOp(scan_, results);
  return success();
}

struct ConvertScanToSCFPass
    : kiln::impl::ConvertScanToSCFPassBase<ConvertScanToSCFPass> {
  using ConvertScanToSCFPassBase::ConvertScanToSCFPassBase;

  void runOnOperation() override {
    // Post-order: an inner scan is a loop before its outer scan moves.
    SmallVector<ScanOp> scans;
    getOperation().walk([&](ScanOp scan) { scans.push_back(scan); });
    for (ScanOp scan : scans)
      if (failed(ScanLowering(scan).run()))
        return signalPassFailure();
  }
};

} // namespace
