//===- Normalization.cpp - ONNX normalization ops ------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Softmax and LogSoftmax, Hardmax, LayerNormalization,
// InstanceNormalization.
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/ops/Common.h"

#include <cmath>
#include <numeric>

using namespace mlir;

namespace kiln::onnx_detail {
namespace {

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

/// Whether the node's output `i` is wanted (present and named).
bool wantsOutput(NodeContext &c, int i) {
  return c.node.output_size() > i && !c.node.output(i).empty();
}

/// LayerNormalization over the axes from `axis` on. A plain Y (what
/// exporters emit) is kiln.layer_norm, whose lowering is fused and whose VJP
/// is the op's own; the composition remains for what the op does not give:
/// the Mean and InvStdDev outputs, or a scale/bias that broadcasts to the
/// normalized shape instead of having it.
LogicalResult layerNorm(NodeContext &c) {
  if (failed(needInputs(c, 2)))
    return failure();
  auto t = c.typeOf(0);
  int64_t r = t.getRank();
  // Shape clamps its start and end and Flatten takes an axis equal to the
  // rank, so axes are checked per op: here one of the input's.
  int64_t given = c.attrInt("axis", -1);
  if (given < -r || given >= r)
    return c.fail("axis " + Twine(given) + " is out of range for rank " +
                  Twine(r));
  int64_t axis = c.normAxis(given, r);
  double eps = c.attrFloat("epsilon", 1e-5);
  std::vector<int64_t> axes;
  for (int64_t d = axis; d < r; ++d)
    axes.push_back(d);
  ArrayRef<int64_t> normalized = t.getShape().drop_front(axis);
  auto hasNormalizedShape = [&](int i) {
    auto p = c.typeOf(i);
    return p && p.hasStaticShape() && p.getShape() == normalized &&
           p.getElementType() == t.getElementType();
  };
  if (!wantsOutput(c, 1) && !wantsOutput(c, 2) && hasNormalizedShape(1) &&
      (!c.has(2) || hasNormalizedShape(2))) {
    Value offset = c.has(2) ? c.in(2)
                            : ConstantOp::create(c.b, c.loc,
                                                 makeAttr(c.typeOf(1), {0.0}));
    return done(c, c.make<LayerNormOp>(c.in(0), c.in(1), offset,
                                       c.b.getDenseI64ArrayAttr(axes),
                                       c.b.getF64FloatAttr(eps)));
  }
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

} // namespace

ArrayRef<OpEntry> normalizationOps() {
  static const OpEntry ops[] = {
    {"Softmax", 1, 17, softmax, "before opset 13 over the flattened trailing axes"},
    {"LogSoftmax", 1, 17, softmax, "as Softmax"},
    {"Hardmax", 1, 17, hardmax, "before opset 13: the last axis"},
    {"InstanceNormalization", 6, 17, instanceNorm, ""},
    {"LayerNormalization", 17, 17, layerNorm, "kiln.layer_norm; the Mean and InvStdDev outputs through a composition"},
  };
  return ops;
}

} // namespace kiln::onnx_detail
