//===- Generator.cpp - ONNX generator ops --------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Generated tensors: ConstantOfShape, Trilu, Range, OneHot, EyeLike.
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/ops/Common.h"

#include <cmath>
#include <numeric>

using namespace mlir;

namespace kiln::onnx_detail {
namespace {

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

ArrayRef<OpEntry> generatorOps() {
  static const OpEntry ops[] = {
    {"EyeLike", 9, 17, eyeLike, "2-D; dynamic sizes through iota"},
    {"OneHot", 9, 17, oneHot, "depth known or the output shape declared"},
    {"Range", 11, 17, range, "known inputs, or the output length declared"},
    {"ConstantOfShape", 9, 17, constantOfShape, "shape known at compile time"},
    {"Trilu", 14, 17, trilu, ""},
  };
  return ops;
}

} // namespace kiln::onnx_detail
