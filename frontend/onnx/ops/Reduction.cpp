//===- Reduction.cpp - ONNX reduction ops --------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Reductions (ReduceSum/Mean/Max/Min/Prod and the
// L1/L2/LogSum/LogSumExp/SumSquare compositions), ArgMax/ArgMin, CumSum.
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/ops/Common.h"

#include <cmath>
#include <numeric>

using namespace mlir;

namespace kiln::onnx_detail {
namespace {

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

} // namespace

ArrayRef<OpEntry> reductionOps() {
  static const OpEntry ops[] = {
    {"CumSum", 11, 17, cumSum, "axis known at compile time; exclusive, reverse"},
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
  };
  return ops;
}

} // namespace kiln::onnx_detail
