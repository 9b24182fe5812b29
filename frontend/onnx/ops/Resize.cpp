//===- Resize.cpp - ONNX resize ops --------------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Resize (opsets 11-17): nearest, linear and cubic, every coordinate
// transformation mode, built one axis at a time from gathers whose indices
// and weights are computed at compile time, as ONNX's reference
// implementation does.
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/ops/Common.h"

#include <cmath>
#include <numeric>

using namespace mlir;

namespace kiln::onnx_detail {
namespace {

/// The taps of one resized axis: for each output position, input indices
/// (clamped: edge padding) and their weights, as ONNX's reference computes
/// them; `outside` marks positions that tf_crop_and_resize extrapolates.
struct ResizeTaps {
  std::vector<std::vector<int64_t>> index; // [tap][output]
  std::vector<std::vector<double>> weight; // [tap][output]
  std::vector<double> outside;             // [output]: 1 where extrapolated
};

struct ResizeMode {
  std::string mode, transform, nearest;
  double cubicA;
  bool excludeOutside;
};

std::vector<double> resizeCoeffs(const ResizeMode &m, double ratio) {
  if (m.mode == "nearest") {
    if (ratio == std::floor(ratio))
      return {0, 1};
    if (m.nearest == "round_prefer_ceil")
      return {ratio < 0.5 ? 1.0 : 0.0, ratio >= 0.5 ? 1.0 : 0.0};
    if (m.nearest == "floor")
      return {1, 0};
    if (m.nearest == "ceil")
      return {0, 1};
    return {ratio <= 0.5 ? 1.0 : 0.0, ratio > 0.5 ? 1.0 : 0.0}; // round_prefer_floor
  }
  if (m.mode == "linear")
    return {1 - ratio, ratio};
  double a = m.cubicA, r = ratio, q = 1 - ratio; // Keys' cubic convolution
  return {((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
          ((a + 2) * r - (a + 3)) * r * r + 1,
          ((a + 2) * q - (a + 3)) * q * q + 1,
          ((a * (q + 1) - 5 * a) * (q + 1) + 8 * a) * (q + 1) - 4 * a};
}

ResizeTaps resizeTaps(const ResizeMode &m, int64_t in, int64_t out, double scale,
                      double roiStart, double roiEnd) {
  ResizeTaps taps;
  double outWidth = scale * static_cast<double>(in);
  for (int64_t x = 0; x < out; ++x) {
    double xd = static_cast<double>(x), orig;
    const std::string &t = m.transform;
    if (t == "align_corners")
      orig = outWidth == 1 ? 0 : xd * (in - 1) / (outWidth - 1);
    else if (t == "asymmetric")
      orig = xd / scale;
    else if (t == "tf_crop_and_resize")
      orig = (outWidth == 1 ? (roiEnd - roiStart) * (in - 1) / 2
                            : xd * (roiEnd - roiStart) * (in - 1) / (outWidth - 1)) +
             roiStart * (in - 1);
    else if (t == "pytorch_half_pixel")
      orig = outWidth == 1 ? -0.5 : (xd + 0.5) / scale - 0.5;
    else if (t == "tf_half_pixel_for_nn")
      orig = (xd + 0.5) / scale;
    else // half_pixel
      orig = (xd + 0.5) / scale - 0.5;
    double ratio = orig - std::floor(orig);
    std::vector<double> coeffs = resizeCoeffs(m, ratio == 0 ? 1 : ratio);
    auto n = static_cast<int64_t>(coeffs.size());
    if (taps.index.empty()) {
      taps.index.assign(n, {});
      taps.weight.assign(n, {});
    }
    bool outside = t == "tf_crop_and_resize" && (orig < 0 || orig > in - 1);
    taps.outside.push_back(outside ? 1 : 0);
    // The n positions nearest to orig in the edge-padded input (ties to the
    // smaller), as the reference picks them.
    int64_t pad = std::max<int64_t>(n / 2, 1);
    double xp = orig + pad;
    int64_t first = static_cast<int64_t>(std::ceil(xp)) - n / 2;
    first = std::clamp<int64_t>(first, 0, in + 2 * pad - n);
    double sum = 0;
    for (int64_t k = 0; k < n; ++k) {
      int64_t idx = first + k - pad;
      if (m.excludeOutside && (idx < 0 || idx >= in))
        coeffs[k] = 0;
      sum += coeffs[k];
    }
    for (int64_t k = 0; k < n; ++k) {
      int64_t idx = first + k - pad;
      double w = outside ? 0 : coeffs[k];
      if (m.excludeOutside && sum != 0)
        w /= sum;
      taps.index[k].push_back(std::clamp<int64_t>(idx, 0, in - 1));
      taps.weight[k].push_back(w);
    }
  }
  return taps;
}

/// Resize (opsets 11-17): separable, one axis at a time; each tap is a
/// gather along the axis with indices and weights computed at compile time.
LogicalResult resize(NodeContext &c) {
  if (failed(needInputs(c, 1)))
    return failure();
  auto t = c.typeOf(0);
  int64_t r = t.getRank();
  ResizeMode m{c.attrString("mode", "nearest"),
               c.attrString("coordinate_transformation_mode", "half_pixel"),
               c.attrString("nearest_mode", "round_prefer_floor"),
               c.attrFloat("cubic_coeff_a", -0.75), c.attrInt("exclude_outside", 0) != 0};
  if (m.mode != "nearest" && m.mode != "linear" && m.mode != "cubic")
    return c.fail("unknown mode '" + m.mode + "'");
  static const char *const transforms[] = {
      "half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
      "tf_half_pixel_for_nn", "tf_crop_and_resize"};
  if (!llvm::is_contained(transforms, m.transform))
    return c.fail("unknown coordinate_transformation_mode '" + m.transform + "'");
  if (m.mode != "nearest" && !isa<FloatType>(t.getElementType()))
    return c.fail(m.mode + " interpolation needs a floating-point input");
  // A tensor input: known values, none (absent or empty), or unknown.
  auto values = [&](int i, std::vector<double> &v) -> LogicalResult {
    v.clear();
    if (!c.has(i))
      return success();
    if (DenseElementsAttr k = c.known(i)) {
      v = toDoubles(k);
      return success();
    }
    auto it = c.typeOf(i);
    if (it && it.hasStaticShape() && it.getNumElements() == 0)
      return success();
    return failure();
  };
  std::vector<double> roi, scales, sizes;
  if (failed(values(1, roi)) && m.transform == "tf_crop_and_resize")
    return c.fail("roi must be known at compile time");
  if (failed(values(2, scales)))
    return c.fail("scales must be known at compile time (with sizes, the "
                  "declared output shape is enough)");
  if (failed(values(3, sizes))) {
    auto d = c.declared(0);
    if (!d)
      return c.fail("sizes must be known at compile time (or the output shape declared)");
    sizes.assign(d->begin(), d->end());
  }
  if (scales.empty() == sizes.empty())
    return c.fail("needs exactly one of scales and sizes");
  if (static_cast<int64_t>(std::max(scales.size(), sizes.size())) != r ||
      (!roi.empty() && static_cast<int64_t>(roi.size()) != 2 * r))
    return c.fail("scales, sizes and roi need one entry per dimension (roi two)");
  Value y = c.in(0);
  Type elt = t.getElementType();
  for (int64_t a = 0; a < r; ++a) {
    int64_t in = t.getDimSize(a);
    double scale = scales.empty() ? 0 : scales[a];
    if (ShapedType::isDynamic(in)) {
      if (scale == 1 && m.transform != "tf_crop_and_resize")
        continue;
      return c.fail("dimension " + Twine(a) + " is dynamic: only a scale of 1 "
                    "(not sizes, nor a roi) leaves it as it is");
    }
    int64_t out = sizes.empty() ? static_cast<int64_t>(std::floor(in * scale))
                                : static_cast<int64_t>(sizes[a]);
    if (!sizes.empty())
      scale = static_cast<double>(out) / static_cast<double>(in);
    if (out < 1 || scale <= 0 || in < 1)
      return c.fail("dimension " + Twine(a) + " of size " + Twine(in) +
                    " cannot be resized to " + Twine(out));
    bool crop = m.transform == "tf_crop_and_resize";
    if (out == in && scale == 1 && !crop)
      continue; // this axis is kept as it is
    ResizeTaps taps = resizeTaps(m, in, out, scale, roi.empty() ? 0 : roi[a],
                                 roi.empty() ? 1 : roi[r + a]);
    SmallVector<int64_t> along(r, 1);
    along[a] = out;
    auto indexConst = [&](const std::vector<int64_t> &idx) -> Value {
      std::vector<double> v(idx.begin(), idx.end());
      return ConstantOp::create(c.b, c.loc, makeAttr(RankedTensorType::get({out}, c.b.getI64Type()), v));
    };
    auto weightConst = [&](const std::vector<double> &w) -> Value {
      return ConstantOp::create(c.b, c.loc, makeAttr(RankedTensorType::get(along, elt), w));
    };
    bool extrapolates = llvm::is_contained(taps.outside, 1.0);
    Value sum;
    if (m.mode == "nearest" && !extrapolates) {
      // One tap: the neighbor whose weight is 1.
      std::vector<int64_t> chosen;
      for (int64_t x = 0; x < out; ++x)
        chosen.push_back(taps.weight[0][x] != 0 ? taps.index[0][x] : taps.index[1][x]);
      sum = mk<GatherOp>(c, y, indexConst(chosen), c.b.getI64IntegerAttr(a));
    } else {
      for (size_t k = 0; k < taps.index.size(); ++k) {
        if (llvm::all_of(taps.weight[k], [](double w) { return w == 0; }))
          continue;
        Value tap = mk<MulOp>(c, mk<GatherOp>(c, y, indexConst(taps.index[k]),
                                              c.b.getI64IntegerAttr(a)),
                              weightConst(taps.weight[k]));
        sum = sum ? mk<AddOp>(c, sum, tap) : tap;
      }
      if (extrapolates) {
        std::vector<double> fill;
        for (double o : taps.outside)
          fill.push_back(o * c.attrFloat("extrapolation_value", 0));
        sum = sum ? mk<AddOp>(c, sum, weightConst(fill)) : Value();
      }
    }
    if (!sum)
      return doneValue(c, sum);
    y = sum;
  }
  return doneValue(c, y);
}

} // namespace

ArrayRef<OpEntry> resizeOps() {
  static const OpEntry ops[] = {
    {"Resize", 11, 17, resize, "nearest, linear, cubic; every coordinate mode; scales, sizes and roi known (or the output shape declared, with sizes)"},
  };
  return ops;
}

} // namespace kiln::onnx_detail
