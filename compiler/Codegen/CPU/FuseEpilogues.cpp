//===- FuseEpilogues.cpp - elementwise tails of micro-kernel ops ----------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// See the pass description in compiler/Codegen/Passes.td.
//
//===----------------------------------------------------------------------===//

#include "compiler/Codegen/CPU/UKernels.h"
#include "compiler/Codegen/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;

namespace kiln {
#define GEN_PASS_DEF_FUSEEPILOGUESPASS
#include "compiler/Codegen/Passes.h.inc"
} // namespace kiln

namespace {

/// The generic that consumes `kernel`'s result as an epilogue, with the
/// value it reads (the result, or its unit-multiplier collapse for a
/// depthwise convolution) and that value's input operand; null when there
/// is none.
struct Consumer {
  linalg::GenericOp generic;
  Value value;
  OpOperand *operand = nullptr;
  tensor::CollapseShapeOp collapse;
};

/// The one user of `value` other than `tensor.dim` ops (size queries,
/// which stay valid when the value is updated in place), or null.
Operation *soleUser(Value value, bool &sized) {
  Operation *sole = nullptr;
  for (Operation *user : value.getUsers()) {
    if (isa<tensor::DimOp>(user)) {
      sized = true;
      continue;
    }
    if (sole && sole != user)
      return nullptr;
    sole = user;
  }
  return sole;
}

Consumer findConsumer(linalg::LinalgOp kernel, bool &sized) {
  Value value = kernel->getResult(0);
  Operation *user = soleUser(value, sized);
  if (!user)
    return {};
  tensor::CollapseShapeOp collapse;
  if (kiln::isUKernelDepthwiseConv(kernel)) {
    collapse = dyn_cast<tensor::CollapseShapeOp>(user);
    if (!collapse || !kiln::isUnitMultiplierCollapse(collapse))
      return {};
    value = collapse.getResult();
    user = soleUser(value, sized);
    if (!user)
      return {};
  }
  auto generic = dyn_cast<linalg::GenericOp>(user);
  if (!generic || generic.getNumDpsInits() != 1 ||
      generic->getResult(0).getType() != value.getType())
    return {};
  OpOperand *operand = nullptr;
  for (OpOperand *input : generic.getDpsInputOperands()) {
    if (input->get() != value)
      continue;
    if (operand)
      return {}; // read twice
    operand = input;
  }
  if (!operand || !generic.getMatchingIndexingMap(operand).isIdentity())
    return {};
  return {generic, value, operand, collapse};
}

struct FuseEpiloguesPass
    : kiln::impl::FuseEpiloguesPassBase<FuseEpiloguesPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> kernels;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() && kiln::isUKernelOp(op))
        kernels.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp kernel : kernels)
      fuse(rewriter, kernel);
  }

  void fuse(IRRewriter &rewriter, linalg::LinalgOp kernel) {
    bool sized = false; // the kernel's value is also a size operand
    Consumer consumer = findConsumer(kernel, sized);
    linalg::GenericOp generic = consumer.generic;
    if (!generic || generic.getNumLoops() != generic.getNumParallelLoops())
      return;
    // The old init must not be read (it is replaced by the kernel's
    // output), and the body must be an epilogue of the kernel's value.
    Block &body = generic.getRegion().front();
    BlockArgument oldInit =
        generic.getMatchingBlockArgument(generic.getDpsInitOperand(0));
    BlockArgument acc = generic.getMatchingBlockArgument(consumer.operand);
    std::optional<kiln::Epilogue> epilogue =
        kiln::matchEpilogueBody(body, acc);
    if (!oldInit.use_empty() || !epilogue ||
        static_cast<int64_t>(epilogue->addends.size()) + 1 !=
            generic.getNumDpsInputs())
      return;
    for (OpOperand *input : generic.getDpsInputOperands())
      if (input != consumer.operand &&
          !generic.getMatchingIndexingMap(input).isProjectedPermutation(
              /*allowZeroInResults=*/false))
        return;

    // Place the epilogue right after the kernel (and its collapse) when
    // every addend is already computed there; otherwise bring the kernel,
    // with its zero fill and its input padding, down to the epilogue.
    // Either way nothing runs between them, so after bufferization the
    // call and the epilogue are adjacent (kiln-cpu-lower-to-ukernels).
    Operation *last = consumer.collapse ? consumer.collapse.getOperation()
                                        : kernel.getOperation();
    DominanceInfo dominance(getOperation());
    bool addendsReady = llvm::all_of(
        generic.getDpsInputOperands(), [&](OpOperand *input) {
          return input == consumer.operand ||
                 dominance.properlyDominates(input->get(), last);
        });
    if (addendsReady) {
      rewriter.setInsertionPointAfter(last);
    } else if (sized) {
      return; // the size queries would come before the moved kernel
    } else {
      SmallVector<Operation *> chain;
      for (Value operand : {kernel->getOperand(0),
                            kernel.getDpsInitOperand(0)->get()}) {
        Operation *def = operand.getDefiningOp();
        if (def && def->hasOneUse() && def->getBlock() == generic->getBlock() &&
            isa<tensor::PadOp, linalg::FillOp>(def))
          chain.push_back(def);
      }
      chain.push_back(kernel);
      if (consumer.collapse)
        chain.push_back(consumer.collapse);
      for (Operation *op : chain)
        op->moveBefore(generic);
      rewriter.setInsertionPoint(generic);
    }

    // The epilogue updates the kernel's output in place: inputs are the
    // addends, the init is the kernel's value.
    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    for (OpOperand *input : generic.getDpsInputOperands())
      if (input != consumer.operand) {
        inputs.push_back(input->get());
        maps.push_back(generic.getMatchingIndexingMap(input));
      }
    maps.push_back(generic.getMatchingIndexingMap(consumer.operand));
    auto fused = linalg::GenericOp::create(
        rewriter, generic.getLoc(), TypeRange{consumer.value.getType()},
        inputs, ValueRange{consumer.value}, maps,
        generic.getIteratorTypesArray());
    SmallVector<Type> argTypes;
    SmallVector<Location> argLocs;
    for (Value v : inputs) {
      argTypes.push_back(getElementTypeOrSelf(v.getType()));
      argLocs.push_back(v.getLoc());
    }
    argTypes.push_back(acc.getType());
    argLocs.push_back(acc.getLoc());
    Block *block = rewriter.createBlock(&fused.getRegion(), {}, argTypes,
                                        argLocs);
    IRMapping mapping;
    unsigned next = 0;
    for (OpOperand *input : generic.getDpsInputOperands())
      if (input != consumer.operand)
        mapping.map(generic.getMatchingBlockArgument(input),
                    block->getArgument(next++));
    mapping.map(acc, block->getArgument(next));
    rewriter.setInsertionPointToStart(block);
    for (Operation &op : body)
      rewriter.clone(op, mapping);
    rewriter.replaceOp(generic, fused->getResults());
  }
};

} // namespace
