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

/// Helpers of compositions (ops built from several kiln ops).
bool anyNull() { return false; }
template <typename T, typename... Rest> bool anyNull(const T &first, const Rest &...rest) {
  if constexpr (std::is_same_v<std::decay_t<T>, Value>)
    if (!first)
      return true;
  return anyNull(rest...);
}

/// Builds one kiln op of a composition; null when an operand is null or the
/// op's shape rule fails (the node's error is then recorded).
template <typename OpT, typename... Args> Value mk(NodeContext &c, Args &&...args) {
  if (anyNull(args...))
    return {};
  V v = c.make<OpT>(std::forward<Args>(args)...);
  return succeeded(v) ? *v : Value();
}

Value cmp(NodeContext &c, CompareDirection d, Value a, Value b) {
  return mk<CompareOp>(c, CompareDirectionAttr::get(c.b.getContext(), d), a, b);
}

Value castElements(NodeContext &c, Value v, Type elt) {
  if (!v)
    return {};
  auto t = cast<RankedTensorType>(v.getType());
  if (t.getElementType() == elt)
    return v;
  return CastOp::create(c.b, c.loc, RankedTensorType::get(t.getShape(), elt), v);
}

LogicalResult doneValue(NodeContext &c, Value v, int output = 0) {
  if (!v)
    return c.imp.error.empty() ? c.fail("cannot build this node") : failure();
  c.out(output, v);
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

Value iotaAlong(NodeContext &c, int64_t n, int64_t axis, int64_t rank) {
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = n;
  std::vector<double> values(n);
  std::iota(values.begin(), values.end(), 0.0);
  return ConstantOp::create(c.b, c.loc,
                            makeAttr(RankedTensorType::get(shape, c.b.getI64Type()), values));
}

/// The index along `axis` of each element of `like`: a constant [1, .., n,
/// .., 1] when that size is static, else a kiln.iota of `like`'s shape.
Value iotaOf(NodeContext &c, Value like, int64_t axis) {
  if (!like)
    return {};
  auto t = cast<RankedTensorType>(like.getType());
  if (!t.isDynamicDim(axis))
    return iotaAlong(c, t.getDimSize(axis), axis, t.getRank());
  return mk<IotaOp>(c, like, c.b.getI64IntegerAttr(axis));
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
  if (c.node.op_type() == "Dropout" && c.has(2)) {
    DenseElementsAttr training = c.known(2);
    DenseElementsAttr ratio = c.has(1) ? c.known(1) : DenseElementsAttr();
    bool keepAll = ratio && toDoubles(ratio)[0] == 0.0;
    if (!keepAll && (!training || toInts(training)[0] != 0))
      return c.fail("training_mode (random masks) is not supported; Kiln "
                    "imports Dropout for inference");
  }
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

/// Clip whose bounds are tensors computed at run time.
LogicalResult clipRuntime(NodeContext &c) {
  Value x = c.in(0);
  if (c.has(1))
    x = mk<MaximumOp>(c, x, c.in(1));
  if (c.has(2))
    x = mk<MinimumOp>(c, x, c.in(2));
  return doneValue(c, x);
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
        return clipRuntime(c);
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
  SmallVector<int64_t> dims(t.getShape().begin() + start, t.getShape().begin() + end);
  if (llvm::none_of(dims, ShapedType::isDynamic)) {
    std::vector<double> values(dims.begin(), dims.end());
    c.outKnown(0, makeAttr(RankedTensorType::get({static_cast<int64_t>(dims.size())},
                                                 c.b.getI64Type()),
                           values));
    return success();
  }
  // Read at run time; the static sizes stay known for the shape arithmetic.
  Value v = mk<ShapeOfOp>(c, c.in(0));
  if (v && (start > 0 || end < rank))
    v = mk<SliceOp>(c, v, c.b.getDenseI64ArrayAttr({0}), c.b.getDenseI64ArrayAttr({start}),
                    c.b.getDenseI64ArrayAttr({end}), c.b.getDenseI64ArrayAttr({1}));
  if (!v)
    return doneValue(c, v);
  c.outPartial(0, v, dims);
  return success();
}

LogicalResult size(NodeContext &c) {
  auto t = c.typeOf(0);
  if (!t)
    return c.fail("needs a ranked input");
  if (!t.hasStaticShape())
    return doneValue(c, mk<ReduceProdOp>(c, mk<ShapeOfOp>(c, c.in(0)),
                                         c.b.getDenseI64ArrayAttr({0}),
                                         c.b.getBoolAttr(false)));
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
  Value v = CastOp::create(c.b, c.loc, RankedTensorType::get(t.getShape(), elt), c.in(0));
  if (auto p = c.partial(0); p && isa<IntegerType>(elt) && !elt.isInteger(1)) {
    c.outPartial(0, v, *p);
    return success();
  }
  c.out(0, v);
  return success();
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

/// One size of a reshape target: static (size >= 0), or the product of the
/// input's dimensions [from, to) when one of them is dynamic.
struct TargetDim {
  int64_t size;
  int64_t from = 0, to = 0;
};

TargetDim inputDims(RankedTensorType t, int64_t from, int64_t to) {
  int64_t size = 1;
  for (int64_t d = from; d < to; ++d) {
    if (t.isDynamicDim(d))
      return {-1, from, to};
    size *= t.getDimSize(d);
  }
  return {size};
}

/// The shape `x` would have after the reshape, with `x`'s dynamic sizes as
/// -1 (the dynamic_reshape result type takes kDynamic for those).
RankedTensorType reshapedType(Value x, ArrayRef<int64_t> dims) {
  SmallVector<int64_t> shape;
  for (int64_t d : dims)
    shape.push_back(d < 0 ? ShapedType::kDynamic : d);
  return RankedTensorType::get(shape, cast<RankedTensorType>(x.getType()).getElementType());
}

/// Reshapes `x` to `dims`: a kiln.reshape when at most one size is dynamic,
/// else a dynamic_reshape to sizes read from `x`'s shape at run time.
Value reshapeToDims(NodeContext &c, Value x, ArrayRef<TargetDim> dims) {
  if (!x)
    return {};
  SmallVector<int64_t> target;
  for (const TargetDim &d : dims)
    target.push_back(d.size);
  if (llvm::count(target, -1) <= 1)
    return mk<ReshapeOp>(c, x, c.b.getDenseI64ArrayAttr(target));
  Value shape = mk<ShapeOfOp>(c, x);
  SmallVector<Value> parts;
  auto i64 = c.b.getI64Type();
  for (const TargetDim &d : dims) {
    if (d.size >= 0) {
      parts.push_back(ConstantOp::create(
          c.b, c.loc, makeAttr(RankedTensorType::get({1}, i64), {double(d.size)})));
      continue;
    }
    Value part = mk<SliceOp>(c, shape, c.b.getDenseI64ArrayAttr({0}),
                             c.b.getDenseI64ArrayAttr({d.from}),
                             c.b.getDenseI64ArrayAttr({d.to}), c.b.getDenseI64ArrayAttr({1}));
    if (d.to - d.from > 1)
      part = mk<ReduceProdOp>(c, part, c.b.getDenseI64ArrayAttr({0}), c.b.getBoolAttr(true));
    parts.push_back(part);
  }
  Value sizes = mk<ConcatOp>(c, ValueRange(parts), c.b.getI64IntegerAttr(0));
  if (!sizes)
    return {};
  return DynamicReshapeOp::create(c.b, c.loc, reshapedType(x, target), x, sizes, false);
}

LogicalResult reshape(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  auto t = c.typeOf(0);
  // The target's entries, kDynamic where only the run time knows them.
  SmallVector<int64_t> target;
  if (c.opset < 5 || !c.has(1)) {
    if (auto s = c.attrInts("shape"))
      target.assign(s->begin(), s->end());
  } else if (auto p = c.partial(1)) {
    target = *p;
  } else if (auto d = c.declared(0)) {
    target.assign(d->begin(), d->end());
  } else if (auto st = c.typeOf(1); st && st.getRank() == 1 && !st.isDynamicDim(0)) {
    target.assign(st.getDimSize(0), ShapedType::kDynamic);
  } else {
    return c.fail("the target shape must have a length known at compile time "
                  "(or the output shape declared)");
  }
  bool allowZero = c.attrInt("allowzero", 0) != 0;
  // Static sizes, and -1 for each size known only at run time.
  SmallVector<int64_t> dims;
  for (size_t i = 0; i < target.size(); ++i) {
    int64_t d = target[i];
    if (d == 0 && !allowZero) {
      if (static_cast<int64_t>(i) >= t.getRank())
        return c.fail("shape entry 0 at " + Twine(i) + " copies a missing dimension");
      d = t.isDynamicDim(i) ? -1 : t.getDimSize(i);
    } else if (ShapedType::isDynamic(d)) {
      d = -1;
    } else if (d < -1) {
      return c.fail("shape entry " + Twine(d) + " at " + Twine(i) + " is negative");
    }
    dims.push_back(d);
  }
  if (DenseElementsAttr k = c.known(0); k && llvm::count(dims, -1) == 0) {
    auto nt = RankedTensorType::get(dims, k.getElementType());
    if (nt.getNumElements() == k.getNumElements()) {
      c.outKnown(0, k.reshape(nt));
      return success();
    }
  }
  // One unknown size follows from the element count: a plain reshape.
  if (llvm::count(dims, -1) <= 1)
    return done(c, c.make<ReshapeOp>(c.in(0), c.b.getDenseI64ArrayAttr(dims)));
  Value sizes;
  if (c.opset < 5 || !c.has(1)) {
    std::vector<double> values(target.begin(), target.end());
    sizes = ConstantOp::create(
        c.b, c.loc,
        makeAttr(RankedTensorType::get({static_cast<int64_t>(values.size())},
                                       c.b.getI64Type()),
                 values));
  } else {
    sizes = castElements(c, c.in(1), c.b.getI64Type());
  }
  // A -1 entry is inferred at run time; in the result type it is unknown.
  return doneValue(c, DynamicReshapeOp::create(c.b, c.loc, reshapedType(c.in(0), dims),
                                               c.in(0), sizes, !allowZero));
}

LogicalResult flatten(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  auto t = c.typeOf(0);
  int64_t rank = t.getRank();
  int64_t axis = c.normAxis(c.attrInt("axis", 1), rank);
  if (axis < 0 || axis > rank)
    return c.fail("axis " + Twine(c.attrInt("axis", 1)) + " is out of range");
  return doneValue(c, reshapeToDims(c, c.in(0), {inputDims(t, 0, axis), inputDims(t, axis, rank)}));
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
  if (axes && !axes->empty() && (*axes)[0] == INT64_MIN) {
    if (auto d = c.declared(0))
      return done(c, c.make<ReshapeOp>(c.in(0), c.b.getDenseI64ArrayAttr(*d)));
    return c.fail("axes must be known at compile time (or the output shape "
                  "declared)");
  }
  SmallVector<int64_t> shape;
  SmallVector<TargetDim> dims;
  if (unsqueeze) {
    if (!axes)
      return c.fail("needs axes");
    int64_t rank = t.getRank() + static_cast<int64_t>(axes->size());
    std::set<int64_t> inserted;
    for (int64_t a : *axes)
      inserted.insert(c.normAxis(a, rank));
    int64_t src = 0;
    for (int64_t d = 0; d < rank; ++d) {
      if (inserted.count(d)) {
        shape.push_back(1);
        dims.push_back({1});
      } else {
        shape.push_back(t.isDynamicDim(src) ? -1 : t.getDimSize(src));
        dims.push_back(inputDims(t, src, src + 1));
        ++src;
      }
    }
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
      dims.push_back(inputDims(t, d, d + 1));
    }
  }
  if (DenseElementsAttr k = c.known(0); k && !llvm::is_contained(shape, -1)) {
    c.outKnown(0, k.reshape(RankedTensorType::get(shape, k.getElementType())));
    return success();
  }
  Value v = reshapeToDims(c, c.in(0), dims);
  if (auto p = c.partial(0); v && p && shape.size() <= 1) {
    c.outPartial(0, v, *p);
    return success();
  }
  return doneValue(c, v);
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
  V v = c.make<ConcatOp>(ValueRange(parts), c.b.getI64IntegerAttr(axis));
  if (failed(v))
    return failure();
  // A shape vector put together from partly known pieces.
  SmallVector<int64_t> entries;
  for (int i = 0; i < c.node.input_size(); ++i) {
    auto p = c.partial(i);
    if (!p || c.typeOf(i).getRank() != 1) {
      c.out(0, *v);
      return success();
    }
    entries.append(*p);
  }
  c.outPartial(0, *v, entries);
  return success();
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
  V v = c.make<GatherOp>(c.in(0), c.in(1), c.b.getI64IntegerAttr(axis));
  auto p = c.partial(0);
  if (failed(v) || !p || !idx || t.getRank() != 1 ||
      cast<RankedTensorType>(idx.getType()).getRank() > 1)
    return done(c, v);
  // Entries of a partly known shape vector.
  SmallVector<int64_t> entries;
  for (int64_t i : toInts(idx)) {
    int64_t j = i < 0 ? i + static_cast<int64_t>(p->size()) : i;
    if (j < 0 || j >= static_cast<int64_t>(p->size()))
      return c.fail("index " + Twine(i) + " is out of range");
    entries.push_back((*p)[j]);
  }
  c.outPartial(0, *v, entries);
  return success();
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
  V v = c.make<SliceOp>(c.in(0), c.b.getDenseI64ArrayAttr(axes),
                        c.b.getDenseI64ArrayAttr(starts), c.b.getDenseI64ArrayAttr(ends),
                        c.b.getDenseI64ArrayAttr(steps));
  auto p = c.partial(0);
  if (failed(v) || !p || t.getRank() != 1 || axes.size() != 1 || steps[0] <= 0)
    return done(c, v);
  // Entries of a partly known shape vector, by Python's slicing rules.
  int64_t n = static_cast<int64_t>(p->size());
  auto clampIndex = [n](int64_t i) {
    return std::clamp<int64_t>(i < 0 ? i + n : i, 0, n);
  };
  SmallVector<int64_t> entries;
  for (int64_t i = clampIndex(starts[0]); i < clampIndex(ends[0]); i += steps[0])
    entries.push_back((*p)[i]);
  c.outPartial(0, *v, entries);
  return success();
}

LogicalResult expand(NodeContext &c) {
  if (failed(needInputs(c, 2)))
    return failure();
  DenseElementsAttr k = c.known(1);
  std::optional<std::vector<int64_t>> given = k ? std::optional(toInts(k)) : c.declared(0);
  if (!given)
    return c.fail("the shape must be known at compile time (or the output "
                  "shape declared)");
  // ONNX's Expand broadcasts both ways: the result is the broadcast of the
  // input's shape and the given one.
  std::vector<int64_t> target = *given;
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

/// ArgMax/ArgMin with select_last_index: the first extreme of the input
/// reversed along the axis, counted from the end.
/// ArgMax/ArgMin with select_last_index: the largest index holding the
/// extreme value.
LogicalResult argReduceLast(NodeContext &c, int64_t axis, bool keep) {
  bool isMax = c.node.op_type() == "ArgMax";
  Value x = c.in(0);
  auto axisAttr = c.b.getDenseI64ArrayAttr({axis});
  Value extreme = isMax ? mk<ReduceMaxOp>(c, x, axisAttr, c.b.getBoolAttr(true))
                        : mk<ReduceMinOp>(c, x, axisAttr, c.b.getBoolAttr(true));
  Value at = cmp(c, CompareDirection::eq, x, extreme);
  Value idx = iotaOf(c, x, axis);
  Value candidates = mk<SelectOp>(c, at, idx, idx ? scalarLike(c, idx, -1) : Value());
  return doneValue(c, mk<ReduceMaxOp>(c, candidates, axisAttr, c.b.getBoolAttr(keep)));
}

LogicalResult argReduce(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  auto t = c.typeOf(0);
  int64_t axis = c.normAxis(c.attrInt("axis", 0), t.getRank());
  bool keep = c.attrInt("keepdims", 1) != 0;
  if (c.attrInt("select_last_index", 0))
    return argReduceLast(c, axis, keep);
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

/// What Conv and ConvTranspose share: the window (the weight's static
/// spatial sizes), strides, dilations, and the permutations between ONNX's
/// layouts and kiln's (input to channels-last and back; the weight's leading
/// two dimensions to the end, swapped).
struct ConvSetup {
  size_t n;
  std::vector<int64_t> window, strides, dilations, toLast, toFirst, wPerm;
};

FailureOr<ConvSetup> convSetup(NodeContext &c) {
  if (failed(needInputs(c, 2)))
    return failure();
  auto t = c.typeOf(0), wt = c.typeOf(1);
  int64_t rank = t.getRank();
  if (rank < 3 || rank > 5 || !wt || wt.getRank() != rank ||
      llvm::any_of(wt.getShape().drop_front(2), ShapedType::isDynamic))
    return c.fail("needs a 1-D to 3-D input and a weight of the same rank with "
                  "static spatial sizes");
  ConvSetup s;
  s.n = rank - 2;
  s.window.assign(wt.getShape().begin() + 2, wt.getShape().end());
  s.strides = c.attrInts("strides").value_or(std::vector<int64_t>(s.n, 1));
  s.dilations = c.attrInts("dilations").value_or(std::vector<int64_t>(s.n, 1));
  std::tie(s.toLast, s.toFirst) = layoutPerms(rank);
  for (int64_t d = 2; d < rank; ++d)
    s.wPerm.push_back(d);
  s.wPerm.push_back(1);
  s.wPerm.push_back(0);
  return s;
}

LogicalResult conv(NodeContext &c) {
  FailureOr<ConvSetup> setup = convSetup(c);
  if (failed(setup))
    return failure();
  auto &[n, window, strides, dilations, toLast, toFirst, wPerm] = *setup; // OIHW -> HWIO
  std::vector<int64_t> pads;
  if (failed(padding(c, c.typeOf(0), window, strides, dilations, pads)))
    return failure();
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

LogicalResult convTranspose(NodeContext &c) {
  FailureOr<ConvSetup> setup = convSetup(c);
  if (failed(setup))
    return failure();
  // [C_in, C_out / groups, k...] -> [k..., C_out / groups, C_in].
  auto &[n, window, strides, dilations, toLast, toFirst, wPerm] = *setup;
  auto t = c.typeOf(0);
  if (auto k = c.attrInts("kernel_shape"); k && *k != window)
    return c.fail("kernel_shape differs from the weight's shape");
  auto outPad = c.attrInts("output_padding").value_or(std::vector<int64_t>(n, 0));
  if (strides.size() != n || dilations.size() != n || outPad.size() != n)
    return c.fail("strides, dilations and output_padding need one value per spatial dimension");
  std::vector<int64_t> pads(2 * n, 0); // kiln: (low, high) per dimension
  std::string autoPad = c.attrString("auto_pad", "NOTSET");
  auto outputShape = c.attrInts("output_shape");
  if (outputShape || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (size_t i = 0; i < n; ++i) {
      int64_t in = t.getDimSize(2 + i);
      if (ShapedType::isDynamic(in))
        return c.fail("output_shape and auto_pad need static spatial sizes");
      int64_t want = outputShape ? (*outputShape)[outputShape->size() - n + i]
                                 : in * strides[i];
      int64_t total = strides[i] * (in - 1) + outPad[i] +
                      ((window[i] - 1) * dilations[i] + 1) - want;
      if (total < 0) { // a larger output: extend at the high end
        outPad[i] -= total;
        total = 0;
      }
      // SAME_UPPER (and an output_shape alone) put the extra row at the end.
      bool lower = autoPad == "SAME_LOWER";
      pads[2 * i] = lower ? total - total / 2 : total / 2;
      pads[2 * i + 1] = total - pads[2 * i];
    }
  } else if (auto p = c.attrInts("pads")) {
    if (p->size() != 2 * n)
      return c.fail("pads needs two values per spatial dimension");
    for (size_t i = 0; i < n; ++i) {
      pads[2 * i] = (*p)[i];
      pads[2 * i + 1] = (*p)[n + i];
    }
  }
  Value x = mk<TransposeOp>(c, c.in(0), c.b.getDenseI64ArrayAttr(toLast));
  Value w = mk<TransposeOp>(c, c.in(1), c.b.getDenseI64ArrayAttr(wPerm));
  Value y = mk<ConvTransposeOp>(c, x, w, c.b.getDenseI64ArrayAttr(strides),
                                c.b.getDenseI64ArrayAttr(dilations),
                                c.b.getDenseI64ArrayAttr(pads),
                                c.b.getDenseI64ArrayAttr(outPad),
                                c.b.getI64IntegerAttr(c.attrInt("group", 1)));
  if (c.has(2))
    y = mk<AddOp>(c, y, c.in(2));
  return doneValue(c, mk<TransposeOp>(c, y, c.b.getDenseI64ArrayAttr(toFirst)));
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

//===----------------------------------------------------------------------===//
// Compositions: ops kiln has no single op for, built from kiln ops
//===----------------------------------------------------------------------===//

/// A float formula of one input, `F(c, x)`.
template <Value (*F)(NodeContext &, Value)> LogicalResult formulaOp(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  if (!isa<FloatType>(c.typeOf(0).getElementType()))
    return c.fail("needs a floating-point input");
  return doneValue(c, F(c, c.in(0)));
}

Value fTan(NodeContext &c, Value x) { return mk<DivOp>(c, mk<SinOp>(c, x), mk<CosOp>(c, x)); }
Value halfExps(NodeContext &c, Value x, bool plus) {
  Value e = mk<ExpOp>(c, x), f = mk<ExpOp>(c, mk<NegOp>(c, x));
  Value s = plus ? mk<AddOp>(c, e, f) : mk<SubOp>(c, e, f);
  return s ? mk<MulOp>(c, s, scalarLike(c, x, 0.5)) : Value();
}
Value fSinh(NodeContext &c, Value x) { return halfExps(c, x, false); }
Value fCosh(NodeContext &c, Value x) { return halfExps(c, x, true); }
Value logOfRoot(NodeContext &c, Value x, double k) { // log(x + sqrt(x*x + k))
  Value sq = mk<AddOp>(c, mk<MulOp>(c, x, x), scalarLike(c, x, k));
  return mk<LogOp>(c, mk<AddOp>(c, x, mk<SqrtOp>(c, sq)));
}
Value fAsinh(NodeContext &c, Value x) { return logOfRoot(c, x, 1); }
Value fAcosh(NodeContext &c, Value x) { return logOfRoot(c, x, -1); }
Value fAtanh(NodeContext &c, Value x) {
  Value one = scalarLike(c, x, 1);
  Value ratio = mk<DivOp>(c, mk<AddOp>(c, one, x), mk<SubOp>(c, one, x));
  return mk<MulOp>(c, mk<LogOp>(c, ratio), scalarLike(c, x, 0.5));
}
Value fSelu(NodeContext &c, Value x) {
  double alpha = c.attrFloat("alpha", 1.67326319217681884765625);
  double gamma = c.attrFloat("gamma", 1.05070102214813232421875);
  Value neg = mk<MulOp>(c, mk<SubOp>(c, mk<ExpOp>(c, x), scalarLike(c, x, 1)),
                        scalarLike(c, x, alpha));
  Value v = mk<SelectOp>(c, cmp(c, CompareDirection::gt, x, scalarLike(c, x, 0)), x, neg);
  return mk<MulOp>(c, v, scalarLike(c, x, gamma));
}
Value fThresholdedRelu(NodeContext &c, Value x) {
  Value alpha = scalarLike(c, x, c.attrFloat("alpha", 1.0));
  return mk<SelectOp>(c, cmp(c, CompareDirection::gt, x, alpha), x, scalarLike(c, x, 0));
}
Value fShrink(NodeContext &c, Value x) {
  double lambd = c.attrFloat("lambd", 0.5), bias = c.attrFloat("bias", 0.0);
  Value up = mk<SubOp>(c, x, scalarLike(c, x, bias));
  Value down = mk<AddOp>(c, x, scalarLike(c, x, bias));
  Value inner = mk<SelectOp>(c, cmp(c, CompareDirection::gt, x, scalarLike(c, x, lambd)),
                             up, scalarLike(c, x, 0));
  return mk<SelectOp>(c, cmp(c, CompareDirection::lt, x, scalarLike(c, x, -lambd)),
                      down, inner);
}
Value fHardSwish(NodeContext &c, Value x) {
  return mk<MulOp>(c, x, mk<HardSigmoidOp>(c, x, c.b.getF64FloatAttr(1.0 / 6),
                                           c.b.getF64FloatAttr(0.5)));
}
Value fCelu(NodeContext &c, Value x) {
  double alpha = c.attrFloat("alpha", 1.0);
  Value e = mk<ExpOp>(c, mk<DivOp>(c, x, scalarLike(c, x, alpha)));
  Value neg = mk<MulOp>(c, mk<SubOp>(c, e, scalarLike(c, x, 1)), scalarLike(c, x, alpha));
  Value zero = scalarLike(c, x, 0);
  return mk<AddOp>(c, mk<MaximumOp>(c, x, zero), mk<MinimumOp>(c, neg, zero));
}
Value fIsNaN(NodeContext &c, Value x) { return cmp(c, CompareDirection::ne, x, x); }
Value fIsInf(NodeContext &c, Value x) {
  bool pos = c.attrInt("detect_positive", 1) != 0, neg = c.attrInt("detect_negative", 1) != 0;
  Value p = cmp(c, CompareDirection::eq, x, scalarLike(c, x, INFINITY));
  Value n = cmp(c, CompareDirection::eq, x, scalarLike(c, x, -INFINITY));
  if (pos && neg)
    return mk<OrOp>(c, p, n);
  if (pos)
    return p;
  if (neg)
    return n;
  return mk<AndOp>(c, p, n); // never both: all false
}

LogicalResult prelu(NodeContext &c) {
  if (failed(needInputs(c, 2)))
    return failure();
  Value x = c.in(0);
  Value scaled = mk<MulOp>(c, x, c.in(1));
  return doneValue(c, mk<SelectOp>(c, cmp(c, CompareDirection::lt, x, scalarLike(c, x, 0)),
                                   scaled, x));
}

LogicalResult castLike(NodeContext &c) {
  if (failed(needInputs(c, 2)) || !c.typeOf(1))
    return c.imp.error.empty() ? c.fail("needs two ranked inputs") : failure();
  return doneValue(c, castElements(c, c.in(0), c.typeOf(1).getElementType()));
}

/// Pow of any numeric types: integers go through f64; the result has the
/// base's type.
LogicalResult pow(NodeContext &c) {
  if (failed(needInputs(c, 2)) || !c.typeOf(1))
    return c.imp.error.empty() ? c.fail("needs two ranked inputs") : failure();
  Type base = c.typeOf(0).getElementType(), exp = c.typeOf(1).getElementType();
  if (isa<FloatType>(base) && base == exp)
    return done(c, c.make<PowOp>(c.in(0), c.in(1)));
  Type work = isa<FloatType>(base) ? base : c.b.getF64Type();
  Value r = mk<PowOp>(c, castElements(c, c.in(0), work), castElements(c, c.in(1), work));
  return doneValue(c, castElements(c, r, base));
}


LogicalResult constantOfShape(NodeContext &c) {
  if (!c.has(0))
    return c.fail("needs a shape input");
  DenseElementsAttr shapeK = c.known(0);
  std::optional<std::vector<int64_t>> shape =
      shapeK ? std::optional(toInts(shapeK)) : c.declared(0);
  if (!shape)
    return c.fail("the shape must be known at compile time (or the output "
                  "shape declared)");
  DenseElementsAttr value;
  if (const onnx::AttributeProto *a = c.attr("value")) {
    std::string why;
    FailureOr<DenseElementsAttr> k = tensorToAttr(c.b.getContext(), a->t(), why);
    if (failed(k))
      return c.fail(why);
    if (k->getNumElements() != 1)
      return c.fail("value must hold one element");
    value = *k;
  }
  Type elt = value ? value.getElementType() : c.b.getF32Type();
  double v = value ? toDoubles(value)[0] : 0.0;
  auto type = RankedTensorType::get(*shape, elt);
  c.outKnown(0, makeAttr(type, {v}));
  return success();
}

/// An i64 constant counting 0..n-1 along dimension `axis` of a tensor of
/// rank `rank` (other dimensions 1).
LogicalResult trilu(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  auto t = c.typeOf(0);
  int64_t r = t.getRank();
  if (r < 2)
    return c.fail("needs an input of rank 2 or more");
  Value rows = iotaOf(c, c.in(0), r - 2);
  Value cols = iotaOf(c, c.in(0), r - 1);
  Value diff = mk<SubOp>(c, cols, rows);
  Value k = c.has(1) ? castElements(c, c.in(1), c.b.getI64Type())
                     : scalarLike(c, diff, 0);
  bool upper = c.attrInt("upper", 1) != 0;
  Value keep = cmp(c, upper ? CompareDirection::ge : CompareDirection::le, diff, k);
  Value x = c.in(0);
  return doneValue(c, mk<SelectOp>(c, keep, x, scalarLike(c, x, 0)));
}

/// Hardmax: 1 at the first maximum along the axis, 0 elsewhere.
LogicalResult hardmax(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  auto t = c.typeOf(0);
  int64_t r = t.getRank();
  int64_t axis = c.normAxis(c.attrInt("axis", c.opset < 13 ? 1 : -1), r);
  if (c.opset < 13 && axis != r - 1)
    return c.fail("before opset 13 only the last axis is supported");
  Value x = c.in(0);
  Value idx = mk<ArgmaxOp>(c, x, c.b.getI64IntegerAttr(axis), c.b.getBoolAttr(true));
  Value hot = cmp(c, CompareDirection::eq, castElements(c, idx, c.b.getI64Type()),
                  iotaOf(c, x, axis));
  return doneValue(c, castElements(c, hot, t.getElementType()));
}

/// Normalization over `axes` (kept): x - mean, its mean, and 1/sqrt(var + eps).
struct Normalized {
  Value centered, mean, invStdDev;
};
Normalized normalize(NodeContext &c, Value x, ArrayRef<int64_t> axes, double eps) {
  auto axesAttr = c.b.getDenseI64ArrayAttr(axes);
  Value mean = mk<ReduceMeanOp>(c, x, axesAttr, c.b.getBoolAttr(true));
  Value d = mk<SubOp>(c, x, mean);
  Value var = mk<ReduceMeanOp>(c, mk<MulOp>(c, d, d), axesAttr, c.b.getBoolAttr(true));
  Value inv = mk<RsqrtOp>(c, mk<AddOp>(c, var, scalarLike(c, x, eps)));
  return {d, mean, inv};
}

LogicalResult layerNorm(NodeContext &c) {
  if (failed(needInputs(c, 2)))
    return failure();
  auto t = c.typeOf(0);
  int64_t r = t.getRank();
  int64_t axis = c.normAxis(c.attrInt("axis", -1), r);
  double eps = c.attrFloat("epsilon", 1e-5);
  std::vector<int64_t> axes;
  for (int64_t d = axis; d < r; ++d)
    axes.push_back(d);
  auto [d, mean, inv] = normalize(c, c.in(0), axes, eps);
  Value y = mk<MulOp>(c, mk<MulOp>(c, d, inv), c.in(1));
  if (c.has(2))
    y = mk<AddOp>(c, y, c.in(2));
  if (!y)
    return doneValue(c, y);
  c.out(0, y);
  c.out(1, mean);
  c.out(2, inv);
  return success();
}


LogicalResult split(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  auto t = c.typeOf(0);
  int64_t axis = c.normAxis(c.attrInt("axis", 0), t.getRank());
  bool dynamic = t.isDynamicDim(axis);
  int64_t total = dynamic ? -1 : t.getDimSize(axis), outputs = c.node.output_size();
  std::vector<int64_t> sizes;
  if (c.opset >= 13 && c.has(1)) {
    if (DenseElementsAttr k = c.known(1)) {
      sizes = toInts(k);
    } else {
      for (int64_t i = 0; i < outputs; ++i) {
        auto d = c.declared(i);
        if (!d || static_cast<int64_t>(d->size()) != t.getRank())
          return c.fail("split must be known at compile time (or the output "
                        "shapes declared)");
        sizes.push_back((*d)[axis]);
      }
    }
  } else if (auto a = c.attrInts("split")) {
    sizes = *a;
  } else if (dynamic && outputs > 1) {
    return c.fail("equal parts of a dynamic dimension need sizes computed at "
                  "run time, which Kiln's slices do not take");
  } else {
    if (outputs < 1 || (!dynamic && total % outputs))
      return c.fail("cannot split " + Twine(total) + " into " + Twine(outputs) +
                    " equal parts");
    sizes.assign(outputs, dynamic ? -1 : total / outputs);
  }
  if (static_cast<int64_t>(sizes.size()) != outputs ||
      (!dynamic && std::accumulate(sizes.begin(), sizes.end(), int64_t(0)) != total))
    return c.fail("split sizes do not match the outputs and the dimension");
  int64_t start = 0;
  for (int64_t i = 0; i < outputs; ++i) {
    // The last part of a dynamic dimension runs to its end.
    int64_t end = dynamic && i == outputs - 1 ? INT64_MAX : start + sizes[i];
    Value part = mk<SliceOp>(c, c.in(0), c.b.getDenseI64ArrayAttr({axis}),
                             c.b.getDenseI64ArrayAttr({start}),
                             c.b.getDenseI64ArrayAttr({end}),
                             c.b.getDenseI64ArrayAttr({1}));
    if (!part)
      return doneValue(c, part);
    c.out(i, part);
    start += sizes[i];
  }
  return success();
}

/// DepthToSpace (DCR or CRD) and SpaceToDepth: reshape, transpose, reshape.
LogicalResult depthSpace(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  auto t = c.typeOf(0);
  if (t.getRank() != 4 || t.isDynamicDim(1) || t.isDynamicDim(2) || t.isDynamicDim(3))
    return c.fail("needs a 4-D input, static but for the batch");
  int64_t n = t.isDynamicDim(0) ? -1 : t.getDimSize(0), ch = t.getDimSize(1), h = t.getDimSize(2),
          w = t.getDimSize(3), bs = c.attrInt("blocksize", 0);
  if (bs < 1)
    return c.fail("needs blocksize >= 1");
  SmallVector<int64_t> first, perm, last;
  if (c.node.op_type() == "DepthToSpace") {
    if (ch % (bs * bs))
      return c.fail("channels must divide by blocksize squared");
    int64_t oc = ch / (bs * bs);
    if (c.attrString("mode", "DCR") == "CRD") {
      first = {n, oc, bs, bs, h, w};
      perm = {0, 1, 4, 2, 5, 3};
    } else {
      first = {n, bs, bs, oc, h, w};
      perm = {0, 3, 4, 1, 5, 2};
    }
    last = {n, oc, h * bs, w * bs};
  } else {
    if (h % bs || w % bs)
      return c.fail("height and width must divide by blocksize");
    first = {n, ch, h / bs, bs, w / bs, bs};
    perm = {0, 3, 5, 1, 2, 4};
    last = {n, ch * bs * bs, h / bs, w / bs};
  }
  Value v = mk<ReshapeOp>(c, c.in(0), c.b.getDenseI64ArrayAttr(first));
  v = mk<TransposeOp>(c, v, c.b.getDenseI64ArrayAttr(perm));
  return doneValue(c, mk<ReshapeOp>(c, v, c.b.getDenseI64ArrayAttr(last)));
}

/// NegativeLogLikelihoodLoss over log-probabilities `x` [N, C, d...] and
/// integer targets [N, d...]: the target's entry is picked with a one-hot
/// mask along C (ignore_index and out-of-range targets pick nothing).
Value nllLoss(NodeContext &c, Value x, Value target, Value weight, Value &weightSum) {
  auto t = cast<RankedTensorType>(x.getType());
  int64_t r = t.getRank();
  if (r < 2 || t.isDynamicDim(1)) {
    (void)c.fail("needs an input [N, C, ...] with a static C");
    return {};
  }
  int64_t classes = t.getDimSize(1);
  // target [N, d...] -> [N, 1, d...]
  auto tt = cast<RankedTensorType>(target.getType());
  SmallVector<int64_t> withC(tt.getShape());
  withC.insert(withC.begin() + 1, 1);
  for (int64_t &d : withC)
    d = ShapedType::isDynamic(d) ? -1 : d;
  if (llvm::count(withC, -1) > 1) {
    (void)c.fail("the target may have one dynamic dimension");
    return {};
  }
  Value tgt = castElements(c, mk<ReshapeOp>(c, target, c.b.getDenseI64ArrayAttr(withC)),
                           c.b.getI64Type());
  Value hot = cmp(c, CompareDirection::eq, tgt, iotaAlong(c, classes, 1, r));
  Type elt = t.getElementType();
  if (const onnx::AttributeProto *a = c.attr("ignore_index")) {
    Value ignored = cmp(c, CompareDirection::ne, tgt, scalarLike(c, tgt, a->i()));
    hot = mk<AndOp>(c, hot, ignored);
  }
  Value mask = castElements(c, hot, elt);
  if (weight) {
    // weight [C] along dimension 1
    SmallVector<int64_t> wshape(r, 1);
    wshape[1] = classes;
    mask = mk<MulOp>(c, mask, mk<ReshapeOp>(c, weight, c.b.getDenseI64ArrayAttr(wshape)));
  }
  auto one = c.b.getDenseI64ArrayAttr({1});
  Value picked = mk<ReduceSumOp>(c, mk<MulOp>(c, x, mask), one, c.b.getBoolAttr(false));
  weightSum = mk<ReduceSumOp>(c, mask, one, c.b.getBoolAttr(false)); // [N, d...]
  return mk<NegOp>(c, picked);
}

Value reduceLoss(NodeContext &c, Value loss, Value weightSum) {
  if (!loss || !weightSum)
    return {};
  std::string reduction = c.attrString("reduction", "mean");
  if (reduction == "none")
    return loss;
  auto type = cast<RankedTensorType>(loss.getType());
  std::vector<int64_t> all;
  for (int64_t d = 0; d < type.getRank(); ++d)
    all.push_back(d);
  auto axes = c.b.getDenseI64ArrayAttr(all);
  Value sum = mk<ReduceSumOp>(c, loss, axes, c.b.getBoolAttr(false));
  if (reduction == "sum")
    return sum;
  if (reduction != "mean") {
    (void)c.fail("reduction '" + reduction + "' is not none, sum or mean");
    return {};
  }
  return mk<DivOp>(c, sum, mk<ReduceSumOp>(c, weightSum, axes, c.b.getBoolAttr(false)));
}

LogicalResult nll(NodeContext &c) {
  if (failed(needInputs(c, 2)))
    return failure();
  Value weightSum;
  Value loss = nllLoss(c, c.in(0), c.in(1), c.has(2) ? c.in(2) : Value(), weightSum);
  return doneValue(c, reduceLoss(c, loss, weightSum));
}

LogicalResult softmaxCrossEntropy(NodeContext &c) {
  if (failed(needInputs(c, 2)))
    return failure();
  Value logp = mk<LogSoftmaxOp>(c, c.in(0), c.b.getI64IntegerAttr(1));
  Value weightSum;
  Value loss = nllLoss(c, logp, c.in(1), c.has(2) ? c.in(2) : Value(), weightSum);
  Value out = reduceLoss(c, loss, weightSum);
  if (!out)
    return doneValue(c, out);
  c.out(0, out);
  c.out(1, logp);
  return success();
}

/// Tile: repeats known, or read off the declared output shape.
LogicalResult tile(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  auto t = c.typeOf(0);
  if (!t.hasStaticShape())
    return c.fail("needs a static input shape");
  int64_t r = t.getRank();
  std::vector<int64_t> reps;
  if (DenseElementsAttr k = c.known(1)) {
    reps = toInts(k);
  } else if (auto d = c.declared(0); d && static_cast<int64_t>(d->size()) == r) {
    for (int64_t i = 0; i < r; ++i)
      reps.push_back(t.getDimSize(i) ? (*d)[i] / t.getDimSize(i) : 1);
  } else {
    return c.fail("repeats must be known at compile time (or the output shape declared)");
  }
  if (static_cast<int64_t>(reps.size()) != r)
    return c.fail("needs one repeat per dimension");
  SmallVector<int64_t> spread, wide, out;
  for (int64_t i = 0; i < r; ++i) {
    spread.append({1, t.getDimSize(i)});
    wide.append({reps[i], t.getDimSize(i)});
    out.push_back(reps[i] * t.getDimSize(i));
  }
  Value v = mk<ReshapeOp>(c, c.in(0), c.b.getDenseI64ArrayAttr(spread));
  v = mk<BroadcastToOp>(c, v, Value(), c.b.getDenseI64ArrayAttr(wide));
  return doneValue(c, mk<ReshapeOp>(c, v, c.b.getDenseI64ArrayAttr(out)));
}

/// Range: a known constant, or start + i * delta for the declared length.
LogicalResult range(NodeContext &c) {
  if (failed(needInputs(c, 3)))
    return failure();
  Type elt = c.typeOf(0).getElementType();
  DenseElementsAttr s = c.known(0), l = c.known(1), d = c.known(2);
  int64_t n;
  if (s && l && d) {
    double start = toDoubles(s)[0], limit = toDoubles(l)[0], delta = toDoubles(d)[0];
    if (delta == 0)
      return c.fail("delta is 0");
    n = std::max<int64_t>(0, static_cast<int64_t>(std::ceil((limit - start) / delta)));
    std::vector<double> values;
    for (int64_t i = 0; i < n; ++i)
      values.push_back(start + i * delta);
    c.outKnown(0, makeAttr(RankedTensorType::get({n}, elt), values));
    return success();
  }
  auto declared = c.declared(0);
  if (!declared || declared->size() != 1)
    return c.fail("start, limit and delta must be known at compile time (or "
                  "the output length declared)");
  n = (*declared)[0];
  std::vector<double> counting(n);
  std::iota(counting.begin(), counting.end(), 0.0);
  Value iota = ConstantOp::create(c.b, c.loc, makeAttr(RankedTensorType::get({n}, elt), counting));
  return doneValue(c, mk<AddOp>(c, c.in(0), mk<MulOp>(c, iota, c.in(2))));
}

/// GatherElements: along the axis, out[.., i, ..] = x[.., idx[.., i, ..], ..],
/// through a one-hot mask over an added dimension (negative indices count
/// from the end).
LogicalResult gatherElements(NodeContext &c) {
  if (failed(needInputs(c, 2)))
    return failure();
  auto t = c.typeOf(0);
  int64_t axis = c.normAxis(c.attrInt("axis", 0), t.getRank());
  return done(c, c.make<GatherElementsOp>(c.in(0), c.in(1), c.b.getI64IntegerAttr(axis)));
}

/// Mod: fmod = 1 takes the dividend's sign (C fmod), fmod = 0 the divisor's
/// (Python); computed in f64 for integers.
LogicalResult mod(NodeContext &c) {
  if (failed(needInputs(c, 2)))
    return failure();
  Type elt = c.typeOf(0).getElementType();
  bool fmod = c.attrInt("fmod", 0) != 0;
  if (isa<FloatType>(elt) && !fmod)
    return c.fail("fmod = 0 needs integer inputs");
  Type work = isa<FloatType>(elt) ? elt : c.b.getF64Type();
  Value a = castElements(c, c.in(0), work), b = castElements(c, c.in(1), work);
  Value q = mk<DivOp>(c, a, b);
  Value zero = scalarLike(c, a, 0);
  Value qi = fmod ? mk<SelectOp>(c, cmp(c, CompareDirection::lt, q, zero), mk<CeilOp>(c, q),
                                 mk<FloorOp>(c, q))
                  : mk<FloorOp>(c, q);
  Value r = mk<SubOp>(c, a, mk<MulOp>(c, qi, b));
  return doneValue(c, castElements(c, r, elt));
}

/// CumSum along a known axis: a matmul with a triangular matrix of ones
/// (exclusive and reverse choose the triangle).
LogicalResult cumSum(NodeContext &c) {
  if (failed(needInputs(c, 2)))
    return failure();
  auto t = c.typeOf(0);
  DenseElementsAttr ak = c.known(1);
  if (!ak)
    return c.fail("the axis must be known at compile time");
  int64_t r = t.getRank(), axis = c.normAxis(toInts(ak)[0], r);
  if (t.isDynamicDim(axis))
    return c.fail("needs a static size along the axis");
  int64_t n = t.getDimSize(axis);
  bool exclusive = c.attrInt("exclusive", 0) != 0, reverse = c.attrInt("reverse", 0) != 0;
  Type elt = t.getElementType();
  Type work = isa<FloatType>(elt) ? elt : c.b.getF64Type();
  // out[j] = sum_i x[i] * m[i][j]
  std::vector<double> m(n * n);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      m[i * n + j] = reverse ? (exclusive ? i > j : i >= j) : (exclusive ? i < j : i <= j);
  Value tri = ConstantOp::create(c.b, c.loc, makeAttr(RankedTensorType::get({n, n}, work), m));
  SmallVector<int64_t> perm;
  for (int64_t d = 0; d < r; ++d)
    if (d != axis)
      perm.push_back(d);
  perm.push_back(axis);
  SmallVector<int64_t> inverse(r);
  for (int64_t d = 0; d < r; ++d)
    inverse[perm[d]] = d;
  Value x = mk<TransposeOp>(c, castElements(c, c.in(0), work), c.b.getDenseI64ArrayAttr(perm));
  Value y = mk<MatmulOp>(c, x, tri);
  y = mk<TransposeOp>(c, y, c.b.getDenseI64ArrayAttr(inverse));
  return doneValue(c, castElements(c, y, elt));
}

/// InstanceNormalization: per example and channel over the spatial
/// dimensions, then scale and bias per channel.
LogicalResult instanceNorm(NodeContext &c) {
  if (failed(needInputs(c, 3)))
    return failure();
  auto t = c.typeOf(0);
  int64_t r = t.getRank();
  if (r < 3)
    return c.fail("needs an input of rank 3 or more");
  std::vector<int64_t> axes;
  for (int64_t d = 2; d < r; ++d)
    axes.push_back(d);
  auto [d, mean, inv] = normalize(c, c.in(0), axes, c.attrFloat("epsilon", 1e-5));
  SmallVector<int64_t> perChannel(r, 1);
  if (t.isDynamicDim(1))
    return c.fail("needs a static channel count");
  perChannel[1] = t.getDimSize(1);
  auto pc = c.b.getDenseI64ArrayAttr(perChannel);
  Value y = mk<MulOp>(c, mk<MulOp>(c, d, inv), mk<ReshapeOp>(c, c.in(1), pc));
  return doneValue(c, mk<AddOp>(c, y, mk<ReshapeOp>(c, c.in(2), pc)));
}

/// Pad with pads known at compile time: constant, reflect or edge.
LogicalResult pad(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  auto t = c.typeOf(0);
  int64_t r = t.getRank();
  std::vector<int64_t> pads;
  double value = 0;
  if (c.opset < 11) {
    pads = c.attrInts("pads").value_or(std::vector<int64_t>{});
    value = c.attrFloat("value", 0.0);
  } else {
    DenseElementsAttr k = c.has(1) ? c.known(1) : DenseElementsAttr();
    if (!k)
      return c.fail("pads must be known at compile time");
    pads = toInts(k);
    if (c.has(2)) {
      DenseElementsAttr v = c.known(2);
      if (!v)
        return c.fail("constant_value must be known at compile time");
      value = toDoubles(v)[0];
    }
    if (c.has(3))
      return c.fail("the axes input is not supported");
  }
  if (static_cast<int64_t>(pads.size()) != 2 * r)
    return c.fail("pads needs two values per dimension");
  std::vector<int64_t> low(pads.begin(), pads.begin() + r), high(pads.begin() + r, pads.end());
  std::string mode = c.attrString("mode", "constant");
  PadMode m = mode == "reflect" ? PadMode::reflect
              : mode == "edge"  ? PadMode::edge
                                : PadMode::constant;
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return c.fail("mode '" + mode + "' is not constant, reflect or edge");
  return doneValue(c, mk<PadOp>(c, c.in(0), c.b.getDenseI64ArrayAttr(low),
                                c.b.getDenseI64ArrayAttr(high),
                                PadModeAttr::get(c.b.getContext(), m),
                                c.b.getF64FloatAttr(value)));
}

/// OneHot: depth known or read off the declared output shape; values
/// [off, on] may be computed at run time.
LogicalResult oneHot(NodeContext &c) {
  if (failed(needInputs(c, 3)))
    return failure();
  auto it = c.typeOf(0);
  int64_t r = it.getRank() + 1;
  int64_t axis = c.normAxis(c.attrInt("axis", -1), r);
  int64_t depth;
  if (DenseElementsAttr k = c.known(1))
    depth = static_cast<int64_t>(toDoubles(k)[0]);
  else if (auto d = c.declared(0); d && static_cast<int64_t>(d->size()) == r)
    depth = (*d)[axis];
  else
    return c.fail("depth must be known at compile time (or the output shape declared)");
  SmallVector<int64_t> expanded;
  for (int64_t d = 0; d < it.getRank(); ++d)
    expanded.push_back(it.isDynamicDim(d) ? -1 : it.getDimSize(d));
  expanded.insert(expanded.begin() + axis, 1);
  Value idx = castElements(c, c.in(0), c.b.getI64Type());
  Value neg = cmp(c, CompareDirection::lt, idx, scalarLike(c, idx, 0));
  idx = mk<SelectOp>(c, neg, mk<AddOp>(c, idx, scalarLike(c, idx, depth)), idx);
  idx = mk<ReshapeOp>(c, idx, c.b.getDenseI64ArrayAttr(expanded));
  Value hot = cmp(c, CompareDirection::eq, idx, iotaAlong(c, depth, axis, r));
  auto pick = [&](int64_t i) {
    Value v = mk<SliceOp>(c, c.in(2), c.b.getDenseI64ArrayAttr({0}),
                          c.b.getDenseI64ArrayAttr({i}), c.b.getDenseI64ArrayAttr({i + 1}),
                          c.b.getDenseI64ArrayAttr({1}));
    return mk<ReshapeOp>(c, v, c.b.getDenseI64ArrayAttr({}));
  };
  return doneValue(c, mk<SelectOp>(c, hot, pick(1), pick(0)));
}

/// The taps of one resized axis: for each output position, input indices
/// (clamped: edge padding) and their weights, as ONNX's reference computes
/// them; `outside` marks positions that tf_crop_and_resize extrapolates.
struct ResizeTaps {
  std::vector<std::vector<int64_t>> index; // [tap][output]
  std::vector<std::vector<double>> weight; // [tap][output]
  std::vector<double> outside;             // [output]: 1 where extrapolated
};

struct ResizeMode {
  std::string mode, transform, nearest;
  double cubicA;
  bool excludeOutside;
};

std::vector<double> resizeCoeffs(const ResizeMode &m, double ratio) {
  if (m.mode == "nearest") {
    if (ratio == std::floor(ratio))
      return {0, 1};
    if (m.nearest == "round_prefer_ceil")
      return {ratio < 0.5 ? 1.0 : 0.0, ratio >= 0.5 ? 1.0 : 0.0};
    if (m.nearest == "floor")
      return {1, 0};
    if (m.nearest == "ceil")
      return {0, 1};
    return {ratio <= 0.5 ? 1.0 : 0.0, ratio > 0.5 ? 1.0 : 0.0}; // round_prefer_floor
  }
  if (m.mode == "linear")
    return {1 - ratio, ratio};
  double a = m.cubicA, r = ratio, q = 1 - ratio; // Keys' cubic convolution
  return {((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
          ((a + 2) * r - (a + 3)) * r * r + 1,
          ((a + 2) * q - (a + 3)) * q * q + 1,
          ((a * (q + 1) - 5 * a) * (q + 1) + 8 * a) * (q + 1) - 4 * a};
}

ResizeTaps resizeTaps(const ResizeMode &m, int64_t in, int64_t out, double scale,
                      double roiStart, double roiEnd) {
  ResizeTaps taps;
  double outWidth = scale * static_cast<double>(in);
  for (int64_t x = 0; x < out; ++x) {
    double xd = static_cast<double>(x), orig;
    const std::string &t = m.transform;
    if (t == "align_corners")
      orig = outWidth == 1 ? 0 : xd * (in - 1) / (outWidth - 1);
    else if (t == "asymmetric")
      orig = xd / scale;
    else if (t == "tf_crop_and_resize")
      orig = (outWidth == 1 ? (roiEnd - roiStart) * (in - 1) / 2
                            : xd * (roiEnd - roiStart) * (in - 1) / (outWidth - 1)) +
             roiStart * (in - 1);
    else if (t == "pytorch_half_pixel")
      orig = outWidth == 1 ? -0.5 : (xd + 0.5) / scale - 0.5;
    else if (t == "tf_half_pixel_for_nn")
      orig = (xd + 0.5) / scale;
    else // half_pixel
      orig = (xd + 0.5) / scale - 0.5;
    double ratio = orig - std::floor(orig);
    std::vector<double> coeffs = resizeCoeffs(m, ratio == 0 ? 1 : ratio);
    auto n = static_cast<int64_t>(coeffs.size());
    if (taps.index.empty()) {
      taps.index.assign(n, {});
      taps.weight.assign(n, {});
    }
    bool outside = t == "tf_crop_and_resize" && (orig < 0 || orig > in - 1);
    taps.outside.push_back(outside ? 1 : 0);
    // The n positions nearest to orig in the edge-padded input (ties to the
    // smaller), as the reference picks them.
    int64_t pad = std::max<int64_t>(n / 2, 1);
    double xp = orig + pad;
    int64_t first = static_cast<int64_t>(std::ceil(xp)) - n / 2;
    first = std::clamp<int64_t>(first, 0, in + 2 * pad - n);
    double sum = 0;
    for (int64_t k = 0; k < n; ++k) {
      int64_t idx = first + k - pad;
      if (m.excludeOutside && (idx < 0 || idx >= in))
        coeffs[k] = 0;
      sum += coeffs[k];
    }
    for (int64_t k = 0; k < n; ++k) {
      int64_t idx = first + k - pad;
      double w = outside ? 0 : coeffs[k];
      if (m.excludeOutside && sum != 0)
        w /= sum;
      taps.index[k].push_back(std::clamp<int64_t>(idx, 0, in - 1));
      taps.weight[k].push_back(w);
    }
  }
  return taps;
}

/// Resize (opsets 11-17): separable, one axis at a time; each tap is a
/// gather along the axis with indices and weights computed at compile time.
LogicalResult resize(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  auto t = c.typeOf(0);
  int64_t r = t.getRank();
  ResizeMode m{c.attrString("mode", "nearest"),
               c.attrString("coordinate_transformation_mode", "half_pixel"),
               c.attrString("nearest_mode", "round_prefer_floor"),
               c.attrFloat("cubic_coeff_a", -0.75), c.attrInt("exclude_outside", 0) != 0};
  if (m.mode != "nearest" && m.mode != "linear" && m.mode != "cubic")
    return c.fail("unknown mode '" + m.mode + "'");
  static const char *const transforms[] = {
      "half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
      "tf_half_pixel_for_nn", "tf_crop_and_resize"};
  if (!llvm::is_contained(transforms, m.transform))
    return c.fail("unknown coordinate_transformation_mode '" + m.transform + "'");
  if (m.mode != "nearest" && !isa<FloatType>(t.getElementType()))
    return c.fail(m.mode + " interpolation needs a floating-point input");
  // A tensor input: known values, none (absent or empty), or unknown.
  auto values = [&](int i, std::vector<double> &v) -> LogicalResult {
    v.clear();
    if (!c.has(i))
      return success();
    if (DenseElementsAttr k = c.known(i)) {
      v = toDoubles(k);
      return success();
    }
    auto it = c.typeOf(i);
    if (it && it.hasStaticShape() && it.getNumElements() == 0)
      return success();
    return failure();
  };
  std::vector<double> roi, scales, sizes;
  if (failed(values(1, roi)) && m.transform == "tf_crop_and_resize")
    return c.fail("roi must be known at compile time");
  if (failed(values(2, scales)))
    return c.fail("scales must be known at compile time (with sizes, the "
                  "declared output shape is enough)");
  if (failed(values(3, sizes))) {
    auto d = c.declared(0);
    if (!d)
      return c.fail("sizes must be known at compile time (or the output shape declared)");
    sizes.assign(d->begin(), d->end());
  }
  if (scales.empty() == sizes.empty())
    return c.fail("needs exactly one of scales and sizes");
  if (static_cast<int64_t>(std::max(scales.size(), sizes.size())) != r ||
      (!roi.empty() && static_cast<int64_t>(roi.size()) != 2 * r))
    return c.fail("scales, sizes and roi need one entry per dimension (roi two)");
  Value y = c.in(0);
  Type elt = t.getElementType();
  for (int64_t a = 0; a < r; ++a) {
    int64_t in = t.getDimSize(a);
    double scale = scales.empty() ? 0 : scales[a];
    if (ShapedType::isDynamic(in)) {
      if (scale == 1 && m.transform != "tf_crop_and_resize")
        continue;
      return c.fail("dimension " + Twine(a) + " is dynamic: only a scale of 1 "
                    "(not sizes, nor a roi) leaves it as it is");
    }
    int64_t out = sizes.empty() ? static_cast<int64_t>(std::floor(in * scale))
                                : static_cast<int64_t>(sizes[a]);
    if (!sizes.empty())
      scale = static_cast<double>(out) / static_cast<double>(in);
    if (out < 1 || scale <= 0 || in < 1)
      return c.fail("dimension " + Twine(a) + " of size " + Twine(in) +
                    " cannot be resized to " + Twine(out));
    bool crop = m.transform == "tf_crop_and_resize";
    if (out == in && scale == 1 && !crop)
      continue; // this axis is kept as it is
    ResizeTaps taps = resizeTaps(m, in, out, scale, roi.empty() ? 0 : roi[a],
                                 roi.empty() ? 1 : roi[r + a]);
    SmallVector<int64_t> along(r, 1);
    along[a] = out;
    auto indexConst = [&](const std::vector<int64_t> &idx) -> Value {
      std::vector<double> v(idx.begin(), idx.end());
      return ConstantOp::create(c.b, c.loc, makeAttr(RankedTensorType::get({out}, c.b.getI64Type()), v));
    };
    auto weightConst = [&](const std::vector<double> &w) -> Value {
      return ConstantOp::create(c.b, c.loc, makeAttr(RankedTensorType::get(along, elt), w));
    };
    bool extrapolates = llvm::is_contained(taps.outside, 1.0);
    Value sum;
    if (m.mode == "nearest" && !extrapolates) {
      // One tap: the neighbor whose weight is 1.
      std::vector<int64_t> chosen;
      for (int64_t x = 0; x < out; ++x)
        chosen.push_back(taps.weight[0][x] != 0 ? taps.index[0][x] : taps.index[1][x]);
      sum = mk<GatherOp>(c, y, indexConst(chosen), c.b.getI64IntegerAttr(a));
    } else {
      for (size_t k = 0; k < taps.index.size(); ++k) {
        if (llvm::all_of(taps.weight[k], [](double w) { return w == 0; }))
          continue;
        Value tap = mk<MulOp>(c, mk<GatherOp>(c, y, indexConst(taps.index[k]),
                                              c.b.getI64IntegerAttr(a)),
                              weightConst(taps.weight[k]));
        sum = sum ? mk<AddOp>(c, sum, tap) : tap;
      }
      if (extrapolates) {
        std::vector<double> fill;
        for (double o : taps.outside)
          fill.push_back(o * c.attrFloat("extrapolation_value", 0));
        sum = sum ? mk<AddOp>(c, sum, weightConst(fill)) : Value();
      }
    }
    if (!sum)
      return doneValue(c, sum);
    y = sum;
  }
  return doneValue(c, y);
}

LogicalResult eyeLike(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  auto t = c.typeOf(0);
  if (t.getRank() != 2)
    return c.fail("needs a 2-D input");
  Type elt = t.getElementType();
  if (c.attr("dtype")) {
    elt = elementTypeOf(c.b.getContext(), static_cast<int32_t>(c.attrInt("dtype", 1)));
    if (!elt)
      return c.fail("unsupported dtype");
  }
  int64_t k = c.attrInt("k", 0);
  if (!t.hasStaticShape()) { // ones where column - row == k
    Value diff = mk<SubOp>(c, iotaOf(c, c.in(0), 1), iotaOf(c, c.in(0), 0));
    Value on = cmp(c, CompareDirection::eq, diff, diff ? scalarLike(c, diff, k) : Value());
    return doneValue(c, castElements(c, on, elt));
  }
  int64_t rows = t.getDimSize(0), cols = t.getDimSize(1);
  std::vector<double> values(rows * cols, 0.0);
  for (int64_t i = 0; i < rows; ++i)
    if (i + k >= 0 && i + k < cols)
      values[i * cols + i + k] = 1.0;
  c.outKnown(0, makeAttr(RankedTensorType::get({rows, cols}, elt), values));
  return success();
}

} // namespace

//===----------------------------------------------------------------------===//
// The table
//===----------------------------------------------------------------------===//

static const OpEntry kOps[] = {
    // Elementwise
    {"Abs", 1, 17, unaryOp<AbsOp>, ""},
    {"Acosh", 9, 17, formulaOp<fAcosh>, "log(x + sqrt(x^2 - 1))"},
    {"Asinh", 9, 17, formulaOp<fAsinh>, "log(x + sqrt(x^2 + 1))"},
    {"Atanh", 9, 17, formulaOp<fAtanh>, ""},
    {"Celu", 12, 17, formulaOp<fCelu>, ""},
    {"Cosh", 9, 17, formulaOp<fCosh>, ""},
    {"HardSwish", 14, 17, formulaOp<fHardSwish>, ""},
    {"IsInf", 10, 17, formulaOp<fIsInf>, ""},
    {"IsNaN", 9, 17, formulaOp<fIsNaN>, ""},
    {"PRelu", 7, 17, prelu, "slope broadcasts (NumPy)"},
    {"Round", 11, 17, unaryOp<RoundOp>, "halves to even"},
    {"Selu", 1, 17, formulaOp<fSelu>, ""},
    {"Shrink", 9, 17, formulaOp<fShrink>, "floating-point inputs"},
    {"Sinh", 9, 17, formulaOp<fSinh>, ""},
    {"Tan", 7, 17, formulaOp<fTan>, ""},
    {"ThresholdedRelu", 10, 17, formulaOp<fThresholdedRelu>, ""},
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
    {"Pow", 7, 17, pow, "integer types through f64"},
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
    {"EyeLike", 9, 17, eyeLike, "2-D; dynamic sizes through iota"},
    {"OneHot", 9, 17, oneHot, "depth known or the output shape declared"},
    {"Pad", 2, 17, pad, "pads known at compile time; constant, reflect, edge"},
    {"Resize", 11, 17, resize, "nearest, linear, cubic; every coordinate mode; scales, sizes and roi known (or the output shape declared, with sizes)"},
    {"CumSum", 11, 17, cumSum, "axis known at compile time; exclusive, reverse"},
    {"GatherElements", 11, 17, gatherElements, "negative indices; differentiable"},
    {"Mod", 10, 17, mod, ""},
    {"Range", 11, 17, range, "known inputs, or the output length declared"},
    {"Tile", 6, 17, tile, "repeats known or the output shape declared"},
    {"CastLike", 15, 17, castLike, ""},
    {"ConstantOfShape", 9, 17, constantOfShape, "shape known at compile time"},
    {"DepthToSpace", 1, 17, depthSpace, "DCR and CRD, 4-D static but for the batch"},
    {"SpaceToDepth", 1, 17, depthSpace, "4-D static but for the batch"},
    {"Split", 2, 17, split, "sizes known at compile time (equal parts: a static axis)"},
    {"Trilu", 14, 17, trilu, ""},
    {"Concat", 4, 17, concat, ""},
    {"Constant", 1, 17, constant, "dense tensors and value_float(s)/value_int(s)"},
    {"Dropout", 1, 17, identity, "inference: the identity"},
    {"Expand", 8, 17, expand, "shape known at compile time"},
    {"Flatten", 1, 17, flatten, ""},
    {"Gather", 1, 17, gather, ""},
    {"Identity", 1, 17, identity, ""},
    {"Reshape", 5, 17, reshape, "shape of a length known at compile time; its values may come at run time"},
    {"Shape", 1, 17, shape, "start/end; dynamic sizes read at run time"},
    {"Size", 1, 17, size, ""},
    {"Slice", 1, 17, slice, "starts/ends/axes/steps known at compile time"},
    {"Squeeze", 1, 17, squeezeLike, ""},
    {"Transpose", 1, 17, transpose, ""},
    {"Unsqueeze", 1, 17, squeezeLike, ""},
    // Reductions
    {"ArgMax", 1, 17, argReduce, ""},
    {"ArgMin", 1, 17, argReduce, ""},
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
    {"Hardmax", 1, 17, hardmax, "before opset 13: the last axis"},
    {"InstanceNormalization", 6, 17, instanceNorm, ""},
    {"LayerNormalization", 17, 17, layerNorm, "with the Mean and InvStdDev outputs"},
    {"NegativeLogLikelihoodLoss", 12, 17, nll, "weights, ignore_index, none/sum/mean"},
    {"SoftmaxCrossEntropyLoss", 12, 17, softmaxCrossEntropy, "as NegativeLogLikelihoodLoss; log_prob output"},
    {"Conv", 1, 17, conv, "1-D to 3-D, groups"},
    {"ConvTranspose", 1, 17, convTranspose, "1-D to 3-D, groups, output_shape, auto_pad"},
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
