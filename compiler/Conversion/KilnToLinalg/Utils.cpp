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
#include "mlir/Interfaces/FunctionInterfaces.h"

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

/// Where the size of `value`'s dimension `dim` comes from: following
/// destination-style ops to their inits, tensor.empty to its size operand and
/// tensor.dim to its source, back to a function argument's dimension or an
/// SSA size. Two dimensions with one origin have equal sizes.
static std::pair<Value, int64_t> originOfDim(Value value, int64_t dim) {
  for (int step = 0; step < 256; ++step) {
    auto result = dyn_cast<OpResult>(value);
    if (!result)
      break;
    Operation *op = result.getOwner();
    if (auto dps = dyn_cast<DestinationStyleOpInterface>(op)) {
      value = dps.getDpsInitOperand(result.getResultNumber())->get();
      continue;
    }
    if (auto cast = dyn_cast<tensor::CastOp>(op)) {
      value = cast.getSource();
      continue;
    }
    // Reshapes that keep the dimension whole (a depthwise convolution's
    // output collapsing its unit multiplier keeps the batch).
    if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op)) {
      SmallVector<ReassociationIndices> groups =
          collapse.getReassociationIndices();
      if (groups[dim].size() != 1)
        break;
      value = collapse.getSrc();
      dim = groups[dim].front();
      continue;
    }
    if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op)) {
      SmallVector<ReassociationIndices> groups =
          expand.getReassociationIndices();
      auto group = llvm::find_if(groups, [&](const ReassociationIndices &g) {
        return llvm::is_contained(g, dim);
      });
      if (group == groups.end() ||
          llvm::count_if(*group, [&](int64_t d) {
            return expand.getResultType().isDynamicDim(d);
          }) != 1)
        break;
      value = expand.getSrc();
      dim = group - groups.begin();
      continue;
    }
    if (!isa<tensor::EmptyOp>(op)) {
      // Another op (during conversion, often a kiln op not yet replaced):
      // follow the first operand of the result's rank that is dynamic at
      // `dim`. A wrong guess only costs a run-time broadcast.
      Value next;
      for (Value operand : op->getOperands())
        if (auto t = dyn_cast<RankedTensorType>(operand.getType()))
          if (t.getRank() == cast<RankedTensorType>(value.getType()).getRank() &&
              t.isDynamicDim(dim)) {
            next = operand;
            break;
          }
      if (!next)
        break;
      value = next;
      continue;
    }
    if (auto empty = dyn_cast<tensor::EmptyOp>(op)) {
      if (!empty.getType().isDynamicDim(dim))
        break;
      Value size = empty.getDynamicSize(dim);
      auto sizeDim = size.getDefiningOp<tensor::DimOp>();
      std::optional<int64_t> k =
          sizeDim ? sizeDim.getConstantIndex() : std::nullopt;
      if (!k)
        return {size, -1};
      value = sizeDim.getSource();
      dim = *k;
      continue;
    }
    break;
  }
  return {value, dim};
}

/// The symbol of `value`'s dimension `dim` when it is an independent size:
/// a function argument's dimension named in its `kiln.dim_symbols`.
static std::optional<std::string> dimSymbol(Value value, int64_t dim) {
  auto [origin, d] = originOfDim(value, dim);
  auto arg = dyn_cast<BlockArgument>(origin);
  if (!arg || d < 0 || !arg.getOwner()->isEntryBlock())
    return std::nullopt;
  auto fn = dyn_cast<FunctionOpInterface>(arg.getOwner()->getParentOp());
  if (!fn)
    return std::nullopt;
  auto symbols = fn.getArgAttrOfType<ArrayAttr>(arg.getArgNumber(), "kiln.dim_symbols");
  if (!symbols || d >= static_cast<int64_t>(symbols.size()))
    return std::nullopt;
  auto symbol = dyn_cast<StringAttr>(symbols[d]);
  if (!symbol || symbol.getValue().empty())
    return std::nullopt;
  return symbol.getValue().str();
}

/// Whether the function around `value` has arguments with independent
/// dynamic sizes (`kiln.dim_symbols`).
static bool independentSizes(Value value) {
  Operation *scope = value.getParentRegion()->getParentOp();
  auto fn = isa<FunctionOpInterface>(scope)
                ? cast<FunctionOpInterface>(scope)
                : scope->getParentOfType<FunctionOpInterface>();
  if (!fn)
    return false;
  for (unsigned i = 0; i < fn.getNumArguments(); ++i)
    if (fn.getArgAttr(i, "kiln.dim_symbols"))
      return true;
  return false;
}

/// Elementwise with broadcasting decided at run time: on the result's
/// dimensions where `ambiguous` is set, two or more operands have dynamic
/// sizes of different origins, or an operand's dynamic size meets a static
/// result size, so an operand's size may be 1 (NumPy broadcasting, as ONNX
/// models with dynamic inputs need). Those operands are read with
/// tensor.extract at index 0 where their size is 1 (clamped into range, so a
/// malformed input reads wrong values, never outside its buffer).
static Value buildRuntimeBroadcast(OpBuilder &b, Location loc,
                                   RankedTensorType resultType,
                                   ValueRange operands, ScalarBody body,
                                   ArrayRef<bool> ambiguous) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = resultType.getRank();
  SmallVector<Value> staticSizes = broadcastDynamicSizes(b, loc, resultType, operands);
  SmallVector<Value> sizes;
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  unsigned next = 0;
  for (int64_t i = 0; i < rank; ++i) {
    if (!resultType.isDynamicDim(i))
      continue;
    Value size = staticSizes[next++];
    if (ambiguous[i]) {
      // max of the sizes, or 0 when one is 0 (NumPy: 0 against 1 is 0).
      Value hi, lo;
      for (Value operand : operands) {
        auto type = cast<RankedTensorType>(operand.getType());
        int64_t d = i - (rank - type.getRank());
        if (d < 0 || !type.isDynamicDim(d))
          continue;
        Value sz = tensor::DimOp::create(b, loc, operand, d);
        hi = hi ? arith::MaxUIOp::create(b, loc, hi, sz) : sz;
        lo = lo ? arith::MinUIOp::create(b, loc, lo, sz) : sz;
      }
      Value empty = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lo, zero);
      size = arith::SelectOp::create(b, loc, empty, zero, hi);
    }
    sizes.push_back(size);
  }
  Value init = emptyTensor(b, loc, resultType, sizes);

  // Operands read through maps, and those read with tensor.extract.
  SmallVector<Value> mapped;
  SmallVector<AffineMap> maps;
  SmallVector<int> slot(operands.size(), -1);
  SmallVector<SmallVector<Value>> extentOf(operands.size());
  for (auto [j, operand] : llvm::enumerate(operands)) {
    auto type = cast<RankedTensorType>(operand.getType());
    bool gathered = false;
    for (int64_t d = 0; d < type.getRank(); ++d)
      gathered |= type.isDynamicDim(d) && ambiguous[d + rank - type.getRank()];
    if (!gathered) {
      slot[j] = mapped.size();
      mapped.push_back(operand);
      maps.push_back(broadcastMap(ctx, type, resultType));
      continue;
    }
    for (int64_t d = 0; d < type.getRank(); ++d)
      extentOf[j].push_back(dimSize(b, loc, operand, d));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, mapped, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        SmallVector<Value> scalars;
        for (auto [j, operand] : llvm::enumerate(operands)) {
          if (slot[j] >= 0) {
            scalars.push_back(args[slot[j]]);
            continue;
          }
          auto type = cast<RankedTensorType>(operand.getType());
          SmallVector<Value> index;
          for (int64_t d = 0; d < type.getRank(); ++d) {
            int64_t i = d + rank - type.getRank();
            if (!type.isDynamicDim(d) && type.getDimSize(d) == 1 &&
                resultType.getDimSize(i) != 1) {
              index.push_back(arith::ConstantIndexOp::create(nb, nl, 0));
              continue;
            }
            Value at = linalg::IndexOp::create(nb, nl, i);
            if (type.isDynamicDim(d)) {
              Value last = arith::SubIOp::create(nb, nl, extentOf[j][d], one);
              at = arith::MinSIOp::create(nb, nl, at, last);
              Value unit = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::eq,
                                                 extentOf[j][d], one);
              Value z = arith::ConstantIndexOp::create(nb, nl, 0);
              at = arith::SelectOp::create(nb, nl, unit, z, at);
            }
            index.push_back(at);
          }
          scalars.push_back(tensor::ExtractOp::create(nb, nl, operand, index));
        }
        linalg::YieldOp::create(nb, nl, body(nb, nl, scalars));
      });
  return generic.getResult(0);
}

Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                       ValueRange operands, ScalarBody body,
                       std::optional<ValueRange> dynamicSizes) {
  MLIRContext *ctx = b.getContext();
  if (!dynamicSizes && operands.size() > 1 && independentSizes(operands[0])) {
    int64_t rank = resultType.getRank();
    SmallVector<bool> ambiguous(rank, false);
    bool any = false;
    for (int64_t i = 0; i < rank; ++i) {
      // A dynamic operand size under a static result size may be 1.
      bool staticResult = !resultType.isDynamicDim(i);
      std::optional<std::string> first;
      for (auto [j, operand] : llvm::enumerate(operands)) {
        auto type = cast<RankedTensorType>(operand.getType());
        int64_t d = i - (rank - type.getRank());
        if (d < 0 || !type.isDynamicDim(d))
          continue;
        // In a function whose arguments carry `kiln.dim_symbols` (the ONNX
        // importer's), sizes of different symbols are independent, and a
        // size not traced to an argument is a symbol of its own; elsewhere
        // dynamic sizes are equal (one batch).
        std::string origin =
            dimSymbol(operand, d).value_or("operand #" + std::to_string(j));
        if (staticResult && resultType.getDimSize(i) != 1)
          ambiguous[i] = any = true;
        else if (!first)
          first = origin;
        else if (*first != origin)
          ambiguous[i] = any = true;
      }
    }
    if (any)
      return buildRuntimeBroadcast(b, loc, resultType, operands, body, ambiguous);
  }
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
