//===- ContractionToLinalg.cpp - matmul, convolution, pooling -------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Matmul lowers to `linalg.matmul` when it is a plain 2-D product (after
// folding leading dimensions of the lhs into rows when the rhs is 2-D), and
// to a broadcasting contraction `linalg.generic` otherwise.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/KilnToLinalg/KilnToLinalg.h"
#include "compiler/Conversion/KilnToLinalg/Utils.h"
#include "dialects/kiln/IR/KilnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace kiln::lowering;

namespace kiln {
namespace {

/// C += A * B on scalars, for floats or integers.
Value multiplyAdd(OpBuilder &b, Location loc, ValueRange args) {
  Value a = args[0], x = args[1], acc = args[2];
  if (isFloat(a.getType()))
    return arith::AddFOp::create(b, loc, acc,
                                 arith::MulFOp::create(b, loc, a, x));
  return arith::AddIOp::create(b, loc, acc, arith::MulIOp::create(b, loc, a, x));
}

struct MatmulLowering : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    auto lt = cast<RankedTensorType>(lhs.getType());
    auto rt = cast<RankedTensorType>(rhs.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    Type elt = resultType.getElementType();

    if (rt.getRank() == 2) {
      // [..., m, k] x [k, n]: fold the leading lhs dimensions into rows.
      Value rows = lhs;
      if (lt.getRank() > 2) {
        ReassociationIndices lead;
        for (int64_t i = 0; i + 1 < lt.getRank(); ++i)
          lead.push_back(i);
        rows = tensor::CollapseShapeOp::create(
            rewriter, loc, lhs,
            ArrayRef<ReassociationIndices>{lead, {lt.getRank() - 1}});
      }
      auto rowsType = cast<RankedTensorType>(rows.getType());
      auto mmType = RankedTensorType::get(
          {rowsType.getDimSize(0), resultType.getDimSize(resultType.getRank() - 1)},
          elt);
      SmallVector<Value> sizes;
      if (mmType.isDynamicDim(0))
        sizes.push_back(dimSize(rewriter, loc, rows, 0));
      if (mmType.isDynamicDim(1))
        sizes.push_back(dimSize(rewriter, loc, rhs, 1));
      Value init = filledTensor(rewriter, loc, mmType, sizes, 0.0);
      Value mm = linalg::MatmulOp::create(rewriter, loc, TypeRange{mmType},
                                          ValueRange{rows, rhs},
                                          ValueRange{init})
                     .getResult(0);
      if (lt.getRank() > 2) {
        // Unfold the rows: [rows, n] -> [..., m, n], sizes from the lhs.
        ReassociationIndices lead;
        SmallVector<OpFoldResult> outputShape;
        for (int64_t i = 0; i + 1 < lt.getRank(); ++i) {
          lead.push_back(i);
          outputShape.push_back(
              lt.isDynamicDim(i)
                  ? OpFoldResult(dimSize(rewriter, loc, lhs, i))
                  : OpFoldResult(rewriter.getIndexAttr(lt.getDimSize(i))));
        }
        outputShape.push_back(
            mmType.isDynamicDim(1)
                ? OpFoldResult(dimSize(rewriter, loc, rhs, 1))
                : OpFoldResult(rewriter.getIndexAttr(mmType.getDimSize(1))));
        SmallVector<int64_t> shape(lt.getShape().drop_back());
        shape.push_back(mmType.getDimSize(1));
        mm = tensor::ExpandShapeOp::create(
            rewriter, loc, RankedTensorType::get(shape, elt), mm,
            ArrayRef<ReassociationIndices>{lead, {lt.getRank() - 1}},
            outputShape);
      }
      rewriter.replaceOp(op, castTo(rewriter, loc, mm, resultType));
      return success();
    }

    // General case: loops (batch..., m, n, k); batch dimensions broadcast.
    MLIRContext *ctx = rewriter.getContext();
    int64_t rank = resultType.getRank(), loops = rank + 1;
    auto operandMap = [&](RankedTensorType t, bool isLhs) {
      SmallVector<AffineExpr> exprs;
      int64_t offset = (rank - 2) - (t.getRank() - 2);
      for (int64_t d = 0; d < t.getRank() - 2; ++d) {
        bool stretched = t.getDimSize(d) == 1 &&
                         resultType.getDimSize(offset + d) != 1;
        exprs.push_back(stretched ? getAffineConstantExpr(0, ctx)
                                  : getAffineDimExpr(offset + d, ctx));
      }
      AffineExpr m = getAffineDimExpr(rank - 2, ctx),
                 n = getAffineDimExpr(rank - 1, ctx),
                 k = getAffineDimExpr(rank, ctx);
      exprs.push_back(isLhs ? m : k);
      exprs.push_back(isLhs ? k : n);
      return AffineMap::get(loops, 0, exprs, ctx);
    };
    SmallVector<AffineExpr> outExprs;
    for (int64_t i = 0; i < rank; ++i)
      outExprs.push_back(getAffineDimExpr(i, ctx));
    SmallVector<AffineMap> maps = {operandMap(lt, true), operandMap(rt, false),
                                   AffineMap::get(loops, 0, outExprs, ctx)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);

    // Result sizes: batch from the broadcast, m from lhs, n from rhs.
    SmallVector<Value> sizes;
    for (int64_t i = 0; i < rank; ++i) {
      if (!resultType.isDynamicDim(i))
        continue;
      if (i == rank - 2)
        sizes.push_back(dimSize(rewriter, loc, lhs, lt.getRank() - 2));
      else if (i == rank - 1)
        sizes.push_back(dimSize(rewriter, loc, rhs, rt.getRank() - 1));
      else
        sizes.push_back(batchSize(rewriter, loc, lhs, rhs, i, rank));
    }
    Value init = filledTensor(rewriter, loc, resultType, sizes, 0.0);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, ValueRange{lhs, rhs},
        ValueRange{init}, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(b, l, multiplyAdd(b, l, args));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }

  /// The size of batch dimension `i` of the result, from whichever operand
  /// carries it.
  static Value batchSize(OpBuilder &b, Location loc, Value lhs, Value rhs,
                         int64_t i, int64_t rank) {
    for (Value v : {lhs, rhs}) {
      auto t = cast<RankedTensorType>(v.getType());
      int64_t d = i - (rank - t.getRank());
      if (d >= 0 && t.getDimSize(d) != 1)
        return dimSize(b, loc, v, d);
    }
    return arith::ConstantIndexOp::create(b, loc, 1);
  }
};

} // namespace

void populateContractionToLinalgPatterns(TypeConverter &converter,
                                         RewritePatternSet &patterns) {
  patterns.add<MatmulLowering>(converter, patterns.getContext());
}

} // namespace kiln
