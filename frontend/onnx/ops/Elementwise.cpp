//===- Elementwise.cpp - ONNX elementwise ops ----------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Elementwise ops: unary math and activations, broadcasting binary ops and
// comparisons, variadic Max/Min/Mean/Sum, Clip, Where, and compositions of
// kiln ops for the math ops the dialect has no single op for (Tan, Sinh,
// Selu, HardSwish, ...), PRelu, CastLike, Pow, Mod.
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/ops/Common.h"

#include <cmath>
#include <numeric>

using namespace mlir;

namespace kiln::onnx_detail {
namespace {

/// An op of one input and no attributes.
template <typename OpT> LogicalResult unaryOp(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  return done(c, c.make<OpT>(c.in(0)));
}

/// LeakyRelu and Elu: one `alpha` attribute.
template <typename OpT, int DefaultAlphaPercent>
LogicalResult alphaOp(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  return done(c, c.make<OpT>(c.in(0), c.b.getF64FloatAttr(c.attrFloat(
                                          "alpha", DefaultAlphaPercent / 100.0))));
}

LogicalResult hardSigmoid(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  return done(c, c.make<HardSigmoidOp>(c.in(0),
                                       c.b.getF64FloatAttr(c.attrFloat("alpha", 0.2)),
                                       c.b.getF64FloatAttr(c.attrFloat("beta", 0.5))));
}

double fAdd(double a, double b) { return a + b; }
double fSub(double a, double b) { return a - b; }
double fMul(double a, double b) { return a * b; }
double fDiv(double a, double b) { return b != 0 ? a / b : 0; }

/// A broadcasting op of two inputs; with `Fold`, known inputs fold on the
/// host (shape arithmetic).
template <typename OpT, double (*Fold)(double, double) = nullptr>
LogicalResult binaryOp(NodeContext &c) {
  if (!c.has(0) || !c.has(1))
    return c.fail("needs two inputs");
  if constexpr (Fold != nullptr)
    if (DenseElementsAttr k = foldBinary(c.known(0), c.known(1), Fold)) {
      c.outKnown(0, k);
      return success();
    }
  return done(c, c.make<OpT>(c.in(0), c.in(1)));
}

template <CompareDirection D> LogicalResult compareOp(NodeContext &c) {
  if (!c.has(0) || !c.has(1))
    return c.fail("needs two inputs");
  return done(c, c.make<CompareOp>(CompareDirectionAttr::get(c.b.getContext(), D),
                                   c.in(0), c.in(1)));
}

/// Max, Min, Sum, Mean over any number of inputs.
LogicalResult variadic(NodeContext &c) {
  if (!c.has(0))
    return c.fail("needs at least one input");
  StringRef op = c.node.op_type();
  V acc = c.in(0);
  int n = c.node.input_size();
  for (int i = 1; i < n && succeeded(acc); ++i) {
    Value r = c.in(i);
    if (op == "Max")
      acc = c.make<MaximumOp>(*acc, r);
    else if (op == "Min")
      acc = c.make<MinimumOp>(*acc, r);
    else
      acc = c.make<AddOp>(*acc, r);
  }
  if (succeeded(acc) && op == "Mean")
    acc = c.make<DivOp>(*acc, scalarLike(c, *acc, n));
  return done(c, acc);
}

/// Clip whose bounds are tensors computed at run time.
LogicalResult clipRuntime(NodeContext &c) {
  Value x = c.in(0);
  if (c.has(1))
    x = mk<MaximumOp>(c, x, c.in(1));
  if (c.has(2))
    x = mk<MinimumOp>(c, x, c.in(2));
  return doneValue(c, x);
}

LogicalResult clip(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  std::optional<double> lo, hi;
  if (c.opset < 11) {
    if (c.attr("min"))
      lo = c.attrFloat("min", 0);
    if (c.attr("max"))
      hi = c.attrFloat("max", 0);
  } else {
    for (int i : {1, 2}) {
      if (!c.has(i))
        continue;
      DenseElementsAttr k = c.known(i);
      if (!k || k.getNumElements() != 1)
        return clipRuntime(c);
      (i == 1 ? lo : hi) = toDoubles(k)[0];
    }
  }
  return done(c, c.make<ClampOp>(c.in(0), lo ? c.b.getF64FloatAttr(*lo) : FloatAttr(),
                                 hi ? c.b.getF64FloatAttr(*hi) : FloatAttr()));
}

LogicalResult where(NodeContext &c) {
  if (failed(needInputs(c, 3)))
    return failure();
  return done(c, c.make<SelectOp>(c.in(0), c.in(1), c.in(2)));
}

/// A float formula of one input, `F(c, x)`.
template <Value (*F)(NodeContext &, Value)> LogicalResult formulaOp(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  if (!isa<FloatType>(c.typeOf(0).getElementType()))
    return c.fail("needs a floating-point input");
  return doneValue(c, F(c, c.in(0)));
}

Value fTan(NodeContext &c, Value x) { return mk<DivOp>(c, mk<SinOp>(c, x), mk<CosOp>(c, x)); }
Value halfExps(NodeContext &c, Value x, bool plus) {
  Value e = mk<ExpOp>(c, x), f = mk<ExpOp>(c, mk<NegOp>(c, x));
  Value s = plus ? mk<AddOp>(c, e, f) : mk<SubOp>(c, e, f);
  return s ? mk<MulOp>(c, s, scalarLike(c, x, 0.5)) : Value();
}
Value fSinh(NodeContext &c, Value x) { return halfExps(c, x, false); }
Value fCosh(NodeContext &c, Value x) { return halfExps(c, x, true); }
Value logOfRoot(NodeContext &c, Value x, double k) { // log(x + sqrt(x*x + k))
  Value sq = mk<AddOp>(c, mk<MulOp>(c, x, x), scalarLike(c, x, k));
  return mk<LogOp>(c, mk<AddOp>(c, x, mk<SqrtOp>(c, sq)));
}
Value fAsinh(NodeContext &c, Value x) { return logOfRoot(c, x, 1); }
Value fAcosh(NodeContext &c, Value x) { return logOfRoot(c, x, -1); }
Value fAtanh(NodeContext &c, Value x) {
  Value one = scalarLike(c, x, 1);
  Value ratio = mk<DivOp>(c, mk<AddOp>(c, one, x), mk<SubOp>(c, one, x));
  return mk<MulOp>(c, mk<LogOp>(c, ratio), scalarLike(c, x, 0.5));
}
Value fSelu(NodeContext &c, Value x) {
  double alpha = c.attrFloat("alpha", 1.67326319217681884765625);
  double gamma = c.attrFloat("gamma", 1.05070102214813232421875);
  Value neg = mk<MulOp>(c, mk<SubOp>(c, mk<ExpOp>(c, x), scalarLike(c, x, 1)),
                        scalarLike(c, x, alpha));
  Value v = mk<SelectOp>(c, cmp(c, CompareDirection::gt, x, scalarLike(c, x, 0)), x, neg);
  return mk<MulOp>(c, v, scalarLike(c, x, gamma));
}
Value fThresholdedRelu(NodeContext &c, Value x) {
  Value alpha = scalarLike(c, x, c.attrFloat("alpha", 1.0));
  return mk<SelectOp>(c, cmp(c, CompareDirection::gt, x, alpha), x, scalarLike(c, x, 0));
}
Value fShrink(NodeContext &c, Value x) {
  double lambd = c.attrFloat("lambd", 0.5), bias = c.attrFloat("bias", 0.0);
  Value up = mk<SubOp>(c, x, scalarLike(c, x, bias));
  Value down = mk<AddOp>(c, x, scalarLike(c, x, bias));
  Value inner = mk<SelectOp>(c, cmp(c, CompareDirection::gt, x, scalarLike(c, x, lambd)),
                             up, scalarLike(c, x, 0));
  return mk<SelectOp>(c, cmp(c, CompareDirection::lt, x, scalarLike(c, x, -lambd)),
                      down, inner);
}
Value fHardSwish(NodeContext &c, Value x) {
  return mk<MulOp>(c, x, mk<HardSigmoidOp>(c, x, c.b.getF64FloatAttr(1.0 / 6),
                                           c.b.getF64FloatAttr(0.5)));
}
Value fCelu(NodeContext &c, Value x) {
  double alpha = c.attrFloat("alpha", 1.0);
  Value e = mk<ExpOp>(c, mk<DivOp>(c, x, scalarLike(c, x, alpha)));
  Value neg = mk<MulOp>(c, mk<SubOp>(c, e, scalarLike(c, x, 1)), scalarLike(c, x, alpha));
  Value zero = scalarLike(c, x, 0);
  return mk<AddOp>(c, mk<MaximumOp>(c, x, zero), mk<MinimumOp>(c, neg, zero));
}
Value fIsNaN(NodeContext &c, Value x) { return cmp(c, CompareDirection::ne, x, x); }
Value fIsInf(NodeContext &c, Value x) {
  bool pos = c.attrInt("detect_positive", 1) != 0, neg = c.attrInt("detect_negative", 1) != 0;
  Value p = cmp(c, CompareDirection::eq, x, scalarLike(c, x, INFINITY));
  Value n = cmp(c, CompareDirection::eq, x, scalarLike(c, x, -INFINITY));
  if (pos && neg)
    return mk<OrOp>(c, p, n);
  if (pos)
    return p;
  if (neg)
    return n;
  return mk<AndOp>(c, p, n); // never both: all false
}

LogicalResult prelu(NodeContext &c) {
  if (failed(needInputs(c, 2)))
    return failure();
  Value x = c.in(0);
  Value scaled = mk<MulOp>(c, x, c.in(1));
  return doneValue(c, mk<SelectOp>(c, cmp(c, CompareDirection::lt, x, scalarLike(c, x, 0)),
                                   scaled, x));
}

LogicalResult castLike(NodeContext &c) {
  if (failed(needInputs(c, 2)) || !c.typeOf(1))
    return c.imp.error.empty() ? c.fail("needs two ranked inputs") : failure();
  return doneValue(c, castElements(c, c.in(0), c.typeOf(1).getElementType()));
}

/// Pow of any numeric types: integers go through f64; the result has the
/// base's type.
LogicalResult pow(NodeContext &c) {
  if (failed(needInputs(c, 2)) || !c.typeOf(1))
    return c.imp.error.empty() ? c.fail("needs two ranked inputs") : failure();
  Type base = c.typeOf(0).getElementType(), exp = c.typeOf(1).getElementType();
  if (isa<FloatType>(base) && base == exp)
    return done(c, c.make<PowOp>(c.in(0), c.in(1)));
  Type work = isa<FloatType>(base) ? base : c.b.getF64Type();
  Value r = mk<PowOp>(c, castElements(c, c.in(0), work), castElements(c, c.in(1), work));
  return doneValue(c, castElements(c, r, base));
}

/// Mod: fmod = 1 takes the dividend's sign (C fmod), fmod = 0 the divisor's
/// (Python); computed in f64 for integers.
LogicalResult mod(NodeContext &c) {
  if (failed(needInputs(c, 2)))
    return failure();
  Type elt = c.typeOf(0).getElementType();
  bool fmod = c.attrInt("fmod", 0) != 0;
  if (isa<FloatType>(elt) && !fmod)
    return c.fail("fmod = 0 needs integer inputs");
  Type work = isa<FloatType>(elt) ? elt : c.b.getF64Type();
  Value a = castElements(c, c.in(0), work), b = castElements(c, c.in(1), work);
  Value q = mk<DivOp>(c, a, b);
  Value zero = scalarLike(c, a, 0);
  Value qi = fmod ? mk<SelectOp>(c, cmp(c, CompareDirection::lt, q, zero), mk<CeilOp>(c, q),
                                 mk<FloorOp>(c, q))
                  : mk<FloorOp>(c, q);
  Value r = mk<SubOp>(c, a, mk<MulOp>(c, qi, b));
  return doneValue(c, castElements(c, r, elt));
}

} // namespace

ArrayRef<OpEntry> elementwiseOps() {
  static const OpEntry ops[] = {
    {"Abs", 1, 17, unaryOp<AbsOp>, ""},
    {"Acosh", 9, 17, formulaOp<fAcosh>, "log(x + sqrt(x^2 - 1))"},
    {"Asinh", 9, 17, formulaOp<fAsinh>, "log(x + sqrt(x^2 + 1))"},
    {"Atanh", 9, 17, formulaOp<fAtanh>, ""},
    {"Celu", 12, 17, formulaOp<fCelu>, ""},
    {"Cosh", 9, 17, formulaOp<fCosh>, ""},
    {"HardSwish", 14, 17, formulaOp<fHardSwish>, ""},
    {"IsInf", 10, 17, formulaOp<fIsInf>, ""},
    {"IsNaN", 9, 17, formulaOp<fIsNaN>, ""},
    {"PRelu", 7, 17, prelu, "slope broadcasts (NumPy)"},
    {"Round", 11, 17, unaryOp<RoundOp>, "halves to even"},
    {"Selu", 1, 17, formulaOp<fSelu>, ""},
    {"Shrink", 9, 17, formulaOp<fShrink>, "floating-point inputs"},
    {"Sinh", 9, 17, formulaOp<fSinh>, ""},
    {"Tan", 7, 17, formulaOp<fTan>, ""},
    {"ThresholdedRelu", 10, 17, formulaOp<fThresholdedRelu>, ""},
    {"Add", 7, 17, (binaryOp<AddOp, fAdd>), "NumPy broadcasting"},
    {"And", 7, 17, binaryOp<AndOp>, ""},
    {"Ceil", 1, 17, unaryOp<CeilOp>, ""},
    {"Clip", 1, 17, clip, "min/max constant"},
    {"Cos", 7, 17, unaryOp<CosOp>, ""},
    {"Div", 7, 17, (binaryOp<DivOp, fDiv>), ""},
    {"Elu", 1, 17, (alphaOp<EluOp, 100>), ""},
    {"Equal", 7, 17, compareOp<CompareDirection::eq>, ""},
    {"Erf", 9, 17, unaryOp<ErfOp>, ""},
    {"Exp", 1, 17, unaryOp<ExpOp>, ""},
    {"Floor", 1, 17, unaryOp<FloorOp>, ""},
    {"Greater", 7, 17, compareOp<CompareDirection::gt>, ""},
    {"GreaterOrEqual", 12, 17, compareOp<CompareDirection::ge>, ""},
    {"HardSigmoid", 1, 17, hardSigmoid, ""},
    {"LeakyRelu", 1, 17, (alphaOp<LeakyReluOp, 1>), ""},
    {"Less", 7, 17, compareOp<CompareDirection::lt>, ""},
    {"LessOrEqual", 12, 17, compareOp<CompareDirection::le>, ""},
    {"Log", 1, 17, unaryOp<LogOp>, ""},
    {"Max", 1, 17, variadic, ""},
    {"Mean", 1, 17, variadic, ""},
    {"Min", 1, 17, variadic, ""},
    {"Mul", 7, 17, (binaryOp<MulOp, fMul>), ""},
    {"Neg", 1, 17, unaryOp<NegOp>, ""},
    {"Not", 1, 17, unaryOp<NotOp>, ""},
    {"Or", 7, 17, binaryOp<OrOp>, ""},
    {"Pow", 7, 17, pow, "integer types through f64"},
    {"Reciprocal", 1, 17, unaryOp<ReciprocalOp>, ""},
    {"Relu", 1, 17, unaryOp<ReluOp>, ""},
    {"Sigmoid", 1, 17, unaryOp<SigmoidOp>, ""},
    {"Sign", 9, 17, unaryOp<SignOp>, ""},
    {"Sin", 7, 17, unaryOp<SinOp>, ""},
    {"Softplus", 1, 17, unaryOp<SoftplusOp>, ""},
    {"Softsign", 1, 17, unaryOp<SoftsignOp>, ""},
    {"Sqrt", 1, 17, unaryOp<SqrtOp>, ""},
    {"Sub", 7, 17, (binaryOp<SubOp, fSub>), ""},
    {"Sum", 1, 17, variadic, ""},
    {"Tanh", 1, 17, unaryOp<TanhOp>, ""},
    {"Where", 9, 17, where, ""},
    {"Xor", 7, 17, binaryOp<XorOp>, ""},
    {"Mod", 10, 17, mod, ""},
    {"CastLike", 15, 17, castLike, ""},
  };
  return ops;
}

} // namespace kiln::onnx_detail
