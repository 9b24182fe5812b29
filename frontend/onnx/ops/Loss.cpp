//===- Loss.cpp - ONNX loss ops ------------------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Losses: NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (weights,
// ignore_index, reductions).
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/ops/Common.h"

#include <cmath>
#include <numeric>

using namespace mlir;

namespace kiln::onnx_detail {
namespace {

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

} // namespace

ArrayRef<OpEntry> lossOps() {
  static const OpEntry ops[] = {
    {"NegativeLogLikelihoodLoss", 12, 17, nll, "weights, ignore_index, none/sum/mean"},
    {"SoftmaxCrossEntropyLoss", 12, 17, softmaxCrossEntropy, "as NegativeLogLikelihoodLoss; log_prob output"},
  };
  return ops;
}

} // namespace kiln::onnx_detail
