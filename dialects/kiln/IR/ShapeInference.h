//===- ShapeInference.h - shared shape rules of the kiln dialect -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The shape rules of every kiln op, as free functions over plain shapes
// (`ShapedType::kDynamic` marks a dynamic size). The op verifiers,
// `inferReturnTypes`, the Keras frontend and the ONNX importer all call these
// functions, so that every path reports the same error for the same mistake.
// Each rule reports through `emitOptionalError(loc, ...)`: pass no location
// to only test a shape.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECTS_KILN_IR_SHAPEINFERENCE_H
#define KILN_DIALECTS_KILN_IR_SHAPEINFERENCE_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace kiln {

using mlir::LogicalResult;
using OptLoc = std::optional<mlir::Location>;
using DimVector = llvm::SmallVector<int64_t>;

/// Whether a size is dynamic.
inline bool isDynamic(int64_t size) { return mlir::ShapedType::isDynamic(size); }

/// Whether `actual` result types can be refined to `inferred`: same count,
/// element types and ranks, and every dimension either equal or dynamic in
/// `actual`. This is the kiln ops' `isCompatibleReturnTypes`.
bool isRefinableTo(mlir::TypeRange actual, mlir::TypeRange inferred);

//===----------------------------------------------------------------------===//
// Axes and attributes
//===----------------------------------------------------------------------===//

/// Normalizes a possibly negative (Keras, ONNX) axis into `[0, rank)`.
LogicalResult normalizeAxis(OptLoc loc, int64_t axis, int64_t rank,
                            int64_t &result);

/// Checks that `axis` lies in `[0, rank)`; `what` names it in the message.
LogicalResult verifyAxis(OptLoc loc, int64_t axis, int64_t rank,
                         llvm::StringRef what = "axis");

/// Checks that `axes` are distinct and each in `[0, rank)`.
LogicalResult verifyAxes(OptLoc loc, llvm::ArrayRef<int64_t> axes, int64_t rank,
                         llvm::StringRef what = "axes");

/// Checks an optional per-spatial-dimension attribute (`strides`,
/// `dilations`, `window`) and returns it, or `count` copies of `dflt` when it
/// is absent. Every value must be at least `minValue`.
LogicalResult getSpatialAttr(OptLoc loc, llvm::StringRef name,
                             std::optional<llvm::ArrayRef<int64_t>> attr,
                             int64_t count, int64_t dflt, int64_t minValue,
                             DimVector &result);

/// As `getSpatialAttr` for a flattened `(low, high)` padding list of
/// `2 * count` non-negative values; absent means no padding.
LogicalResult getPaddingAttr(OptLoc loc, llvm::StringRef name,
                             std::optional<llvm::ArrayRef<int64_t>> attr,
                             int64_t count, DimVector &result);

//===----------------------------------------------------------------------===//
// DimVector rules
//===----------------------------------------------------------------------===//

/// NumPy broadcasting of any number of shapes.
LogicalResult inferBroadcastShape(OptLoc loc,
                                  llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes,
                                  DimVector &result);

/// Batched matrix product `[..., m, k] x [..., k, n] -> [..., m, n]`.
LogicalResult inferMatmulShape(OptLoc loc, llvm::ArrayRef<int64_t> lhs,
                               llvm::ArrayRef<int64_t> rhs, DimVector &result);

/// The parameters of a convolution or pooling window, one per spatial
/// dimension (`padding` holds a `(low, high)` pair per dimension).
struct WindowParams {
  DimVector strides, dilations, padding;
};

/// Reads and checks the optional `strides`, `dilations` and `padding`
/// attributes of a windowed op with `spatialDims` spatial dimensions.
LogicalResult getWindowParams(OptLoc loc, int64_t spatialDims,
                              std::optional<llvm::ArrayRef<int64_t>> strides,
                              std::optional<llvm::ArrayRef<int64_t>> dilations,
                              std::optional<llvm::ArrayRef<int64_t>> padding,
                              WindowParams &result);

/// Checks the rank of a channels-last windowed op's input: batch, 1 to 3
/// spatial dimensions, channels. Call it before reading window attributes.
LogicalResult verifyWindowedRank(OptLoc loc, llvm::ArrayRef<int64_t> input);

/// The output size of a window sliding over `in` (dynamic stays dynamic).
int64_t windowOutputSize(int64_t in, int64_t window, int64_t stride,
                         int64_t dilation, int64_t padLow, int64_t padHigh);

/// The `(low, high)` padding of Keras/TensorFlow `same` padding: the output
/// has `ceil(in / stride)` elements and the extra element goes at the end.
std::pair<int64_t, int64_t> samePadding(int64_t in, int64_t window,
                                        int64_t stride, int64_t dilation);

/// Channels-last convolution with an HWIO filter.
LogicalResult inferConvShape(OptLoc loc, llvm::ArrayRef<int64_t> input,
                             llvm::ArrayRef<int64_t> filter,
                             const WindowParams &params, int64_t groups,
                             DimVector &result);

/// Channels-last transposed convolution with a `[spatial..., out / groups,
/// in]` filter.
LogicalResult inferConvTransposeShape(OptLoc loc, llvm::ArrayRef<int64_t> input,
                                      llvm::ArrayRef<int64_t> filter,
                                      const WindowParams &params,
                                      llvm::ArrayRef<int64_t> outputPadding,
                                      int64_t groups, DimVector &result);

/// Channels-last pooling with the given window.
LogicalResult inferPoolShape(OptLoc loc, llvm::ArrayRef<int64_t> input,
                             llvm::ArrayRef<int64_t> window,
                             const WindowParams &params, DimVector &result);

/// Reduction over `axes`, keeping them as size 1 when `keepDims`.
LogicalResult inferReduceShape(OptLoc loc, llvm::ArrayRef<int64_t> input,
                               llvm::ArrayRef<int64_t> axes, bool keepDims,
                               DimVector &result);

/// Reshape to `target`, where at most one entry is -1.
LogicalResult inferReshapeShape(OptLoc loc, llvm::ArrayRef<int64_t> input,
                                llvm::ArrayRef<int64_t> target, DimVector &result);

/// Permutation of the dimensions.
LogicalResult inferTransposeShape(OptLoc loc, llvm::ArrayRef<int64_t> input,
                                  llvm::ArrayRef<int64_t> permutation,
                                  DimVector &result);

/// Concatenation along `axis`.
LogicalResult inferConcatShape(OptLoc loc,
                               llvm::ArrayRef<llvm::ArrayRef<int64_t>> inputs,
                               int64_t axis, DimVector &result);

/// Python/ONNX slicing along `axes`.
LogicalResult inferSliceShape(OptLoc loc, llvm::ArrayRef<int64_t> input,
                              llvm::ArrayRef<int64_t> axes,
                              llvm::ArrayRef<int64_t> starts,
                              llvm::ArrayRef<int64_t> ends,
                              llvm::ArrayRef<int64_t> steps, DimVector &result);

/// The number of elements of `input[start:end:step]` for a static `size`.
int64_t sliceLength(int64_t size, int64_t start, int64_t end, int64_t step);

/// Padding by `low` and `high` per dimension; `reflect` requires each pad to
/// be smaller than its dimension.
LogicalResult inferPadShape(OptLoc loc, llvm::ArrayRef<int64_t> input,
                            llvm::ArrayRef<int64_t> low,
                            llvm::ArrayRef<int64_t> high, bool reflect,
                            DimVector &result);

/// NumPy `take` along `axis`.
LogicalResult inferGatherShape(OptLoc loc, llvm::ArrayRef<int64_t> data,
                               llvm::ArrayRef<int64_t> indices, int64_t axis,
                               DimVector &result);

/// Broadcast to `target`; -1 entries come from `like` when given, otherwise
/// from the aligned input dimension.
LogicalResult inferBroadcastToShape(OptLoc loc, llvm::ArrayRef<int64_t> input,
                                    llvm::ArrayRef<int64_t> target,
                                    std::optional<llvm::ArrayRef<int64_t>> like,
                                    DimVector &result);

/// Checks that each of `params` is 1-D with the size of `input[featureAxis]`.
LogicalResult verifyBatchNormShapes(OptLoc loc, llvm::ArrayRef<int64_t> input,
                                    int64_t featureAxis,
                                    llvm::ArrayRef<llvm::ArrayRef<int64_t>> params,
                                    llvm::ArrayRef<llvm::StringRef> names);

/// Checks the axes of a layer normalization and that `scale` and `offset`
/// have the normalized dimensions' shape.
LogicalResult verifyLayerNormShapes(OptLoc loc, llvm::ArrayRef<int64_t> input,
                                    llvm::ArrayRef<int64_t> axes,
                                    llvm::ArrayRef<int64_t> scale,
                                    llvm::ArrayRef<int64_t> offset);

/// Softmax cross-entropy with dense labels: equal shapes, `axis` removed.
LogicalResult inferSoftmaxCrossEntropyShape(OptLoc loc,
                                            llvm::ArrayRef<int64_t> logits,
                                            llvm::ArrayRef<int64_t> labels,
                                            int64_t axis, DimVector &result);

/// Softmax cross-entropy with integer labels: `[..., c]` and `[...]`.
LogicalResult inferSparseSoftmaxCrossEntropyShape(OptLoc loc,
                                                  llvm::ArrayRef<int64_t> logits,
                                                  llvm::ArrayRef<int64_t> labels,
                                                  DimVector &result);

/// Prints a shape as `[?, 28, 28]` for diagnostics.
std::string formatShape(llvm::ArrayRef<int64_t> shape);

} // namespace kiln

#endif // KILN_DIALECTS_KILN_IR_SHAPEINFERENCE_H
