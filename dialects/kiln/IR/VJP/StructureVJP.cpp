//===- StructureVJP.cpp - VJP rules of contractions, reductions, data -----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Matmul, reductions, softmax and the fused losses, and the data-movement
// ops (reshape, transpose, broadcast, concat, slice, pad), whose cotangents
// move the other way: a slice's cotangent is padded back, a concat's is
// sliced, a broadcast's is summed.
//
//===----------------------------------------------------------------------===//

#include "dialects/kiln/IR/VJP/VJPUtils.h"

using namespace mlir;

namespace kiln {
namespace {

using namespace vjp;

/// `shape` with -1 for dynamic sizes, for a reshape; fails with a
/// diagnostic when more than one size is dynamic.
FailureOr<SmallVector<int64_t>> reshapeTarget(Location loc,
                                              ArrayRef<int64_t> shape) {
  SmallVector<int64_t> out;
  for (int64_t d : shape)
    out.push_back(ShapedType::isDynamic(d) ? -1 : d);
  if (llvm::count(out, -1) > 1)
    return emitError(loc) << "cannot differentiate: the cotangent would need "
                             "a reshape with more than one dynamic size";
  return out;
}

/// `ct` (a result with `axes` reduced away) with those axes back as size 1.
FailureOr<Value> keepDims(OpBuilder &b, Location loc, Value ct, Value input,
                          ArrayRef<int64_t> axes, bool keptDims) {
  if (keptDims)
    return ct;
  auto inType = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape(inType.getShape());
  for (int64_t a : axes)
    shape[a < 0 ? a + inType.getRank() : a] = 1;
  FailureOr<SmallVector<int64_t>> target = reshapeTarget(loc, shape);
  if (failed(target))
    return failure();
  return Value(ReshapeOp::create(b, loc, ct, *target));
}

Value swapLastTwo(OpBuilder &b, Location loc, Value v) {
  int64_t rank = cast<RankedTensorType>(v.getType()).getRank();
  SmallVector<int64_t> perm;
  for (int64_t i = 0; i < rank; ++i)
    perm.push_back(i);
  std::swap(perm[rank - 1], perm[rank - 2]);
  return TransposeOp::create(b, loc, v, perm);
}

LogicalResult push(Out &out, FailureOr<Value> v) {
  if (failed(v))
    return failure();
  out.push_back(*v);
  return success();
}

LogicalResult matmulVJP(MatmulOp op, OpBuilder &b, Cts cts, Out &out) {
  Location loc = op.getLoc();
  Value dl = MatmulOp::create(b, loc, cts[0], swapLastTwo(b, loc, op.getRhs()));
  Value dr = MatmulOp::create(b, loc, swapLastTwo(b, loc, op.getLhs()), cts[0]);
  if (failed(push(out, unbroadcast(b, loc, dl, op.getLhs()))))
    return failure();
  return push(out, unbroadcast(b, loc, dr, op.getRhs()));
}

template <typename OpT, bool mean>
LogicalResult reduceVJP(OpT op, OpBuilder &b, Cts cts, Out &out) {
  Location loc = op.getLoc();
  Value x = op.getInput();
  FailureOr<Value> ct =
      keepDims(b, loc, cts[0], x, op.getAxes(), op.getKeepDims());
  if (failed(ct))
    return failure();
  Value grad = broadcastLike(b, loc, *ct, x);
  if (mean) {
    auto type = cast<RankedTensorType>(x.getType());
    int64_t count = 1;
    bool dynamic = false;
    for (int64_t a : op.getAxes()) {
      int64_t d = type.getDimSize(a < 0 ? a + type.getRank() : a);
      if (ShapedType::isDynamic(d))
        dynamic = true;
      else
        count *= d;
    }
    Type elt = elementType(x);
    if (!dynamic) {
      grad = MulOp::create(b, loc, grad,
                           scalar(b, loc, elt, 1.0 / static_cast<double>(count)));
    } else {
      // The count over a dynamic axis (the batch): a mean of ones' sum.
      Value ones = broadcastLike(b, loc, scalar(b, loc, elt, 1.0), x);
      Value n = ReduceSumOp::create(b, loc, ones, op.getAxes(), true);
      grad = DivOp::create(b, loc, grad, n);
    }
  }
  out.push_back(grad);
  return success();
}

/// A reduction's cotangent and result with the reduced axes kept as size 1,
/// so that they broadcast against the input.
template <typename OpT>
LogicalResult keptCotangentAndResult(OpT op, OpBuilder &b, Value ct,
                                     Value &keptCt, Value &keptResult) {
  FailureOr<Value> c = keepDims(b, op.getLoc(), ct, op.getInput(), op.getAxes(),
                                op.getKeepDims());
  FailureOr<Value> y = keepDims(b, op.getLoc(), op.getResult(), op.getInput(),
                                op.getAxes(), op.getKeepDims());
  if (failed(c) || failed(y))
    return failure();
  keptCt = *c;
  keptResult = *y;
  return success();
}

/// reduce_max / reduce_min: the cotangent is shared equally by the
/// elements that equal the extremum (a subgradient at ties, as TensorFlow).
template <typename OpT>
LogicalResult extremumReduceVJP(OpT op, OpBuilder &b, Cts cts, Out &out) {
  Location loc = op.getLoc();
  Value x = op.getInput(), ct, y;
  if (failed(keptCotangentAndResult(op, b, cts[0], ct, y)))
    return failure();
  Value hit = CompareOp::create(b, loc, CompareDirection::eq, x, y);
  Value mask = CastOp::create(
      b, loc,
      RankedTensorType::get(cast<RankedTensorType>(hit.getType()).getShape(),
                            elementType(x)),
      hit);
  Value ties = ReduceSumOp::create(b, loc, mask, op.getAxes(), true);
  out.push_back(MulOp::create(b, loc, mask, DivOp::create(b, loc, ct, ties)));
  return success();
}

/// reduce_prod: d x_i = ct * prod / x_i (inputs are taken to be non-zero).
LogicalResult reduceProdVJP(ReduceProdOp op, OpBuilder &b, Cts cts, Out &out) {
  Value ct, y;
  if (failed(keptCotangentAndResult(op, b, cts[0], ct, y)))
    return failure();
  Location loc = op.getLoc();
  out.push_back(DivOp::create(b, loc, MulOp::create(b, loc, ct, y), op.getInput()));
  return success();
}

/// argmax / argmin: integer results, no cotangent for the input.
template <typename OpT>
LogicalResult indexResultVJP(OpT, OpBuilder &, Cts, Out &out) {
  out.push_back(Value());
  return success();
}

/// `ct` reshaped back to the shape of `input`: a `reshape` when at most one
/// size is dynamic, else a `dynamic_reshape` to the input's run-time shape.
Value reshapeLike(OpBuilder &b, Location loc, Value ct, Value input) {
  auto type = cast<RankedTensorType>(input.getType());
  if (type.getNumDynamicDims() > 1) {
    Value shape = ShapeOfOp::create(b, loc, input);
    auto result = RankedTensorType::get(
        type.getShape(), cast<RankedTensorType>(ct.getType()).getElementType());
    return DynamicReshapeOp::create(b, loc, result, ct, shape,
                                    /*copy_zero=*/false);
  }
  SmallVector<int64_t> target;
  for (int64_t d : type.getShape())
    target.push_back(ShapedType::isDynamic(d) ? -1 : d);
  return ReshapeOp::create(b, loc, ct, target);
}

LogicalResult reshapeVJP(ReshapeOp op, OpBuilder &b, Cts cts, Out &out) {
  out.push_back(reshapeLike(b, op.getLoc(), cts[0], op.getInput()));
  return success();
}

LogicalResult dynamicReshapeVJP(DynamicReshapeOp op, OpBuilder &b, Cts cts,
                                Out &out) {
  out.push_back(reshapeLike(b, op.getLoc(), cts[0], op.getInput()));
  out.push_back(Value());
  return success();
}

LogicalResult transposeVJP(TransposeOp op, OpBuilder &b, Cts cts, Out &out) {
  ArrayRef<int64_t> perm = op.getPermutation();
  SmallVector<int64_t> inverse(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inverse[p] = static_cast<int64_t>(i);
  out.push_back(TransposeOp::create(b, op.getLoc(), cts[0], inverse));
  return success();
}

LogicalResult broadcastToVJP(BroadcastToOp op, OpBuilder &b, Cts cts,
                             Out &out) {
  if (failed(push(out, unbroadcast(b, op.getLoc(), cts[0], op.getInput()))))
    return failure();
  if (op.getLike())
    out.push_back(Value());
  return success();
}

LogicalResult concatVJP(ConcatOp op, OpBuilder &b, Cts cts, Out &out) {
  Location loc = op.getLoc();
  int64_t rank = cast<RankedTensorType>(op.getType()).getRank();
  int64_t axis = static_cast<int64_t>(op.getAxis());
  if (axis < 0)
    axis += rank;
  int64_t start = 0;
  for (Value in : op.getInputs()) {
    int64_t size = cast<RankedTensorType>(in.getType()).getDimSize(axis);
    if (ShapedType::isDynamic(size))
      return emitError(loc) << "cannot differentiate a concat along a "
                               "dynamic axis";
    int64_t axes[] = {axis}, starts[] = {start}, ends[] = {start + size},
            steps[] = {1};
    out.push_back(SliceOp::create(b, loc, cts[0], axes, starts, ends, steps));
    start += size;
  }
  return success();
}

LogicalResult sliceVJP(SliceOp op, OpBuilder &b, Cts cts, Out &out) {
  Location loc = op.getLoc();
  auto inType = cast<RankedTensorType>(op.getInput().getType());
  int64_t rank = inType.getRank();
  SmallVector<int64_t> low(rank, 0), high(rank, 0);
  for (auto [a, s, e, st] : llvm::zip(op.getAxes(), op.getStarts(),
                                      op.getEnds(), op.getSteps())) {
    int64_t axis = a < 0 ? a + rank : a;
    int64_t size = inType.getDimSize(axis);
    if (st != 1 || ShapedType::isDynamic(size))
      return emitError(loc) << "cannot differentiate a slice with step "
                            << st << " or along a dynamic axis";
    int64_t begin = std::clamp<int64_t>(s < 0 ? s + size : s, 0, size);
    int64_t end = std::clamp<int64_t>(e < 0 ? e + size : e, begin, size);
    low[axis] = begin;
    high[axis] = size - end;
  }
  out.push_back(PadOp::create(b, loc, cts[0], b.getDenseI64ArrayAttr(low),
                              b.getDenseI64ArrayAttr(high),
                              PadModeAttr::get(b.getContext(), PadMode::constant),
                              b.getF64FloatAttr(0.0)));
  return success();
}

LogicalResult padVJP(PadOp op, OpBuilder &b, Cts cts, Out &out) {
  Location loc = op.getLoc();
  if (op.getMode() != PadMode::constant ||
      llvm::any_of(op.getLow(), [](int64_t v) { return v < 0; }) ||
      llvm::any_of(op.getHigh(), [](int64_t v) { return v < 0; }))
    return emitError(loc) << "cannot differentiate a reflect/edge pad or a "
                             "negative pad";
  auto inType = cast<RankedTensorType>(op.getInput().getType());
  SmallVector<int64_t> axes, starts, ends, steps;
  for (int64_t i = 0; i < inType.getRank(); ++i) {
    if (op.getLow()[i] == 0 && op.getHigh()[i] == 0)
      continue;
    if (inType.isDynamicDim(i))
      return emitError(loc) << "cannot differentiate a pad of a dynamic axis";
    axes.push_back(i);
    starts.push_back(op.getLow()[i]);
    ends.push_back(op.getLow()[i] + inType.getDimSize(i));
    steps.push_back(1);
  }
  out.push_back(SliceOp::create(b, loc, cts[0], axes, starts, ends, steps));
  return success();
}

LogicalResult softmaxVJP(SoftmaxOp op, OpBuilder &b, Cts cts, Out &out) {
  Location loc = op.getLoc();
  int64_t axis = static_cast<int64_t>(op.getAxis());
  Value y = op.getResult();
  Value dot = ReduceSumOp::create(b, loc, MulOp::create(b, loc, cts[0], y),
                                  ArrayRef<int64_t>{axis}, true);
  out.push_back(MulOp::create(b, loc, y, SubOp::create(b, loc, cts[0], dot)));
  return success();
}

LogicalResult logSoftmaxVJP(LogSoftmaxOp op, OpBuilder &b, Cts cts, Out &out) {
  Location loc = op.getLoc();
  int64_t axis = static_cast<int64_t>(op.getAxis());
  Value sum = ReduceSumOp::create(b, loc, cts[0], ArrayRef<int64_t>{axis}, true);
  Value p = ExpOp::create(b, loc, op.getResult());
  out.push_back(SubOp::create(b, loc, cts[0], MulOp::create(b, loc, p, sum)));
  return success();
}

LogicalResult softmaxCrossEntropyVJP(SoftmaxCrossEntropyOp op, OpBuilder &b,
                                     Cts cts, Out &out) {
  Location loc = op.getLoc();
  int64_t rank = cast<RankedTensorType>(op.getLogits().getType()).getRank();
  int64_t axis = static_cast<int64_t>(op.getAxis());
  if (axis < 0)
    axis += rank;
  FailureOr<Value> ct = keepDims(b, loc, cts[0], op.getLogits(), {axis}, false);
  if (failed(ct))
    return failure();
  Value z = op.getLabels();
  // d/dx = softmax(x) * sum(z) - z; d/dz = -log_softmax(x).
  Value p = SoftmaxOp::create(b, loc, op.getLogits(), axis);
  Value zsum = ReduceSumOp::create(b, loc, z, ArrayRef<int64_t>{axis}, true);
  Value dx = SubOp::create(b, loc, MulOp::create(b, loc, p, zsum), z);
  Value dz = NegOp::create(b, loc, LogSoftmaxOp::create(b, loc, op.getLogits(), axis));
  out.push_back(MulOp::create(b, loc, *ct, dx));
  out.push_back(MulOp::create(b, loc, *ct, dz));
  return success();
}

LogicalResult sparseSoftmaxCrossEntropyVJP(SparseSoftmaxCrossEntropyOp op,
                                           OpBuilder &b, Cts cts, Out &out) {
  Location loc = op.getLoc();
  auto type = cast<RankedTensorType>(op.getLogits().getType());
  int64_t rank = type.getRank(), classes = type.getDimSize(rank - 1);
  if (ShapedType::isDynamic(classes))
    return emitError(loc) << "cannot differentiate a sparse cross-entropy "
                             "over a dynamic number of classes";
  FailureOr<Value> ct =
      keepDims(b, loc, cts[0], op.getLogits(), {rank - 1}, false);
  if (failed(ct))
    return failure();
  // d/dx = softmax(x) - one_hot(labels).
  Value hot = oneHot(b, loc, op.getLabels(), classes, type.getElementType());
  Value p = SoftmaxOp::create(b, loc, op.getLogits(), rank - 1);
  out.push_back(MulOp::create(b, loc, *ct, SubOp::create(b, loc, p, hot)));
  out.push_back(Value());
  return success();
}

LogicalResult gatherVJP(GatherOp op, OpBuilder &b, Cts cts, Out &out) {
  Location loc = op.getLoc();
  auto dataType = cast<RankedTensorType>(op.getData().getType());
  if (op.getAxis() != 0 || !dataType.hasStaticShape())
    return emitError(loc) << "cannot differentiate a gather along axis "
                          << op.getAxis() << " or of a dynamically shaped "
                             "table yet (only Embedding's axis-0 lookup)";
  // d table = one_hot(ids)^T @ ct, over the flattened ids: [rows, n] x [n, rest].
  int64_t rows = dataType.getDimSize(0);
  int64_t rest = dataType.getNumElements() / std::max<int64_t>(rows, 1);
  Value ids = ReshapeOp::create(b, loc, op.getIndices(), ArrayRef<int64_t>{-1});
  Value hot = oneHot(b, loc, ids, rows, dataType.getElementType());
  Value ct = ReshapeOp::create(b, loc, cts[0], ArrayRef<int64_t>{-1, rest});
  Value dt = MatmulOp::create(b, loc, swapLastTwo(b, loc, hot), ct);
  out.push_back(ReshapeOp::create(b, loc, dt, dataType.getShape()));
  out.push_back(Value());
  return success();
}

/// `v` with a unit dimension inserted before dimension `axis`.
Value insertUnitDim(OpBuilder &b, Location loc, Value v, int64_t axis) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape.insert(shape.begin() + axis, 1);
  if (type.getNumDynamicDims() <= 1) {
    for (int64_t &d : shape)
      d = ShapedType::isDynamic(d) ? -1 : d;
    return ReshapeOp::create(b, loc, v, shape);
  }
  Value sizes = ShapeOfOp::create(b, loc, v);
  auto slice = [&](int64_t from, int64_t to) -> Value {
    return SliceOp::create(b, loc, sizes, ArrayRef<int64_t>{0},
                           ArrayRef<int64_t>{from}, ArrayRef<int64_t>{to},
                           ArrayRef<int64_t>{1});
  };
  Value one = ConstantOp::create(
      b, loc, DenseElementsAttr::get(RankedTensorType::get({1}, b.getI64Type()),
                                     ArrayRef<int64_t>{1}));
  Value target = ConcatOp::create(
      b, loc, ValueRange{slice(0, axis), one, slice(axis, type.getRank())}, 0);
  return DynamicReshapeOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), v, target,
      /*copy_zero=*/false);
}

/// gather_elements as a one-hot selection, whose primitives differentiate
/// it: with data [.., K, ..] and indices [.., M, ..] along `axis`, compare
/// the indices [.., M, 1, ..] with an iota [.., 1, K, ..], select the data
/// there and sum over K.
LogicalResult gatherElementsVJP(GatherElementsOp op, OpBuilder &b, Cts cts,
                                Out &out) {
  auto dataType = cast<RankedTensorType>(op.getData().getType());
  auto idxType = cast<RankedTensorType>(op.getIndices().getType());
  auto axis = static_cast<int64_t>(op.getAxis());
  for (int64_t d = 0; d < dataType.getRank(); ++d)
    if (d != axis && dataType.getDimSize(d) != idxType.getDimSize(d))
      return emitError(op.getLoc())
             << "cannot differentiate a gather_elements whose indices are "
                "smaller than the data outside the axis (or not known to "
                "match it): dimension "
             << d;
  return vjpByDecomposition(op, b, cts, out, [&](OpBuilder &b, Location loc) {
    Value data = insertUnitDim(b, loc, op.getData(), axis);        // [.., 1, K, ..]
    Value iota = IotaOp::create(b, loc, data, axis + 1);
    Value idx = CastOp::create(
        b, loc, RankedTensorType::get(idxType.getShape(), b.getI64Type()),
        op.getIndices());
    // Negative indices count from the end of the axis.
    Value size = SliceOp::create(b, loc, ShapeOfOp::create(b, loc, op.getData()),
                                 ArrayRef<int64_t>{0}, ArrayRef<int64_t>{axis},
                                 ArrayRef<int64_t>{axis + 1}, ArrayRef<int64_t>{1});
    Value zero = ConstantOp::create(
        b, loc, DenseElementsAttr::get(RankedTensorType::get({}, b.getI64Type()),
                                       ArrayRef<int64_t>{0}));
    Value negative = CompareOp::create(b, loc, CompareDirection::lt, idx, zero);
    idx = SelectOp::create(b, loc, negative, AddOp::create(b, loc, idx, size), idx);
    idx = insertUnitDim(b, loc, idx, axis + 1);                    // [.., M, 1, ..]
    Value hot = CompareOp::create(b, loc, CompareDirection::eq, idx, iota);
    Value picked = SelectOp::create(b, loc, hot, data,
                                    scalar(b, loc, dataType.getElementType(), 0));
    return SmallVector<Value>{ReduceSumOp::create(
        b, loc, picked, ArrayRef<int64_t>{axis + 1}, false)};
  });
}

LogicalResult noOperandsVJP(ConstantOp, OpBuilder &, Cts, Out &) {
  return success();
}

} // namespace

void attachStructureVJPs(MLIRContext *ctx) {
  attach<MatmulOp, matmulVJP>(ctx);
  attach<ReduceSumOp, reduceVJP<ReduceSumOp, false>>(ctx);
  attach<ReduceMeanOp, reduceVJP<ReduceMeanOp, true>>(ctx);
  attach<ReduceMaxOp, extremumReduceVJP<ReduceMaxOp>>(ctx);
  attach<ReduceMinOp, extremumReduceVJP<ReduceMinOp>>(ctx);
  attach<ReduceProdOp, reduceProdVJP>(ctx);
  attach<ArgmaxOp, indexResultVJP<ArgmaxOp>>(ctx);
  attach<ArgminOp, indexResultVJP<ArgminOp>>(ctx);
  attach<ReshapeOp, reshapeVJP>(ctx);
  attach<DynamicReshapeOp, dynamicReshapeVJP>(ctx);
  attach<ShapeOfOp, indexResultVJP<ShapeOfOp>>(ctx);
  attach<IotaOp, indexResultVJP<IotaOp>>(ctx);
  attach<GatherElementsOp, gatherElementsVJP>(ctx);
  attach<TransposeOp, transposeVJP>(ctx);
  attach<BroadcastToOp, broadcastToVJP>(ctx);
  attach<ConcatOp, concatVJP>(ctx);
  attach<SliceOp, sliceVJP>(ctx);
  attach<PadOp, padVJP>(ctx);
  attach<SoftmaxOp, softmaxVJP>(ctx);
  attach<LogSoftmaxOp, logSoftmaxVJP>(ctx);
  attach<SoftmaxCrossEntropyOp, softmaxCrossEntropyVJP>(ctx);
  attach<SparseSoftmaxCrossEntropyOp, sparseSoftmaxCrossEntropyVJP>(ctx);
  attach<ConstantOp, noOperandsVJP>(ctx);
  attach<GatherOp, gatherVJP>(ctx);
}

} // namespace kiln
