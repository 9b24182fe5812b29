//===- ShapeToLinalg.cpp - constants and data movement --------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Constants become `arith.constant`; reshape, transpose, concat, slice, pad,
// gather and broadcast_to become `tensor` ops or `linalg` ops that move data
// without arithmetic.
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

struct ConstantLowering : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, cast<TypedAttr>(op.getValue()));
    return success();
  }
};

struct ReshapeLowering : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    if (llvm::count_if(type.getShape(), ShapedType::isDynamic) > 1)
      return rewriter.notifyMatchFailure(op, "more than one dynamic result size");
    rewriter.replaceOp(op, reshapeTo(rewriter, op.getLoc(), adaptor.getInput(),
                                     type));
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto perm = op.getPermutation();
    auto inType = cast<RankedTensorType>(input.getType());
    SmallVector<int64_t> shape;
    SmallVector<Value> sizes;
    for (int64_t p : perm) {
      shape.push_back(inType.getDimSize(p));
      if (inType.isDynamicDim(p))
        sizes.push_back(tensor::DimOp::create(rewriter, loc, input, p));
    }
    auto outType = RankedTensorType::get(shape, inType.getElementType());
    Value init = emptyTensor(rewriter, loc, outType, sizes);
    Value t = linalg::TransposeOp::create(rewriter, loc, input, init, perm)
                  .getResult()[0];
    rewriter.replaceOp(op, castTo(rewriter, loc, t, op.getType()));
    return success();
  }
};

struct BroadcastToLowering : OpConversionPattern<BroadcastToOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BroadcastToOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inType = cast<RankedTensorType>(input.getType());
    auto type = cast<RankedTensorType>(op.getType());
    int64_t offset = type.getRank() - inType.getRank();
    SmallVector<Value> sizes;
    for (int64_t i = 0; i < type.getRank(); ++i) {
      if (!type.isDynamicDim(i))
        continue;
      if (Value like = adaptor.getLike())
        sizes.push_back(dimSize(rewriter, loc, like, i));
      else
        sizes.push_back(dimSize(rewriter, loc, input, i - offset));
    }
    rewriter.replaceOp(
        op, buildElementwise(
                rewriter, loc, type, ValueRange{input},
                [](OpBuilder &, Location, ValueRange a) { return a[0]; },
                ValueRange(sizes)));
    return success();
  }
};

struct ConcatLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value result = tensor::ConcatOp::create(
        rewriter, op.getLoc(), static_cast<int64_t>(op.getAxis()),
        adaptor.getInputs());
    rewriter.replaceOp(op, castTo(rewriter, op.getLoc(), result, type));
    return success();
  }
};

/// Clamps a Python-style index into [0, size] (negative counts from the end).
Value clampIndex(OpBuilder &b, Location loc, int64_t index, Value size) {
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value i = arith::ConstantIndexOp::create(b, loc, index);
  if (index < 0)
    i = arith::AddIOp::create(b, loc, size, i);
  i = arith::MaxSIOp::create(b, loc, i, zero);
  return arith::MinSIOp::create(b, loc, i, size);
}

struct SliceLowering : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inType = cast<RankedTensorType>(input.getType());
    int64_t rank = inType.getRank();
    SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0)),
        sizes, strides(rank, rewriter.getIndexAttr(1));
    for (int64_t i = 0; i < rank; ++i)
      sizes.push_back(inType.isDynamicDim(i)
                          ? OpFoldResult(dimSize(rewriter, loc, input, i))
                          : OpFoldResult(rewriter.getIndexAttr(
                                inType.getDimSize(i))));
    for (auto [n, axis] : llvm::enumerate(op.getAxes())) {
      int64_t start = op.getStarts()[n], end = op.getEnds()[n],
              step = op.getSteps()[n];
      if (!inType.isDynamicDim(axis)) {
        // Static dimension: everything folds to constants.
        int64_t size = inType.getDimSize(axis);
        int64_t s = start < 0 ? start + size : start;
        s = std::clamp<int64_t>(s, 0, size);
        offsets[axis] = rewriter.getIndexAttr(s);
        sizes[axis] = rewriter.getIndexAttr(sliceLength(size, start, end, step));
      } else {
        Value size = dimSize(rewriter, loc, input, axis);
        Value s = clampIndex(rewriter, loc, start, size);
        Value e = clampIndex(rewriter, loc, end, size);
        // length = e > s ? (e - s + step - 1) / step : 0
        Value diff = arith::SubIOp::create(rewriter, loc, e, s);
        Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
        diff = arith::MaxSIOp::create(rewriter, loc, diff, zero);
        Value stepV = arith::ConstantIndexOp::create(rewriter, loc, step);
        Value len = arith::CeilDivSIOp::create(rewriter, loc, diff, stepV);
        offsets[axis] = s;
        sizes[axis] = len;
      }
      strides[axis] = rewriter.getIndexAttr(step);
    }
    auto type = cast<RankedTensorType>(op.getType());
    Value slice = tensor::ExtractSliceOp::create(rewriter, loc, input, offsets,
                                                 sizes, strides);
    rewriter.replaceOp(op, castTo(rewriter, loc, slice, type));
    return success();
  }
};

struct PadLowering : OpConversionPattern<PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(op.getType());
    if (op.getMode() == PadMode::constant) {
      SmallVector<OpFoldResult> low, high;
      for (auto [l, h] : llvm::zip(op.getLow(), op.getHigh())) {
        low.push_back(rewriter.getIndexAttr(l));
        high.push_back(rewriter.getIndexAttr(h));
      }
      Value value = scalarConstant(rewriter, loc, type.getElementType(),
                                   op.getValue().convertToDouble());
      auto padded = tensor::PadOp::create(rewriter, loc, Type(), input, low,
                                          high, value);
      rewriter.replaceOp(op, castTo(rewriter, loc, padded, type));
      return success();
    }
    // reflect / edge: a generic that maps each output index to a source
    // index computed from the linalg index.
    auto inType = cast<RankedTensorType>(input.getType());
    int64_t rank = inType.getRank();
    SmallVector<Value> sizes;
    for (int64_t i = 0; i < rank; ++i)
      if (type.isDynamicDim(i))
        sizes.push_back(arith::AddIOp::create(
            rewriter, loc, dimSize(rewriter, loc, input, i),
            arith::ConstantIndexOp::create(
                rewriter, loc, op.getLow()[i] + op.getHigh()[i])));
    Value init = emptyTensor(rewriter, loc, type, sizes);
    bool reflect = op.getMode() == PadMode::reflect;
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
        ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(rank)}, iterators,
        [&](OpBuilder &b, Location l, ValueRange) {
          SmallVector<Value> src;
          for (int64_t i = 0; i < rank; ++i) {
            Value size = dimSize(b, l, input, i);
            Value one = arith::ConstantIndexOp::create(b, l, 1);
            Value last = arith::SubIOp::create(b, l, size, one);
            Value zero = arith::ConstantIndexOp::create(b, l, 0);
            Value j = arith::SubIOp::create(
                b, l, linalg::IndexOp::create(b, l, i),
                arith::ConstantIndexOp::create(b, l, op.getLow()[i]));
            if (reflect) {
              // j < 0 -> -j ; j > last -> 2 * last - j
              Value negJ = arith::SubIOp::create(b, l, zero, j);
              j = arith::MaxSIOp::create(b, l, j, negJ);
              Value twoLast = arith::AddIOp::create(b, l, last, last);
              Value mirrored = arith::SubIOp::create(b, l, twoLast, j);
              j = arith::MinSIOp::create(b, l, j, mirrored);
            }
            j = arith::MaxSIOp::create(b, l, j, zero);
            j = arith::MinSIOp::create(b, l, j, last);
            src.push_back(j);
          }
          Value v = tensor::ExtractOp::create(b, l, input, src);
          linalg::YieldOp::create(b, l, v);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// An index element (any integer type) as an `index` into a dimension of
/// `size`: negative counts from the end, and out-of-range values are clamped
/// so that the load stays in bounds.
Value wrapAndClamp(OpBuilder &b, Location l, Value element, Value size) {
  Value idx = arith::IndexCastOp::create(b, l, b.getIndexType(), element);
  Value zero = arith::ConstantIndexOp::create(b, l, 0);
  Value isNeg =
      arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, idx, zero);
  idx = arith::SelectOp::create(b, l, isNeg,
                                arith::AddIOp::create(b, l, idx, size), idx);
  Value last =
      arith::SubIOp::create(b, l, size, arith::ConstantIndexOp::create(b, l, 1));
  return arith::MinSIOp::create(b, l, arith::MaxSIOp::create(b, l, idx, zero),
                                last);
}

struct GatherLowering : OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto dataType = cast<RankedTensorType>(data.getType());
    auto idxType = cast<RankedTensorType>(indices.getType());
    auto type = cast<RankedTensorType>(op.getType());
    int64_t axis = static_cast<int64_t>(op.getAxis());
    int64_t rank = type.getRank(), idxRank = idxType.getRank();

    // Result dims: data[:axis], indices, data[axis+1:].
    SmallVector<Value> sizes;
    for (int64_t i = 0; i < rank; ++i) {
      if (!type.isDynamicDim(i))
        continue;
      if (i < axis)
        sizes.push_back(dimSize(rewriter, loc, data, i));
      else if (i < axis + idxRank)
        sizes.push_back(dimSize(rewriter, loc, indices, i - axis));
      else
        sizes.push_back(dimSize(rewriter, loc, data, i - idxRank + 1));
    }
    SmallVector<AffineExpr> idxExprs;
    for (int64_t i = 0; i < idxRank; ++i)
      idxExprs.push_back(getAffineDimExpr(axis + i, ctx));
    SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, idxExprs, ctx),
                                   rewriter.getMultiDimIdentityMap(rank)};
    Value init = emptyTensor(rewriter, loc, type, sizes);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{indices}, ValueRange{init},
        maps, iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          // Negative indices count from the end; out-of-range indices are
          // clamped so that the load stays in bounds.
          Value idx = wrapAndClamp(b, l, args[0], dimSize(b, l, data, axis));
          SmallVector<Value> src;
          for (int64_t i = 0; i < dataType.getRank(); ++i) {
            if (i < axis)
              src.push_back(linalg::IndexOp::create(b, l, i));
            else if (i == axis)
              src.push_back(idx);
            else
              src.push_back(linalg::IndexOp::create(b, l, i - 1 + idxRank));
          }
          linalg::YieldOp::create(b, l,
                                  tensor::ExtractOp::create(b, l, data, src)
                                      .getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

struct ShapeOfLowering : OpConversionPattern<ShapeOfOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ShapeOfOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
    SmallVector<Value> sizes;
    for (int64_t i = 0; i < rank; ++i)
      sizes.push_back(arith::IndexCastOp::create(
          rewriter, loc, rewriter.getI64Type(), dimSize(rewriter, loc, input, i)));
    auto type = RankedTensorType::get({rank}, rewriter.getI64Type());
    Value result = rank == 0
                       ? Value(arith::ConstantOp::create(
                             rewriter, loc,
                             DenseElementsAttr::get(type, ArrayRef<int64_t>{})))
                       : Value(tensor::FromElementsOp::create(rewriter, loc,
                                                              type, sizes));
    rewriter.replaceOp(op, castTo(rewriter, loc, result, op.getType()));
    return success();
  }
};

/// The run-time sizes of a dynamic_reshape: entries read from the shape
/// tensor, 0 copied from the input (copy_zero), -1 inferred; when they do not
/// multiply to the input's element count (or one is negative), the dynamic
/// sizes become 0 so that the result is empty instead of out of bounds.
struct DynamicReshapeLowering : OpConversionPattern<DynamicReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DynamicReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Value input = adaptor.getInput(), shape = adaptor.getShape();
    auto inType = cast<RankedTensorType>(input.getType());
    auto type = cast<RankedTensorType>(op.getType());
    auto cst = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    auto eq = [&](Value x, Value y) -> Value {
      return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, y);
    };
    Value total = cst(1);
    for (int64_t i = 0; i < inType.getRank(); ++i)
      total = arith::MulIOp::create(b, loc, total, dimSize(b, loc, input, i));
    Value minusOne = cst(-1), zero = cst(0), one = cst(1);
    SmallVector<Value> sizes;
    Value known = one;
    for (int64_t i = 0; i < type.getRank(); ++i) {
      Value v = arith::IndexCastOp::create(
          b, loc, b.getIndexType(),
          tensor::ExtractOp::create(b, loc, shape, ValueRange{cst(i)}));
      if (op.getCopyZero() && i < inType.getRank())
        v = arith::SelectOp::create(b, loc, eq(v, zero),
                                    dimSize(b, loc, input, i), v);
      sizes.push_back(v);
      known = arith::MulIOp::create(
          b, loc, known, arith::SelectOp::create(b, loc, eq(v, minusOne), one, v));
    }
    Value inferred = arith::DivSIOp::create(
        b, loc, total, arith::MaxSIOp::create(b, loc, known, one));
    Value product = one, valid = arith::ConstantIntOp::create(b, loc, 1, 1);
    for (Value &v : sizes) {
      v = arith::SelectOp::create(b, loc, eq(v, minusOne), inferred, v);
      product = arith::MulIOp::create(b, loc, product, v);
      valid = arith::AndIOp::create(
          b, loc, valid,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, v, zero));
    }
    valid = arith::AndIOp::create(b, loc, valid, eq(product, total));
    for (int64_t i = 0; i < type.getRank(); ++i)
      sizes[i] = type.isDynamicDim(i)
                     ? Value(arith::SelectOp::create(b, loc, valid, sizes[i], zero))
                     : cst(type.getDimSize(i));
    if (type.getRank() == 0) {
      rewriter.replaceOp(op, reshapeTo(b, loc, input, type));
      return success();
    }
    Value shapeTensor = tensor::FromElementsOp::create(
        b, loc, RankedTensorType::get({type.getRank()}, b.getIndexType()),
        sizes);
    rewriter.replaceOpWithNewOp<tensor::ReshapeOp>(op, type, input, shapeTensor);
    return success();
  }
};

struct IotaLowering : OpConversionPattern<IotaOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(IotaOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t axis = static_cast<int64_t>(op.getAxis());
    Value init = emptyTensor(rewriter, loc, type,
                             dynamicDims(rewriter, loc, adaptor.getLike()));
    SmallVector<utils::IteratorType> iterators(type.getRank(),
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
        SmallVector<AffineMap>{rewriter.getMultiDimIdentityMap(type.getRank())},
        iterators, [&](OpBuilder &b, Location l, ValueRange) {
          Value i = linalg::IndexOp::create(b, l, axis);
          linalg::YieldOp::create(
              b, l, arith::IndexCastOp::create(b, l, b.getI64Type(), i).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

struct GatherElementsLowering : OpConversionPattern<GatherElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t axis = static_cast<int64_t>(op.getAxis());
    int64_t rank = type.getRank();
    Value init = emptyTensor(rewriter, loc, type,
                             dynamicDims(rewriter, loc, indices));
    SmallVector<AffineMap> maps(2, rewriter.getMultiDimIdentityMap(rank));
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{indices}, ValueRange{init},
        maps, iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          SmallVector<Value> src;
          for (int64_t i = 0; i < rank; ++i)
            src.push_back(i == axis ? wrapAndClamp(b, l, args[0],
                                                   dimSize(b, l, data, axis))
                                    : Value(linalg::IndexOp::create(b, l, i)));
          linalg::YieldOp::create(
              b, l, tensor::ExtractOp::create(b, l, data, src).getResult());
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void populateShapeToLinalgPatterns(TypeConverter &converter,
                                   RewritePatternSet &patterns) {
  patterns.add<ConstantLowering, ReshapeLowering, TransposeLowering,
               BroadcastToLowering, ConcatLowering, SliceLowering, PadLowering,
               GatherLowering, ShapeOfLowering, DynamicReshapeLowering,
               IotaLowering, GatherElementsLowering>(converter,
                                                     patterns.getContext());
}

} // namespace kiln
