//===- Common.h - what the ONNX op families share ---------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The ONNX importer's ops live in one file per family (ops/<Family>.cpp),
// each with the table rows of its ops; OpTable.cpp joins the families'
// tables. This header holds what several families use: building kiln ops
// of a composition (a null value carries a failed shape rule through),
// node results, constants, and folding of known tensors.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_FRONTEND_ONNX_OPS_COMMON_H
#define KILN_FRONTEND_ONNX_OPS_COMMON_H

#include "frontend/onnx/OnnxImporterImpl.h"

#include "llvm/ADT/ArrayRef.h"

#include <optional>
#include <type_traits>
#include <vector>

namespace kiln::onnx_detail {

using V = mlir::FailureOr<mlir::Value>;

/// Records `v` as the node's first output; failure when `v` failed.
mlir::LogicalResult done(NodeContext &c, V v);
/// Records `v` as output `output`; a null `v` fails the node.
mlir::LogicalResult doneValue(NodeContext &c, mlir::Value v, int output = 0);
/// Fails the node unless inputs 0..n-1 exist and input 0 is ranked.
mlir::LogicalResult needInputs(NodeContext &c, int n);

/// Whether any of the Value arguments is null (other arguments are
/// attributes and never are).
inline bool anyNull() { return false; }
template <typename T, typename... Rest>
bool anyNull(const T &first, const Rest &...rest) {
  if constexpr (std::is_same_v<std::decay_t<T>, mlir::Value>)
    if (!first)
      return true;
  return anyNull(rest...);
}

/// Builds one kiln op of a composition; null when an operand is null or the
/// op's shape rule fails (the node's error is then recorded).
template <typename OpT, typename... Args>
mlir::Value mk(NodeContext &c, Args &&...args) {
  if (anyNull(args...))
    return {};
  V v = c.make<OpT>(std::forward<Args>(args)...);
  return mlir::succeeded(v) ? *v : mlir::Value();
}

mlir::Value cmp(NodeContext &c, CompareDirection d, mlir::Value a,
                mlir::Value b);
/// `v` with element type `elt` (a kiln.cast unless it has it already).
mlir::Value castElements(NodeContext &c, mlir::Value v, mlir::Type elt);
/// A rank-0 constant `v` of `like`'s element type.
mlir::Value scalarLike(NodeContext &c, mlir::Value like, double v);
/// The constant [0, n) along `axis` of a rank-`rank` shape of ones.
mlir::Value iotaAlong(NodeContext &c, int64_t n, int64_t axis, int64_t rank);
/// The index along `axis` of each element of `like`: a constant [1, .., n,
/// .., 1] when that size is static, else a kiln.iota of `like`'s shape.
mlir::Value iotaOf(NodeContext &c, mlir::Value like, int64_t axis);

/// Applies `f` elementwise to known inputs with NumPy broadcasting of
/// scalars and equal shapes; null when not foldable.
mlir::DenseElementsAttr foldBinary(mlir::DenseElementsAttr l,
                                   mlir::DenseElementsAttr r,
                                   double (*f)(double, double));

/// Identity and Dropout (inference: the identity; its mask all ones).
mlir::LogicalResult identity(NodeContext &c);
/// Squeeze/Unsqueeze/Reduce* axes: an attribute before opset `since`, an
/// input since; {INT64_MIN} when the input is known only at run time.
std::optional<std::vector<int64_t>> axesOf(NodeContext &c, int input,
                                           int64_t since);

/// The families' table rows (ops/<Family>.cpp).
llvm::ArrayRef<OpEntry> elementwiseOps();
llvm::ArrayRef<OpEntry> contractionOps();
llvm::ArrayRef<OpEntry> normalizationOps();
llvm::ArrayRef<OpEntry> shapeOps();
llvm::ArrayRef<OpEntry> generatorOps();
llvm::ArrayRef<OpEntry> movementOps();
llvm::ArrayRef<OpEntry> resizeOps();
llvm::ArrayRef<OpEntry> reductionOps();
llvm::ArrayRef<OpEntry> nnOps();
llvm::ArrayRef<OpEntry> lossOps();

} // namespace kiln::onnx_detail

#endif // KILN_FRONTEND_ONNX_OPS_COMMON_H
