//===- Utils.cpp - helpers shared by the kiln -> linalg patterns ----------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/KilnToLinalg/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace kiln::lowering {

Value castTo(OpBuilder &b, Location loc, Value value, Type type) {
  if (value.getType() == type)
    return value;
  return tensor::CastOp::create(b, loc, type, value);
}

bool isFloat(Type type) { return isa<FloatType>(getElementTypeOrSelf(type)); }

Value scalarConstant(OpBuilder &b, Location loc, Type type, double value) {
  if (auto ft = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(ft, value));
  if (type.isIndex())
    return arith::ConstantIndexOp::create(b, loc, static_cast<int64_t>(value));
  // Saturate to the type's range: lowestValue/highestValue pass the extremes
  // as doubles, which do not convert to int64 exactly.
  unsigned w = type.getIntOrFloatBitWidth();
  APInt v;
  if (w == 1)
    v = APInt(1, value != 0.0);
  else if (value >= std::ldexp(1.0, w - 1))
    v = APInt::getSignedMaxValue(w);
  else if (value <= -std::ldexp(1.0, w - 1))
    v = APInt::getSignedMinValue(w);
  else
    v = APInt(w, static_cast<int64_t>(value), /*isSigned=*/true);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, v));
}

Value dimSize(OpBuilder &b, Location loc, Value value, int64_t dim) {
  auto type = cast<RankedTensorType>(value.getType());
  if (!type.isDynamicDim(dim))
    return arith::ConstantIndexOp::create(b, loc, type.getDimSize(dim));
  return tensor::DimOp::create(b, loc, value, dim);
}

SmallVector<Value> dynamicDims(OpBuilder &b, Location loc, Value value) {
  SmallVector<Value> dims;
  auto type = cast<RankedTensorType>(value.getType());
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i))
      dims.push_back(tensor::DimOp::create(b, loc, value, i));
  return dims;
}

Value emptyTensor(OpBuilder &b, Location loc, RankedTensorType type,
                  ValueRange dynamicSizes) {
  return tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType(),
                                 dynamicSizes);
}

Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                   ValueRange dynamicSizes, double fill) {
  Value empty = emptyTensor(b, loc, type, dynamicSizes);
  Value scalar = scalarConstant(b, loc, type.getElementType(), fill);
  return linalg::FillOp::create(b, loc, scalar, empty).getResult(0);
}

SmallVector<Value> broadcastDynamicSizes(OpBuilder &b, Location loc,
                                         RankedTensorType result,
                                         ValueRange operands) {
  SmallVector<Value> sizes;
  int64_t rank = result.getRank();
  for (int64_t i = 0; i < rank; ++i) {
    if (!result.isDynamicDim(i))
      continue;
    Value size;
    // Prefer an operand that is dynamic there (its size is the result's);
    // a static non-1 size also determines it.
    for (bool wantDynamic : {true, false}) {
      for (Value operand : operands) {
        auto type = cast<RankedTensorType>(operand.getType());
        int64_t d = i - (rank - type.getRank());
        if (d < 0 || type.isDynamicDim(d) != wantDynamic ||
            type.getDimSize(d) == 1)
          continue;
        size = dimSize(b, loc, operand, d);
        break;
      }
      if (size)
        break;
    }
    sizes.push_back(size ? size : arith::ConstantIndexOp::create(b, loc, 1));
  }
  return sizes;
}

AffineMap broadcastMap(MLIRContext *ctx, RankedTensorType operand,
                       RankedTensorType result) {
  int64_t offset = result.getRank() - operand.getRank();
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < operand.getRank(); ++d) {
    bool stretched = operand.getDimSize(d) == 1 &&
                     result.getDimSize(offset + d) != 1;
    exprs.push_back(stretched ? getAffineConstantExpr(0, ctx)
                              : getAffineDimExpr(offset + d, ctx));
  }
  return AffineMap::get(result.getRank(), 0, exprs, ctx);
}

Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                       ValueRange operands, ScalarBody body,
                       std::optional<ValueRange> dynamicSizes) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value operand : operands)
    maps.push_back(
        broadcastMap(ctx, cast<RankedTensorType>(operand.getType()), resultType));
  maps.push_back(b.getMultiDimIdentityMap(resultType.getRank()));
  SmallVector<Value> sizes =
      dynamicSizes ? SmallVector<Value>(*dynamicSizes)
                   : broadcastDynamicSizes(b, loc, resultType, operands);
  Value init = emptyTensor(b, loc, resultType, sizes);
  SmallVector<utils::IteratorType> iterators(resultType.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, operands, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value v = body(nb, nl, args.drop_back());
        linalg::YieldOp::create(nb, nl, v);
      });
  return generic.getResult(0);
}

Value buildReduction(OpBuilder &b, Location loc, Value input,
                     ArrayRef<int64_t> axes, double init, ScalarBody combine) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  SmallVector<Value> sizes;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    if (llvm::is_contained(axes, i)) {
      iterators.push_back(utils::IteratorType::reduction);
      continue;
    }
    iterators.push_back(utils::IteratorType::parallel);
    shape.push_back(type.getDimSize(i));
    outExprs.push_back(getAffineDimExpr(i, ctx));
    if (type.isDynamicDim(i))
      sizes.push_back(tensor::DimOp::create(b, loc, input, i));
  }
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  Value acc = filledTensor(b, loc, resultType, sizes, init);
  SmallVector<AffineMap> maps = {
      b.getMultiDimIdentityMap(type.getRank()),
      AffineMap::get(type.getRank(), 0, outExprs, ctx)};
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, ValueRange{input}, ValueRange{acc}, maps,
      iterators, [&](OpBuilder &nb, Location nl, ValueRange args) {
        linalg::YieldOp::create(nb, nl, combine(nb, nl, args));
      });
  return generic.getResult(0);
}

Value reshapeTo(OpBuilder &b, Location loc, Value value,
                RankedTensorType type) {
  auto from = cast<RankedTensorType>(value.getType());
  if (from == type)
    return value;
  // Flatten to 1-D.
  Value flat = value;
  if (from.getRank() == 0) {
    auto oneD = RankedTensorType::get({1}, from.getElementType());
    flat = tensor::ExpandShapeOp::create(b, loc, oneD, value,
                                         ArrayRef<ReassociationIndices>{});
  } else if (from.getRank() > 1) {
    ReassociationIndices all;
    for (int64_t i = 0; i < from.getRank(); ++i)
      all.push_back(i);
    flat = tensor::CollapseShapeOp::create(b, loc, value,
                                           ArrayRef<ReassociationIndices>{all});
  }
  auto flatType = cast<RankedTensorType>(flat.getType());
  if (type.getRank() == 0) {
    if (flatType.isDynamicDim(0))
      flat = tensor::CastOp::create(
          b, loc, RankedTensorType::get({1}, type.getElementType()), flat);
    return tensor::CollapseShapeOp::create(b, loc, type, flat,
                                           ArrayRef<ReassociationIndices>{});
  }
  if (type.hasStaticShape() && flatType.isDynamicDim(0))
    flat = tensor::CastOp::create(
        b, loc,
        RankedTensorType::get({type.getNumElements()}, type.getElementType()),
        flat);
  if (type.getRank() == 1)
    return flat.getType() == type
               ? flat
               : tensor::CastOp::create(b, loc, type, flat).getResult();
  // The output sizes: static ones as given. The dynamic one is the input's
  // dynamic size itself when the static sizes on both sides multiply to the
  // same (a batch dimension carried through): later passes then see one
  // SSA value for the batch, not a quotient they would have to prove equal
  // to it. Otherwise it is the total divided by the product of the others.
  int64_t known = 1, knownFrom = 1;
  for (int64_t d : type.getShape())
    if (!ShapedType::isDynamic(d))
      known *= d;
  for (int64_t d : from.getShape())
    if (!ShapedType::isDynamic(d))
      knownFrom *= d;
  auto fromDynamic = llvm::find_if(from.getShape(), ShapedType::isDynamic);
  bool carried = from.getNumDynamicDims() == 1 && known == knownFrom;
  SmallVector<OpFoldResult> outputShape;
  for (int64_t d : type.getShape()) {
    if (!ShapedType::isDynamic(d)) {
      outputShape.push_back(b.getIndexAttr(d));
      continue;
    }
    if (carried) {
      outputShape.push_back(dimSize(
          b, loc, value, fromDynamic - from.getShape().begin()));
      continue;
    }
    Value total = dimSize(b, loc, flat, 0);
    Value k = arith::ConstantIndexOp::create(b, loc, known);
    outputShape.push_back(
        arith::DivUIOp::create(b, loc, total, k).getResult());
  }
  ReassociationIndices all;
  for (int64_t i = 0; i < type.getRank(); ++i)
    all.push_back(i);
  return tensor::ExpandShapeOp::create(b, loc, type, flat,
                                       ArrayRef<ReassociationIndices>{all},
                                       outputShape);
}

Value insertUnitDims(OpBuilder &b, Location loc, Value value,
                     RankedTensorType type, ArrayRef<int64_t> axes) {
  auto from = cast<RankedTensorType>(value.getType());
  if (from == type)
    return value;
  if (from.getRank() == 0)
    return tensor::ExpandShapeOp::create(b, loc, type, value,
                                         ArrayRef<ReassociationIndices>{});
  // Each source dimension opens a group; inserted unit dimensions join the
  // group of the next source dimension, or the last group at the end.
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices pending;
  SmallVector<OpFoldResult> outputShape;
  int64_t src = 0;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    if (llvm::is_contained(axes, i)) {
      pending.push_back(i);
      outputShape.push_back(b.getIndexAttr(1));
      continue;
    }
    pending.push_back(i);
    groups.push_back(pending);
    pending.clear();
    outputShape.push_back(
        from.isDynamicDim(src)
            ? OpFoldResult(tensor::DimOp::create(b, loc, value, src).getResult())
            : OpFoldResult(b.getIndexAttr(from.getDimSize(src))));
    ++src;
  }
  groups.back().append(pending.begin(), pending.end());
  return tensor::ExpandShapeOp::create(b, loc, type, value, groups,
                                       outputShape);
}

Value countOver(OpBuilder &b, Location loc, Value value, ArrayRef<int64_t> axes,
                Type type) {
  Value count = arith::ConstantIndexOp::create(b, loc, 1);
  for (int64_t axis : axes)
    count = arith::MulIOp::create(b, loc, count, dimSize(b, loc, value, axis));
  Value asInt = arith::IndexCastOp::create(b, loc, b.getI64Type(), count);
  if (isFloat(type))
    return arith::SIToFPOp::create(b, loc, type, asInt);
  return convertScalar(b, loc, asInt, type);
}

double lowestValue(Type type) {
  if (isFloat(type))
    return -std::numeric_limits<double>::infinity();
  unsigned w = type.getIntOrFloatBitWidth();
  return w == 1 ? 0.0 : -std::ldexp(1.0, w - 1);
}

double highestValue(Type type) {
  if (isFloat(type))
    return std::numeric_limits<double>::infinity();
  unsigned w = type.getIntOrFloatBitWidth();
  return w == 1 ? 1.0 : std::ldexp(1.0, w - 1) - 1;
}

Value convertScalar(OpBuilder &b, Location loc, Value value, Type to) {
  Type from = value.getType();
  if (from == to)
    return value;
  auto fromF = dyn_cast<FloatType>(from), toF = dyn_cast<FloatType>(to);
  if (fromF && toF)
    return fromF.getWidth() < toF.getWidth()
               ? arith::ExtFOp::create(b, loc, to, value).getResult()
               : arith::TruncFOp::create(b, loc, to, value).getResult();
  if (to.isInteger(1)) {
    // Anything to bool compares with zero.
    Value zero = scalarConstant(b, loc, from, 0);
    if (fromF)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, value,
                                   zero);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, value, zero);
  }
  bool fromBool = from.isInteger(1);
  if (fromF)
    return arith::FPToSIOp::create(b, loc, to, value);
  if (toF)
    return fromBool ? arith::UIToFPOp::create(b, loc, to, value).getResult()
                    : arith::SIToFPOp::create(b, loc, to, value).getResult();
  unsigned fw = from.getIntOrFloatBitWidth(), tw = to.getIntOrFloatBitWidth();
  if (fw < tw)
    return fromBool ? arith::ExtUIOp::create(b, loc, to, value).getResult()
                    : arith::ExtSIOp::create(b, loc, to, value).getResult();
  return arith::TruncIOp::create(b, loc, to, value);
}

} // namespace kiln::lowering
