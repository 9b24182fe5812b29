//===- UKernels.cpp - which linalg ops become runtime micro-kernel calls ---===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "compiler/Codegen/CPU/UKernels.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace kiln {

static bool allF32(linalg::LinalgOp op) {
  return llvm::all_of(op->getOperands(), [](Value v) {
    auto shaped = dyn_cast<ShapedType>(v.getType());
    return shaped && shaped.hasRank() && shaped.getElementType().isF32();
  });
}

std::optional<MatmulLoops> matchUKernelMatmul(linalg::LinalgOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 || !allF32(op) ||
      !linalg::isaContractionOpInterface(op))
    return std::nullopt;
  // The body must be exactly a multiply-add on floats (no casts).
  Block &body = op->getRegion(0).front();
  if (body.getOperations().size() != 3 ||
      !isa<arith::MulFOp>(body.front()) ||
      !isa<arith::AddFOp>(*std::next(body.begin())))
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->m.size() != 1 || dims->n.size() != 1 ||
      dims->k.size() != 1 || dims->batch.size() > 2)
    return std::nullopt;
  for (AffineMap map : op.getIndexingMapsArray())
    if (!map.isProjectedPermutation(/*allowZeroInResults=*/false))
      return std::nullopt;
  MatmulLoops loops{dims->m[0], dims->n[0], dims->k[0], {}};
  loops.batch.assign(dims->batch.begin(), dims->batch.end());
  // Every operand indexes exactly its roles' loops (no extra broadcast or
  // reduced dimensions).
  unsigned batch = loops.batch.size();
  for (AffineMap map : op.getIndexingMapsArray())
    if (map.getNumResults() != 2 + batch)
      return std::nullopt;
  return loops;
}

bool isUKernelConv(linalg::LinalgOp op) {
  return isa<linalg::Conv2DNhwcHwcfOp>(op.getOperation()) && allF32(op);
}

bool isUKernelDepthwiseConv(linalg::LinalgOp op) {
  return isa<linalg::DepthwiseConv2DNhwcHwcmOp>(op.getOperation()) &&
         allF32(op);
}

} // namespace kiln
