//===- NNToLinalg.cpp - convolutions, pooling, normalizations, losses -----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Convolutions pad their input and become the linalg named convolutions
// (plain and depthwise); any other group count uses a grouped-convolution
// `linalg.generic`. A transposed convolution is a plain one over its input
// spread out by the stride, with the filter reversed and transposed. Pooling
// uses the named pooling ops; average pooling divides by the number of real
// elements under each window, computed from the output position.
// Normalizations and cross-entropies are reductions followed by broadcasting
// generics, and dropout hashes each element's position into a keep decision.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/KilnToLinalg/KilnToLinalg.h"
#include "compiler/Conversion/KilnToLinalg/Utils.h"
#include "dialects/kiln/IR/KilnOps.h"
#include "dialects/kiln/IR/ShapeInference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace kiln::lowering;

namespace kiln {
namespace {

//===----------------------------------------------------------------------===//
// Sizes, padding and reshapes
//===----------------------------------------------------------------------===//

Value indexConstant(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

/// `x * mul + add` on a size; static sizes fold.
OpFoldResult scaledSize(OpBuilder &b, Location loc, OpFoldResult x, int64_t mul,
                        int64_t add) {
  if (std::optional<int64_t> c = getConstantIntValue(x))
    return b.getIndexAttr(*c * mul + add);
  Value v = cast<Value>(x);
  if (mul != 1)
    v = arith::MulIOp::create(b, loc, v, indexConstant(b, loc, mul));
  if (add != 0)
    v = arith::AddIOp::create(b, loc, v, indexConstant(b, loc, add));
  return v;
}

/// `x / divisor` on a size that the divisor divides.
OpFoldResult dividedSize(OpBuilder &b, Location loc, OpFoldResult x,
                         int64_t divisor) {
  if (std::optional<int64_t> c = getConstantIntValue(x))
    return b.getIndexAttr(*c / divisor);
  return arith::DivUIOp::create(b, loc, cast<Value>(x),
                                indexConstant(b, loc, divisor))
      .getResult();
}

/// The number of positions of a window of `size` elements, dilated by
/// `dilation`, that slides by `stride` over `in` elements.
OpFoldResult windowOutSize(OpBuilder &b, Location loc, OpFoldResult in,
                           OpFoldResult size, int64_t stride,
                           int64_t dilation) {
  OpFoldResult span = scaledSize(b, loc, size, dilation, 1 - dilation);
  std::optional<int64_t> inC = getConstantIntValue(in),
                         spanC = getConstantIntValue(span);
  if (inC && spanC)
    return b.getIndexAttr(*inC < *spanC ? 0 : (*inC - *spanC) / stride + 1);
  auto asValue = [&](OpFoldResult v) -> Value {
    if (std::optional<int64_t> c = getConstantIntValue(v))
      return indexConstant(b, loc, *c);
    return cast<Value>(v);
  };
  Value v = arith::SubIOp::create(b, loc, asValue(in), asValue(span));
  v = arith::DivSIOp::create(b, loc, v, indexConstant(b, loc, stride));
  return arith::AddIOp::create(b, loc, v, indexConstant(b, loc, 1)).getResult();
}

/// A tensor of the given sizes, filled with `fill` when given.
Value tensorOf(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
               Type elt, std::optional<double> fill) {
  SmallVector<Value> dynamic;
  SmallVector<int64_t> shape;
  dispatchIndexOpFoldResults(sizes, dynamic, shape);
  auto type = RankedTensorType::get(shape, elt);
  return fill ? filledTensor(b, loc, type, dynamic, *fill)
              : emptyTensor(b, loc, type, dynamic);
}

/// Splits the last dimension of `value` into `[groups, size / groups]`.
Value splitLastDim(OpBuilder &b, Location loc, Value value, int64_t groups) {
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, value);
  OpFoldResult last = sizes.pop_back_val();
  sizes.push_back(b.getIndexAttr(groups));
  sizes.push_back(dividedSize(b, loc, last, groups));
  SmallVector<Value> dynamic;
  SmallVector<int64_t> shape;
  dispatchIndexOpFoldResults(sizes, dynamic, shape);
  auto type = RankedTensorType::get(
      shape, cast<RankedTensorType>(value.getType()).getElementType());
  SmallVector<ReassociationIndices> groupsOfDims;
  int64_t rank = static_cast<int64_t>(sizes.size());
  for (int64_t i = 0; i + 2 < rank; ++i)
    groupsOfDims.push_back({i});
  groupsOfDims.push_back({rank - 2, rank - 1});
  return tensor::ExpandShapeOp::create(b, loc, type, value, groupsOfDims,
                                       sizes);
}

/// Merges the last two dimensions of `value` (the inverse of splitLastDim).
Value mergeLastDims(OpBuilder &b, Location loc, Value value) {
  int64_t rank = cast<RankedTensorType>(value.getType()).getRank();
  SmallVector<ReassociationIndices> groupsOfDims;
  for (int64_t i = 0; i + 2 < rank; ++i)
    groupsOfDims.push_back({i});
  groupsOfDims.push_back({rank - 2, rank - 1});
  return tensor::CollapseShapeOp::create(b, loc, value, groupsOfDims);
}

/// Pads the spatial dimensions (1 to rank - 2) of `x` with `fill`: `low[i]`
/// elements before and `high[i]` after; negative amounts crop instead. With
/// a `spread` above 1, `spread - 1` fill elements also go between
/// neighbours (the input of a transposed convolution).
Value padSpatial(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> low,
                 ArrayRef<int64_t> high, double fill,
                 ArrayRef<int64_t> spread = {}) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank(), n = rank - 2;
  Type elt = type.getElementType();
  auto isZero = [](int64_t v) { return v == 0; };
  auto isNegative = [](int64_t v) { return v < 0; };
  bool spreads = llvm::any_of(spread, [](int64_t s) { return s != 1; });
  bool crops = llvm::any_of(low, isNegative) || llvm::any_of(high, isNegative);
  if (!spreads && llvm::all_of(low, isZero) && llvm::all_of(high, isZero))
    return x;

  if (!spreads && !crops) {
    SmallVector<OpFoldResult> lo(rank, b.getIndexAttr(0)),
        hi(rank, b.getIndexAttr(0));
    SmallVector<int64_t> shape(type.getShape());
    for (int64_t i = 0; i < n; ++i) {
      lo[i + 1] = b.getIndexAttr(low[i]);
      hi[i + 1] = b.getIndexAttr(high[i]);
      if (!type.isDynamicDim(i + 1))
        shape[i + 1] += low[i] + high[i];
    }
    return tensor::PadOp::create(b, loc, RankedTensorType::get(shape, elt), x,
                                 lo, hi, scalarConstant(b, loc, elt, fill));
  }

  // Insert the input with a stride into a filled tensor that has room for
  // the positive padding, then crop the negative amounts.
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, x);
  SmallVector<OpFoldResult> full(sizes), offsets(rank, b.getIndexAttr(0)),
      strides(rank, b.getIndexAttr(1));
  for (int64_t i = 0; i < n; ++i) {
    int64_t s = spread.empty() ? 1 : spread[i];
    int64_t lo = std::max<int64_t>(low[i], 0),
            hi = std::max<int64_t>(high[i], 0);
    // (in - 1) * s + 1 + lo + hi
    full[i + 1] = scaledSize(b, loc, sizes[i + 1], s, lo + hi + 1 - s);
    offsets[i + 1] = b.getIndexAttr(lo);
    strides[i + 1] = b.getIndexAttr(s);
  }
  Value dest = tensorOf(b, loc, full, elt, fill);
  Value spreadOut =
      tensor::InsertSliceOp::create(b, loc, x, dest, offsets, sizes, strides);
  if (!crops)
    return spreadOut;
  SmallVector<OpFoldResult> cropOffsets(rank, b.getIndexAttr(0)),
      cropSizes(full), ones(rank, b.getIndexAttr(1));
  for (int64_t i = 0; i < n; ++i) {
    int64_t lo = std::min<int64_t>(low[i], 0),
            hi = std::min<int64_t>(high[i], 0);
    cropOffsets[i + 1] = b.getIndexAttr(-lo);
    cropSizes[i + 1] = scaledSize(b, loc, full[i + 1], 1, lo + hi);
  }
  return tensor::ExtractSliceOp::create(b, loc, spreadOut, cropOffsets,
                                        cropSizes, ones);
}

//===----------------------------------------------------------------------===//
// Named window ops
//===----------------------------------------------------------------------===//

/// Builds a named convolution or pooling op into `init`.
using WindowOpBuilder = Value (*)(OpBuilder &, Location, ValueRange, Value,
                                  ArrayRef<int64_t>, ArrayRef<int64_t>);

template <typename OpTy>
Value namedWindowOp(OpBuilder &b, Location loc, ValueRange ins, Value init,
                    ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations) {
  return OpTy::create(b, loc, TypeRange{init.getType()}, ins, ValueRange{init},
                      b.getI64TensorAttr(strides),
                      b.getI64TensorAttr(dilations))
      .getResult(0);
}

/// The named op per spatial rank (1-, 2- and 3-D).
const WindowOpBuilder kConvOps[] = {namedWindowOp<linalg::Conv1DNwcWcfOp>,
                                    namedWindowOp<linalg::Conv2DNhwcHwcfOp>,
                                    namedWindowOp<linalg::Conv3DNdhwcDhwcfOp>};
const WindowOpBuilder kDepthwiseOps[] = {
    namedWindowOp<linalg::DepthwiseConv1DNwcWcmOp>,
    namedWindowOp<linalg::DepthwiseConv2DNhwcHwcmOp>,
    namedWindowOp<linalg::DepthwiseConv3DNdhwcDhwcmOp>};
const WindowOpBuilder kMaxPoolOps[] = {
    namedWindowOp<linalg::PoolingNwcMaxOp>,
    namedWindowOp<linalg::PoolingNhwcMaxOp>,
    namedWindowOp<linalg::PoolingNdhwcMaxOp>};
const WindowOpBuilder kSumPoolOps[] = {
    namedWindowOp<linalg::PoolingNwcSumOp>,
    namedWindowOp<linalg::PoolingNhwcSumOp>,
    namedWindowOp<linalg::PoolingNdhwcSumOp>};

/// Reads the window attributes of a convolution or pooling op.
FailureOr<WindowParams> readWindow(int64_t spatialDims,
                                   std::optional<ArrayRef<int64_t>> strides,
                                   std::optional<ArrayRef<int64_t>> dilations,
                                   std::optional<ArrayRef<int64_t>> padding) {
  WindowParams params;
  if (failed(getWindowParams(std::nullopt, spatialDims, strides, dilations,
                             padding, params)))
    return failure();
  return params;
}

/// The (low, high) padding pairs of `params` as two lists.
std::pair<DimVector, DimVector> splitPadding(const WindowParams &params) {
  DimVector low, high;
  for (size_t i = 0; i + 1 < params.padding.size(); i += 2) {
    low.push_back(params.padding[i]);
    high.push_back(params.padding[i + 1]);
  }
  return {low, high};
}

/// Whether the filter's spatial sizes are static.
bool hasStaticWindow(Value filter) {
  auto type = cast<RankedTensorType>(filter.getType());
  return llvm::none_of(type.getShape().drop_back(2), ShapedType::isDynamic);
}

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

Value multiplyAccumulate(OpBuilder &b, Location loc, ValueRange args) {
  return arith::AddFOp::create(b, loc, args[2],
                               arith::MulFOp::create(b, loc, args[0], args[1]));
}

/// Convolves `input`, already padded, with a filter in kiln layout
/// `[spatial..., in / groups, out]`.
Value buildConv(OpBuilder &b, Location loc, Value input, Value filter,
                ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                int64_t groups) {
  MLIRContext *ctx = b.getContext();
  auto filterType = cast<RankedTensorType>(filter.getType());
  Type elt = filterType.getElementType();
  int64_t n = filterType.getRank() - 2;
  SmallVector<OpFoldResult> in = tensor::getMixedSizes(b, loc, input);
  SmallVector<OpFoldResult> window = tensor::getMixedSizes(b, loc, filter);
  SmallVector<OpFoldResult> out = {in[0]};
  for (int64_t i = 0; i < n; ++i)
    out.push_back(
        windowOutSize(b, loc, in[i + 1], window[i], strides[i], dilations[i]));
  OpFoldResult outChannels = window.back();

  if (groups == 1) {
    out.push_back(outChannels);
    Value init = tensorOf(b, loc, out, elt, 0.0);
    return kConvOps[n - 1](b, loc, ValueRange{input, filter}, init, strides,
                           dilations);
  }

  // Depthwise (one input channel per group): the filter [k..., 1, G * M]
  // becomes [k..., G, M] and the result [..., G, M] merges back.
  out.push_back(b.getIndexAttr(groups));
  out.push_back(dividedSize(b, loc, outChannels, groups));
  Value init = tensorOf(b, loc, out, elt, 0.0);
  if (filterType.getDimSize(n) == 1) {
    Value flat = mergeLastDims(b, loc, filter);
    Value perChannel = splitLastDim(b, loc, flat, groups);
    Value result = kDepthwiseOps[n - 1](b, loc, ValueRange{input, perChannel},
                                        init, strides, dilations);
    return mergeLastDims(b, loc, result);
  }

  // Any other group count: split the channels into [G, C / G] on both sides
  // and contract within each group. Loops: batch, output positions, group,
  // output channel in the group, window positions, input channel in the
  // group.
  Value groupedInput = splitLastDim(b, loc, input, groups);
  Value groupedFilter = splitLastDim(b, loc, filter, groups);
  int64_t loops = 2 * n + 4;
  auto dim = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  AffineExpr batch = dim(0), group = dim(n + 1), outChannel = dim(n + 2),
             inChannel = dim(2 * n + 3);
  SmallVector<AffineExpr> inExprs = {batch}, filterExprs, outExprs = {batch};
  for (int64_t i = 0; i < n; ++i) {
    AffineExpr pos = dim(1 + i), win = dim(n + 3 + i);
    inExprs.push_back(pos * strides[i] + win * dilations[i]);
    filterExprs.push_back(win);
    outExprs.push_back(pos);
  }
  inExprs.append({group, inChannel});
  filterExprs.append({inChannel, group, outChannel});
  outExprs.append({group, outChannel});
  SmallVector<AffineMap> maps = {AffineMap::get(loops, 0, inExprs, ctx),
                                 AffineMap::get(loops, 0, filterExprs, ctx),
                                 AffineMap::get(loops, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(n + 3,
                                             utils::IteratorType::parallel);
  iterators.append(n + 1, utils::IteratorType::reduction);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()},
      ValueRange{groupedInput, groupedFilter}, ValueRange{init}, maps,
      iterators, [](OpBuilder &nb, Location nl, ValueRange args) {
        linalg::YieldOp::create(nb, nl, multiplyAccumulate(nb, nl, args));
      });
  return mergeLastDims(b, loc, generic.getResult(0));
}

struct ConvLowering : OpConversionPattern<ConvOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput(), filter = adaptor.getFilter();
    int64_t n = op.getNumSpatialDims();
    if (n < 1 || n > 3)
      return rewriter.notifyMatchFailure(op, "expected 1 to 3 spatial dims");
    FailureOr<WindowParams> params =
        readWindow(n, op.getStrides(), op.getDilations(), op.getPadding());
    if (failed(params))
      return rewriter.notifyMatchFailure(op, "invalid window attributes");
    auto [low, high] = splitPadding(*params);
    Value padded = padSpatial(rewriter, loc, input, low, high, 0.0);
    Value result =
        buildConv(rewriter, loc, padded, filter, params->strides,
                  params->dilations, static_cast<int64_t>(op.getGroups()));
    rewriter.replaceOp(op, castTo(rewriter, loc, result, op.getType()));
    return success();
  }
};

/// The filter of the plain convolution that computes a transposed one:
/// `[k..., out / G, in]` reversed spatially and transposed per group to
/// `[k..., in / G, out]`.
Value transposedFilter(OpBuilder &b, Location loc, Value filter,
                       int64_t groups) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(filter.getType());
  int64_t n = type.getRank() - 2;
  bool grouped = groups != 1;
  // [k..., M, (G,) C]
  Value source = grouped ? splitLastDim(b, loc, filter, groups) : filter;
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, source);
  // Loops [k..., C, (G,) M] read source[k - 1 - k'..., M, (G,) C].
  int64_t loops = grouped ? n + 3 : n + 2;
  SmallVector<OpFoldResult> outSizes(sizes.begin(), sizes.begin() + n);
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < n; ++i)
    exprs.push_back(getAffineConstantExpr(type.getDimSize(i) - 1, ctx) -
                    getAffineDimExpr(i, ctx));
  outSizes.push_back(sizes.back());
  exprs.push_back(getAffineDimExpr(loops - 1, ctx));
  if (grouped) {
    outSizes.push_back(b.getIndexAttr(groups));
    exprs.push_back(getAffineDimExpr(n + 1, ctx));
  }
  outSizes.push_back(sizes[n]);
  exprs.push_back(getAffineDimExpr(n, ctx));
  Value init = tensorOf(b, loc, outSizes, type.getElementType(), std::nullopt);
  SmallVector<AffineMap> maps = {AffineMap::get(loops, 0, exprs, ctx),
                                 b.getMultiDimIdentityMap(loops)};
  SmallVector<utils::IteratorType> iterators(loops,
                                             utils::IteratorType::parallel);
  Value result = linalg::GenericOp::create(
                     b, loc, TypeRange{init.getType()}, ValueRange{source},
                     ValueRange{init}, maps, iterators,
                     [](OpBuilder &nb, Location nl, ValueRange args) {
                       linalg::YieldOp::create(nb, nl, args[0]);
                     })
                     .getResult(0);
  return grouped ? mergeLastDims(b, loc, result) : result;
}

/// A transposed convolution scatters each input element times the filter
/// over a stride-spaced grid. Equivalently: spread the input by the stride,
/// pad it by `dilation * (k - 1)` minus the cropped padding on each side
/// (plus `output_padding` at the high end), and correlate with the reversed,
/// transposed filter at stride 1.
struct ConvTransposeLowering : OpConversionPattern<ConvTransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConvTransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput(), filter = adaptor.getFilter();
    auto filterType = cast<RankedTensorType>(filter.getType());
    int64_t n = filterType.getRank() - 2;
    if (n < 1 || n > 3)
      return rewriter.notifyMatchFailure(op, "expected 1 to 3 spatial dims");
    if (!hasStaticWindow(filter))
      return rewriter.notifyMatchFailure(op, "expected static filter window");
    FailureOr<WindowParams> params =
        readWindow(n, op.getStrides(), op.getDilations(), op.getPadding());
    DimVector outputPadding;
    if (failed(params) ||
        failed(getSpatialAttr(std::nullopt, "output_padding",
                              op.getOutputPadding(), n, 0, 0, outputPadding)))
      return rewriter.notifyMatchFailure(op, "invalid window attributes");
    auto [cropLow, cropHigh] = splitPadding(*params);
    DimVector low, high;
    for (int64_t i = 0; i < n; ++i) {
      int64_t reach = params->dilations[i] * (filterType.getDimSize(i) - 1);
      low.push_back(reach - cropLow[i]);
      high.push_back(reach - cropHigh[i] + outputPadding[i]);
    }
    auto groups = static_cast<int64_t>(op.getGroups());
    Value spread =
        padSpatial(rewriter, loc, input, low, high, 0.0, params->strides);
    Value weights = transposedFilter(rewriter, loc, filter, groups);
    Value result = buildConv(rewriter, loc, spread, weights, DimVector(n, 1),
                             params->dilations, groups);
    rewriter.replaceOp(op, castTo(rewriter, loc, result, op.getType()));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// Divides window sums by the number of real (not padding) elements under
/// each window: per spatial dimension, the window offsets `k` in `[0, w)`
/// with `0 <= o * stride - low + k * dilation < in`.
Value divideByRealCount(OpBuilder &b, Location loc, Value sums, Value input,
                        ArrayRef<int64_t> window, const WindowParams &params,
                        ArrayRef<int64_t> low) {
  auto type = cast<RankedTensorType>(sums.getType());
  int64_t n = static_cast<int64_t>(window.size());
  SmallVector<Value> inSizes;
  for (int64_t i = 0; i < n; ++i)
    inSizes.push_back(dimSize(b, loc, input, i + 1));
  return buildElementwise(
      b, loc, type, ValueRange{sums},
      [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
        auto c = [&](int64_t v) { return indexConstant(nb, nl, v); };
        Value count = c(1);
        for (int64_t i = 0; i < n; ++i) {
          int64_t s = params.strides[i], d = params.dilations[i];
          Value o = linalg::IndexOp::create(nb, nl, i + 1);
          Value start = arith::SubIOp::create(
              nb, nl, arith::MulIOp::create(nb, nl, o, c(s)), c(low[i]));
          // First offset: ceil(max(-start, 0) / d). Last offset:
          // floor((in - 1 - start) / d), whose dividend is never negative
          // because the high padding is smaller than the window.
          Value before = arith::MaxSIOp::create(
              nb, nl, arith::SubIOp::create(nb, nl, c(0), start), c(0));
          Value after = arith::SubIOp::create(
              nb, nl, arith::SubIOp::create(nb, nl, inSizes[i], c(1)), start);
          if (d != 1) {
            before = arith::DivUIOp::create(
                nb, nl, arith::AddIOp::create(nb, nl, before, c(d - 1)), c(d));
            after = arith::DivSIOp::create(nb, nl, after, c(d));
          }
          Value last = arith::MinSIOp::create(nb, nl, after, c(window[i] - 1));
          Value span = arith::AddIOp::create(
              nb, nl, arith::SubIOp::create(nb, nl, last, before), c(1));
          count = arith::MulIOp::create(
              nb, nl, count, arith::MaxSIOp::create(nb, nl, span, c(0)));
        }
        Value asInt =
            arith::IndexCastOp::create(nb, nl, nb.getI64Type(), count);
        Value asFloat =
            arith::SIToFPOp::create(nb, nl, type.getElementType(), asInt);
        return arith::DivFOp::create(nb, nl, args[0], asFloat);
      });
}

template <typename OpTy, bool isMax>
struct PoolLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    Type elt = type.getElementType();
    int64_t n = type.getRank() - 2;
    ArrayRef<int64_t> window = op.getWindow();
    if (n < 1 || n > 3 || static_cast<int64_t>(window.size()) != n)
      return rewriter.notifyMatchFailure(op, "expected 1 to 3 spatial dims");
    FailureOr<WindowParams> params =
        readWindow(n, op.getStrides(), op.getDilations(), op.getPadding());
    if (failed(params))
      return rewriter.notifyMatchFailure(op, "invalid window attributes");
    auto [low, high] = splitPadding(*params);

    // Padding with the reduction's identity keeps it out of the result.
    double identity = isMax ? lowestValue(elt) : 0.0;
    Value padded = padSpatial(rewriter, loc, input, low, high, identity);
    SmallVector<OpFoldResult> in = tensor::getMixedSizes(rewriter, loc, padded);
    SmallVector<OpFoldResult> out = {in.front()};
    for (int64_t i = 0; i < n; ++i)
      out.push_back(windowOutSize(rewriter, loc, in[i + 1],
                                  rewriter.getIndexAttr(window[i]),
                                  params->strides[i], params->dilations[i]));
    out.push_back(in.back());
    Value init = tensorOf(rewriter, loc, out, elt, identity);
    Value shape = tensor::EmptyOp::create(rewriter, loc, window, elt);
    Value result = (isMax ? kMaxPoolOps : kSumPoolOps)[n - 1](
        rewriter, loc, ValueRange{padded, shape}, init, params->strides,
        params->dilations);

    if constexpr (!isMax) {
      bool hasPadding =
          llvm::any_of(params->padding, [](int64_t p) { return p != 0; });
      if (op.getCountIncludePad() || !hasPadding) {
        double size = 1;
        for (int64_t w : window)
          size *= static_cast<double>(w);
        result = buildElementwise(
            rewriter, loc, cast<RankedTensorType>(result.getType()),
            ValueRange{result}, [&](OpBuilder &b, Location l, ValueRange a) {
              return arith::DivFOp::create(b, l, a[0],
                                           scalarConstant(b, l, elt, size))
                  .getResult();
            });
      } else {
        result = divideByRealCount(rewriter, loc, result, input, window,
                                   *params, low);
      }
    }
    rewriter.replaceOp(op, castTo(rewriter, loc, result, op.getType()));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Reductions along axes, shared by normalizations and losses
//===----------------------------------------------------------------------===//

/// The map from `rank` loops to the dimensions not in `axes`.
AffineMap keptMap(MLIRContext *ctx, int64_t rank, ArrayRef<int64_t> axes) {
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < rank; ++i)
    if (!llvm::is_contained(axes, i))
      exprs.push_back(getAffineDimExpr(i, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

/// Reduces over `axes` of the shape of `operands[0]`. Operands of that rank
/// are read elementwise, lower-rank ones with the shape that drops `axes`.
/// `body(elements..., accumulator)` gives the next accumulator, which starts
/// at `init`.
Value reduceOver(OpBuilder &b, Location loc, ValueRange operands,
                 ArrayRef<int64_t> axes, double init, ScalarBody body) {
  MLIRContext *ctx = b.getContext();
  Value x = operands.front();
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  AffineMap kept = keptMap(ctx, rank, axes);
  SmallVector<AffineMap> maps;
  for (Value v : operands)
    maps.push_back(cast<RankedTensorType>(v.getType()).getRank() == rank
                       ? b.getMultiDimIdentityMap(rank)
                       : kept);
  maps.push_back(kept);
  SmallVector<int64_t> shape;
  SmallVector<Value> sizes;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t i = 0; i < rank; ++i) {
    if (llvm::is_contained(axes, i)) {
      iterators.push_back(utils::IteratorType::reduction);
      continue;
    }
    iterators.push_back(utils::IteratorType::parallel);
    shape.push_back(type.getDimSize(i));
    if (type.isDynamicDim(i))
      sizes.push_back(tensor::DimOp::create(b, loc, x, i));
  }
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  Value acc = filledTensor(b, loc, resultType, sizes, init);
  return linalg::GenericOp::create(
             b, loc, TypeRange{resultType}, operands, ValueRange{acc}, maps,
             iterators,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               linalg::YieldOp::create(nb, nl, body(nb, nl, args));
             })
      .getResult(0);
}

Value addScalars(OpBuilder &b, Location loc, ValueRange a) {
  return arith::AddFOp::create(b, loc, a[0], a[1]);
}

/// The mean and the biased variance of `x` over `axes` (two passes, so the
/// variance does not lose precision to cancellation).
std::pair<Value, Value> moments(OpBuilder &b, Location loc, Value x,
                                ArrayRef<int64_t> axes) {
  Type elt = cast<RankedTensorType>(x.getType()).getElementType();
  Value count = countOver(b, loc, x, axes, elt);
  auto divide = [&](Value v) {
    return buildElementwise(
        b, loc, cast<RankedTensorType>(v.getType()), ValueRange{v},
        [&](OpBuilder &nb, Location nl, ValueRange a) {
          return arith::DivFOp::create(nb, nl, a[0], count).getResult();
        });
  };
  Value mean = divide(reduceOver(b, loc, ValueRange{x}, axes, 0.0, addScalars));
  Value squares =
      reduceOver(b, loc, ValueRange{x, mean}, axes, 0.0,
                 [](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                   Value d = arith::SubFOp::create(nb, nl, a[0], a[1]);
                   return arith::AddFOp::create(
                       nb, nl, a[2], arith::MulFOp::create(nb, nl, d, d));
                 });
  return {mean, divide(squares)};
}

/// `scale * (x - mean) / sqrt(variance + epsilon) + offset` over the shape
/// of `x`; `statsMap` reads the mean and variance, `paramMap` the scale and
/// offset.
Value normalize(OpBuilder &b, Location loc, Value x, Value mean, Value variance,
                AffineMap statsMap, Value scale, Value offset,
                AffineMap paramMap, double epsilon) {
  auto type = cast<RankedTensorType>(x.getType());
  AffineMap id = b.getMultiDimIdentityMap(type.getRank());
  SmallVector<AffineMap> maps = {id,       statsMap, statsMap,
                                 paramMap, paramMap, id};
  Value init = emptyTensor(b, loc, type, dynamicDims(b, loc, x));
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type},
             ValueRange{x, mean, variance, scale, offset}, ValueRange{init},
             maps, iterators,
             [&](OpBuilder &nb, Location nl, ValueRange a) {
               Value eps =
                   scalarConstant(nb, nl, type.getElementType(), epsilon);
               Value centered = arith::SubFOp::create(nb, nl, a[0], a[1]);
               Value stddev = math::SqrtOp::create(
                   nb, nl, arith::AddFOp::create(nb, nl, a[2], eps));
               Value scaled = arith::DivFOp::create(
                   nb, nl, arith::MulFOp::create(nb, nl, a[3], centered),
                   stddev);
               linalg::YieldOp::create(
                   nb, nl,
                   arith::AddFOp::create(nb, nl, scaled, a[4]).getResult());
             })
      .getResult(0);
}

/// `log(sum(exp(x)))` along `axis`, shifted by the maximum for stability.
Value logSumExp(OpBuilder &b, Location loc, Value x, int64_t axis) {
  Type elt = cast<RankedTensorType>(x.getType()).getElementType();
  Value max = reduceOver(
      b, loc, ValueRange{x}, {axis}, lowestValue(elt),
      [](OpBuilder &nb, Location nl, ValueRange a) {
        return arith::MaximumFOp::create(nb, nl, a[0], a[1]).getResult();
      });
  Value sum =
      reduceOver(b, loc, ValueRange{x, max}, {axis}, 0.0,
                 [](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                   Value e = math::ExpOp::create(
                       nb, nl, arith::SubFOp::create(nb, nl, a[0], a[1]));
                   return arith::AddFOp::create(nb, nl, a[2], e);
                 });
  return buildElementwise(
      b, loc, cast<RankedTensorType>(max.getType()), ValueRange{max, sum},
      [](OpBuilder &nb, Location nl, ValueRange a) {
        return arith::AddFOp::create(nb, nl, a[0],
                                     math::LogOp::create(nb, nl, a[1]))
            .getResult();
      });
}

//===----------------------------------------------------------------------===//
// Normalizations
//===----------------------------------------------------------------------===//

AffineMap featureMap(MLIRContext *ctx, int64_t rank, int64_t axis) {
  return AffineMap::get(rank, 0, getAffineDimExpr(axis, ctx));
}

struct BatchNormInferenceLowering : OpConversionPattern<BatchNormInferenceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(BatchNormInferenceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
    AffineMap feature = featureMap(rewriter.getContext(), rank,
                                   static_cast<int64_t>(op.getFeatureAxis()));
    Value result = normalize(rewriter, op.getLoc(), input, adaptor.getMean(),
                             adaptor.getVariance(), feature, adaptor.getScale(),
                             adaptor.getOffset(), feature,
                             op.getEpsilon().convertToDouble());
    rewriter.replaceOp(op, castTo(rewriter, op.getLoc(), result, op.getType()));
    return success();
  }
};

struct BatchNormTrainingLowering : OpConversionPattern<BatchNormTrainingOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(BatchNormTrainingOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
    auto axis = static_cast<int64_t>(op.getFeatureAxis());
    SmallVector<int64_t> axes;
    for (int64_t i = 0; i < rank; ++i)
      if (i != axis)
        axes.push_back(i);
    auto [mean, variance] = moments(rewriter, loc, input, axes);
    AffineMap feature = featureMap(rewriter.getContext(), rank, axis);
    Value result = normalize(rewriter, loc, input, mean, variance, feature,
                             adaptor.getScale(), adaptor.getOffset(), feature,
                             op.getEpsilon().convertToDouble());
    rewriter.replaceOp(
        op, {castTo(rewriter, loc, result, op.getResult().getType()),
             castTo(rewriter, loc, mean, op.getBatchMean().getType()),
             castTo(rewriter, loc, variance, op.getBatchVariance().getType())});
    return success();
  }
};

struct LayerNormLowering : OpConversionPattern<LayerNormOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(LayerNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value input = adaptor.getInput();
    int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
    ArrayRef<int64_t> axes = op.getAxes();
    auto [mean, variance] = moments(rewriter, loc, input, axes);
    // scale and offset have the normalized dimensions in the order of `axes`.
    SmallVector<AffineExpr> paramExprs;
    for (int64_t a : axes)
      paramExprs.push_back(getAffineDimExpr(a, ctx));
    Value result =
        normalize(rewriter, loc, input, mean, variance,
                  keptMap(ctx, rank, axes), adaptor.getScale(),
                  adaptor.getOffset(), AffineMap::get(rank, 0, paramExprs, ctx),
                  op.getEpsilon().convertToDouble());
    rewriter.replaceOp(op, castTo(rewriter, loc, result, op.getType()));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Dropout
//===----------------------------------------------------------------------===//

constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ull;
constexpr uint64_t kMix1 = 0xBF58476D1CE4E5B9ull;
constexpr uint64_t kMix2 = 0x94D049BB133111EBull;

/// SplitMix64: a bijective 64-bit mix whose outputs on consecutive inputs
/// are statistically independent.
uint64_t splitMix64(uint64_t z) {
  z += kGolden;
  z = (z ^ (z >> 30)) * kMix1;
  z = (z ^ (z >> 27)) * kMix2;
  return z ^ (z >> 31);
}

Value i64Constant(OpBuilder &b, Location loc, uint64_t value) {
  return arith::ConstantOp::create(
      b, loc, b.getI64IntegerAttr(static_cast<int64_t>(value)));
}

/// splitMix64 on an i64 value.
Value splitMix64(OpBuilder &b, Location loc, Value z) {
  auto xorShift = [&](Value v, int64_t shift) {
    return arith::XOrIOp::create(
        b, loc, v,
        arith::ShRUIOp::create(b, loc, v, i64Constant(b, loc, shift)));
  };
  z = arith::AddIOp::create(b, loc, z, i64Constant(b, loc, kGolden));
  z = arith::MulIOp::create(b, loc, xorShift(z, 30),
                            i64Constant(b, loc, kMix1));
  z = arith::MulIOp::create(b, loc, xorShift(z, 27),
                            i64Constant(b, loc, kMix2));
  return xorShift(z, 31);
}

/// Each element hashes (seed, offset, linear position) with SplitMix64; the
/// top 32 bits are a uniform `u` in [0, 1) in units of 2^-32, and the element
/// survives when `u >= rate`. Dimensions where `noise_shape` is 1 use
/// position 0, so the decision is shared along them.
struct DropoutLowering : OpConversionPattern<DropoutOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(DropoutOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    double rate = op.getRate().convertToDouble();
    if (!op.getTraining() || rate == 0.0) {
      rewriter.replaceOp(op, castTo(rewriter, loc, input, op.getType()));
      return success();
    }
    if (!(rate > 0.0 && rate < 1.0))
      return rewriter.notifyMatchFailure(op, "expected rate in [0, 1)");
    auto type = cast<RankedTensorType>(input.getType());
    Type elt = type.getElementType(), i64 = rewriter.getI64Type();
    int64_t rank = type.getRank();
    std::optional<ArrayRef<int64_t>> noise = op.getNoiseShape();

    uint64_t seedKey = splitMix64(static_cast<uint64_t>(op.getSeed()));
    Value key;
    if (Value offset = adaptor.getOffset()) {
      Value step =
          tensor::ExtractOp::create(rewriter, loc, offset, ValueRange{});
      key = splitMix64(
          rewriter, loc,
          arith::XOrIOp::create(rewriter, loc, step,
                                i64Constant(rewriter, loc, seedKey)));
    } else {
      key = i64Constant(rewriter, loc, splitMix64(seedKey));
    }
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < rank; ++d)
      sizes.push_back(arith::IndexCastOp::create(
          rewriter, loc, i64, dimSize(rewriter, loc, input, d)));
    // u >= rate  <=>  top32 >= ceil(rate * 2^32).
    auto threshold = static_cast<uint64_t>(std::ceil(std::ldexp(rate, 32)));

    Value result = buildElementwise(
        rewriter, loc, type, ValueRange{input},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value position = i64Constant(b, l, 0);
          for (int64_t d = 0; d < rank; ++d) {
            if (d > 0)
              position = arith::MulIOp::create(b, l, position, sizes[d]);
            if (noise && (*noise)[d] == 1)
              continue;
            Value index = arith::IndexCastOp::create(
                b, l, i64, linalg::IndexOp::create(b, l, d));
            position = arith::AddIOp::create(b, l, position, index);
          }
          Value hash =
              splitMix64(b, l, arith::AddIOp::create(b, l, key, position));
          Value top = arith::ShRUIOp::create(b, l, hash, i64Constant(b, l, 32));
          Value keep = arith::CmpIOp::create(b, l, arith::CmpIPredicate::uge,
                                             top, i64Constant(b, l, threshold));
          Value scaled = arith::MulFOp::create(
              b, l, a[0], scalarConstant(b, l, elt, 1.0 / (1.0 - rate)));
          return arith::SelectOp::create(b, l, keep, scaled,
                                         scalarConstant(b, l, elt, 0.0));
        });
    rewriter.replaceOp(op, castTo(rewriter, loc, result, op.getType()));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Cross-entropy
//===----------------------------------------------------------------------===//

/// -sum(labels * log_softmax(logits)) = sum(labels * (lse - logits)).
struct SoftmaxCrossEntropyLowering
    : OpConversionPattern<SoftmaxCrossEntropyOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SoftmaxCrossEntropyOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto axis = static_cast<int64_t>(op.getAxis());
    Value logits = adaptor.getLogits(), labels = adaptor.getLabels();
    Value lse = logSumExp(rewriter, loc, logits, axis);
    Value loss = reduceOver(
        rewriter, loc, ValueRange{logits, labels, lse}, {axis}, 0.0,
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value negLogProb = arith::SubFOp::create(b, l, a[2], a[0]);
          return arith::AddFOp::create(
              b, l, a[3], arith::MulFOp::create(b, l, a[1], negLogProb));
        });
    rewriter.replaceOp(op, castTo(rewriter, loc, loss, op.getType()));
    return success();
  }
};

/// lse(logits) - logits[label], read with a clamped index; NaN when the
/// label is outside [0, classes).
struct SparseSoftmaxCrossEntropyLowering
    : OpConversionPattern<SparseSoftmaxCrossEntropyOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SparseSoftmaxCrossEntropyOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value logits = adaptor.getLogits(), labels = adaptor.getLabels();
    auto logitsType = cast<RankedTensorType>(logits.getType());
    auto labelsType = cast<RankedTensorType>(labels.getType());
    int64_t classAxis = logitsType.getRank() - 1;
    Type elt = logitsType.getElementType();
    Value lse = logSumExp(rewriter, loc, logits, classAxis);
    Value classes = dimSize(rewriter, loc, logits, classAxis);

    // The result takes each size from whichever operand knows it.
    SmallVector<int64_t> shape;
    for (int64_t i = 0; i < classAxis; ++i)
      shape.push_back(labelsType.isDynamicDim(i) ? logitsType.getDimSize(i)
                                                 : labelsType.getDimSize(i));
    auto resultType = RankedTensorType::get(shape, elt);
    Value result = buildElementwise(
        rewriter, loc, resultType, ValueRange{labels, lse},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value label =
              arith::IndexCastOp::create(b, l, b.getIndexType(), a[0]);
          Value zero = indexConstant(b, l, 0);
          Value valid = arith::AndIOp::create(
              b, l,
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, label,
                                    zero),
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, label,
                                    classes));
          SmallVector<Value> indices;
          for (int64_t i = 0; i < classAxis; ++i)
            indices.push_back(linalg::IndexOp::create(b, l, i));
          indices.push_back(arith::SelectOp::create(b, l, valid, label, zero));
          Value logit = tensor::ExtractOp::create(b, l, logits, indices);
          Value loss = arith::SubFOp::create(b, l, a[1], logit);
          Value nan = scalarConstant(b, l, elt,
                                     std::numeric_limits<double>::quiet_NaN());
          return arith::SelectOp::create(b, l, valid, loss, nan);
        });
    rewriter.replaceOp(op, castTo(rewriter, loc, result, op.getType()));
    return success();
  }
};

} // namespace

void populateNNToLinalgPatterns(TypeConverter &converter,
                                RewritePatternSet &patterns) {
  patterns
      .add<ConvLowering, ConvTransposeLowering, PoolLowering<MaxPoolOp, true>,
           PoolLowering<AvgPoolOp, false>, BatchNormInferenceLowering,
           BatchNormTrainingLowering, LayerNormLowering, DropoutLowering,
           SoftmaxCrossEntropyLowering, SparseSoftmaxCrossEntropyLowering>(
          converter, patterns.getContext());
}

} // namespace kiln
