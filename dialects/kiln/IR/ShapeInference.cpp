//===- ShapeInference.cpp - shared shape rules of the kiln dialect --------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Implements the shape rules declared in ShapeInference.h. These functions
// know nothing about ops: they take plain shapes and attribute values, so
// that the verifiers, type inference and the frontends share them.
//
//===----------------------------------------------------------------------===//

#include "dialects/kiln/IR/ShapeInference.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeRange.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallSet.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace kiln {

static constexpr int64_t kDyn = ShapedType::kDynamic;

/// Attribute sizes (strides, padding, window, target shapes) above this are
/// rejected, so that the rules' arithmetic cannot overflow int64.
static constexpr int64_t kMaxAttrValue = (int64_t(1) << 31) - 1;

std::string formatShape(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << '[';
  llvm::interleaveComma(shape, os, [&](int64_t d) {
    if (isDynamic(d))
      os << '?';
    else
      os << d;
  });
  os << ']';
  return s;
}

static std::string formatList(ArrayRef<int64_t> values) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << '[';
  llvm::interleaveComma(values, os);
  os << ']';
  return s;
}

bool isRefinableTo(TypeRange actual, TypeRange inferred) {
  if (actual.size() != inferred.size())
    return false;
  for (auto [a, i] : llvm::zip(actual, inferred)) {
    auto at = dyn_cast<RankedTensorType>(a);
    auto it = dyn_cast<RankedTensorType>(i);
    if (!at || !it) {
      if (a != i)
        return false;
      continue;
    }
    if (at.getElementType() != it.getElementType() ||
        at.getRank() != it.getRank())
      return false;
    for (auto [ad, id] : llvm::zip(at.getShape(), it.getShape()))
      if (!isDynamic(ad) && ad != id)
        return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Axes and attributes
//===----------------------------------------------------------------------===//

LogicalResult normalizeAxis(OptLoc loc, int64_t axis, int64_t rank,
                            int64_t &result) {
  if (axis < -rank || axis >= rank)
    return emitOptionalError(loc, "axis ", axis, " is out of range for rank ",
                             rank, " (expected [", -rank, ", ", rank, "))");
  result = axis < 0 ? axis + rank : axis;
  return success();
}

LogicalResult verifyAxis(OptLoc loc, int64_t axis, int64_t rank,
                         StringRef what) {
  if (axis < 0 || axis >= rank)
    return emitOptionalError(loc, what, " ", axis,
                             " is out of range for rank ", rank,
                             " (expected [0, ", rank, "))");
  return success();
}

LogicalResult verifyAxes(OptLoc loc, ArrayRef<int64_t> axes, int64_t rank,
                         StringRef what) {
  llvm::SmallSet<int64_t, 8> seen;
  for (int64_t axis : axes) {
    if (failed(verifyAxis(loc, axis, rank, what)))
      return failure();
    if (!seen.insert(axis).second)
      return emitOptionalError(loc, what, " ", formatList(axes),
                               " repeat axis ", axis);
  }
  return success();
}

LogicalResult getSpatialAttr(OptLoc loc, StringRef name,
                             std::optional<ArrayRef<int64_t>> attr,
                             int64_t count, int64_t dflt, int64_t minValue,
                             DimVector &result) {
  if (!attr) {
    result.assign(count, dflt);
    return success();
  }
  if (static_cast<int64_t>(attr->size()) != count)
    return emitOptionalError(loc, "expected ", count, " ", name,
                             " values (one per spatial dimension), got ",
                             attr->size());
  for (int64_t v : *attr)
    if (v < minValue || v > kMaxAttrValue)
      return emitOptionalError(loc, name, " ", formatList(*attr),
                               " must all be in [", minValue, ", ",
                               kMaxAttrValue, "]");
  result.assign(attr->begin(), attr->end());
  return success();
}

LogicalResult getPaddingAttr(OptLoc loc, StringRef name,
                             std::optional<ArrayRef<int64_t>> attr,
                             int64_t count, DimVector &result) {
  if (!attr) {
    result.assign(2 * count, 0);
    return success();
  }
  if (static_cast<int64_t>(attr->size()) != 2 * count)
    return emitOptionalError(loc, "expected ", 2 * count, " ", name,
                             " values (a low, high pair per spatial "
                             "dimension), got ",
                             attr->size());
  for (int64_t v : *attr)
    if (v < 0 || v > kMaxAttrValue)
      return emitOptionalError(loc, name, " ", formatList(*attr),
                               " must all be in [0, ", kMaxAttrValue, "]");
  result.assign(attr->begin(), attr->end());
  return success();
}

//===----------------------------------------------------------------------===//
// Broadcasting and contractions
//===----------------------------------------------------------------------===//

/// Merges two aligned dimensions under NumPy rules; false when they clash.
static bool broadcastDim(int64_t a, int64_t b, int64_t &result) {
  if (a == 1) {
    result = b;
  } else if (b == 1) {
    result = a;
  } else if (isDynamic(a)) {
    // A dynamic size meeting a static one must equal it (or be 1) at run
    // time; either way the result has the static size.
    result = b;
  } else if (isDynamic(b) || a == b) {
    result = a;
  } else {
    return false;
  }
  return true;
}

LogicalResult inferBroadcastShape(OptLoc loc, ArrayRef<ArrayRef<int64_t>> shapes,
                                  DimVector &result) {
  result.clear();
  for (ArrayRef<int64_t> shape : shapes) {
    DimVector merged;
    size_t rank = std::max(result.size(), shape.size());
    merged.resize(rank);
    for (size_t i = 0; i < rank; ++i) {
      // Align on the right: position i from the end of each shape.
      int64_t a = i < result.size() ? result[result.size() - 1 - i] : 1;
      int64_t b = i < shape.size() ? shape[shape.size() - 1 - i] : 1;
      if (!broadcastDim(a, b, merged[rank - 1 - i]))
        return emitOptionalError(
            loc, "shapes ", formatShape(result), " and ", formatShape(shape),
            " are not broadcast-compatible: dimension ", a, " vs ", b);
    }
    result = std::move(merged);
  }
  return success();
}

LogicalResult inferMatmulShape(OptLoc loc, ArrayRef<int64_t> lhs,
                               ArrayRef<int64_t> rhs, DimVector &result) {
  if (lhs.size() < 2 || rhs.size() < 2)
    return emitOptionalError(loc, "matmul operands must have rank 2 or more, "
                                  "got ",
                             formatShape(lhs), " and ", formatShape(rhs));
  int64_t k1 = lhs[lhs.size() - 1], k2 = rhs[rhs.size() - 2];
  if (!isDynamic(k1) && !isDynamic(k2) && k1 != k2)
    return emitOptionalError(loc, "contracting dimensions differ: lhs ",
                             formatShape(lhs), " has ", k1, ", rhs ",
                             formatShape(rhs), " has ", k2);
  if (failed(inferBroadcastShape(loc, {lhs.drop_back(2), rhs.drop_back(2)},
                                 result)))
    return failure();
  result.push_back(lhs[lhs.size() - 2]);
  result.push_back(rhs.back());
  return success();
}

//===----------------------------------------------------------------------===//
// Windows: convolution and pooling
//===----------------------------------------------------------------------===//

LogicalResult getWindowParams(OptLoc loc, int64_t spatialDims,
                              std::optional<ArrayRef<int64_t>> strides,
                              std::optional<ArrayRef<int64_t>> dilations,
                              std::optional<ArrayRef<int64_t>> padding,
                              WindowParams &result) {
  if (failed(getSpatialAttr(loc, "strides", strides, spatialDims, 1, 1,
                            result.strides)) ||
      failed(getSpatialAttr(loc, "dilations", dilations, spatialDims, 1, 1,
                            result.dilations)) ||
      failed(getPaddingAttr(loc, "padding", padding, spatialDims,
                            result.padding)))
    return failure();
  return success();
}

int64_t windowOutputSize(int64_t in, int64_t window, int64_t stride,
                         int64_t dilation, int64_t padLow, int64_t padHigh) {
  if (isDynamic(in) || isDynamic(window))
    return kDyn;
  int64_t span = dilation * (window - 1) + 1;
  int64_t padded = in + padLow + padHigh;
  if (padded < span)
    return 0;
  return (padded - span) / stride + 1;
}

std::pair<int64_t, int64_t> samePadding(int64_t in, int64_t window,
                                        int64_t stride, int64_t dilation) {
  int64_t out = (in + stride - 1) / stride;
  int64_t span = dilation * (window - 1) + 1;
  int64_t total = std::max<int64_t>((out - 1) * stride + span - in, 0);
  return {total / 2, total - total / 2};
}

LogicalResult verifyWindowedRank(OptLoc loc, ArrayRef<int64_t> input) {
  if (input.size() < 3 || input.size() > 5)
    return emitOptionalError(loc, "expected input of rank 3 to 5 ([batch, "
                                  "spatial..., channels]), got ",
                             formatShape(input));
  return success();
}

/// Computes the spatial output sizes of a window and reports an empty output.
static LogicalResult windowOutputs(OptLoc loc, ArrayRef<int64_t> input,
                                   ArrayRef<int64_t> window,
                                   const WindowParams &p, DimVector &result) {
  size_t spatial = input.size() - 2;
  for (size_t i = 0; i < spatial; ++i) {
    int64_t in = input[1 + i];
    int64_t out = windowOutputSize(in, window[i], p.strides[i], p.dilations[i],
                                   p.padding[2 * i], p.padding[2 * i + 1]);
    if (out == 0)
      return emitOptionalError(
          loc, "window of size ", window[i], " with dilation ",
          p.dilations[i], " does not fit spatial dimension ", i, " of size ",
          in, " with padding (", p.padding[2 * i], ", ", p.padding[2 * i + 1],
          ")");
    result.push_back(out);
  }
  return success();
}

/// Checks that a filter's spatial sizes are at least 1.
static LogicalResult verifyFilterWindow(OptLoc loc, ArrayRef<int64_t> filter) {
  for (int64_t k : filter.drop_back(2))
    if (k == 0)
      return emitOptionalError(loc, "filter ", formatShape(filter),
                               " has an empty spatial dimension");
  return success();
}

LogicalResult inferConvShape(OptLoc loc, ArrayRef<int64_t> input,
                             ArrayRef<int64_t> filter, const WindowParams &p,
                             int64_t groups, DimVector &result) {
  if (failed(verifyWindowedRank(loc, input)))
    return failure();
  if (filter.size() != input.size())
    return emitOptionalError(loc, "filter ", formatShape(filter),
                             " must have the input's rank ", input.size(),
                             " ([spatial..., in_channels / groups, "
                             "out_channels])");
  if (groups < 1 || groups > kMaxAttrValue)
    return emitOptionalError(loc, "groups must be in [1, ", kMaxAttrValue,
                             "], got ", groups);
  if (failed(verifyFilterWindow(loc, filter)))
    return failure();
  int64_t inC = input.back(), fIn = filter[filter.size() - 2],
          outC = filter.back();
  if (!isDynamic(inC) && !isDynamic(fIn) && inC != fIn * groups)
    return emitOptionalError(loc, "input has ", inC,
                             " channels but the filter expects ", fIn,
                             " x ", groups, " groups = ", fIn * groups);
  if (!isDynamic(outC) && outC % groups != 0)
    return emitOptionalError(loc, "output channels ", outC,
                             " are not divisible by groups ", groups);
  result.assign({input.front()});
  if (failed(windowOutputs(loc, input, filter.drop_back(2), p, result)))
    return failure();
  result.push_back(outC);
  return success();
}

LogicalResult inferConvTransposeShape(OptLoc loc, ArrayRef<int64_t> input,
                                      ArrayRef<int64_t> filter,
                                      const WindowParams &p,
                                      ArrayRef<int64_t> outputPadding,
                                      int64_t groups, DimVector &result) {
  if (failed(verifyWindowedRank(loc, input)))
    return failure();
  if (filter.size() != input.size())
    return emitOptionalError(loc, "filter ", formatShape(filter),
                             " must have the input's rank ", input.size(),
                             " ([spatial..., out_channels / groups, "
                             "in_channels])");
  if (groups < 1 || groups > kMaxAttrValue)
    return emitOptionalError(loc, "groups must be in [1, ", kMaxAttrValue,
                             "], got ", groups);
  if (failed(verifyFilterWindow(loc, filter)))
    return failure();
  int64_t inC = input.back(), fIn = filter.back(),
          fOut = filter[filter.size() - 2];
  if (!isDynamic(inC) && !isDynamic(fIn) && inC != fIn)
    return emitOptionalError(loc, "input has ", inC,
                             " channels but the filter expects ", fIn);
  if (!isDynamic(fIn) && fIn % groups != 0)
    return emitOptionalError(loc, "input channels ", fIn,
                             " are not divisible by groups ", groups);
  size_t spatial = input.size() - 2;
  result.assign({input.front()});
  for (size_t i = 0; i < spatial; ++i) {
    if (outputPadding[i] >= std::max(p.strides[i], p.dilations[i]))
      return emitOptionalError(loc, "output_padding ", outputPadding[i],
                               " must be smaller than the stride ",
                               p.strides[i], " or the dilation ",
                               p.dilations[i]);
    int64_t in = input[1 + i], k = filter[i];
    if (isDynamic(in) || isDynamic(k)) {
      result.push_back(kDyn);
      continue;
    }
    int64_t out = (in - 1) * p.strides[i] + p.dilations[i] * (k - 1) + 1 -
                  p.padding[2 * i] - p.padding[2 * i + 1] + outputPadding[i];
    if (out <= 0)
      return emitOptionalError(loc, "padding (", p.padding[2 * i], ", ",
                               p.padding[2 * i + 1],
                               ") leaves no output in spatial dimension ", i);
    result.push_back(out);
  }
  result.push_back(isDynamic(fOut) ? kDyn : fOut * groups);
  return success();
}

LogicalResult inferPoolShape(OptLoc loc, ArrayRef<int64_t> input,
                             ArrayRef<int64_t> window, const WindowParams &p,
                             DimVector &result) {
  if (failed(verifyWindowedRank(loc, input)))
    return failure();
  if (window.size() != input.size() - 2)
    return emitOptionalError(loc, "expected ", input.size() - 2,
                             " window values (one per spatial dimension), "
                             "got ",
                             window.size());
  for (int64_t w : window)
    if (w < 1)
      return emitOptionalError(loc, "window ", formatList(window),
                               " must all be at least 1");
  for (size_t i = 0; i < window.size(); ++i)
    if (p.padding[2 * i] >= window[i] || p.padding[2 * i + 1] >= window[i])
      return emitOptionalError(loc, "padding (", p.padding[2 * i], ", ",
                               p.padding[2 * i + 1],
                               ") must be smaller than the window ",
                               window[i]);
  result.assign({input.front()});
  if (failed(windowOutputs(loc, input, window, p, result)))
    return failure();
  result.push_back(input.back());
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

LogicalResult inferReduceShape(OptLoc loc, ArrayRef<int64_t> input,
                               ArrayRef<int64_t> axes, bool keepDims,
                               DimVector &result) {
  int64_t rank = input.size();
  if (failed(verifyAxes(loc, axes, rank)))
    return failure();
  result.clear();
  for (int64_t i = 0; i < rank; ++i) {
    if (!llvm::is_contained(axes, i))
      result.push_back(input[i]);
    else if (keepDims)
      result.push_back(1);
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

LogicalResult inferReshapeShape(OptLoc loc, ArrayRef<int64_t> input,
                                ArrayRef<int64_t> target, DimVector &result) {
  int64_t inferred = -1;
  int64_t known = 1;
  for (auto [i, d] : llvm::enumerate(target)) {
    if (d == -1) {
      if (inferred != -1)
        return emitOptionalError(loc, "shape ", formatList(target),
                                 " has more than one -1");
      inferred = i;
    } else if (d < 0) {
      return emitOptionalError(loc, "shape ", formatList(target),
                               " has a negative size other than -1");
    } else if (d > kMaxAttrValue || llvm::MulOverflow(known, d, known)) {
      return emitOptionalError(loc, "shape ", formatList(target),
                               " has too many elements");
    }
  }
  bool inputStatic = llvm::none_of(input, isDynamic);
  int64_t count = 1;
  for (int64_t d : input)
    count = isDynamic(d) ? count : count * d;
  result.assign(target.begin(), target.end());
  if (inferred == -1) {
    if (inputStatic && count != known)
      return emitOptionalError(loc, "cannot reshape ", formatShape(input),
                               " (", count, " elements) to ",
                               formatList(target), " (", known, " elements)");
    return success();
  }
  if (!inputStatic) {
    result[inferred] = kDyn;
    return success();
  }
  if (known == 0 || count % known != 0)
    return emitOptionalError(loc, "cannot reshape ", formatShape(input), " (",
                             count, " elements) to ", formatList(target),
                             ": ", count, " is not a multiple of ", known);
  result[inferred] = count / known;
  return success();
}

LogicalResult inferTransposeShape(OptLoc loc, ArrayRef<int64_t> input,
                                  ArrayRef<int64_t> permutation,
                                  DimVector &result) {
  if (permutation.size() != input.size())
    return emitOptionalError(loc, "permutation ", formatList(permutation),
                             " must have one entry per dimension of ",
                             formatShape(input));
  if (failed(verifyAxes(loc, permutation, input.size(), "permutation")))
    return failure();
  result.clear();
  for (int64_t p : permutation)
    result.push_back(input[p]);
  return success();
}

LogicalResult inferConcatShape(OptLoc loc, ArrayRef<ArrayRef<int64_t>> inputs,
                               int64_t axis, DimVector &result) {
  if (inputs.empty())
    return emitOptionalError(loc, "expected at least one input");
  ArrayRef<int64_t> first = inputs.front();
  if (failed(verifyAxis(loc, axis, first.size())))
    return failure();
  result.assign(first.begin(), first.end());
  // For each dimension, the input whose static size `result` holds.
  SmallVector<size_t> source(first.size(), 0);
  for (size_t n = 1; n < inputs.size(); ++n) {
    ArrayRef<int64_t> shape = inputs[n];
    if (shape.size() != first.size())
      return emitOptionalError(loc, "input ", n, " has rank ", shape.size(),
                               " but input 0 has rank ", first.size());
    for (size_t i = 0; i < shape.size(); ++i) {
      if (static_cast<int64_t>(i) == axis) {
        result[i] = isDynamic(result[i]) || isDynamic(shape[i])
                        ? kDyn
                        : result[i] + shape[i];
        continue;
      }
      if (isDynamic(result[i])) {
        result[i] = shape[i];
        source[i] = n;
      } else if (!isDynamic(shape[i]) && shape[i] != result[i]) {
        return emitOptionalError(
            loc, "input ", n, " ", formatShape(shape), " differs from input ",
            source[i], " ", formatShape(inputs[source[i]]), " in dimension ",
            i, " (only the concatenation axis ", axis, " may differ)");
      }
    }
  }
  return success();
}

int64_t sliceLength(int64_t size, int64_t start, int64_t end, int64_t step) {
  auto clampIndex = [&](int64_t i) {
    if (i < 0)
      i += size;
    return std::clamp<int64_t>(i, 0, size);
  };
  int64_t s = clampIndex(start), e = clampIndex(end);
  return e <= s ? 0 : 1 + (e - s - 1) / step;
}

LogicalResult inferSliceShape(OptLoc loc, ArrayRef<int64_t> input,
                              ArrayRef<int64_t> axes, ArrayRef<int64_t> starts,
                              ArrayRef<int64_t> ends, ArrayRef<int64_t> steps,
                              DimVector &result) {
  if (starts.size() != axes.size() || ends.size() != axes.size() ||
      steps.size() != axes.size())
    return emitOptionalError(loc, "axes, starts, ends and steps must have the "
                                  "same length, got ",
                             axes.size(), ", ", starts.size(), ", ",
                             ends.size(), " and ", steps.size());
  if (failed(verifyAxes(loc, axes, input.size())))
    return failure();
  result.assign(input.begin(), input.end());
  for (auto [i, axis] : llvm::enumerate(axes)) {
    if (steps[i] < 1 || steps[i] > kMaxAttrValue)
      return emitOptionalError(loc, "step ", steps[i], " for axis ", axis,
                               " must be in [1, ", kMaxAttrValue, "]");
    if (!isDynamic(input[axis]))
      result[axis] = sliceLength(input[axis], starts[i], ends[i], steps[i]);
  }
  return success();
}

LogicalResult inferPadShape(OptLoc loc, ArrayRef<int64_t> input,
                            ArrayRef<int64_t> low, ArrayRef<int64_t> high,
                            bool reflect, DimVector &result) {
  if (low.size() != input.size() || high.size() != input.size())
    return emitOptionalError(loc, "low and high must have one entry per "
                                  "dimension of ",
                             formatShape(input), ", got ", low.size(), " and ",
                             high.size());
  result.clear();
  for (size_t i = 0; i < input.size(); ++i) {
    if (low[i] < 0 || high[i] < 0 || low[i] > kMaxAttrValue ||
        high[i] > kMaxAttrValue)
      return emitOptionalError(loc, "padding of dimension ", i, " (", low[i],
                               ", ", high[i], ") must be in [0, ",
                               kMaxAttrValue, "]");
    if (reflect && !isDynamic(input[i]) &&
        (low[i] >= input[i] || high[i] >= input[i]))
      return emitOptionalError(loc, "reflect padding (", low[i], ", ", high[i],
                               ") must be smaller than dimension ", i,
                               " of size ", input[i]);
    result.push_back(isDynamic(input[i]) ? kDyn : input[i] + low[i] + high[i]);
  }
  return success();
}

LogicalResult inferGatherShape(OptLoc loc, ArrayRef<int64_t> data,
                               ArrayRef<int64_t> indices, int64_t axis,
                               DimVector &result) {
  if (failed(verifyAxis(loc, axis, data.size())))
    return failure();
  result.assign(data.begin(), data.begin() + axis);
  result.append(indices.begin(), indices.end());
  result.append(data.begin() + axis + 1, data.end());
  return success();
}

LogicalResult inferBroadcastToShape(OptLoc loc, ArrayRef<int64_t> input,
                                    ArrayRef<int64_t> target,
                                    std::optional<ArrayRef<int64_t>> like,
                                    DimVector &result) {
  if (input.size() > target.size())
    return emitOptionalError(loc, "cannot broadcast ", formatShape(input),
                             " to the lower rank ", formatList(target));
  if (like && like->size() != target.size())
    return emitOptionalError(loc, "'like' operand ", formatShape(*like),
                             " must have rank ", target.size());
  size_t offset = target.size() - input.size();
  result.clear();
  for (size_t i = 0; i < target.size(); ++i) {
    int64_t t = target[i];
    int64_t in = i >= offset ? input[i - offset] : 1;
    if (t == -1) {
      if (like) {
        t = (*like)[i];
      } else if (i < offset) {
        return emitOptionalError(loc, "size -1 at position ", i,
                                 " has no input dimension to take and no "
                                 "'like' operand");
      } else {
        t = in;
      }
    } else if (t < 0 || t > kMaxAttrValue) {
      return emitOptionalError(loc, "shape ", formatList(target),
                               " has a size outside [0, ", kMaxAttrValue,
                               "] other than -1");
    }
    if (!isDynamic(in) && in != 1 && !isDynamic(t) && in != t)
      return emitOptionalError(loc, "cannot broadcast ", formatShape(input),
                               " to ", formatList(target), ": dimension ", in,
                               " vs ", t);
    result.push_back(t);
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Normalizations and losses
//===----------------------------------------------------------------------===//

LogicalResult verifyBatchNormShapes(OptLoc loc, ArrayRef<int64_t> input,
                                    int64_t featureAxis,
                                    ArrayRef<ArrayRef<int64_t>> params,
                                    ArrayRef<StringRef> names) {
  if (failed(verifyAxis(loc, featureAxis, input.size(), "feature_axis")))
    return failure();
  int64_t features = input[featureAxis];
  // When the input's feature size is dynamic, the first static parameter
  // size stands for it, so that the parameters agree with each other.
  StringRef sizeFrom = "the input";
  for (auto [shape, name] : llvm::zip(params, names)) {
    if (shape.size() != 1)
      return emitOptionalError(loc, name, " must be 1-D, got ",
                               formatShape(shape));
    if (isDynamic(shape[0]))
      continue;
    if (isDynamic(features)) {
      features = shape[0];
      sizeFrom = name;
    } else if (shape[0] != features) {
      return emitOptionalError(loc, name, " has ", shape[0], " elements but ",
                               sizeFrom, " has ", features,
                               " features on axis ", featureAxis);
    }
  }
  return success();
}

LogicalResult verifyLayerNormShapes(OptLoc loc, ArrayRef<int64_t> input,
                                    ArrayRef<int64_t> axes,
                                    ArrayRef<int64_t> scale,
                                    ArrayRef<int64_t> offset) {
  if (axes.empty())
    return emitOptionalError(loc, "expected at least one axis to normalize");
  if (failed(verifyAxes(loc, axes, input.size())))
    return failure();
  DimVector normalized;
  for (int64_t a : axes)
    normalized.push_back(input[a]);
  for (auto [shape, name] : {std::pair{scale, "scale"}, {offset, "offset"}}) {
    bool ok = shape.size() == normalized.size();
    for (size_t i = 0; ok && i < shape.size(); ++i) {
      ok = isDynamic(shape[i]) || isDynamic(normalized[i]) ||
           shape[i] == normalized[i];
      // A static parameter size fixes a dynamic normalized dimension, so
      // that offset is checked against scale.
      if (ok && isDynamic(normalized[i]))
        normalized[i] = shape[i];
    }
    if (!ok)
      return emitOptionalError(loc, name, " has shape ", formatShape(shape),
                               " but the normalized dimensions are ",
                               formatShape(normalized));
  }
  return success();
}

LogicalResult inferSoftmaxCrossEntropyShape(OptLoc loc, ArrayRef<int64_t> logits,
                                            ArrayRef<int64_t> labels,
                                            int64_t axis, DimVector &result) {
  if (failed(verifyAxis(loc, axis, logits.size())))
    return failure();
  DimVector merged;
  if (logits.size() != labels.size())
    return emitOptionalError(loc, "labels ", formatShape(labels),
                             " must have the logits' shape ",
                             formatShape(logits));
  for (auto [a, b] : llvm::zip(logits, labels)) {
    if (!isDynamic(a) && !isDynamic(b) && a != b)
      return emitOptionalError(loc, "labels ", formatShape(labels),
                               " must have the logits' shape ",
                               formatShape(logits));
    merged.push_back(isDynamic(a) ? b : a);
  }
  result.clear();
  for (auto [i, d] : llvm::enumerate(merged))
    if (static_cast<int64_t>(i) != axis)
      result.push_back(d);
  return success();
}

LogicalResult inferSparseSoftmaxCrossEntropyShape(OptLoc loc,
                                                  ArrayRef<int64_t> logits,
                                                  ArrayRef<int64_t> labels,
                                                  DimVector &result) {
  if (logits.empty() || labels.size() + 1 != logits.size())
    return emitOptionalError(loc, "labels ", formatShape(labels),
                             " must have the logits' shape ",
                             formatShape(logits), " without the class axis");
  result.clear();
  for (size_t i = 0; i < labels.size(); ++i) {
    int64_t a = logits[i], b = labels[i];
    if (!isDynamic(a) && !isDynamic(b) && a != b)
      return emitOptionalError(loc, "labels ", formatShape(labels),
                               " must have the logits' shape ",
                               formatShape(logits), " without the class axis");
    result.push_back(isDynamic(a) ? b : a);
  }
  return success();
}

} // namespace kiln
