//===- KilnFolders.cpp - folders and canonicalization patterns ------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Folds the obvious identities (x + 0, x * 1, reshape to the same type,
// identity transposes, dropout outside training, ...) and small constant
// expressions. Constant folding is limited to splats and small tensors so
// that weights are never copied through the folder.
//
//===----------------------------------------------------------------------===//

#include "dialects/kiln/IR/KilnOps.h"

#include "mlir/Dialect/CommonFolders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace kiln {

/// Constant folding never materializes more elements than this.
static constexpr int64_t kMaxFoldElements = 4096;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// Whether `attr` is a constant splat equal to `value` (float or integer).
static bool isSplatOf(Attribute attr, double value) {
  auto splat = dyn_cast_or_null<SplatElementsAttr>(attr);
  if (!splat)
    return false;
  Type elt = splat.getElementType();
  if (isa<FloatType>(elt))
    return splat.getSplatValue<APFloat>().convertToDouble() == value;
  if (isa<IntegerType>(elt))
    return splat.getSplatValue<APInt>().getSExtValue() ==
           static_cast<int64_t>(value);
  return false;
}

/// Whether a value can stand in for an op's result: same type exactly.
static bool sameType(Value value, Value result) {
  return value.getType() == result.getType();
}

/// Whether folding an op producing `result` may build a new constant.
static bool mayFoldConstant(Value result, ArrayRef<Attribute> operands) {
  auto type = dyn_cast<RankedTensorType>(result.getType());
  if (!type || !type.hasStaticShape())
    return false;
  for (Value operand : result.getDefiningOp()->getOperands())
    if (operand.getType() != type)
      return false;
  bool allSplat = llvm::all_of(operands, [](Attribute a) {
    return isa_and_nonnull<SplatElementsAttr>(a);
  });
  return allSplat || type.getNumElements() <= kMaxFoldElements;
}

/// Folds a same-shape binary op on constants with `floatFn` / `intFn`.
template <typename FloatFn, typename IntFn>
static Attribute foldBinary(Value result, ArrayRef<Attribute> operands,
                            FloatFn floatFn, IntFn intFn) {
  if (!mayFoldConstant(result, operands))
    return {};
  Type type = result.getType();
  if (isa<FloatType>(getElementTypeOrSelf(type)))
    return constFoldBinaryOpConditional<FloatAttr, APFloat, void>(
        operands, type, floatFn);
  return constFoldBinaryOpConditional<IntegerAttr, APInt, void>(operands, type,
                                                                intFn);
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  if (isSplatOf(adaptor.getRhs(), 0) && sameType(getLhs(), getResult()))
    return getLhs();
  if (isSplatOf(adaptor.getLhs(), 0) && sameType(getRhs(), getResult()))
    return getRhs();
  return foldBinary(
      getResult(), adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return a + b;
      },
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a + b;
      });
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  if (isSplatOf(adaptor.getRhs(), 0) && sameType(getLhs(), getResult()))
    return getLhs();
  return foldBinary(
      getResult(), adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return a - b;
      },
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a - b;
      });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (isSplatOf(adaptor.getRhs(), 1) && sameType(getLhs(), getResult()))
    return getLhs();
  if (isSplatOf(adaptor.getLhs(), 1) && sameType(getRhs(), getResult()))
    return getRhs();
  return foldBinary(
      getResult(), adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return a * b;
      },
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        return a * b;
      });
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  if (isSplatOf(adaptor.getRhs(), 1) && sameType(getLhs(), getResult()))
    return getLhs();
  return foldBinary(
      getResult(), adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) -> std::optional<APFloat> {
        return a / b;
      },
      // Integer division by zero (and INT_MIN / -1) is left to run time.
      [](const APInt &a, const APInt &b) -> std::optional<APInt> {
        if (b.isZero() || (b.isAllOnes() && a.isMinSignedValue()))
          return std::nullopt;
        return a.sdiv(b);
      });
}

/// Folds `f(f(x))` to `x` for an involution `f`.
template <typename OpTy>
static OpFoldResult foldInvolution(OpTy op) {
  if (auto inner = op.getInput().template getDefiningOp<OpTy>())
    return inner.getInput();
  return {};
}

/// Folds `f(f(x))` to `f(x)` for an idempotent `f`.
template <typename OpTy>
static OpFoldResult foldIdempotent(OpTy op) {
  if (auto inner = op.getInput().template getDefiningOp<OpTy>())
    return inner.getResult();
  return {};
}

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  if (mayFoldConstant(getResult(), adaptor.getOperands())) {
    Type type = getType();
    if (isa<FloatType>(getElementTypeOrSelf(type)))
      if (Attribute folded = constFoldUnaryOp<FloatAttr, APFloat, void>(
              adaptor.getOperands(), type,
              [](const APFloat &a) { return -a; }))
        return folded;
  }
  return foldInvolution(*this);
}

OpFoldResult AbsOp::fold(FoldAdaptor) { return foldIdempotent(*this); }
OpFoldResult NotOp::fold(FoldAdaptor) { return foldInvolution(*this); }
OpFoldResult ReluOp::fold(FoldAdaptor) { return foldIdempotent(*this); }

OpFoldResult SelectOp::fold(FoldAdaptor adaptor) {
  auto cond = dyn_cast_or_null<SplatElementsAttr>(adaptor.getCondition());
  if (!cond)
    return {};
  Value chosen = cond.getSplatValue<bool>() ? getOnTrue() : getOnFalse();
  return sameType(chosen, getResult()) ? chosen : Value();
}

OpFoldResult ClampOp::fold(FoldAdaptor) {
  if (!getMin() && !getMax())
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// NN and reductions
//===----------------------------------------------------------------------===//

OpFoldResult DropoutOp::fold(FoldAdaptor) {
  if ((!getTraining() || getRate().isZero()) &&
      sameType(getInput(), getResult()))
    return getInput();
  return {};
}

/// A reduction over no axes is the identity.
template <typename OpTy>
static OpFoldResult foldEmptyReduction(OpTy op) {
  if (op.getAxes().empty() && sameType(op.getInput(), op.getResult()))
    return op.getInput();
  return {};
}

OpFoldResult ReduceSumOp::fold(FoldAdaptor) { return foldEmptyReduction(*this); }
OpFoldResult ReduceMeanOp::fold(FoldAdaptor) { return foldEmptyReduction(*this); }
OpFoldResult ReduceMaxOp::fold(FoldAdaptor) { return foldEmptyReduction(*this); }
OpFoldResult ReduceMinOp::fold(FoldAdaptor) { return foldEmptyReduction(*this); }
OpFoldResult ReduceProdOp::fold(FoldAdaptor) { return foldEmptyReduction(*this); }

//===----------------------------------------------------------------------===//
// Constants and data movement
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (sameType(getInput(), getResult()))
    return getInput();
  return {};
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  auto type = getType();
  if (sameType(getInput(), getResult()) && type.hasStaticShape())
    return getInput();
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    if (type.hasStaticShape())
      return dense.reshape(type);
  return {};
}

OpFoldResult ShapeOfOp::fold(FoldAdaptor) {
  auto input = cast<RankedTensorType>(getInput().getType());
  if (!input.hasStaticShape())
    return {};
  return DenseElementsAttr::get(cast<ShapedType>(getType()),
                                ArrayRef<int64_t>(input.getShape()));
}

namespace {
/// reshape(reshape(x)) -> reshape(x): only the last shape matters.
struct ComposeReshapes : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<ReshapeOp>();
    if (!inner)
      return rewriter.notifyMatchFailure(op, "input is not a reshape");
    rewriter.modifyOpInPlace(
        op, [&] { op.getInputMutable().set(inner.getInput()); });
    return success();
  }
};

/// transpose(transpose(x, p), q) -> transpose(x, p o q).
struct ComposeTransposes : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<TransposeOp>();
    if (!inner)
      return rewriter.notifyMatchFailure(op, "input is not a transpose");
    SmallVector<int64_t> composed;
    for (int64_t p : op.getPermutation())
      composed.push_back(inner.getPermutation()[p]);
    rewriter.replaceOpWithNewOp<TransposeOp>(op, op.getType(), inner.getInput(),
                                             composed);
    return success();
  }
};
} // namespace

void ReshapeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                            MLIRContext *context) {
  results.add<ComposeReshapes>(context);
}

void TransposeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                              MLIRContext *context) {
  results.add<ComposeTransposes>(context);
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  for (auto [i, p] : llvm::enumerate(getPermutation()))
    if (static_cast<int64_t>(i) != p)
      return {};
  return sameType(getInput(), getResult()) ? getInput() : Value();
}

OpFoldResult ConcatOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1 && sameType(getInputs().front(), getResult()))
    return getInputs().front();
  return {};
}

OpFoldResult SliceOp::fold(FoldAdaptor) {
  // A slice whose result type equals a static input type took everything.
  auto type = getType();
  if (type.hasStaticShape() && sameType(getInput(), getResult()) &&
      llvm::all_of(getSteps(), [](int64_t s) { return s == 1; }))
    return getInput();
  return {};
}

/// The indices of a gather along an axis of static size `size`, when they
/// are a constant vector, negative ones counted from the end.
static std::optional<SmallVector<int64_t>> constantIndices(Value indices,
                                                           int64_t size) {
  DenseIntElementsAttr attr;
  if (!matchPattern(indices, m_Constant(&attr)) ||
      cast<ShapedType>(attr.getType()).getRank() != 1)
    return std::nullopt;
  SmallVector<int64_t> result;
  for (const APInt &v : attr.getValues<APInt>()) {
    int64_t i = v.getSExtValue();
    result.push_back(i < 0 ? i + size : i);
  }
  return result;
}

OpFoldResult GatherOp::fold(FoldAdaptor) {
  // Gathers that compose to the identity (a reversal reversed, as in a
  // Bidirectional layer's backward half) return the data.
  int64_t axis = getAxis();
  auto dataType = cast<RankedTensorType>(getData().getType());
  if (axis < 0 || axis >= dataType.getRank() ||
      dataType.isDynamicDim(axis))
    return {};
  int64_t size = dataType.getDimSize(axis);
  std::optional<SmallVector<int64_t>> outer = constantIndices(getIndices(), size);
  if (!outer || static_cast<int64_t>(outer->size()) != size)
    return {};
  Value source = getData();
  SmallVector<int64_t> composed = *outer;
  if (auto inner = source.getDefiningOp<GatherOp>();
      inner && static_cast<int64_t>(inner.getAxis()) == axis &&
      !cast<RankedTensorType>(inner.getData().getType()).isDynamicDim(axis)) {
    int64_t innerSize =
        cast<RankedTensorType>(inner.getData().getType()).getDimSize(axis);
    std::optional<SmallVector<int64_t>> first =
        constantIndices(inner.getIndices(), innerSize);
    if (first && static_cast<int64_t>(first->size()) == size &&
        innerSize == size) {
      for (int64_t &i : composed)
        i = (i >= 0 && i < size) ? (*first)[i] : -1;
      source = inner.getData();
    }
  }
  for (auto [i, v] : llvm::enumerate(composed))
    if (static_cast<int64_t>(i) != v)
      return {};
  return sameType(source, getResult()) ? source : Value();
}

OpFoldResult PadOp::fold(FoldAdaptor) {
  auto isZero = [](int64_t v) { return v == 0; };
  if (llvm::all_of(getLow(), isZero) && llvm::all_of(getHigh(), isZero) &&
      sameType(getInput(), getResult()))
    return getInput();
  return {};
}

OpFoldResult BroadcastToOp::fold(FoldAdaptor adaptor) {
  auto type = getType();
  if (sameType(getInput(), getResult()) && type.hasStaticShape())
    return getInput();
  if (auto splat = dyn_cast_or_null<SplatElementsAttr>(adaptor.getInput()))
    if (type.hasStaticShape())
      return splat.resizeSplat(type);
  return {};
}

} // namespace kiln
