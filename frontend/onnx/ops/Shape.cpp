//===- Shape.cpp - ONNX shape ops ----------------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Shapes and constants: Constant, Shape, Size, Cast, Transpose, Reshape,
// Flatten, Squeeze/Unsqueeze, Concat, Gather, Slice, Expand. Sizes known at
// compile time are folded on the host; partly known shape vectors keep their
// static entries.
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/ops/Common.h"

#include <cmath>
#include <numeric>

using namespace mlir;

namespace kiln::onnx_detail {
namespace {

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

} // namespace

ArrayRef<OpEntry> shapeOps() {
  static const OpEntry ops[] = {
    {"Cast", 6, 17, castTo, ""},
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
  };
  return ops;
}

} // namespace kiln::onnx_detail
