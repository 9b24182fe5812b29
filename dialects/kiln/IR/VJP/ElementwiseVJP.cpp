//===- ElementwiseVJP.cpp - VJP rules of the elementwise ops --------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Broadcasting binary ops sum their cotangent back to each operand's shape;
// unary ops multiply it by the derivative, written with the op's result
// where that is cheaper (exp, tanh, sigmoid). Comparisons, logic, rounding
// and sign are piecewise constant: their operands get no cotangent.
//
//===----------------------------------------------------------------------===//

#include "dialects/kiln/IR/VJP/VJPUtils.h"

#include <cmath>

using namespace mlir;

namespace kiln {
namespace {

using namespace vjp;

Value mul(OpBuilder &b, Location loc, Value l, Value r) {
  return MulOp::create(b, loc, l, r);
}
Value sub(OpBuilder &b, Location loc, Value l, Value r) {
  return SubOp::create(b, loc, l, r);
}
Value zeroLike(OpBuilder &b, Location loc, Value v) {
  return scalar(b, loc, elementType(v), 0.0);
}

/// Pushes `ct` summed to the shape of each of `operands` in turn.
LogicalResult pushUnbroadcast(OpBuilder &b, Location loc, Out &out,
                              ArrayRef<std::pair<Value, Value>> cts) {
  for (auto [ct, operand] : cts) {
    if (!ct) {
      out.push_back(Value());
      continue;
    }
    FailureOr<Value> v = unbroadcast(b, loc, ct, operand);
    if (failed(v))
      return failure();
    out.push_back(*v);
  }
  return success();
}

LogicalResult addVJP(AddOp op, OpBuilder &b, Cts cts, Out &out) {
  return pushUnbroadcast(b, op.getLoc(), out,
                         {{cts[0], op.getLhs()}, {cts[0], op.getRhs()}});
}

LogicalResult subVJP(SubOp op, OpBuilder &b, Cts cts, Out &out) {
  Value neg = NegOp::create(b, op.getLoc(), cts[0]);
  return pushUnbroadcast(b, op.getLoc(), out,
                         {{cts[0], op.getLhs()}, {neg, op.getRhs()}});
}

LogicalResult mulVJP(MulOp op, OpBuilder &b, Cts cts, Out &out) {
  Location loc = op.getLoc();
  return pushUnbroadcast(
      b, loc, out,
      {{mul(b, loc, cts[0], op.getRhs()), op.getLhs()},
       {mul(b, loc, cts[0], op.getLhs()), op.getRhs()}});
}

LogicalResult divVJP(DivOp op, OpBuilder &b, Cts cts, Out &out) {
  Location loc = op.getLoc();
  Value dl = DivOp::create(b, loc, cts[0], op.getRhs());
  // d(l/r)/dr = -(l/r)/r.
  Value dr = NegOp::create(b, loc, mul(b, loc, dl, op.getResult()));
  return pushUnbroadcast(b, loc, out, {{dl, op.getLhs()}, {dr, op.getRhs()}});
}

LogicalResult powVJP(PowOp op, OpBuilder &b, Cts cts, Out &out) {
  Location loc = op.getLoc();
  Type elt = elementType(op.getLhs());
  Value rm1 = sub(b, loc, op.getRhs(), scalar(b, loc, elt, 1.0));
  Value dl = mul(b, loc, cts[0],
                 mul(b, loc, op.getRhs(), PowOp::create(b, loc, op.getLhs(), rm1)));
  Value dr = mul(b, loc, cts[0],
                 mul(b, loc, op.getResult(), LogOp::create(b, loc, op.getLhs())));
  return pushUnbroadcast(b, loc, out, {{dl, op.getLhs()}, {dr, op.getRhs()}});
}

/// maximum/minimum: the cotangent goes to the chosen operand (the left one
/// on ties, as `direction` includes equality).
template <typename OpT, CompareDirection direction>
LogicalResult extremumVJP(OpT op, OpBuilder &b, Cts cts, Out &out) {
  Location loc = op.getLoc();
  Value pickLhs = CompareOp::create(b, loc, direction, op.getLhs(), op.getRhs());
  Value zero = zeroLike(b, loc, cts[0]);
  Value dl = SelectOp::create(b, loc, pickLhs, cts[0], zero);
  Value dr = SelectOp::create(b, loc, pickLhs, zero, cts[0]);
  return pushUnbroadcast(b, loc, out, {{dl, op.getLhs()}, {dr, op.getRhs()}});
}

LogicalResult selectVJP(SelectOp op, OpBuilder &b, Cts cts, Out &out) {
  Location loc = op.getLoc();
  Value zero = zeroLike(b, loc, cts[0]);
  Value dt = SelectOp::create(b, loc, op.getCondition(), cts[0], zero);
  Value df = SelectOp::create(b, loc, op.getCondition(), zero, cts[0]);
  out.push_back(Value());
  return pushUnbroadcast(b, loc, out,
                         {{dt, op.getOnTrue()}, {df, op.getOnFalse()}});
}

/// The operands of `op` get no cotangent.
template <typename OpT>
LogicalResult constantVJP(OpT op, OpBuilder &, Cts, Out &out) {
  out.append(op->getNumOperands(), Value());
  return success();
}

/// A unary op whose cotangent is `ct * derivative(x, y)`.
template <typename OpT>
using Derivative = Value (*)(OpT, OpBuilder &, Location);

template <typename OpT, Derivative<OpT> D>
LogicalResult unaryVJP(OpT op, OpBuilder &b, Cts cts, Out &out) {
  out.push_back(mul(b, op.getLoc(), cts[0], D(op, b, op.getLoc())));
  return success();
}

#define KILN_DERIVATIVE(OP, ...)                                              \
  Value OP##Derivative(OP op, OpBuilder &b, Location loc) {                   \
    Value x = op.getInput(), y = op.getResult();                              \
    Type elt = elementType(x);                                                \
    (void)x; (void)y; (void)elt;                                              \
    auto c = [&](double v) { return scalar(b, loc, elt, v); };                \
    (void)c;                                                                  \
    __VA_ARGS__                                                               \
  }

KILN_DERIVATIVE(NegOp, return c(-1.0);)
KILN_DERIVATIVE(ExpOp, return y;)
KILN_DERIVATIVE(LogOp, return ReciprocalOp::create(b, loc, x);)
KILN_DERIVATIVE(SqrtOp, return DivOp::create(b, loc, c(0.5), y);)
KILN_DERIVATIVE(RsqrtOp, return mul(b, loc, c(-0.5), mul(b, loc, y, mul(b, loc, y, y)));)
KILN_DERIVATIVE(ReciprocalOp, return NegOp::create(b, loc, mul(b, loc, y, y));)
KILN_DERIVATIVE(TanhOp, return sub(b, loc, c(1.0), mul(b, loc, y, y));)
KILN_DERIVATIVE(SinOp, return CosOp::create(b, loc, x);)
KILN_DERIVATIVE(CosOp, return NegOp::create(b, loc, SinOp::create(b, loc, x));)
KILN_DERIVATIVE(AbsOp, return SignOp::create(b, loc, x);)
KILN_DERIVATIVE(SigmoidOp, return mul(b, loc, y, sub(b, loc, c(1.0), y));)
KILN_DERIVATIVE(SoftplusOp, return SigmoidOp::create(b, loc, x);)
KILN_DERIVATIVE(SoftsignOp, {
  Value d = AddOp::create(b, loc, c(1.0), AbsOp::create(b, loc, x));
  return ReciprocalOp::create(b, loc, mul(b, loc, d, d));
})
KILN_DERIVATIVE(SiluOp, {
  // silu' = s * (1 + x * (1 - s)) with s = sigmoid(x).
  Value s = SigmoidOp::create(b, loc, x);
  return mul(b, loc, s,
             AddOp::create(b, loc, c(1.0), mul(b, loc, x, sub(b, loc, c(1.0), s))));
})
KILN_DERIVATIVE(ErfOp, {
  Value sq = mul(b, loc, x, x);
  return mul(b, loc, c(2.0 / std::sqrt(M_PI)),
             ExpOp::create(b, loc, NegOp::create(b, loc, sq)));
})
KILN_DERIVATIVE(ReluOp, {
  Value pos = CompareOp::create(b, loc, CompareDirection::gt, x, c(0.0));
  return SelectOp::create(b, loc, pos, c(1.0), c(0.0));
})
KILN_DERIVATIVE(LeakyReluOp, {
  Value pos = CompareOp::create(b, loc, CompareDirection::gt, x, c(0.0));
  return SelectOp::create(b, loc, pos, c(1.0),
                          c(op.getAlpha().convertToDouble()));
})
KILN_DERIVATIVE(EluOp, {
  // x > 0: 1; otherwise alpha * exp(x) = y + alpha.
  Value pos = CompareOp::create(b, loc, CompareDirection::gt, x, c(0.0));
  Value neg = AddOp::create(b, loc, y, c(op.getAlpha().convertToDouble()));
  return SelectOp::create(b, loc, pos, c(1.0), neg);
})
KILN_DERIVATIVE(SeluOp, {
  const double alpha = 1.6732632423543772, scale = 1.0507009873554805;
  Value pos = CompareOp::create(b, loc, CompareDirection::gt, x, c(0.0));
  Value neg = mul(b, loc, c(alpha * scale), ExpOp::create(b, loc, x));
  return SelectOp::create(b, loc, pos, c(scale), neg);
})
KILN_DERIVATIVE(HardSigmoidOp, {
  // alpha inside the linear part 0 < alpha * x + beta < 1, else 0.
  double alpha = op.getAlpha().convertToDouble(),
         beta = op.getBeta().convertToDouble();
  Value z = AddOp::create(b, loc, mul(b, loc, x, c(alpha)), c(beta));
  Value inside = AndOp::create(
      b, loc, CompareOp::create(b, loc, CompareDirection::gt, z, c(0.0)),
      CompareOp::create(b, loc, CompareDirection::lt, z, c(1.0)));
  return SelectOp::create(b, loc, inside, c(alpha), c(0.0));
})

LogicalResult geluVJP(GeluOp op, OpBuilder &b, Cts cts, Out &out) {
  Location loc = op.getLoc();
  Value x = op.getInput();
  Type elt = elementType(x);
  auto c = [&](double v) { return scalar(b, loc, elt, v); };
  Value d;
  if (!op.getApproximate()) {
    // Phi(x) + x * phi(x).
    Value cdf = mul(b, loc, c(0.5),
                    AddOp::create(b, loc, c(1.0),
                                  ErfOp::create(b, loc, mul(b, loc, x, c(M_SQRT1_2)))));
    Value pdf = mul(b, loc, c(1.0 / std::sqrt(2.0 * M_PI)),
                    ExpOp::create(b, loc, mul(b, loc, c(-0.5), mul(b, loc, x, x))));
    d = AddOp::create(b, loc, cdf, mul(b, loc, x, pdf));
  } else {
    // 0.5 (1 + t) + 0.5 x (1 - t^2) k (1 + 3 c x^2), t = tanh(k (x + c x^3)).
    const double k = std::sqrt(2.0 / M_PI), cc = 0.044715;
    Value x2 = mul(b, loc, x, x);
    Value inner = mul(b, loc, c(k),
                      AddOp::create(b, loc, x, mul(b, loc, c(cc), mul(b, loc, x2, x))));
    Value t = TanhOp::create(b, loc, inner);
    Value left = mul(b, loc, c(0.5), AddOp::create(b, loc, c(1.0), t));
    Value dInner = mul(b, loc, c(k),
                       AddOp::create(b, loc, c(1.0), mul(b, loc, c(3.0 * cc), x2)));
    Value right = mul(b, loc, mul(b, loc, c(0.5), x),
                      mul(b, loc, sub(b, loc, c(1.0), mul(b, loc, t, t)), dInner));
    d = AddOp::create(b, loc, left, right);
  }
  out.push_back(mul(b, loc, cts[0], d));
  return success();
}

LogicalResult clampVJP(ClampOp op, OpBuilder &b, Cts cts, Out &out) {
  Location loc = op.getLoc();
  Value x = op.getInput();
  Type elt = elementType(x);
  auto cmp = [&](CompareDirection dir, double v) -> Value {
    return CompareOp::create(b, loc, dir, x, scalar(b, loc, elt, v));
  };
  Value inside;
  if (auto lo = op.getMin())
    inside = cmp(CompareDirection::ge, lo->convertToDouble());
  if (auto hi = op.getMax()) {
    Value below = cmp(CompareDirection::le, hi->convertToDouble());
    inside = inside ? Value(AndOp::create(b, loc, inside, below)) : below;
  }
  out.push_back(inside ? Value(SelectOp::create(b, loc, inside, cts[0],
                                                zeroLike(b, loc, cts[0])))
                       : cts[0]);
  return success();
}

LogicalResult castVJP(CastOp op, OpBuilder &b, Cts cts, Out &out) {
  Type from = elementType(op.getInput());
  if (!isa<FloatType>(from) || !isa<FloatType>(elementType(op.getResult()))) {
    out.push_back(Value());
    return success();
  }
  out.push_back(CastOp::create(b, op.getLoc(), op.getInput().getType(), cts[0]));
  return success();
}

LogicalResult sigmoidCrossEntropyVJP(SigmoidCrossEntropyOp op, OpBuilder &b,
                                     Cts cts, Out &out) {
  Location loc = op.getLoc();
  // d/dx = sigmoid(x) - z; d/dz = -x.
  Value dx = mul(b, loc, cts[0],
                 sub(b, loc, SigmoidOp::create(b, loc, op.getLogits()), op.getLabels()));
  Value dz = mul(b, loc, cts[0], NegOp::create(b, loc, op.getLogits()));
  return pushUnbroadcast(b, loc, out,
                         {{dx, op.getLogits()}, {dz, op.getLabels()}});
}

} // namespace

void attachElementwiseVJPs(MLIRContext *ctx) {
  attach<AddOp, addVJP>(ctx);
  attach<SubOp, subVJP>(ctx);
  attach<MulOp, mulVJP>(ctx);
  attach<DivOp, divVJP>(ctx);
  attach<PowOp, powVJP>(ctx);
  attach<MaximumOp, extremumVJP<MaximumOp, CompareDirection::ge>>(ctx);
  attach<MinimumOp, extremumVJP<MinimumOp, CompareDirection::le>>(ctx);
  attach<SelectOp, selectVJP>(ctx);
  attach<AndOp, constantVJP<AndOp>>(ctx);
  attach<OrOp, constantVJP<OrOp>>(ctx);
  attach<XorOp, constantVJP<XorOp>>(ctx);
  attach<NotOp, constantVJP<NotOp>>(ctx);
  attach<CompareOp, constantVJP<CompareOp>>(ctx);
  attach<SignOp, constantVJP<SignOp>>(ctx);
  attach<FloorOp, constantVJP<FloorOp>>(ctx);
  attach<CeilOp, constantVJP<CeilOp>>(ctx);
  attach<RoundOp, constantVJP<RoundOp>>(ctx);
#define KILN_ATTACH_UNARY(OP) attach<OP, unaryVJP<OP, OP##Derivative>>(ctx);
  KILN_ATTACH_UNARY(NegOp)
  KILN_ATTACH_UNARY(ExpOp)
  KILN_ATTACH_UNARY(LogOp)
  KILN_ATTACH_UNARY(SqrtOp)
  KILN_ATTACH_UNARY(RsqrtOp)
  KILN_ATTACH_UNARY(ReciprocalOp)
  KILN_ATTACH_UNARY(TanhOp)
  KILN_ATTACH_UNARY(SinOp)
  KILN_ATTACH_UNARY(CosOp)
  KILN_ATTACH_UNARY(AbsOp)
  KILN_ATTACH_UNARY(SigmoidOp)
  KILN_ATTACH_UNARY(SoftplusOp)
  KILN_ATTACH_UNARY(SoftsignOp)
  KILN_ATTACH_UNARY(SiluOp)
  KILN_ATTACH_UNARY(ErfOp)
  KILN_ATTACH_UNARY(ReluOp)
  KILN_ATTACH_UNARY(LeakyReluOp)
  KILN_ATTACH_UNARY(EluOp)
  KILN_ATTACH_UNARY(SeluOp)
  KILN_ATTACH_UNARY(HardSigmoidOp)
#undef KILN_ATTACH_UNARY
  attach<GeluOp, geluVJP>(ctx);
  attach<ClampOp, clampVJP>(ctx);
  attach<CastOp, castVJP>(ctx);
  attach<SigmoidCrossEntropyOp, sigmoidCrossEntropyVJP>(ctx);
}

} // namespace kiln
