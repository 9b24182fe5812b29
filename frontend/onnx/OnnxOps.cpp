//===- OnnxOps.cpp - the ONNX op families and their table -----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// One handler per op family; alike ops (elementwise, reductions, pools)
// share a handler and differ by their row in the table at the end.
//
//===----------------------------------------------------------------------===//

#include "OnnxImporterImpl.h"

#include <cmath>
#include <type_traits>
#include <numeric>

using namespace mlir;

namespace kiln::onnx_detail {
namespace {

using V = FailureOr<Value>;

LogicalResult done(NodeContext &c, V v) {
  if (failed(v))
    return failure();
  c.out(0, *v);
  return success();
}

LogicalResult needInputs(NodeContext &c, int n) {
  for (int i = 0; i < n; ++i)
    if (!c.has(i) || !c.in(i))
      return c.fail("needs input #" + Twine(i));
  if (!c.typeOf(0))
    return c.fail("input #0 must be a ranked tensor");
  return success();
}

Value scalarLike(NodeContext &c, Value like, double v) {
  auto t = RankedTensorType::get({}, cast<RankedTensorType>(like.getType()).getElementType());
  return ConstantOp::create(c.b, c.loc, makeAttr(t, {v}));
}

//===----------------------------------------------------------------------===//
// Folding of known (constant) tensors: shape arithmetic on the host
//===----------------------------------------------------------------------===//

/// Applies `f` elementwise to known inputs with NumPy broadcasting of
/// scalars and equal shapes; null when not foldable.
DenseElementsAttr foldBinary(DenseElementsAttr l, DenseElementsAttr r,
                             double (*f)(double, double)) {
  if (!l || !r || l.getElementType() != r.getElementType() ||
      l.getNumElements() > 4096 || r.getNumElements() > 4096)
    return {};
  auto lt = cast<RankedTensorType>(l.getType()), rt = cast<RankedTensorType>(r.getType());
  RankedTensorType outType;
  if (lt.getShape() == rt.getShape() || r.getNumElements() == 1)
    outType = lt;
  else if (l.getNumElements() == 1)
    outType = rt;
  else
    return {};
  std::vector<double> a = toDoubles(l), bb = toDoubles(r), out;
  for (int64_t i = 0; i < outType.getNumElements(); ++i)
    out.push_back(f(a[a.size() == 1 ? 0 : i], bb[bb.size() == 1 ? 0 : i]));
  if (isa<IntegerType>(outType.getElementType()))
    for (double &v : out)
      v = std::trunc(v);
  return makeAttr(outType, out);
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

/// An op of one input and no attributes.
template <typename OpT> LogicalResult unaryOp(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  return done(c, c.make<OpT>(c.in(0)));
}

/// LeakyRelu and Elu: one `alpha` attribute.
template <typename OpT, int DefaultAlphaPercent>
LogicalResult alphaOp(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  return done(c, c.make<OpT>(c.in(0), c.b.getF64FloatAttr(c.attrFloat(
                                          "alpha", DefaultAlphaPercent / 100.0))));
}

LogicalResult hardSigmoid(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  return done(c, c.make<HardSigmoidOp>(c.in(0),
                                       c.b.getF64FloatAttr(c.attrFloat("alpha", 0.2)),
                                       c.b.getF64FloatAttr(c.attrFloat("beta", 0.5))));
}

LogicalResult identity(NodeContext &c) {
  if (!c.has(0))
    return c.fail("needs an input");
  auto it = c.imp.env.find(c.node.input(0));
  c.imp.env[c.node.output(0)] = it->second;
  // Dropout in inference: the mask output is all ones.
  if (c.node.op_type() == "Dropout" && c.node.output_size() > 1 &&
      !c.node.output(1).empty()) {
    auto t = c.typeOf(0);
    if (!t || !t.hasStaticShape())
      return c.fail("the mask output needs a static shape");
    auto maskType = RankedTensorType::get(t.getShape(), c.b.getI1Type());
    c.outKnown(1, DenseElementsAttr::get(maskType, true));
  }
  return success();
}

double fAdd(double a, double b) { return a + b; }
double fSub(double a, double b) { return a - b; }
double fMul(double a, double b) { return a * b; }
double fDiv(double a, double b) { return b != 0 ? a / b : 0; }

/// A broadcasting op of two inputs; with `Fold`, known inputs fold on the
/// host (shape arithmetic).
template <typename OpT, double (*Fold)(double, double) = nullptr>
LogicalResult binaryOp(NodeContext &c) {
  if (!c.has(0) || !c.has(1))
    return c.fail("needs two inputs");
  if constexpr (Fold != nullptr)
    if (DenseElementsAttr k = foldBinary(c.known(0), c.known(1), Fold)) {
      c.outKnown(0, k);
      return success();
    }
  return done(c, c.make<OpT>(c.in(0), c.in(1)));
}

template <CompareDirection D> LogicalResult compareOp(NodeContext &c) {
  if (!c.has(0) || !c.has(1))
    return c.fail("needs two inputs");
  return done(c, c.make<CompareOp>(CompareDirectionAttr::get(c.b.getContext(), D),
                                   c.in(0), c.in(1)));
}

/// Max, Min, Sum, Mean over any number of inputs.
LogicalResult variadic(NodeContext &c) {
  if (!c.has(0))
    return c.fail("needs at least one input");
  StringRef op = c.node.op_type();
  V acc = c.in(0);
  int n = c.node.input_size();
  for (int i = 1; i < n && succeeded(acc); ++i) {
    Value r = c.in(i);
    if (op == "Max")
      acc = c.make<MaximumOp>(*acc, r);
    else if (op == "Min")
      acc = c.make<MinimumOp>(*acc, r);
    else
      acc = c.make<AddOp>(*acc, r);
  }
  if (succeeded(acc) && op == "Mean")
    acc = c.make<DivOp>(*acc, scalarLike(c, *acc, n));
  return done(c, acc);
}

LogicalResult clip(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  std::optional<double> lo, hi;
  if (c.opset < 11) {
    if (c.attr("min"))
      lo = c.attrFloat("min", 0);
    if (c.attr("max"))
      hi = c.attrFloat("max", 0);
  } else {
    for (int i : {1, 2}) {
      if (!c.has(i))
        continue;
      DenseElementsAttr k = c.known(i);
      if (!k || k.getNumElements() != 1)
        return c.fail("min and max must be constant scalars");
      (i == 1 ? lo : hi) = toDoubles(k)[0];
    }
  }
  return done(c, c.make<ClampOp>(c.in(0), lo ? c.b.getF64FloatAttr(*lo) : FloatAttr(),
                                 hi ? c.b.getF64FloatAttr(*hi) : FloatAttr()));
}

LogicalResult where(NodeContext &c) {
  if (failed(needInputs(c, 3)))
    return failure();
  return done(c, c.make<SelectOp>(c.in(0), c.in(1), c.in(2)));
}

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

LogicalResult matmul(NodeContext &c) {
  if (failed(needInputs(c, 2)))
    return failure();
  return done(c, c.make<MatmulOp>(c.in(0), c.in(1)));
}

LogicalResult gemm(NodeContext &c) {
  if (failed(needInputs(c, 2)))
    return failure();
  Value a = c.in(0), bm = c.in(1);
  if (c.typeOf(0).getRank() != 2 || c.typeOf(1).getRank() != 2)
    return c.fail("A and B must be matrices");
  V ta = c.attrInt("transA", 0) ? c.make<TransposeOp>(a, c.b.getDenseI64ArrayAttr({1, 0})) : V(a);
  V tb = c.attrInt("transB", 0) ? c.make<TransposeOp>(bm, c.b.getDenseI64ArrayAttr({1, 0})) : V(bm);
  if (failed(ta) || failed(tb))
    return failure();
  V y = c.make<MatmulOp>(*ta, *tb);
  double alpha = c.attrFloat("alpha", 1.0), beta = c.attrFloat("beta", 1.0);
  if (succeeded(y) && alpha != 1.0)
    y = c.make<MulOp>(*y, scalarLike(c, *y, alpha));
  if (succeeded(y) && c.has(2)) {
    V bias = c.in(2);
    if (beta != 1.0)
      bias = c.make<MulOp>(*bias, scalarLike(c, *bias, beta));
    if (failed(bias))
      return failure();
    y = c.make<AddOp>(*y, *bias);
  }
  return done(c, y);
}

//===----------------------------------------------------------------------===//
// Softmax family
//===----------------------------------------------------------------------===//

LogicalResult softmax(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  Value x = c.in(0);
  auto t = c.typeOf(0);
  int64_t rank = t.getRank();
  bool log = c.node.op_type() == "LogSoftmax";
  if (c.opset >= 13) {
    int64_t axis = c.normAxis(c.attrInt("axis", -1), rank);
    return done(c, log ? c.make<LogSoftmaxOp>(x, c.b.getI64IntegerAttr(axis))
                       : c.make<SoftmaxOp>(x, c.b.getI64IntegerAttr(axis)));
  }
  // Before opset 13: over the flattened trailing dimensions from `axis`.
  int64_t axis = c.normAxis(c.attrInt("axis", 1), rank);
  int64_t inner = 1;
  for (int64_t d = axis; d < rank; ++d) {
    if (t.isDynamicDim(d))
      return c.fail("the dimensions after axis must be static");
    inner *= t.getDimSize(d);
  }
  SmallVector<int64_t> flat;
  for (int64_t d = 0; d < axis; ++d)
    flat.push_back(t.isDynamicDim(d) ? -1 : t.getDimSize(d));
  if (llvm::count(flat, -1) > 1)
    return c.fail("more than one dynamic leading dimension");
  flat.push_back(inner);
  V f = c.make<ReshapeOp>(x, c.b.getDenseI64ArrayAttr(flat));
  if (failed(f))
    return failure();
  V s = log ? c.make<LogSoftmaxOp>(*f, c.b.getI64IntegerAttr(axis))
            : c.make<SoftmaxOp>(*f, c.b.getI64IntegerAttr(axis));
  if (failed(s))
    return failure();
  SmallVector<int64_t> back;
  for (int64_t d = 0; d < rank; ++d)
    back.push_back(t.isDynamicDim(d) ? -1 : t.getDimSize(d));
  return done(c, c.make<ReshapeOp>(*s, c.b.getDenseI64ArrayAttr(back)));
}

//===----------------------------------------------------------------------===//
// Shapes
//===----------------------------------------------------------------------===//

LogicalResult constant(NodeContext &c) {
  if (const onnx::AttributeProto *a = c.attr("value")) {
    std::string why;
    FailureOr<DenseElementsAttr> k = tensorToAttr(c.b.getContext(), a->t(), why);
    if (failed(k))
      return c.fail(why);
    c.outKnown(0, *k);
    return success();
  }
  auto scalarOrList = [&](Type elt, std::vector<double> v, bool list) {
    auto t = list ? RankedTensorType::get({static_cast<int64_t>(v.size())}, elt)
                  : RankedTensorType::get({}, elt);
    c.outKnown(0, makeAttr(t, v));
    return success();
  };
  if (const onnx::AttributeProto *a = c.attr("value_float"))
    return scalarOrList(c.b.getF32Type(), {a->f()}, false);
  if (const onnx::AttributeProto *a = c.attr("value_int"))
    return scalarOrList(c.b.getI64Type(), {static_cast<double>(a->i())}, false);
  if (const onnx::AttributeProto *a = c.attr("value_floats"))
    return scalarOrList(c.b.getF32Type(), std::vector<double>(a->floats().begin(), a->floats().end()), true);
  if (const onnx::AttributeProto *a = c.attr("value_ints"))
    return scalarOrList(c.b.getI64Type(), std::vector<double>(a->ints().begin(), a->ints().end()), true);
  return c.fail("needs a value attribute (value, value_float(s), value_int(s)); "
                "sparse and string constants are not supported");
}

LogicalResult shape(NodeContext &c) {
  auto t = c.typeOf(0);
  if (!t)
    return c.fail("needs a ranked input");
  int64_t rank = t.getRank();
  int64_t start = c.normAxis(c.attrInt("start", 0), rank);
  int64_t end = c.attr("end") ? c.normAxis(c.attrInt("end", rank), rank) : rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, start, rank);
  std::vector<double> dims;
  for (int64_t d = start; d < end; ++d) {
    if (t.isDynamicDim(d))
      return c.fail("dimension " + Twine(d) + " is dynamic; Kiln computes "
                    "shapes at compile time");
    dims.push_back(static_cast<double>(t.getDimSize(d)));
  }
  c.outKnown(0, makeAttr(RankedTensorType::get({static_cast<int64_t>(dims.size())},
                                               c.b.getI64Type()),
                         dims));
  return success();
}

LogicalResult size(NodeContext &c) {
  auto t = c.typeOf(0);
  if (!t || !t.hasStaticShape())
    return c.fail("needs a static shape");
  c.outKnown(0, makeAttr(RankedTensorType::get({}, c.b.getI64Type()),
                         {static_cast<double>(t.getNumElements())}));
  return success();
}

LogicalResult castTo(NodeContext &c) {
  if (!c.has(0))
    return c.fail("needs an input");
  Type elt = elementTypeOf(c.b.getContext(), static_cast<int32_t>(c.attrInt("to", 0)));
  if (!elt)
    return c.fail("casting to " + onnxTypeName(static_cast<int32_t>(c.attrInt("to", 0))) +
                  " is not supported");
  if (DenseElementsAttr k = c.known(0); k && k.getNumElements() <= 4096) {
    auto t = RankedTensorType::get(cast<RankedTensorType>(k.getType()).getShape(), elt);
    c.outKnown(0, makeAttr(t, toDoubles(k)));
    return success();
  }
  auto t = c.typeOf(0);
  if (!t)
    return c.fail("needs a ranked input");
  if (t.getElementType() == elt)
    return identity(c);
  return done(c, V(CastOp::create(c.b, c.loc, RankedTensorType::get(t.getShape(), elt),
                                  c.in(0))
                       .getResult()));
}

LogicalResult transpose(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  int64_t rank = c.typeOf(0).getRank();
  std::vector<int64_t> perm(rank);
  std::iota(perm.rbegin(), perm.rend(), 0);
  if (auto p = c.attrInts("perm"))
    perm = *p;
  return done(c, c.make<TransposeOp>(c.in(0), c.b.getDenseI64ArrayAttr(perm)));
}

LogicalResult reshape(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  auto t = c.typeOf(0);
  std::vector<int64_t> target;
  if (c.opset < 5 || !c.has(1)) {
    if (auto s = c.attrInts("shape"))
      target = *s;
  } else {
    DenseElementsAttr k = c.known(1);
    if (!k)
      return c.fail("the target shape must be known at compile time");
    target = toInts(k);
  }
  bool allowZero = c.attrInt("allowzero", 0) != 0;
  for (size_t i = 0; i < target.size(); ++i)
    if (target[i] == 0 && !allowZero) {
      if (static_cast<int64_t>(i) >= t.getRank())
        return c.fail("shape entry 0 at " + Twine(i) + " copies a missing dimension");
      target[i] = t.isDynamicDim(i) ? -1 : t.getDimSize(i);
    }
  if (llvm::count(target, -1) > 1)
    return c.fail("the target shape has more than one unknown dimension");
  if (DenseElementsAttr k = c.known(0); k && llvm::count(target, -1) == 0) {
    auto nt = RankedTensorType::get(target, k.getElementType());
    if (nt.getNumElements() == k.getNumElements()) {
      c.outKnown(0, k.reshape(nt));
      return success();
    }
  }
  return done(c, c.make<ReshapeOp>(c.in(0), c.b.getDenseI64ArrayAttr(target)));
}

LogicalResult flatten(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  auto t = c.typeOf(0);
  int64_t axis = c.normAxis(c.attrInt("axis", 1), t.getRank());
  int64_t outer = 1, inner = 1;
  bool outerDyn = false, innerDyn = false;
  for (int64_t d = 0; d < t.getRank(); ++d) {
    bool dyn = t.isDynamicDim(d);
    if (d < axis)
      dyn ? (void)(outerDyn = true) : (void)(outer *= t.getDimSize(d));
    else
      dyn ? (void)(innerDyn = true) : (void)(inner *= t.getDimSize(d));
  }
  if (outerDyn && innerDyn)
    return c.fail("both flattened groups have dynamic dimensions");
  return done(c, c.make<ReshapeOp>(c.in(0), c.b.getDenseI64ArrayAttr(
                                                {outerDyn ? -1 : outer, innerDyn ? -1 : inner})));
}

/// Squeeze/Unsqueeze axes: an attribute before opset 13, an input since.
std::optional<std::vector<int64_t>> axesOf(NodeContext &c, int input, int64_t since) {
  if (c.opset < since)
    return c.attrInts("axes");
  if (!c.has(input))
    return std::nullopt;
  if (DenseElementsAttr k = c.known(input))
    return toInts(k);
  return std::vector<int64_t>{INT64_MIN};
}

LogicalResult squeezeLike(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  auto t = c.typeOf(0);
  bool unsqueeze = c.node.op_type() == "Unsqueeze";
  auto axes = axesOf(c, 1, 13);
  if (axes && !axes->empty() && (*axes)[0] == INT64_MIN)
    return c.fail("axes must be known at compile time");
  SmallVector<int64_t> shape;
  if (unsqueeze) {
    if (!axes)
      return c.fail("needs axes");
    int64_t rank = t.getRank() + static_cast<int64_t>(axes->size());
    std::set<int64_t> inserted;
    for (int64_t a : *axes)
      inserted.insert(c.normAxis(a, rank));
    int64_t src = 0;
    for (int64_t d = 0; d < rank; ++d)
      shape.push_back(inserted.count(d) ? 1
                                        : (t.isDynamicDim(src) ? (++src, -1)
                                                               : t.getDimSize(src++)));
  } else {
    std::set<int64_t> removed;
    if (axes)
      for (int64_t a : *axes)
        removed.insert(c.normAxis(a, t.getRank()));
    for (int64_t d = 0; d < t.getRank(); ++d) {
      bool one = !t.isDynamicDim(d) && t.getDimSize(d) == 1;
      if (axes ? removed.count(d) : one) {
        if (!one)
          return c.fail("cannot squeeze dimension " + Twine(d) + ", which is not 1");
        continue;
      }
      shape.push_back(t.isDynamicDim(d) ? -1 : t.getDimSize(d));
    }
  }
  if (llvm::count(shape, -1) > 1)
    return c.fail("more than one dynamic dimension");
  if (DenseElementsAttr k = c.known(0); k && !llvm::is_contained(shape, -1)) {
    c.outKnown(0, k.reshape(RankedTensorType::get(shape, k.getElementType())));
    return success();
  }
  return done(c, c.make<ReshapeOp>(c.in(0), c.b.getDenseI64ArrayAttr(shape)));
}

LogicalResult concat(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  int64_t axis = c.normAxis(c.attrInt("axis", 0), c.typeOf(0).getRank());
  SmallVector<Value> parts;
  bool allKnown = true;
  std::vector<double> values;
  for (int i = 0; i < c.node.input_size(); ++i) {
    DenseElementsAttr k = c.known(i);
    allKnown &= k && cast<RankedTensorType>(k.getType()).getRank() == 1;
    if (allKnown)
      for (double v : toDoubles(k))
        values.push_back(v);
    parts.push_back(c.in(i));
  }
  if (allKnown && values.size() <= 4096) {
    auto elt = c.known(0).getElementType();
    c.outKnown(0, makeAttr(RankedTensorType::get({static_cast<int64_t>(values.size())}, elt),
                           values));
    return success();
  }
  return done(c, c.make<ConcatOp>(ValueRange(parts), c.b.getI64IntegerAttr(axis)));
}

LogicalResult gather(NodeContext &c) {
  if (failed(needInputs(c, 2)))
    return failure();
  auto t = c.typeOf(0);
  int64_t axis = c.normAxis(c.attrInt("axis", 0), t.getRank());
  DenseElementsAttr data = c.known(0), idx = c.known(1);
  if (data && idx && t.getRank() == 1) {
    std::vector<double> d = toDoubles(data), out;
    for (int64_t i : toInts(idx)) {
      int64_t j = i < 0 ? i + static_cast<int64_t>(d.size()) : i;
      if (j < 0 || j >= static_cast<int64_t>(d.size()))
        return c.fail("index " + Twine(i) + " is out of range");
      out.push_back(d[j]);
    }
    auto it = cast<RankedTensorType>(idx.getType());
    c.outKnown(0, makeAttr(RankedTensorType::get(it.getShape(), data.getElementType()), out));
    return success();
  }
  return done(c, c.make<GatherOp>(c.in(0), c.in(1), c.b.getI64IntegerAttr(axis)));
}

LogicalResult slice(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  auto t = c.typeOf(0);
  std::vector<int64_t> starts, ends, axes, steps;
  if (c.opset < 10) {
    starts = c.attrInts("starts").value_or(std::vector<int64_t>{});
    ends = c.attrInts("ends").value_or(std::vector<int64_t>{});
    if (auto a = c.attrInts("axes"))
      axes = *a;
  } else {
    for (int i = 1; i <= 4; ++i) {
      if (!c.has(i))
        continue;
      DenseElementsAttr k = c.known(i);
      if (!k)
        return c.fail("starts, ends, axes and steps must be known at compile time");
      (i == 1 ? starts : i == 2 ? ends : i == 3 ? axes : steps) = toInts(k);
    }
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(static_cast<int64_t>(i));
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (starts.size() != ends.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return c.fail("starts, ends, axes and steps differ in length");
  for (int64_t &a : axes)
    a = c.normAxis(a, t.getRank());
  return done(c, c.make<SliceOp>(c.in(0), c.b.getDenseI64ArrayAttr(axes),
                                 c.b.getDenseI64ArrayAttr(starts),
                                 c.b.getDenseI64ArrayAttr(ends),
                                 c.b.getDenseI64ArrayAttr(steps)));
}

LogicalResult expand(NodeContext &c) {
  if (failed(needInputs(c, 2)))
    return failure();
  DenseElementsAttr k = c.known(1);
  if (!k)
    return c.fail("the shape must be known at compile time");
  // ONNX's Expand broadcasts both ways: the result is the broadcast of the
  // input's shape and the given one.
  std::vector<int64_t> target = toInts(k);
  auto t = c.typeOf(0);
  size_t rank = std::max<size_t>(target.size(), t.getRank());
  std::vector<int64_t> out(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t a = i < rank - t.getRank() ? 1 : t.getDimSize(i - (rank - t.getRank()));
    int64_t b = i < rank - target.size() ? 1 : target[i - (rank - target.size())];
    if (ShapedType::isDynamic(a))
      return c.fail("cannot expand a dynamic dimension");
    if (a != b && a != 1 && b != 1)
      return c.fail("shape " + Twine(b) + " does not broadcast with " + Twine(a));
    out[i] = a == 1 ? b : a;
  }
  return done(c, c.make<BroadcastToOp>(c.in(0), Value(), c.b.getDenseI64ArrayAttr(out)));
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

/// What a reduction applies before (Pre) and after (Post) reducing.
enum class Pre { none, square, abs, exp };
enum class Post { none, sqrt, log };

/// Reduce* ops: ReduceT over the axes, with ReduceL1, ReduceL2,
/// ReduceSumSquare, ReduceLogSum and ReduceLogSumExp as Pre and Post.
template <typename ReduceT, Pre P = Pre::none, Post Q = Post::none>
LogicalResult reduceOp(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  auto t = c.typeOf(0);
  bool axesInput = std::is_same_v<ReduceT, ReduceSumOp> && P == Pre::none &&
                   Q == Post::none;
  std::optional<std::vector<int64_t>> axes =
      axesInput ? axesOf(c, 1, 13) : c.attrInts("axes");
  if (axes && !axes->empty() && (*axes)[0] == INT64_MIN)
    return c.fail("axes must be known at compile time");
  std::vector<int64_t> all;
  if (!axes || axes->empty()) {
    if (axesInput && c.attrInt("noop_with_empty_axes", 0))
      return identity(c);
    for (int64_t d = 0; d < t.getRank(); ++d)
      all.push_back(d);
  } else {
    for (int64_t a : *axes)
      all.push_back(c.normAxis(a, t.getRank()));
    std::sort(all.begin(), all.end());
  }
  V x = c.in(0);
  if (P == Pre::square)
    x = c.make<MulOp>(*x, *x);
  else if (P == Pre::abs)
    x = c.make<AbsOp>(*x);
  else if (P == Pre::exp)
    x = c.make<ExpOp>(*x);
  if (succeeded(x))
    x = c.make<ReduceT>(*x, c.b.getDenseI64ArrayAttr(all),
                        c.b.getBoolAttr(c.attrInt("keepdims", 1) != 0));
  if (succeeded(x) && Q == Post::sqrt)
    x = c.make<SqrtOp>(*x);
  else if (succeeded(x) && Q == Post::log)
    x = c.make<LogOp>(*x);
  return done(c, x);
}

LogicalResult argReduce(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  if (c.attrInt("select_last_index", 0))
    return c.fail("select_last_index = 1 is not supported");
  auto t = c.typeOf(0);
  int64_t axis = c.normAxis(c.attrInt("axis", 0), t.getRank());
  bool keep = c.attrInt("keepdims", 1) != 0;
  auto axisAttr = c.b.getI64IntegerAttr(axis);
  auto keepAttr = c.b.getBoolAttr(keep);
  return done(c, c.node.op_type() == "ArgMax"
                     ? c.make<ArgmaxOp>(c.in(0), axisAttr, keepAttr)
                     : c.make<ArgminOp>(c.in(0), axisAttr, keepAttr));
}

//===----------------------------------------------------------------------===//
// Convolution, pooling, normalization (NCHW around channels-last kiln ops)
//===----------------------------------------------------------------------===//

/// Permutations between ONNX's channels-first and kiln's channels-last.
std::pair<std::vector<int64_t>, std::vector<int64_t>> layoutPerms(int64_t rank) {
  std::vector<int64_t> toLast{0}, toFirst{0, rank - 1};
  for (int64_t d = 2; d < rank; ++d)
    toLast.push_back(d);
  toLast.push_back(1);
  for (int64_t d = 1; d < rank - 1; ++d)
    toFirst.push_back(d);
  return {toLast, toFirst};
}

/// ONNX pads [x1_begin, x2_begin, ..., x1_end, ...] (or auto_pad) as kiln
/// (low, high) pairs.
LogicalResult padding(NodeContext &c, RankedTensorType t, ArrayRef<int64_t> window,
                      ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                      std::vector<int64_t> &out) {
  size_t n = window.size();
  out.assign(2 * n, 0);
  std::string autoPad = c.attrString("auto_pad", "NOTSET");
  if (autoPad == "NOTSET") {
    if (auto p = c.attrInts("pads")) {
      if (p->size() != 2 * n)
        return c.fail("pads must have " + Twine(2 * n) + " values");
      for (size_t i = 0; i < n; ++i)
        out[2 * i] = (*p)[i], out[2 * i + 1] = (*p)[n + i];
    }
    return success();
  }
  if (autoPad == "VALID")
    return success();
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return c.fail("unknown auto_pad '" + autoPad + "'");
  for (size_t i = 0; i < n; ++i) {
    int64_t in = t.getDimSize(2 + i);
    if (ShapedType::isDynamic(in))
      return c.fail("auto_pad needs static spatial dimensions");
    int64_t outSize = (in + strides[i] - 1) / strides[i];
    int64_t total = std::max<int64_t>(
        0, (outSize - 1) * strides[i] + dilations[i] * (window[i] - 1) + 1 - in);
    int64_t small = total / 2, big = total - small;
    out[2 * i] = autoPad == "SAME_UPPER" ? small : big;
    out[2 * i + 1] = autoPad == "SAME_UPPER" ? big : small;
  }
  return success();
}

LogicalResult conv(NodeContext &c) {
  if (failed(needInputs(c, 2)))
    return failure();
  auto t = c.typeOf(0), wt = c.typeOf(1);
  int64_t rank = t.getRank();
  if (rank < 3 || rank > 5 || wt.getRank() != rank || !wt.hasStaticShape())
    return c.fail("needs a 1-D to 3-D input and a static weight of the same rank");
  size_t n = rank - 2;
  std::vector<int64_t> window(wt.getShape().begin() + 2, wt.getShape().end());
  auto strides = c.attrInts("strides").value_or(std::vector<int64_t>(n, 1));
  auto dilations = c.attrInts("dilations").value_or(std::vector<int64_t>(n, 1));
  std::vector<int64_t> pads;
  if (failed(padding(c, t, window, strides, dilations, pads)))
    return failure();
  auto [toLast, toFirst] = layoutPerms(rank);
  // OIHW -> HWIO.
  std::vector<int64_t> wPerm;
  for (size_t d = 2; d < static_cast<size_t>(rank); ++d)
    wPerm.push_back(d);
  wPerm.push_back(1);
  wPerm.push_back(0);
  V x = c.make<TransposeOp>(c.in(0), c.b.getDenseI64ArrayAttr(toLast));
  V w = c.make<TransposeOp>(c.in(1), c.b.getDenseI64ArrayAttr(wPerm));
  if (failed(x) || failed(w))
    return failure();
  V y = c.make<ConvOp>(*x, *w, c.b.getDenseI64ArrayAttr(strides),
                       c.b.getDenseI64ArrayAttr(dilations), c.b.getDenseI64ArrayAttr(pads),
                       c.b.getI64IntegerAttr(c.attrInt("group", 1)));
  if (succeeded(y) && c.has(2))
    y = c.make<AddOp>(*y, c.in(2));
  if (failed(y))
    return failure();
  return done(c, c.make<TransposeOp>(*y, c.b.getDenseI64ArrayAttr(toFirst)));
}

LogicalResult pool(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  auto t = c.typeOf(0);
  int64_t rank = t.getRank();
  if (rank < 3)
    return c.fail("needs an input of rank 3 or more");
  size_t n = rank - 2;
  StringRef op = c.node.op_type();
  auto [toLast, toFirst] = layoutPerms(rank);
  if (op.starts_with("Global")) {
    std::vector<int64_t> spatial;
    for (int64_t d = 2; d < rank; ++d)
      spatial.push_back(d);
    return done(c, op == "GlobalAveragePool"
                       ? c.make<ReduceMeanOp>(c.in(0), c.b.getDenseI64ArrayAttr(spatial),
                                              c.b.getBoolAttr(true))
                       : c.make<ReduceMaxOp>(c.in(0), c.b.getDenseI64ArrayAttr(spatial),
                                             c.b.getBoolAttr(true)));
  }
  if (c.attrInt("ceil_mode", 0))
    return c.fail("ceil_mode = 1 is not supported");
  if (c.node.output_size() > 1 && !c.node.output(1).empty())
    return c.fail("the Indices output is not supported");
  auto window = c.attrInts("kernel_shape");
  if (!window || window->size() != n)
    return c.fail("needs kernel_shape with one value per spatial dimension");
  auto strides = c.attrInts("strides").value_or(std::vector<int64_t>(n, 1));
  auto dilations = c.attrInts("dilations").value_or(std::vector<int64_t>(n, 1));
  std::vector<int64_t> pads;
  if (failed(padding(c, t, *window, strides, dilations, pads)))
    return failure();
  V x = c.make<TransposeOp>(c.in(0), c.b.getDenseI64ArrayAttr(toLast));
  if (failed(x))
    return failure();
  V y = op == "MaxPool"
            ? c.make<MaxPoolOp>(*x, c.b.getDenseI64ArrayAttr(*window),
                                c.b.getDenseI64ArrayAttr(strides),
                                c.b.getDenseI64ArrayAttr(dilations),
                                c.b.getDenseI64ArrayAttr(pads))
            : c.make<AvgPoolOp>(*x, c.b.getDenseI64ArrayAttr(*window),
                                c.b.getDenseI64ArrayAttr(strides),
                                c.b.getDenseI64ArrayAttr(dilations),
                                c.b.getDenseI64ArrayAttr(pads),
                                c.b.getBoolAttr(c.attrInt("count_include_pad", 0) != 0));
  if (failed(y))
    return failure();
  return done(c, c.make<TransposeOp>(*y, c.b.getDenseI64ArrayAttr(toFirst)));
}

LogicalResult batchNorm(NodeContext &c) {
  if (failed(needInputs(c, 5)))
    return failure();
  if (c.attrInt("training_mode", 0))
    return c.fail("training_mode = 1 is not supported");
  if (c.attrInt("spatial", 1) == 0)
    return c.fail("spatial = 0 (statistics per element) is not supported");
  return done(c, c.make<BatchNormInferenceOp>(
                     c.in(0), c.in(1), c.in(2), c.in(3), c.in(4),
                     c.b.getF64FloatAttr(c.attrFloat("epsilon", 1e-5)),
                     c.b.getI64IntegerAttr(1)));
}

} // namespace

//===----------------------------------------------------------------------===//
// The table
//===----------------------------------------------------------------------===//

static const OpEntry kOps[] = {
    // Elementwise
    {"Abs", 1, 17, unaryOp<AbsOp>, ""},
    {"Add", 7, 17, (binaryOp<AddOp, fAdd>), "NumPy broadcasting"},
    {"And", 7, 17, binaryOp<AndOp>, ""},
    {"Ceil", 1, 17, unaryOp<CeilOp>, ""},
    {"Clip", 1, 17, clip, "min/max constant"},
    {"Cos", 7, 17, unaryOp<CosOp>, ""},
    {"Div", 7, 17, (binaryOp<DivOp, fDiv>), ""},
    {"Elu", 1, 17, (alphaOp<EluOp, 100>), ""},
    {"Equal", 7, 17, compareOp<CompareDirection::eq>, ""},
    {"Erf", 9, 17, unaryOp<ErfOp>, ""},
    {"Exp", 1, 17, unaryOp<ExpOp>, ""},
    {"Floor", 1, 17, unaryOp<FloorOp>, ""},
    {"Greater", 7, 17, compareOp<CompareDirection::gt>, ""},
    {"GreaterOrEqual", 12, 17, compareOp<CompareDirection::ge>, ""},
    {"HardSigmoid", 1, 17, hardSigmoid, ""},
    {"LeakyRelu", 1, 17, (alphaOp<LeakyReluOp, 1>), ""},
    {"Less", 7, 17, compareOp<CompareDirection::lt>, ""},
    {"LessOrEqual", 12, 17, compareOp<CompareDirection::le>, ""},
    {"Log", 1, 17, unaryOp<LogOp>, ""},
    {"Max", 1, 17, variadic, ""},
    {"Mean", 1, 17, variadic, ""},
    {"Min", 1, 17, variadic, ""},
    {"Mul", 7, 17, (binaryOp<MulOp, fMul>), ""},
    {"Neg", 1, 17, unaryOp<NegOp>, ""},
    {"Not", 1, 17, unaryOp<NotOp>, ""},
    {"Or", 7, 17, binaryOp<OrOp>, ""},
    {"Pow", 7, 17, binaryOp<PowOp>, ""},
    {"Reciprocal", 1, 17, unaryOp<ReciprocalOp>, ""},
    {"Relu", 1, 17, unaryOp<ReluOp>, ""},
    {"Sigmoid", 1, 17, unaryOp<SigmoidOp>, ""},
    {"Sign", 9, 17, unaryOp<SignOp>, ""},
    {"Sin", 7, 17, unaryOp<SinOp>, ""},
    {"Softplus", 1, 17, unaryOp<SoftplusOp>, ""},
    {"Softsign", 1, 17, unaryOp<SoftsignOp>, ""},
    {"Sqrt", 1, 17, unaryOp<SqrtOp>, ""},
    {"Sub", 7, 17, (binaryOp<SubOp, fSub>), ""},
    {"Sum", 1, 17, variadic, ""},
    {"Tanh", 1, 17, unaryOp<TanhOp>, ""},
    {"Where", 9, 17, where, ""},
    {"Xor", 7, 17, binaryOp<XorOp>, ""},
    // Contractions, softmax
    {"Gemm", 1, 17, gemm, "2-D A and B"},
    {"MatMul", 1, 17, matmul, ""},
    {"Softmax", 1, 17, softmax, "before opset 13 over the flattened trailing axes"},
    {"LogSoftmax", 1, 17, softmax, "as Softmax"},
    // Shapes and constants
    {"Cast", 6, 17, castTo, ""},
    {"Concat", 4, 17, concat, ""},
    {"Constant", 1, 17, constant, "dense tensors and value_float(s)/value_int(s)"},
    {"Dropout", 1, 17, identity, "inference: the identity"},
    {"Expand", 8, 17, expand, "shape known at compile time"},
    {"Flatten", 1, 17, flatten, ""},
    {"Gather", 1, 17, gather, ""},
    {"Identity", 1, 17, identity, ""},
    {"Reshape", 5, 17, reshape, "shape known at compile time"},
    {"Shape", 1, 17, shape, "static dimensions; start/end"},
    {"Size", 1, 17, size, "static shapes"},
    {"Slice", 1, 17, slice, "starts/ends/axes/steps known at compile time"},
    {"Squeeze", 1, 17, squeezeLike, ""},
    {"Transpose", 1, 17, transpose, ""},
    {"Unsqueeze", 1, 17, squeezeLike, ""},
    // Reductions
    {"ArgMax", 1, 17, argReduce, "select_last_index = 0"},
    {"ArgMin", 1, 17, argReduce, "select_last_index = 0"},
    {"ReduceL1", 1, 17, (reduceOp<ReduceSumOp, Pre::abs>), ""},
    {"ReduceL2", 1, 17, (reduceOp<ReduceSumOp, Pre::square, Post::sqrt>), ""},
    {"ReduceLogSum", 1, 17, (reduceOp<ReduceSumOp, Pre::none, Post::log>), ""},
    {"ReduceLogSumExp", 1, 17, (reduceOp<ReduceSumOp, Pre::exp, Post::log>), ""},
    {"ReduceMax", 1, 17, reduceOp<ReduceMaxOp>, ""},
    {"ReduceMean", 1, 17, reduceOp<ReduceMeanOp>, ""},
    {"ReduceMin", 1, 17, reduceOp<ReduceMinOp>, ""},
    {"ReduceProd", 1, 17, reduceOp<ReduceProdOp>, ""},
    {"ReduceSum", 1, 17, reduceOp<ReduceSumOp>, "axes known at compile time"},
    {"ReduceSumSquare", 1, 17, (reduceOp<ReduceSumOp, Pre::square>), ""},
    // Convolution, pooling, normalization
    {"AveragePool", 1, 17, pool, "ceil_mode = 0"},
    {"BatchNormalization", 6, 17, batchNorm, "inference"},
    {"Conv", 1, 17, conv, "1-D to 3-D, groups"},
    {"GlobalAveragePool", 1, 17, pool, ""},
    {"GlobalMaxPool", 1, 17, pool, ""},
    {"MaxPool", 1, 17, pool, "ceil_mode = 0, no Indices output"},
};

const OpEntry *findOp(StringRef op, int64_t opset) {
  for (const OpEntry &e : kOps)
    if (op == e.op && (opset < 0 || (opset >= e.since && opset <= e.until)))
      return &e;
  return nullptr;
}

} // namespace kiln::onnx_detail

std::vector<kiln::OnnxOpSupport> kiln::supportedOnnxOps() {
  std::vector<OnnxOpSupport> out;
  for (const auto &e : onnx_detail::kOps)
    out.push_back({e.op, e.since, e.until, e.note});
  return out;
}
