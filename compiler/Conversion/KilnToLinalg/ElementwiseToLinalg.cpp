//===- ElementwiseToLinalg.cpp - elementwise kiln ops to linalg.generic ---===//
//
// SPDX-License-Identifier: Apache-2.0
//
// One templated pattern lowers every elementwise op to a broadcasting
// `linalg.generic`; the ops differ only in the scalar computation, given by
// a table of small builder functions below.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/KilnToLinalg/KilnToLinalg.h"
#include "compiler/Conversion/KilnToLinalg/Utils.h"
#include "dialects/kiln/IR/KilnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;
using namespace kiln::lowering;

namespace kiln {
namespace {

//===----------------------------------------------------------------------===//
// Scalar builders
//===----------------------------------------------------------------------===//

/// Builds one result element from the operands' elements. `op` gives access
/// to attributes; `elt` is the result element type.
template <typename OpTy>
using ScalarFn = Value (*)(OpBuilder &, Location, OpTy, Type, ValueRange);

Value cst(OpBuilder &b, Location loc, Type t, double v) {
  return scalarConstant(b, loc, t, v);
}

/// `floatOp(args)` for floats, `intOp(args)` for integers.
template <typename FOp, typename IOp>
Value floatOrInt(OpBuilder &b, Location loc, Type elt, ValueRange args) {
  if (isFloat(args.front().getType()))
    return FOp::create(b, loc, args).getResult();
  return IOp::create(b, loc, args).getResult();
}

template <typename OpT>
Value simple(OpBuilder &b, Location loc, Type, ValueRange args) {
  return OpT::create(b, loc, args).getResult();
}

Value sigmoidOf(OpBuilder &b, Location loc, Value x) {
  Type t = x.getType();
  Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
  Value den = arith::AddFOp::create(b, loc, cst(b, loc, t, 1.0), e);
  return arith::DivFOp::create(b, loc, cst(b, loc, t, 1.0), den);
}

/// softplus(x) = max(x, 0) + log1p(exp(-|x|)), stable for large |x|.
Value softplusOf(OpBuilder &b, Location loc, Value x) {
  Type t = x.getType();
  Value pos = arith::MaximumFOp::create(b, loc, x, cst(b, loc, t, 0.0));
  Value negAbs = arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, x));
  Value l = math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, negAbs));
  return arith::AddFOp::create(b, loc, pos, l);
}

Value clampScalar(OpBuilder &b, Location loc, Value x,
                  std::optional<double> lo, std::optional<double> hi) {
  Type t = x.getType();
  bool f = isFloat(t);
  if (lo) {
    Value c = cst(b, loc, t, *lo);
    x = f ? arith::MaximumFOp::create(b, loc, x, c).getResult()
          : arith::MaxSIOp::create(b, loc, x, c).getResult();
  }
  if (hi) {
    Value c = cst(b, loc, t, *hi);
    x = f ? arith::MinimumFOp::create(b, loc, x, c).getResult()
          : arith::MinSIOp::create(b, loc, x, c).getResult();
  }
  return x;
}

template <typename OpTy>
Value buildScalar(OpBuilder &b, Location loc, OpTy op, Type elt,
                  ValueRange a);

#define KILN_SCALAR(OP)                                                        \
  template <>                                                                  \
  Value buildScalar<OP>(OpBuilder & b, Location loc, OP op, Type elt,          \
                        ValueRange a)

KILN_SCALAR(AddOp) { return floatOrInt<arith::AddFOp, arith::AddIOp>(b, loc, elt, a); }
KILN_SCALAR(SubOp) { return floatOrInt<arith::SubFOp, arith::SubIOp>(b, loc, elt, a); }
KILN_SCALAR(MulOp) { return floatOrInt<arith::MulFOp, arith::MulIOp>(b, loc, elt, a); }
KILN_SCALAR(DivOp) { return floatOrInt<arith::DivFOp, arith::DivSIOp>(b, loc, elt, a); }
KILN_SCALAR(PowOp) { return simple<math::PowFOp>(b, loc, elt, a); }
KILN_SCALAR(MaximumOp) {
  return floatOrInt<arith::MaximumFOp, arith::MaxSIOp>(b, loc, elt, a);
}
KILN_SCALAR(MinimumOp) {
  return floatOrInt<arith::MinimumFOp, arith::MinSIOp>(b, loc, elt, a);
}
KILN_SCALAR(AndOp) { return simple<arith::AndIOp>(b, loc, elt, a); }
KILN_SCALAR(OrOp) { return simple<arith::OrIOp>(b, loc, elt, a); }
KILN_SCALAR(XorOp) { return simple<arith::XOrIOp>(b, loc, elt, a); }

KILN_SCALAR(CompareOp) {
  // Floats use ordered predicates (false with NaN) except `ne`, which is
  // unordered (true with NaN), as in NumPy.
  static const arith::CmpFPredicate fpreds[] = {
      arith::CmpFPredicate::OEQ, arith::CmpFPredicate::UNE,
      arith::CmpFPredicate::OLT, arith::CmpFPredicate::OLE,
      arith::CmpFPredicate::OGT, arith::CmpFPredicate::OGE};
  static const arith::CmpIPredicate ipreds[] = {
      arith::CmpIPredicate::eq,  arith::CmpIPredicate::ne,
      arith::CmpIPredicate::slt, arith::CmpIPredicate::sle,
      arith::CmpIPredicate::sgt, arith::CmpIPredicate::sge};
  auto dir = static_cast<unsigned>(op.getDirection());
  if (isFloat(a[0].getType()))
    return arith::CmpFOp::create(b, loc, fpreds[dir], a[0], a[1]);
  return arith::CmpIOp::create(b, loc, ipreds[dir], a[0], a[1]);
}

KILN_SCALAR(SelectOp) { return arith::SelectOp::create(b, loc, a[0], a[1], a[2]); }

KILN_SCALAR(NegOp) {
  if (isFloat(elt))
    return arith::NegFOp::create(b, loc, a[0]);
  return arith::SubIOp::create(b, loc, cst(b, loc, elt, 0), a[0]);
}
KILN_SCALAR(AbsOp) { return floatOrInt<math::AbsFOp, math::AbsIOp>(b, loc, elt, a); }
KILN_SCALAR(SignOp) {
  Value zero = cst(b, loc, elt, 0), one = cst(b, loc, elt, 1),
        minusOne = cst(b, loc, elt, -1);
  Value pos, neg;
  if (isFloat(elt)) {
    pos = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, a[0], zero);
    neg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, a[0], zero);
  } else {
    pos = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, a[0], zero);
    neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, a[0], zero);
  }
  // Zero and NaN map to themselves.
  Value r = arith::SelectOp::create(b, loc, neg, minusOne, a[0]);
  return arith::SelectOp::create(b, loc, pos, one, r);
}
KILN_SCALAR(ExpOp) { return simple<math::ExpOp>(b, loc, elt, a); }
KILN_SCALAR(LogOp) { return simple<math::LogOp>(b, loc, elt, a); }
KILN_SCALAR(SqrtOp) { return simple<math::SqrtOp>(b, loc, elt, a); }
KILN_SCALAR(RsqrtOp) { return simple<math::RsqrtOp>(b, loc, elt, a); }
KILN_SCALAR(ReciprocalOp) {
  return arith::DivFOp::create(b, loc, cst(b, loc, elt, 1.0), a[0]);
}
KILN_SCALAR(TanhOp) { return simple<math::TanhOp>(b, loc, elt, a); }
KILN_SCALAR(SinOp) { return simple<math::SinOp>(b, loc, elt, a); }
KILN_SCALAR(CosOp) { return simple<math::CosOp>(b, loc, elt, a); }
KILN_SCALAR(ErfOp) { return simple<math::ErfOp>(b, loc, elt, a); }
KILN_SCALAR(FloorOp) { return simple<math::FloorOp>(b, loc, elt, a); }
KILN_SCALAR(CeilOp) { return simple<math::CeilOp>(b, loc, elt, a); }
KILN_SCALAR(RoundOp) { return simple<math::RoundEvenOp>(b, loc, elt, a); }
KILN_SCALAR(NotOp) {
  return arith::XOrIOp::create(b, loc, a[0], cst(b, loc, elt, 1));
}
KILN_SCALAR(SigmoidOp) { return sigmoidOf(b, loc, a[0]); }
KILN_SCALAR(ReluOp) {
  Value zero = cst(b, loc, elt, 0);
  if (isFloat(elt))
    return arith::MaximumFOp::create(b, loc, a[0], zero);
  return arith::MaxSIOp::create(b, loc, a[0], zero);
}
KILN_SCALAR(SeluOp) {
  const double alpha = 1.6732632423543772, scale = 1.0507009873554805;
  Value x = a[0];
  Value neg = arith::MulFOp::create(
      b, loc, cst(b, loc, elt, alpha * scale), math::ExpM1Op::create(b, loc, x));
  Value pos = arith::MulFOp::create(b, loc, cst(b, loc, elt, scale), x);
  Value gt = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x,
                                   cst(b, loc, elt, 0.0));
  return arith::SelectOp::create(b, loc, gt, pos, neg);
}
KILN_SCALAR(SoftplusOp) { return softplusOf(b, loc, a[0]); }
KILN_SCALAR(SoftsignOp) {
  Value den = arith::AddFOp::create(b, loc, cst(b, loc, elt, 1.0),
                                    math::AbsFOp::create(b, loc, a[0]));
  return arith::DivFOp::create(b, loc, a[0], den);
}
KILN_SCALAR(SiluOp) {
  return arith::MulFOp::create(b, loc, a[0], sigmoidOf(b, loc, a[0]));
}
KILN_SCALAR(LeakyReluOp) {
  Value x = a[0];
  Value scaled = arith::MulFOp::create(
      b, loc, cst(b, loc, elt, op.getAlpha().convertToDouble()), x);
  Value ge = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, x,
                                   cst(b, loc, elt, 0.0));
  return arith::SelectOp::create(b, loc, ge, x, scaled);
}
KILN_SCALAR(EluOp) {
  Value x = a[0];
  Value neg = arith::MulFOp::create(
      b, loc, cst(b, loc, elt, op.getAlpha().convertToDouble()),
      math::ExpM1Op::create(b, loc, x));
  Value gt = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x,
                                   cst(b, loc, elt, 0.0));
  return arith::SelectOp::create(b, loc, gt, x, neg);
}
KILN_SCALAR(GeluOp) {
  Value x = a[0];
  Value half = arith::MulFOp::create(b, loc, cst(b, loc, elt, 0.5), x);
  Value inner;
  if (op.getApproximate()) {
    // tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))
    Value x3 = arith::MulFOp::create(b, loc, x, arith::MulFOp::create(b, loc, x, x));
    Value poly = arith::AddFOp::create(
        b, loc, x, arith::MulFOp::create(b, loc, cst(b, loc, elt, 0.044715), x3));
    inner = math::TanhOp::create(
        b, loc,
        arith::MulFOp::create(b, loc, cst(b, loc, elt, std::sqrt(2.0 / M_PI)),
                              poly));
  } else {
    inner = math::ErfOp::create(
        b, loc, arith::MulFOp::create(b, loc, x, cst(b, loc, elt, M_SQRT1_2)));
  }
  return arith::MulFOp::create(
      b, loc, half, arith::AddFOp::create(b, loc, cst(b, loc, elt, 1.0), inner));
}
KILN_SCALAR(HardSigmoidOp) {
  Value lin = arith::AddFOp::create(
      b, loc,
      arith::MulFOp::create(
          b, loc, cst(b, loc, elt, op.getAlpha().convertToDouble()), a[0]),
      cst(b, loc, elt, op.getBeta().convertToDouble()));
  return clampScalar(b, loc, lin, 0.0, 1.0);
}
KILN_SCALAR(ClampOp) {
  auto toOpt = [](std::optional<APFloat> v) -> std::optional<double> {
    if (!v)
      return std::nullopt;
    return v->convertToDouble();
  };
  return clampScalar(b, loc, a[0], toOpt(op.getMin()), toOpt(op.getMax()));
}
KILN_SCALAR(CastOp) { return convertScalar(b, loc, a[0], elt); }
KILN_SCALAR(SigmoidCrossEntropyOp) {
  // max(x, 0) - x * z + log1p(exp(-|x|))
  Value x = a[0], z = a[1];
  Value pos = arith::MaximumFOp::create(b, loc, x, cst(b, loc, elt, 0.0));
  Value xz = arith::MulFOp::create(b, loc, x, z);
  Value negAbs = arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, x));
  Value l = math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, negAbs));
  return arith::AddFOp::create(b, loc, arith::SubFOp::create(b, loc, pos, xz), l);
}

#undef KILN_SCALAR

//===----------------------------------------------------------------------===//
// The pattern
//===----------------------------------------------------------------------===//

template <typename OpTy>
struct ElementwiseToGeneric : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<OpTy>::OpAdaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "expected a ranked result");
    Type elt = resultType.getElementType();
    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType, adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange scalars) {
          return buildScalar<OpTy>(b, loc, op, elt, scalars);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

template <typename... OpTys>
void addElementwise(TypeConverter &converter, RewritePatternSet &patterns) {
  (patterns.add<ElementwiseToGeneric<OpTys>>(converter, patterns.getContext()),
   ...);
}

} // namespace

void populateElementwiseToLinalgPatterns(TypeConverter &converter,
                                         RewritePatternSet &patterns) {
  addElementwise<AddOp, SubOp, MulOp, DivOp, PowOp, MaximumOp, MinimumOp, AndOp,
                 OrOp, XorOp, CompareOp, SelectOp, NegOp, AbsOp, SignOp, ExpOp,
                 LogOp, SqrtOp, RsqrtOp, ReciprocalOp, TanhOp, SinOp, CosOp,
                 ErfOp, FloorOp, CeilOp, RoundOp, NotOp, SigmoidOp, ReluOp,
                 SeluOp, SoftplusOp, SoftsignOp, SiluOp, LeakyReluOp, EluOp,
                 GeluOp, HardSigmoidOp, ClampOp, CastOp,
                 SigmoidCrossEntropyOp>(converter, patterns);
}

} // namespace kiln
