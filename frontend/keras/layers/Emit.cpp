//===- Emit.cpp - helpers for emitting kiln ops from layers ---------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "frontend/keras/layers/Emit.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

using namespace mlir;

namespace kiln::keras_detail {

Type elementType(MLIRContext *ctx, DType dtype) {
  Builder b(ctx);
  switch (dtype) {
  case DType::Float32: return b.getF32Type();
  case DType::Float64: return b.getF64Type();
  case DType::Float16: return b.getF16Type();
  case DType::BFloat16: return b.getBF16Type();
  case DType::Int32: return b.getI32Type();
  case DType::Int64: return b.getI64Type();
  case DType::Bool: return b.getI1Type();
  }
  return b.getF32Type();
}

Value scalar(OpBuilder &b, Location loc, Type elt, double value) {
  return constant(b, loc, {}, {value}, elt);
}

Value constant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
               ArrayRef<double> values, Type elt) {
  auto type = RankedTensorType::get(shape, elt);
  DenseElementsAttr attr;
  if (elt.isF32()) {
    SmallVector<float> v(values.begin(), values.end());
    attr = DenseElementsAttr::get(type, ArrayRef<float>(v));
  } else if (elt.isF64()) {
    attr = DenseElementsAttr::get(type, values);
  } else if (auto ft = dyn_cast<FloatType>(elt)) {
    SmallVector<APFloat> v;
    for (double d : values) {
      APFloat f(d);
      bool lost;
      f.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      v.push_back(f);
    }
    attr = DenseElementsAttr::get(type, v);
  } else {
    unsigned w = elt.getIntOrFloatBitWidth();
    SmallVector<APInt> v;
    for (double d : values)
      v.push_back(APInt(w, static_cast<int64_t>(d), /*isSigned=*/true));
    attr = DenseElementsAttr::get(type, v);
  }
  return ConstantOp::create(b, loc, attr);
}

SmallVector<int64_t> toKiln(const Shape &shape) {
  SmallVector<int64_t> out;
  for (int64_t d : shape)
    out.push_back(d < 0 ? ShapedType::kDynamic : d);
  return out;
}

Shape fromKiln(ArrayRef<int64_t> shape) {
  Shape out;
  for (int64_t d : shape)
    out.push_back(ShapedType::isDynamic(d) ? -1 : d);
  return out;
}

Shape inferShape(const Layer &layer,
                 const std::function<LogicalResult(std::optional<Location>,
                                                   DimVector &)> &rule) {
  DimVector result;
  runShapeRule(layer, [&](std::optional<Location> loc) {
    result.clear();
    return rule(loc, result);
  });
  return fromKiln(result);
}

std::vector<int64_t> perDim(const Layer &layer, const char *what,
                            std::vector<int64_t> v, int rank, int64_t dflt) {
  if (v.empty())
    return std::vector<int64_t>(rank, dflt);
  if (v.size() == 1)
    v.assign(rank, v[0]);
  if (static_cast<int>(v.size()) != rank)
    layer.fail(std::string(what) + " needs " + std::to_string(rank) +
               " values, got " + std::to_string(v.size()));
  for (int64_t x : v)
    if (x < 1)
      layer.fail(std::string(what) + " values must be positive");
  return v;
}

kiln::WindowParams windowParams(ArrayRef<int64_t> strides,
                                ArrayRef<int64_t> dilations,
                                ArrayRef<int64_t> padding) {
  kiln::WindowParams p;
  p.strides.assign(strides.begin(), strides.end());
  p.dilations.assign(dilations.begin(), dilations.end());
  p.padding.assign(padding.begin(), padding.end());
  return p;
}

void runShapeRule(const Layer &layer,
                  const std::function<LogicalResult(std::optional<Location>)>
                      &rule) {
  // Rules are pure: check without a location first, and only on failure
  // rerun on a private context to capture the message for the error.
  if (succeeded(rule(std::nullopt)))
    return;
  MLIRContext ctx;
  std::string message;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &diag) {
    if (message.empty())
      message = diag.str();
    return success();
  });
  if (failed(rule(UnknownLoc::get(&ctx))))
    layer.fail(message.empty() ? "invalid input shapes" : message);
}

int64_t normalizeAxisOrFail(const Layer &layer, int64_t axis, int64_t rank) {
  int64_t out = 0;
  runShapeRule(layer, [&](std::optional<Location> loc) {
    return normalizeAxis(loc, axis, rank, out);
  });
  return out;
}

std::vector<int64_t> explicitPadding(const Layer &layer,
                                     const std::string &padding,
                                     const Shape &spatialIn,
                                     const std::vector<int64_t> &window,
                                     const std::vector<int64_t> &strides,
                                     const std::vector<int64_t> &dilations) {
  std::vector<int64_t> pads;
  for (size_t i = 0; i < window.size(); ++i) {
    int64_t span = dilations[i] * (window[i] - 1);
    if (padding == "valid") {
      pads.insert(pads.end(), {0, 0});
    } else if (padding == "causal") {
      pads.insert(pads.end(), {span, 0});
    } else if (padding == "same") {
      if (spatialIn[i] < 0)
        layer.fail("'same' padding needs a known spatial size, got " +
                   formatShape(spatialIn));
      auto [lo, hi] = samePadding(spatialIn[i], window[i], strides[i],
                                  dilations[i]);
      pads.insert(pads.end(), {lo, hi});
    } else {
      layer.fail("unknown padding '" + padding +
                 "' (expected 'valid', 'same' or 'causal')");
    }
  }
  return pads;
}

Value withKerasMask(OpBuilder &b, Location loc, Value x, Value mask,
                    Value onFalse) {
  auto select = SelectOp::create(b, loc, mask, x, onFalse ? onFalse : x);
  select->setAttr(kKerasMaskAttr, b.getUnitAttr());
  return select;
}

Value kerasMaskOf(Value v) {
  auto select = v.getDefiningOp<SelectOp>();
  if (!select || !select->hasAttr(kKerasMaskAttr))
    return Value();
  return select.getCondition();
}

} // namespace kiln::keras_detail
