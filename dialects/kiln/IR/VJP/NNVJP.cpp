//===- NNVJP.cpp - VJP rules of convolutions, pooling, norms, dropout -----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// A convolution's input cotangent is a transposed convolution of the
// result cotangent with the same filter; its filter cotangent is a
// convolution of the padded input with the result cotangent, batch and
// channels swapped. Average pooling spreads each cotangent over its window
// with a depthwise transposed convolution. The normalizations are
// differentiated through their decomposition into primitive kiln ops;
// dropout applies the same mask to the cotangent.
//
//===----------------------------------------------------------------------===//

#include "dialects/kiln/IR/VJP/VJPUtils.h"

#include <limits>

using namespace mlir;

namespace kiln {
namespace {

using namespace vjp;

/// Per spatial dimension: stride, dilation, low and high padding.
struct Window {
  SmallVector<int64_t> strides, dilations, low, high;
};

Window windowOf(int64_t spatial, std::optional<ArrayRef<int64_t>> strides,
                std::optional<ArrayRef<int64_t>> dilations,
                std::optional<ArrayRef<int64_t>> padding) {
  Window w;
  for (int64_t i = 0; i < spatial; ++i) {
    w.strides.push_back(strides ? (*strides)[i] : 1);
    w.dilations.push_back(dilations ? (*dilations)[i] : 1);
    w.low.push_back(padding ? (*padding)[2 * i] : 0);
    w.high.push_back(padding ? (*padding)[2 * i + 1] : 0);
  }
  return w;
}

/// The output padding that makes a transposed convolution of a window's
/// result give back `input`'s spatial sizes; fails on dynamic sizes.
FailureOr<SmallVector<int64_t>> outputPadding(Location loc, Value input,
                                              ArrayRef<int64_t> kernel,
                                              const Window &w) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> pads;
  for (size_t i = 0; i < kernel.size(); ++i) {
    int64_t size = type.getDimSize(i + 1);
    if (ShapedType::isDynamic(size))
      return emitError(loc) << "cannot differentiate a window over a "
                               "dynamic spatial dimension";
    int64_t span = size + w.low[i] + w.high[i] - w.dilations[i] * (kernel[i] - 1) - 1;
    pads.push_back(span % w.strides[i]);
  }
  return pads;
}

SmallVector<int64_t> flatPadding(const Window &w) {
  SmallVector<int64_t> out;
  for (size_t i = 0; i < w.low.size(); ++i) {
    out.push_back(w.low[i]);
    out.push_back(w.high[i]);
  }
  return out;
}

/// `x` ([batch, spatial..., channels]) padded by the window's low/high
/// amounts on its spatial dimensions with `value`.
Value padSpatial(OpBuilder &b, Location loc, Value x, const Window &win,
                 double value) {
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  SmallVector<int64_t> low(rank, 0), high(rank, 0);
  for (size_t i = 0; i < win.low.size(); ++i) {
    low[i + 1] = win.low[i];
    high[i + 1] = win.high[i];
  }
  return PadOp::create(b, loc, x, b.getDenseI64ArrayAttr(low),
                       b.getDenseI64ArrayAttr(high),
                       PadModeAttr::get(b.getContext(), PadMode::constant),
                       b.getF64FloatAttr(value));
}

/// The filter cotangent of a (groups = 1) convolution of `x` whose result
/// cotangent is `dy`: d filter[k, ci, co] = sum_{n, o} xpad[n, o * s + k * d,
/// ci] * dy[n, o, co], a convolution of xpad as [ci, spatial, n] with dy as a
/// [spatial, n, co] filter, strides and dilations swapped, cut to the kernel.
Value filterGradient(OpBuilder &b, Location loc, Value x, Value dy,
                     const Window &win, ArrayRef<int64_t> kernel) {
  auto xType = cast<RankedTensorType>(x.getType());
  int64_t rank = xType.getRank(), spatial = rank - 2;
  Value xpad = padSpatial(b, loc, x, win, 0.0);
  SmallVector<int64_t> xPerm{rank - 1}, ctPerm;
  for (int64_t i = 1; i <= spatial; ++i) {
    xPerm.push_back(i);
    ctPerm.push_back(i);
  }
  xPerm.push_back(0);
  ctPerm.push_back(0);
  ctPerm.push_back(rank - 1);
  Value xt = TransposeOp::create(b, loc, xpad, xPerm);
  Value ctt = TransposeOp::create(b, loc, dy, ctPerm);
  Value corr = ConvOp::create(b, loc, xt, ctt, b.getDenseI64ArrayAttr(win.dilations),
                              b.getDenseI64ArrayAttr(win.strides),
                              b.getDenseI64ArrayAttr(SmallVector<int64_t>(2 * spatial, 0)),
                              b.getI64IntegerAttr(1));
  // [ci, r..., co] -> [k..., ci, co].
  SmallVector<int64_t> axes, starts, ends, steps;
  for (int64_t i = 0; i < spatial; ++i) {
    axes.push_back(i + 1);
    starts.push_back(0);
    ends.push_back(kernel[i]);
    steps.push_back(1);
  }
  Value cut = SliceOp::create(b, loc, corr, axes, starts, ends, steps);
  SmallVector<int64_t> back;
  for (int64_t i = 1; i <= spatial; ++i)
    back.push_back(i);
  back.push_back(0);
  back.push_back(spatial + 1);
  return TransposeOp::create(b, loc, cut, back);
}

/// The filter cotangent of a convolution in `groups` groups: each group's
/// channels of `x` and `dy` give that group's block of output channels.
Value groupedFilterGradient(OpBuilder &b, Location loc, Value x, Value dy,
                            const Window &win, ArrayRef<int64_t> kernel,
                            int64_t groups) {
  if (groups == 1)
    return filterGradient(b, loc, x, dy, win, kernel);
  auto xType = cast<RankedTensorType>(x.getType());
  auto dyType = cast<RankedTensorType>(dy.getType());
  int64_t last = xType.getRank() - 1;
  int64_t xc = xType.getDimSize(last) / groups, dc = dyType.getDimSize(last) / groups;
  auto channels = [&](Value v, int64_t start, int64_t size) -> Value {
    int64_t axes[] = {last}, starts[] = {start}, ends[] = {start + size},
            steps[] = {1};
    return SliceOp::create(b, loc, v, axes, starts, ends, steps);
  };
  SmallVector<Value> blocks;
  for (int64_t g = 0; g < groups; ++g)
    blocks.push_back(filterGradient(b, loc, channels(x, g * xc, xc),
                                    channels(dy, g * dc, dc), win, kernel));
  return ConcatOp::create(b, loc, ValueRange(blocks),
                          b.getI64IntegerAttr(static_cast<int64_t>(kernel.size()) + 1));
}

LogicalResult convVJP(ConvOp op, OpBuilder &b, Cts cts, Out &out) {
  Location loc = op.getLoc();
  int64_t groups = static_cast<int64_t>(op.getGroups());
  Value x = op.getInput(), w = op.getFilter(), ct = cts[0];
  auto xType = cast<RankedTensorType>(x.getType());
  auto wType = cast<RankedTensorType>(w.getType());
  int64_t spatial = xType.getRank() - 2;
  Window win = windowOf(spatial, op.getStrides(), op.getDilations(), op.getPadding());
  SmallVector<int64_t> kernel(wType.getShape().take_front(spatial));
  FailureOr<SmallVector<int64_t>> outPad = outputPadding(loc, x, kernel, win);
  if (failed(outPad))
    return failure();

  // d input: the transposed convolution with the same filter and groups
  // (HWIO, [spatial, in / groups, out], is the transposed convolution's
  // [spatial, out / groups, in] layout for this direction).
  Value dx = ConvTransposeOp::create(
      b, loc, ct, w, b.getDenseI64ArrayAttr(win.strides),
      b.getDenseI64ArrayAttr(win.dilations),
      b.getDenseI64ArrayAttr(flatPadding(win)), b.getDenseI64ArrayAttr(*outPad),
      b.getI64IntegerAttr(groups));

  out.push_back(dx);
  out.push_back(groupedFilterGradient(b, loc, x, ct, win, kernel, groups));
  return success();
}

LogicalResult convTransposeVJP(ConvTransposeOp op, OpBuilder &b, Cts cts,
                               Out &out) {
  Location loc = op.getLoc();
  int64_t groups = static_cast<int64_t>(op.getGroups());
  Value x = op.getInput(), w = op.getFilter(), ct = cts[0];
  auto wType = cast<RankedTensorType>(w.getType());
  int64_t spatial = cast<RankedTensorType>(x.getType()).getRank() - 2;
  Window win = windowOf(spatial, op.getStrides(), op.getDilations(), op.getPadding());
  SmallVector<int64_t> kernel(wType.getShape().take_front(spatial));
  // The transposed convolution is the adjoint of the convolution C_w that
  // maps its output space to its input space: d input = C_w(ct), and
  // d filter is C_w's filter gradient with ct as the input and x as the
  // result cotangent ([k, out, in] is HWIO for C_w).
  Value dx = ConvOp::create(b, loc, ct, w, b.getDenseI64ArrayAttr(win.strides),
                            b.getDenseI64ArrayAttr(win.dilations),
                            b.getDenseI64ArrayAttr(flatPadding(win)),
                            b.getI64IntegerAttr(groups));
  out.push_back(dx);
  out.push_back(groupedFilterGradient(b, loc, ct, x, win, kernel, groups));
  return success();
}

/// What both pooling rules need: the window, the output padding that
/// gives back the input's sizes, and the (static) channel count.
struct PoolSetup {
  int64_t rank, spatial, channels;
  Window win;
  SmallVector<int64_t> outPad;
  Type elt;
};

template <typename OpT> FailureOr<PoolSetup> poolSetup(OpT op) {
  Location loc = op.getLoc();
  auto xType = cast<RankedTensorType>(op.getInput().getType());
  PoolSetup s;
  s.rank = xType.getRank();
  s.spatial = s.rank - 2;
  s.channels = xType.getDimSize(s.rank - 1);
  if (ShapedType::isDynamic(s.channels))
    return emitError(loc) << "cannot differentiate pooling over dynamic channels";
  s.win = windowOf(s.spatial, op.getStrides(), op.getDilations(), op.getPadding());
  FailureOr<SmallVector<int64_t>> outPad =
      outputPadding(loc, op.getInput(), op.getWindow(), s.win);
  if (failed(outPad))
    return failure();
  s.outPad = *outPad;
  s.elt = xType.getElementType();
  return s;
}

/// A float constant of `type` filled by `value(flat index)`.
Value filledConstant(OpBuilder &b, Location loc, RankedTensorType type,
                     llvm::function_ref<double(int64_t)> value) {
  auto elt = cast<FloatType>(type.getElementType());
  SmallVector<APFloat> values;
  for (int64_t i = 0; i < type.getNumElements(); ++i) {
    APFloat v(value(i));
    bool lost;
    v.convert(elt.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    values.push_back(v);
  }
  return ConstantOp::create(b, loc, DenseElementsAttr::get(type, values));
}

/// Sends each window's cotangent `ct` back over the window's positions: a
/// transposed convolution in `channels` groups with `filter`
/// ([window..., 1, in_channels]), undoing the window's strides, dilations
/// and padding.
Value spreadOverWindows(OpBuilder &b, Location loc, Value ct, Value filter,
                        const PoolSetup &setup) {
  const Window &win = setup.win;
  return ConvTransposeOp::create(
      b, loc, ct, filter, b.getDenseI64ArrayAttr(win.strides),
      b.getDenseI64ArrayAttr(win.dilations),
      b.getDenseI64ArrayAttr(flatPadding(win)),
      b.getDenseI64ArrayAttr(setup.outPad), b.getI64IntegerAttr(setup.channels));
}

LogicalResult avgPoolVJP(AvgPoolOp op, OpBuilder &b, Cts cts, Out &out) {
  Location loc = op.getLoc();
  Value x = op.getInput();
  FailureOr<PoolSetup> setup = poolSetup(op);
  if (failed(setup))
    return failure();
  const Window &win = setup->win;
  int64_t channels = setup->channels;
  Type elt = setup->elt;
  ArrayRef<int64_t> kernel = op.getWindow();
  Value ct = cts[0];
  // Each output averaged `count` inputs: the window, or without
  // count_include_pad the window's inputs that are not padding, which is
  // the window size times an average pool of ones that counts padding.
  int64_t windowSize = 1;
  for (int64_t k : kernel)
    windowSize *= k;
  bool padded = llvm::any_of(win.low, [](int64_t v) { return v != 0; }) ||
                llvm::any_of(win.high, [](int64_t v) { return v != 0; });
  if (padded && !op.getCountIncludePad()) {
    Value ones = broadcastLike(b, loc, scalar(b, loc, elt, 1.0), x);
    Value frac = AvgPoolOp::create(b, loc, ones, op.getWindowAttr(),
                                   op.getStridesAttr(), op.getDilationsAttr(),
                                   op.getPaddingAttr(), b.getBoolAttr(true));
    ct = DivOp::create(b, loc, ct,
                       MulOp::create(b, loc, frac, scalar(b, loc, elt, windowSize)));
  } else {
    ct = MulOp::create(b, loc, ct, scalar(b, loc, elt, 1.0 / windowSize));
  }
  // Spread over the window: a depthwise transposed convolution with ones,
  // filter [k..., 1, channels].
  SmallVector<int64_t> fshape(kernel);
  fshape.push_back(1);
  fshape.push_back(channels);
  Value ones = filledConstant(b, loc, RankedTensorType::get(fshape, elt),
                              [](int64_t) { return 1.0; });
  out.push_back(spreadOverWindows(b, loc, ct, ones, *setup));
  return success();
}

LogicalResult maxPoolVJP(MaxPoolOp op, OpBuilder &b, Cts cts, Out &out) {
  Location loc = op.getLoc();
  Value x = op.getInput(), y = op.getResult(), ct = cts[0];
  auto yType = cast<RankedTensorType>(y.getType());
  FailureOr<PoolSetup> setup = poolSetup(op);
  if (failed(setup))
    return failure();
  int64_t rank = setup->rank, spatial = setup->spatial,
          channels = setup->channels;
  const Window &win = setup->win;
  Type elt = setup->elt;
  ArrayRef<int64_t> kernel = op.getWindow();
  // Padding never wins the max.
  Value xpad = padSpatial(b, loc, x, win, -std::numeric_limits<double>::infinity());
  // Each output's cotangent goes to the first position of its window, in
  // window order, that holds the maximum: one masked copy per offset.
  int64_t offsets = 1;
  for (int64_t k : kernel)
    offsets *= k;
  Value zero = scalar(b, loc, elt, 0.0);
  Value one = scalar(b, loc, elt, 1.0), half = scalar(b, loc, elt, 0.5);
  Value taken;
  SmallVector<Value> parts;
  SmallVector<int64_t> partShape(yType.getShape());
  partShape.push_back(1);
  for (int64_t j = 0; j < offsets; ++j) {
    SmallVector<int64_t> axes, starts, ends, steps;
    int64_t rest = j;
    for (int64_t i = spatial - 1; i >= 0; --i) {
      int64_t o = rest % kernel[i];
      rest /= kernel[i];
      int64_t outSize = yType.getDimSize(i + 1);
      axes.insert(axes.begin(), i + 1);
      starts.insert(starts.begin(), o * win.dilations[i]);
      ends.insert(ends.begin(), o * win.dilations[i] + win.strides[i] * (outSize - 1) + 1);
      steps.insert(steps.begin(), win.strides[i]);
    }
    Value at = SliceOp::create(b, loc, xpad, axes, starts, ends, steps);
    // The masks are 0 or 1 in the element type: each comparison then has
    // one use and fuses into its consumer, and no boolean tensor is stored
    // between the parts (their loops would stay scalar).
    Value eq = CompareOp::create(b, loc, CompareDirection::eq, at, y);
    Value hit = SelectOp::create(b, loc, eq, one, zero);
    Value pick = hit;
    if (taken) {
      pick = MulOp::create(b, loc, hit, SubOp::create(b, loc, one, taken));
      taken = MaximumOp::create(b, loc, taken, hit);
    } else {
      taken = hit;
    }
    Value part = SelectOp::create(
        b, loc, CompareOp::create(b, loc, CompareDirection::gt, pick, half),
        ct, zero);
    SmallVector<int64_t> target;
    for (int64_t d : partShape)
      target.push_back(ShapedType::isDynamic(d) ? -1 : d);
    parts.push_back(ReshapeOp::create(b, loc, part, target));
  }
  Value stacked = parts.size() == 1
                      ? parts.front()
                      : Value(ConcatOp::create(b, loc, ValueRange(parts),
                                               b.getI64IntegerAttr(rank)));
  // Windows that tile the input (strides equal to the window, no dilation
  // or padding, static spatial sizes): each window position's part lands
  // in its own phase of the input, so the scatter is an interleave (a
  // reshape, a transpose and a reshape), zero-padded where the windows do
  // not reach, instead of the grouped transposed convolution below.
  auto xType = cast<RankedTensorType>(x.getType());
  bool tiles = true;
  for (int64_t i = 0; i < spatial; ++i)
    tiles &= win.strides[i] == kernel[i] && win.dilations[i] == 1 &&
             win.low[i] == 0 && win.high[i] == 0 &&
             !xType.isDynamicDim(i + 1) && !yType.isDynamicDim(i + 1);
  if (tiles) {
    auto dimOf = [&](RankedTensorType t, int64_t i) {
      return t.isDynamicDim(i) ? int64_t(-1) : t.getDimSize(i);
    };
    // [N, O..., C, K] -> [N, O..., C, K1..Ks]
    SmallVector<int64_t> split = {dimOf(yType, 0)};
    for (int64_t i = 0; i < spatial; ++i)
      split.push_back(yType.getDimSize(i + 1));
    split.push_back(channels);
    llvm::append_range(split, kernel);
    Value v = ReshapeOp::create(b, loc, stacked, split);
    // -> [N, O1, K1, ..., Os, Ks, C]
    SmallVector<int64_t> perm = {0};
    for (int64_t i = 0; i < spatial; ++i) {
      perm.push_back(1 + i);
      perm.push_back(spatial + 2 + i);
    }
    perm.push_back(spatial + 1);
    v = TransposeOp::create(b, loc, v, perm);
    // -> [N, O1*K1, ..., C], then zeros up to the input's sizes.
    SmallVector<int64_t> merged = {dimOf(yType, 0)};
    SmallVector<int64_t> low(rank, 0), high(rank, 0);
    for (int64_t i = 0; i < spatial; ++i) {
      merged.push_back(yType.getDimSize(i + 1) * kernel[i]);
      high[i + 1] = xType.getDimSize(i + 1) - merged.back();
    }
    merged.push_back(channels);
    v = ReshapeOp::create(b, loc, v, merged);
    if (llvm::any_of(high, [](int64_t h) { return h != 0; }))
      v = PadOp::create(b, loc, v, b.getDenseI64ArrayAttr(low),
                        b.getDenseI64ArrayAttr(high),
                        PadModeAttr::get(b.getContext(), PadMode::constant),
                        b.getF64FloatAttr(0.0));
    out.push_back(v);
    return success();
  }
  SmallVector<int64_t> flat;
  for (int64_t i = 0; i < rank - 1; ++i)
    flat.push_back(yType.isDynamicDim(i) ? -1 : yType.getDimSize(i));
  flat.push_back(channels * offsets);
  Value merged = ReshapeOp::create(b, loc, stacked, flat);
  // Scatter back: a grouped transposed convolution whose filter for input
  // channel c * K + j is one at window offset j.
  SmallVector<int64_t> fshape(kernel);
  fshape.push_back(1);
  fshape.push_back(channels * offsets);
  auto ftype = RankedTensorType::get(fshape, elt);
  Value filter = filledConstant(b, loc, ftype, [&](int64_t i) {
    int64_t in = i % (channels * offsets), position = i / (channels * offsets);
    return position == in % offsets ? 1.0 : 0.0;
  });
  out.push_back(spreadOverWindows(b, loc, merged, filter, *setup));
  return success();
}

/// `v` (1-D over `axis`) reshaped to broadcast against a tensor of `rank`.
Value alongAxis(OpBuilder &b, Location loc, Value v, int64_t axis, int64_t rank) {
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = cast<RankedTensorType>(v.getType()).getDimSize(0);
  return ReshapeOp::create(b, loc, v, shape);
}

/// (x - mean) / sqrt(var + eps) over `axes` (kept), with the statistics.
std::tuple<Value, Value, Value> normalize(OpBuilder &b, Location loc, Value x,
                                          ArrayRef<int64_t> axes, double eps) {
  Type elt = elementType(x);
  Value mean = ReduceMeanOp::create(b, loc, x, axes, true);
  Value centered = SubOp::create(b, loc, x, mean);
  Value var = ReduceMeanOp::create(b, loc, MulOp::create(b, loc, centered, centered),
                                   axes, true);
  Value inv = RsqrtOp::create(b, loc, AddOp::create(b, loc, var, scalar(b, loc, elt, eps)));
  return {MulOp::create(b, loc, centered, inv), mean, var};
}

LogicalResult batchNormTrainingVJP(BatchNormTrainingOp op, OpBuilder &b,
                                   Cts cts, Out &out) {
  return vjpByDecomposition(op, b, cts, out, [&](OpBuilder &b, Location loc) {
    Value x = op.getInput();
    int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
    int64_t f = static_cast<int64_t>(op.getFeatureAxis());
    SmallVector<int64_t> axes;
    for (int64_t i = 0; i < rank; ++i)
      if (i != f)
        axes.push_back(i);
    auto [norm, mean, var] =
        normalize(b, loc, x, axes, op.getEpsilon().convertToDouble());
    Value y = AddOp::create(
        b, loc, MulOp::create(b, loc, norm, alongAxis(b, loc, op.getScale(), f, rank)),
        alongAxis(b, loc, op.getOffset(), f, rank));
    int64_t c = cast<RankedTensorType>(op.getScale().getType()).getDimSize(0);
    return SmallVector<Value>{y, ReshapeOp::create(b, loc, mean, ArrayRef<int64_t>{c}),
                              ReshapeOp::create(b, loc, var, ArrayRef<int64_t>{c})};
  });
}

LogicalResult batchNormInferenceVJP(BatchNormInferenceOp op, OpBuilder &b,
                                    Cts cts, Out &out) {
  return vjpByDecomposition(op, b, cts, out, [&](OpBuilder &b, Location loc) {
    Value x = op.getInput();
    int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
    int64_t f = static_cast<int64_t>(op.getFeatureAxis());
    Type elt = elementType(x);
    auto along = [&](Value v) { return alongAxis(b, loc, v, f, rank); };
    Value inv = RsqrtOp::create(
        b, loc,
        AddOp::create(b, loc, along(op.getVariance()),
                      scalar(b, loc, elt, op.getEpsilon().convertToDouble())));
    Value centered = SubOp::create(b, loc, x, along(op.getMean()));
    Value y = AddOp::create(
        b, loc, MulOp::create(b, loc, MulOp::create(b, loc, centered, inv), along(op.getScale())),
        along(op.getOffset()));
    return SmallVector<Value>{y};
  });
}

LogicalResult layerNormVJP(LayerNormOp op, OpBuilder &b, Cts cts, Out &out) {
  Value x = op.getInput();
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  SmallVector<int64_t> axes;
  for (int64_t a : op.getAxes())
    axes.push_back(a < 0 ? a + rank : a);
  llvm::sort(axes);
  for (auto [i, a] : llvm::enumerate(axes))
    if (a != rank - static_cast<int64_t>(axes.size()) + static_cast<int64_t>(i))
      return emitError(op.getLoc())
             << "cannot differentiate a layer_norm over non-trailing axes yet";
  return vjpByDecomposition(op, b, cts, out, [&](OpBuilder &b, Location loc) {
    auto [norm, mean, var] =
        normalize(b, loc, x, axes, op.getEpsilon().convertToDouble());
    (void)mean;
    (void)var;
    // scale and offset have the normalized (trailing) shape: they broadcast.
    Value y = AddOp::create(b, loc, MulOp::create(b, loc, norm, op.getScale()),
                            op.getOffset());
    return SmallVector<Value>{y};
  });
}

LogicalResult dropoutVJP(DropoutOp op, OpBuilder &b, Cts cts, Out &out) {
  // The mask depends on the seed, offset and position only: the same
  // dropout applied to the cotangent multiplies it by the same mask.
  Value d = DropoutOp::create(b, op.getLoc(), cts[0].getType(), cts[0],
                              op.getOffset(), op.getRateAttr(), op.getSeedAttr(),
                              op.getTrainingAttr(), op.getNoiseShapeAttr());
  out.push_back(d);
  if (op.getOffset())
    out.push_back(Value());
  return success();
}

} // namespace

void attachNNVJPs(MLIRContext *ctx) {
  attach<ConvOp, convVJP>(ctx);
  attach<ConvTransposeOp, convTransposeVJP>(ctx);
  attach<AvgPoolOp, avgPoolVJP>(ctx);
  attach<MaxPoolOp, maxPoolVJP>(ctx);
  attach<BatchNormTrainingOp, batchNormTrainingVJP>(ctx);
  attach<BatchNormInferenceOp, batchNormInferenceVJP>(ctx);
  attach<LayerNormOp, layerNormVJP>(ctx);
  attach<DropoutOp, dropoutVJP>(ctx);
}

} // namespace kiln
