//===- LowerToUKernels.cpp - matmuls and convolutions as runtime calls ----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// See the pass description in compiler/Codegen/Passes.td.
//
//===----------------------------------------------------------------------===//

#include "compiler/Codegen/CPU/UKernels.h"
#include "compiler/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace kiln {
#define GEN_PASS_DEF_LOWERTOUKERNELSPASS
#include "compiler/Codegen/Passes.h.inc"
} // namespace kiln

namespace {

constexpr StringLiteral kMatmulFn = "kiln_uk_matmul_f32";
constexpr StringLiteral kConvFn = "kiln_uk_conv2d_nhwc_hwcf_f32";
constexpr StringLiteral kDepthwiseFn =
    "kiln_uk_depthwise_conv2d_nhwc_hwcm_f32";

/// The strides and dilations of a 2-D convolution, then `flags`.
template <typename ConvOp>
SmallVector<int64_t> windowArgs(ConvOp conv, int64_t flags) {
  auto strides = conv.getStrides().template getValues<int64_t>();
  auto dilations = conv.getDilations().template getValues<int64_t>();
  return {strides[0], strides[1], dilations[0], dilations[1], flags};
}

/// The layout word of one operand (runtime/src/ukernel/entry.c): byte r
/// holds the operand dimension of role r plus one (roles: the two matrix
/// dimensions, then the batch dimensions), zero when the operand lacks it.
int64_t layoutWord(AffineMap map, ArrayRef<unsigned> roles) {
  int64_t word = 0;
  for (auto [r, loop] : llvm::enumerate(roles)) {
    std::optional<unsigned> pos =
        map.getResultPosition(getAffineDimExpr(loop, map.getContext()));
    if (pos)
      word |= static_cast<int64_t>(*pos + 1) << (8 * r);
  }
  return word;
}

/// Whether `value` is filled with +0.0 by the op right before `op` (the
/// zero init of a contraction), which is then dropped: the call overwrites
/// its output instead of accumulating.
linalg::FillOp zeroFillBefore(Operation *op, Value value) {
  auto fill = dyn_cast_or_null<linalg::FillOp>(op->getPrevNode());
  if (!fill || fill.getOutputs().front() != value)
    return nullptr;
  APFloat scalar(0.0f);
  if (!matchPattern(fill.getInputs().front(), m_ConstantFloat(&scalar)) ||
      !scalar.isPosZero())
    return nullptr;
  return fill;
}

struct LowerToUKernelsPass
    : kiln::impl::LowerToUKernelsPassBase<LowerToUKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<linalg::LinalgOp> ops;
    module.walk([&](linalg::LinalgOp op) {
      if (op.hasPureBufferSemantics() && kiln::isUKernelOp(op))
        ops.push_back(op);
    });
    if (ops.empty())
      return;
    OpBuilder b(&getContext());
    Type f32 = b.getF32Type(), i64 = b.getI64Type();
    // Calls pass operands as unranked memrefs (rank and descriptor).
    auto unranked = UnrankedMemRefType::get(f32, /*memorySpace=*/0);

    for (linalg::LinalgOp op : ops) {
      Location loc = op.getLoc();
      Value out = op.getDpsInitOperand(0)->get();
      int64_t flags = 1; // accumulate into the output
      b.setInsertionPoint(op);
      if (linalg::FillOp fill = zeroFillBefore(op, out)) {
        flags = 0;
        fill.erase();
      }
      // The calls pass descriptors on the stack: a scope frees them after
      // each call, also inside loops.
      auto scope = memref::AllocaScopeOp::create(b, loc, TypeRange{});
      Block *block = b.createBlock(&scope.getBodyRegion());
      b.setInsertionPointToStart(block);
      auto constant = [&](int64_t v) -> Value {
        return arith::ConstantIntOp::create(b, loc, i64, v);
      };
      SmallVector<Value> args;
      for (Value v : op->getOperands())
        args.push_back(memref::CastOp::create(b, loc, unranked, v));
      if (auto conv = dyn_cast<linalg::Conv2DNhwcHwcfOp>(op.getOperation())) {
        for (int64_t v : windowArgs(conv, flags))
          args.push_back(constant(v));
        declare(module, kConvFn, ValueRange(args).getTypes());
        func::CallOp::create(b, loc, kConvFn, TypeRange{}, args);
      } else if (auto dw = dyn_cast<linalg::DepthwiseConv2DNhwcHwcmOp>(
                     op.getOperation())) {
        for (int64_t v : windowArgs(dw, flags))
          args.push_back(constant(v));
        declare(module, kDepthwiseFn, ValueRange(args).getTypes());
        func::CallOp::create(b, loc, kDepthwiseFn, TypeRange{}, args);
      } else {
        kiln::MatmulLoops loops = *kiln::matchUKernelMatmul(op);
        SmallVector<AffineMap> maps = op.getIndexingMapsArray();
        auto roles = [&](unsigned first, unsigned second) {
          SmallVector<unsigned> r = {first, second};
          r.append(loops.batch.begin(), loops.batch.end());
          return r;
        };
        args.push_back(constant(layoutWord(maps[0], roles(loops.m, loops.k))));
        args.push_back(constant(layoutWord(maps[1], roles(loops.k, loops.n))));
        args.push_back(constant(layoutWord(maps[2], roles(loops.m, loops.n))));
        args.push_back(constant(flags));
        declare(module, kMatmulFn, ValueRange(args).getTypes());
        func::CallOp::create(b, loc, kMatmulFn, TypeRange{}, args);
      }
      memref::AllocaScopeReturnOp::create(b, loc, ValueRange{});
      op.erase();
    }
  }

  void declare(ModuleOp module, StringRef name, TypeRange inputs) {
    if (module.lookupSymbol(name))
      return;
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto fn = func::FuncOp::create(b, module.getLoc(), name,
                                   b.getFunctionType(inputs, {}));
    fn.setPrivate();
  }
};

} // namespace
