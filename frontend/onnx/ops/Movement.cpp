//===- Movement.cpp - ONNX movement ops ----------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Data movement: Split, DepthToSpace/SpaceToDepth, Tile, GatherElements,
// Pad.
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/ops/Common.h"

#include <cmath>
#include <numeric>

using namespace mlir;

namespace kiln::onnx_detail {
namespace {

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

} // namespace

ArrayRef<OpEntry> movementOps() {
  static const OpEntry ops[] = {
    {"Pad", 2, 17, pad, "pads known at compile time; constant, reflect, edge"},
    {"GatherElements", 11, 17, gatherElements, "negative indices; differentiable"},
    {"Tile", 6, 17, tile, "repeats known or the output shape declared"},
    {"DepthToSpace", 1, 17, depthSpace, "DCR and CRD, 4-D static but for the batch"},
    {"SpaceToDepth", 1, 17, depthSpace, "4-D static but for the batch"},
    {"Split", 2, 17, split, "sizes known at compile time (equal parts: a static axis)"},
  };
  return ops;
}

} // namespace kiln::onnx_detail
