//===- ReductionOps.cpp - reductions --------------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "dialects/kiln/IR/KilnOps.h"
#include "dialects/kiln/IR/Ops/TypeHelpers.h"

using namespace mlir;
using namespace kiln::detail;

namespace kiln {

LogicalResult inferReduceResultType(OptLoc loc, Value input,
                                    ArrayRef<int64_t> axes, bool keepDims,
                                    Type elementType,
                                    SmallVectorImpl<Type> &inferred) {
  ArrayRef<int64_t> shape;
  DimVector result;
  if (failed(getOperandShape(loc, input, shape)) ||
      failed(inferReduceShape(loc, shape, axes, keepDims, result)))
    return failure();
  return pushTensor(inferred, result,
                    elementType ? elementType : getElementType(input));
}

} // namespace kiln
