//===- UKernels.cpp - which linalg ops become runtime micro-kernel calls ---===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "compiler/Codegen/CPU/UKernels.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>

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

std::optional<Epilogue> matchEpilogueBody(Block &body, BlockArgument acc) {
  Epilogue e;
  Value state = acc;
  bool clamped = false;
  for (Operation &op : body.without_terminator()) {
    if (op.getNumOperands() != 2 || op.getNumResults() != 1 ||
        !state.hasOneUse() || !op.getResult(0).getType().isF32())
      return std::nullopt;
    Value other;
    if (op.getOperand(0) == state)
      other = op.getOperand(1);
    else if (op.getOperand(1) == state)
      other = op.getOperand(0);
    else
      return std::nullopt;
    if (isa<arith::AddFOp>(op)) {
      auto arg = dyn_cast<BlockArgument>(other);
      if (clamped || !arg || arg.getOwner() != &body || arg == acc ||
          llvm::is_contained(e.addends, arg) || e.addends.size() == 2)
        return std::nullopt;
      e.addends.push_back(arg);
    } else if (isa<arith::MaximumFOp, arith::MinimumFOp>(op)) {
      APFloat c(0.0f);
      if (!matchPattern(other, m_ConstantFloat(&c)) || c.isNaN())
        return std::nullopt;
      bool lost = false;
      c.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
      float v = c.convertToFloat();
      if (isa<arith::MaximumFOp>(op))
        e.lo = e.lo ? std::max(*e.lo, v) : v;
      else
        e.hi = e.hi ? std::min(*e.hi, v) : v;
      clamped = true;
    } else {
      return std::nullopt;
    }
    state = op.getResult(0);
  }
  // Max and min commute only when the interval is not empty.
  if (state == Value(acc) ||
      body.getTerminator()->getNumOperands() != 1 ||
      body.getTerminator()->getOperand(0) != state || !state.hasOneUse() ||
      (e.lo && e.hi && *e.lo > *e.hi))
    return std::nullopt;
  return e;
}

std::optional<Epilogue> matchUKernelEpilogue(linalg::LinalgOp op) {
  auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!generic || op.getNumDpsInits() != 1 ||
      op.getNumLoops() != op.getNumParallelLoops() || !allF32(op))
    return std::nullopt;
  OpOperand *init = op.getDpsInitOperand(0);
  if (!op.getMatchingIndexingMap(init).isIdentity() ||
      op.getRank(init) > 8)
    return std::nullopt;
  for (OpOperand *input : op.getDpsInputOperands())
    if (!op.getMatchingIndexingMap(input).isProjectedPermutation(
            /*allowZeroInResults=*/false))
      return std::nullopt;
  Block &body = generic.getRegion().front();
  std::optional<Epilogue> e =
      matchEpilogueBody(body, op.getMatchingBlockArgument(init));
  if (!e || static_cast<int64_t>(e->addends.size()) != op.getNumDpsInputs())
    return std::nullopt;
  return e;
}

bool isUnitMultiplierCollapse(Operation *collapse) {
  SmallVector<ReassociationIndices> groups;
  ShapedType source;
  if (auto t = dyn_cast<tensor::CollapseShapeOp>(collapse)) {
    groups = t.getReassociationIndices();
    source = t.getSrcType();
  } else if (auto m = dyn_cast<memref::CollapseShapeOp>(collapse)) {
    groups = m.getReassociationIndices();
    source = m.getSrcType();
  } else {
    return false;
  }
  return source.getRank() == 5 && source.getDimSize(4) == 1 &&
         groups.size() == 4 && groups[3] == ReassociationIndices{3, 4};
}

linalg::LinalgOp epilogueKernel(linalg::LinalgOp op) {
  if (!op.hasPureTensorSemantics() || !matchUKernelEpilogue(op))
    return nullptr;
  Operation *def = op.getDpsInitOperand(0)->get().getDefiningOp();
  bool collapsed = def && isUnitMultiplierCollapse(def);
  if (collapsed)
    def = def->getOperand(0).getDefiningOp();
  auto kernel = dyn_cast_or_null<linalg::LinalgOp>(def);
  if (!kernel || !isUKernelOp(kernel) ||
      collapsed != isUKernelDepthwiseConv(kernel))
    return nullptr;
  return kernel;
}

} // namespace kiln
