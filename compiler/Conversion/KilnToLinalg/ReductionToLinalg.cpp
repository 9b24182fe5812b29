//===- ReductionToLinalg.cpp - reductions, softmax, argmax ----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Reductions become reduction `linalg.generic`s followed by an expand for
// `keep_dims`; softmax and log-softmax are built from a max and a sum
// reduction and broadcasting elementwise steps, which the fusion passes merge.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/KilnToLinalg/KilnToLinalg.h"
#include "compiler/Conversion/KilnToLinalg/Utils.h"
#include "dialects/kiln/IR/KilnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace kiln::lowering;

namespace kiln {
namespace {

/// The identity element and combiner of each reduction.
struct ReductionKind {
  double (*init)(Type);
  Value (*combine)(OpBuilder &, Location, ValueRange);
};

template <typename FOp, typename IOp>
Value combineWith(OpBuilder &b, Location loc, ValueRange args) {
  if (isFloat(args[0].getType()))
    return FOp::create(b, loc, args[0], args[1]);
  return IOp::create(b, loc, args[0], args[1]);
}

const ReductionKind kSum = {[](Type) { return 0.0; },
                            combineWith<arith::AddFOp, arith::AddIOp>};
const ReductionKind kProd = {[](Type) { return 1.0; },
                             combineWith<arith::MulFOp, arith::MulIOp>};
const ReductionKind kMax = {lowestValue,
                            combineWith<arith::MaximumFOp, arith::MaxSIOp>};
const ReductionKind kMin = {highestValue,
                            combineWith<arith::MinimumFOp, arith::MinSIOp>};

Value reduceWith(OpBuilder &b, Location loc, Value input,
                 ArrayRef<int64_t> axes, const ReductionKind &kind) {
  Type elt = cast<RankedTensorType>(input.getType()).getElementType();
  return buildReduction(b, loc, input, axes, kind.init(elt), kind.combine);
}

template <typename OpTy>
struct ReduceLowering : OpConversionPattern<OpTy> {
  ReduceLowering(TypeConverter &converter, MLIRContext *ctx,
                 const ReductionKind &kind, bool mean = false)
      : OpConversionPattern<OpTy>(converter, ctx), kind(kind), mean(mean) {}

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    SmallVector<int64_t> axes(op.getAxes());
    Value reduced = reduceWith(rewriter, loc, input, axes, kind);
    if (mean) {
      auto type = cast<RankedTensorType>(reduced.getType());
      Value count = countOver(rewriter, loc, input, axes, type.getElementType());
      reduced = buildElementwise(
          rewriter, loc, type, ValueRange{reduced},
          [&](OpBuilder &b, Location l, ValueRange a) {
            return arith::DivFOp::create(b, l, a[0], count).getResult();
          });
    }
    rewriter.replaceOp(op, insertUnitDims(rewriter, loc, reduced,
                                          cast<RankedTensorType>(op.getType()),
                                          op.getKeepDims() ? axes
                                                           : ArrayRef<int64_t>{}));
    return success();
  }

  const ReductionKind &kind;
  bool mean;
};

/// argmax/argmin: one generic with two accumulators (value, index); the
/// first index wins ties, and NaN wins over numbers, as in NumPy.
template <typename OpTy, bool isMax>
struct ArgReduceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    Type elt = type.getElementType();
    int64_t axis = static_cast<int64_t>(op.getAxis());

    SmallVector<int64_t> shape;
    SmallVector<Value> sizes;
    SmallVector<AffineExpr> outExprs;
    SmallVector<utils::IteratorType> iterators;
    for (int64_t i = 0; i < type.getRank(); ++i) {
      if (i == axis) {
        iterators.push_back(utils::IteratorType::reduction);
        continue;
      }
      iterators.push_back(utils::IteratorType::parallel);
      shape.push_back(type.getDimSize(i));
      outExprs.push_back(getAffineDimExpr(i, ctx));
      if (type.isDynamicDim(i))
        sizes.push_back(tensor::DimOp::create(rewriter, loc, input, i));
    }
    auto valType = RankedTensorType::get(shape, elt);
    auto idxType = RankedTensorType::get(shape, rewriter.getI64Type());
    Value vals = filledTensor(rewriter, loc, valType, sizes,
                              isMax ? lowestValue(elt) : highestValue(elt));
    Value idxs = filledTensor(rewriter, loc, idxType, sizes, 0);
    AffineMap out = AffineMap::get(type.getRank(), 0, outExprs, ctx);
    SmallVector<AffineMap> maps = {
        rewriter.getMultiDimIdentityMap(type.getRank()), out, out};
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valType, idxType}, ValueRange{input},
        ValueRange{vals, idxs}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = args[0], best = args[1], bestIdx = args[2];
          Value idx = arith::IndexCastOp::create(
              b, l, b.getI64Type(), linalg::IndexOp::create(b, l, axis));
          Value better;
          if (isFloat(elt)) {
            // Strictly better, or x is the first NaN.
            Value cmp = arith::CmpFOp::create(
                b, l, isMax ? arith::CmpFPredicate::OGT : arith::CmpFPredicate::OLT,
                x, best);
            Value xNan = arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO,
                                               x, x);
            Value bestNan = arith::CmpFOp::create(
                b, l, arith::CmpFPredicate::UNO, best, best);
            Value firstNan = arith::AndIOp::create(
                b, l, xNan,
                arith::XOrIOp::create(b, l, bestNan,
                                      scalarConstant(b, l, b.getI1Type(), 1)));
            better = arith::OrIOp::create(b, l, cmp, firstNan);
          } else {
            better = arith::CmpIOp::create(
                b, l, isMax ? arith::CmpIPredicate::sgt : arith::CmpIPredicate::slt,
                x, best);
          }
          Value v = arith::SelectOp::create(b, l, better, x, best);
          Value i = arith::SelectOp::create(b, l, better, idx, bestIdx);
          linalg::YieldOp::create(b, l, ValueRange{v, i});
        });
    rewriter.replaceOp(op, insertUnitDims(rewriter, loc, generic.getResult(1),
                                          cast<RankedTensorType>(op.getType()),
                                          op.getKeepDims()
                                              ? ArrayRef<int64_t>{axis}
                                              : ArrayRef<int64_t>{}));
    return success();
  }
};

/// The map from a full-rank iteration space to a tensor that lacks `axis`.
AffineMap dropAxisMap(MLIRContext *ctx, int64_t rank, int64_t axis) {
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < rank; ++i)
    if (i != axis)
      exprs.push_back(getAffineDimExpr(i, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

/// out[i] = f(x[i], r[i without axis]) over the full shape of `x`.
Value withReduced(OpBuilder &b, Location loc, Value x, Value reduced,
                  int64_t axis, ScalarBody body) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank),
                                 dropAxisMap(ctx, rank, axis),
                                 b.getMultiDimIdentityMap(rank)};
  Value init = emptyTensor(b, loc, type, dynamicDims(b, loc, x));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{x, reduced}, ValueRange{init},
             maps, iterators,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(nb, nl, body(nb, nl, args.drop_back()));
             })
      .getResult(0);
}

/// Computes `(x - max, sum(exp(x - max)))` along `axis`.
std::pair<Value, Value> shiftedExpSum(OpBuilder &b, Location loc, Value x,
                                      int64_t axis) {
  Value max = reduceWith(b, loc, x, {axis}, kMax);
  Value shifted = withReduced(b, loc, x, max, axis,
                              [](OpBuilder &nb, Location nl, ValueRange a) {
                                return arith::SubFOp::create(nb, nl, a[0], a[1])
                                    .getResult();
                              });
  auto type = cast<RankedTensorType>(x.getType());
  Value exps = buildElementwise(b, loc, type, ValueRange{shifted},
                                [](OpBuilder &nb, Location nl, ValueRange a) {
                                  return math::ExpOp::create(nb, nl, a[0])
                                      .getResult();
                                });
  return {shifted, reduceWith(b, loc, exps, {axis}, kSum)};
}

template <typename OpTy, bool isLog>
struct SoftmaxLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto axis = static_cast<int64_t>(op.getAxis());
    auto [shifted, sum] = shiftedExpSum(rewriter, loc, adaptor.getInput(), axis);
    Value result = withReduced(
        rewriter, loc, shifted, sum, axis,
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          if (isLog)
            return arith::SubFOp::create(b, l, a[0],
                                         math::LogOp::create(b, l, a[1]));
          return arith::DivFOp::create(b, l, math::ExpOp::create(b, l, a[0]),
                                       a[1]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateReductionToLinalgPatterns(TypeConverter &converter,
                                       RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<ReduceLowering<ReduceSumOp>>(converter, ctx, kSum);
  patterns.add<ReduceLowering<ReduceMeanOp>>(converter, ctx, kSum, true);
  patterns.add<ReduceLowering<ReduceProdOp>>(converter, ctx, kProd);
  patterns.add<ReduceLowering<ReduceMaxOp>>(converter, ctx, kMax);
  patterns.add<ReduceLowering<ReduceMinOp>>(converter, ctx, kMin);
  patterns.add<ArgReduceLowering<ArgmaxOp, true>,
               ArgReduceLowering<ArgminOp, false>,
               SoftmaxLowering<SoftmaxOp, false>,
               SoftmaxLowering<LogSoftmaxOp, true>>(converter, ctx);
}

} // namespace kiln
