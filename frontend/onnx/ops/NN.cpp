//===- NN.cpp - ONNX nn ops ----------------------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Convolution, pooling and batch normalization: ONNX is NCHW, kiln ops are
// channels-last, so each op is wrapped in layout transposes (which cancel
// between consecutive ops).
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/ops/Common.h"

#include <cmath>
#include <numeric>

using namespace mlir;

namespace kiln::onnx_detail {
namespace {

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

} // namespace

ArrayRef<OpEntry> nnOps() {
  static const OpEntry ops[] = {
    {"AveragePool", 1, 17, pool, "ceil_mode = 0"},
    {"BatchNormalization", 6, 17, batchNorm, "inference"},
    {"Conv", 1, 17, conv, "1-D to 3-D, groups"},
    {"ConvTranspose", 1, 17, convTranspose, "1-D to 3-D, groups, output_shape, auto_pad"},
    {"GlobalAveragePool", 1, 17, pool, ""},
    {"GlobalMaxPool", 1, 17, pool, ""},
    {"MaxPool", 1, 17, pool, "ceil_mode = 0, no Indices output"},
  };
  return ops;
}

} // namespace kiln::onnx_detail
