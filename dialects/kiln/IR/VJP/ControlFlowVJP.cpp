//===- ControlFlowVJP.cpp - the VJP of kiln.scan --------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Backpropagation through time: a forward scan that also stacks the carries
// each step starts from, then a scan in the opposite direction whose body is
// the forward body followed by its reverse sweep, carrying the carries'
// cotangents and stacking the sequences'. (kiln-autodiff first turns active
// values the body captures into carries, so operands are all there is.)
//
//===----------------------------------------------------------------------===//

#include "dialects/kiln/IR/VJP/VJPUtils.h"

#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/DenseSet.h"

using namespace mlir;

namespace kiln {
namespace {

using namespace vjp;

bool isFloat(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && isa<FloatType>(t.getElementType());
}

Value zerosLike(OpBuilder &b, Location loc, Value v) {
  return broadcastLike(b, loc, scalar(b, loc, elementType(v), 0.0), v);
}

LogicalResult scanVJP(ScanOp op, OpBuilder &b, Cts cts, Out &out) {
  Location loc = op.getLoc();
  size_t carries = op.getInits().size(), seqs = op.getSequences().size();
  Block &body = op.getBodyBlock();
  YieldOp yield = op.getYield();
  size_t outputs = yield.getNumOperands() - carries;
  for (Value v : op.getInits())
    if (!isFloat(v))
      return emitError(loc) << "cannot differentiate a scan with a "
                               "non-float carry";
  bool nested = false;
  body.walk([&](ScanOp) { nested = true; });
  if (nested)
    return emitError(loc) << "cannot differentiate nested scans yet";

  // 1. The forward scan again, also stacking the carries each step starts
  //    from.
  auto cloneBody = [&](OpBuilder &ib, ValueRange carryArgs, ValueRange slices,
                       IRMapping &map) {
    for (auto [arg, v] : llvm::zip(body.getArguments().take_front(carries), carryArgs))
      map.map(arg, v);
    for (auto [arg, v] : llvm::zip(body.getArguments().drop_front(carries), slices))
      map.map(arg, v);
    SmallVector<Operation *> cloned;
    for (Operation &inner : body.without_terminator())
      cloned.push_back(ib.clone(inner, map));
    return cloned;
  };
  auto forward = ScanOp::create(
      b, loc, op.getInits(), op.getSequences(), op.getAxis(), op.getReverse(),
      [&](OpBuilder &ib, Location, ValueRange carryArgs, ValueRange slices) {
        IRMapping map;
        cloneBody(ib, carryArgs, slices, map);
        SmallVector<Value> results;
        for (Value v : yield.getOperands())
          results.push_back(map.lookupOrDefault(v));
        results.append(carryArgs.begin(), carryArgs.end());
        return results;
      });
  ResultRange stacked = forward.getStackedOutputs();
  ValueRange startCarries = ValueRange(stacked).drop_front(outputs);

  // 2. The cotangents coming in: of the final carries and of the stacked
  //    outputs, zeros where none.
  SmallVector<Value> carryCts, outputCts;
  for (size_t i = 0; i < carries; ++i)
    carryCts.push_back(cts[i] ? cts[i] : zerosLike(b, loc, op.getInits()[i]));
  for (size_t i = 0; i < outputs; ++i) {
    Value r = op.getResult(carries + i);
    outputCts.push_back(cts[carries + i] ? cts[carries + i]
                                         : isFloat(r) ? zerosLike(b, loc, r) : Value());
  }

  // 3. The backward scan: carries' cotangents, over the sequences, the
  //    stacked start carries and the outputs' cotangents, the other way.
  SmallVector<Value> backSeqs(op.getSequences());
  backSeqs.append(startCarries.begin(), startCarries.end());
  SmallVector<size_t> floatOutputs;
  for (size_t i = 0; i < outputs; ++i)
    if (outputCts[i]) {
      backSeqs.push_back(outputCts[i]);
      floatOutputs.push_back(i);
    }
  LogicalResult status = success();
  auto backward = ScanOp::create(
      b, loc, carryCts, backSeqs, op.getAxis(), !op.getReverse(),
      [&](OpBuilder &ib, Location, ValueRange dCarries, ValueRange slices) {
        ValueRange xs = slices.take_front(seqs);
        ValueRange cs = slices.slice(seqs, carries);
        ValueRange dys = slices.drop_front(seqs + carries);
        IRMapping map;
        SmallVector<Operation *> cloned = cloneBody(ib, cs, xs, map);
        DenseSet<Value> active;
        for (Value v : cs)
          active.insert(v);
        for (Value v : xs)
          if (isFloat(v))
            active.insert(v);
        for (Operation *c : cloned)
          if (llvm::any_of(c->getOperands(), [&](Value v) { return active.contains(v); }))
            for (Value r : c->getResults())
              if (isFloat(r))
                active.insert(r);
        DenseMap<Value, Value> local;
        auto seed = [&](Value v, Value ct) {
          v = map.lookupOrDefault(v);
          if (!active.contains(v))
            return;
          auto [it, inserted] = local.try_emplace(v, ct);
          if (!inserted)
            it->second = AddOp::create(ib, loc, it->second, ct);
        };
        for (size_t i = 0; i < carries; ++i)
          seed(yield.getOperand(i), dCarries[i]);
        for (auto [k, i] : llvm::enumerate(floatOutputs))
          seed(yield.getOperand(carries + i), dys[k]);
        if (failed(reverseSweep(ib, cloned, local,
                                [&](Value v) { return active.contains(v); })))
          status = failure();
        SmallVector<Value> results;
        for (Value c : cs) {
          Value d = local.lookup(c);
          results.push_back(d ? d : zerosLike(ib, loc, c));
        }
        for (Value x : xs)
          if (isFloat(x)) {
            Value d = local.lookup(x);
            results.push_back(d ? d : zerosLike(ib, loc, x));
          }
        return results;
      });
  if (failed(status))
    return failure();

  // 4. The operands: inits get the final backward carries, float sequences
  //    the stacked cotangents.
  for (size_t i = 0; i < carries; ++i)
    out.push_back(backward.getResult(i));
  size_t k = 0;
  for (Value x : op.getSequences())
    out.push_back(isFloat(x) ? Value(backward.getStackedOutputs()[k++]) : Value());
  return success();
}

} // namespace

void attachControlFlowVJPs(MLIRContext *ctx) { attach<ScanOp, scanVJP>(ctx); }

} // namespace kiln
