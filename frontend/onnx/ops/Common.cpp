//===- Common.cpp - what the ONNX op families share -----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/ops/Common.h"

#include <cmath>
#include <numeric>

using namespace mlir;

namespace kiln::onnx_detail {

LogicalResult done(NodeContext &c, V v) {
  if (failed(v))
    return failure();
  c.out(0, *v);
  return success();
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

LogicalResult doneValue(NodeContext &c, Value v, int output) {
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

} // namespace kiln::onnx_detail
