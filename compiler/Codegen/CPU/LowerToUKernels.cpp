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
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

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

/// The strides, dilations and (top, left) padding of a 2-D convolution,
/// then `flags`.
template <typename ConvOp>
SmallVector<int64_t> windowArgs(ConvOp conv, int64_t top, int64_t left,
                                int64_t flags) {
  auto strides = conv.getStrides().template getValues<int64_t>();
  auto dilations = conv.getDilations().template getValues<int64_t>();
  return {strides[0], strides[1], dilations[0], dilations[1], top, left, flags};
}

/// Whether `buffer` is (a view of) a constant global: a weight embedded in
/// the library, which no call changes, so the runtime may keep its packed
/// form.
bool isConstantBuffer(Value buffer, ModuleOp module) {
  while (Operation *def = buffer.getDefiningOp()) {
    if (auto view = dyn_cast<ViewLikeOpInterface>(def)) {
      buffer = view.getViewSource();
      continue;
    }
    if (auto cast = dyn_cast<memref::CastOp>(def)) {
      buffer = cast.getSource();
      continue;
    }
    if (auto get = dyn_cast<memref::GetGlobalOp>(def)) {
      auto global =
          module.lookupSymbol<memref::GlobalOp>(get.getNameAttr());
      return global && global.getConstant();
    }
    return false;
  }
  return false;
}

/// Whether `value` is the constant +0.0.
bool isZero(Value value) {
  APFloat scalar(0.0f);
  return matchPattern(value, m_ConstantFloat(&scalar)) && scalar.isPosZero();
}

/// A convolution input that bufferization built for a zero `tensor.pad`:
/// the unpadded source, the padding before it, and the ops that built the
/// padded buffer. The convolution kernels read the source directly and
/// treat taps outside it as zero, so the buffer, its fill and its copy go.
struct PaddedInput {
  Value source;
  int64_t top = 0, left = 0;
  SmallVector<Operation *> builders; // fill, copy, subview, deallocs, alloc
};

/// Matches `input` of `conv`: a `memref.alloc` used only by one zero fill
/// (`linalg.fill` or a `linalg.map` yielding 0), one `memref.subview` at
/// [0, top, left, 0] with unit strides and the full batch and channels,
/// whose only user is the `memref.copy` of the source into it, `conv`, and
/// deallocations. Between the copy and `conv` nothing may write memory
/// other than fresh buffers and `conv`'s output (the source must still hold
/// what was copied).
std::optional<PaddedInput> matchPaddedInput(Value input, Operation *conv) {
  auto alloc = input.getDefiningOp<memref::AllocOp>();
  if (!alloc)
    return std::nullopt;
  PaddedInput padded;
  Operation *fill = nullptr;
  memref::CopyOp copy;
  memref::SubViewOp subview;
  SmallVector<Operation *> deallocs;
  for (Operation *user : alloc->getUsers()) {
    if (user == conv)
      continue;
    if (isa<memref::DeallocOp>(user)) {
      deallocs.push_back(user);
    } else if (auto f = dyn_cast<linalg::FillOp>(user)) {
      if (fill || f.getOutputs().front() != input ||
          !isZero(f.getInputs().front()))
        return std::nullopt;
      fill = f;
    } else if (auto map = dyn_cast<linalg::MapOp>(user)) {
      Block &body = map.getMapper().front();
      if (fill || !map.getInputs().empty() || map.getInit() != input ||
          body.getOperations().size() != 1 ||
          !isZero(body.getTerminator()->getOperand(0)))
        return std::nullopt;
      fill = map;
    } else if (auto sv = dyn_cast<memref::SubViewOp>(user)) {
      if (subview || !sv->hasOneUse())
        return std::nullopt;
      subview = sv;
      copy = dyn_cast<memref::CopyOp>(*sv->user_begin());
      if (!copy || copy.getTarget() != sv.getResult())
        return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  if (!fill || !subview)
    return std::nullopt;
  // Offsets [0, top, left, 0], unit strides, full batch and channels.
  ArrayRef<int64_t> offsets = subview.getStaticOffsets();
  if (offsets.size() != 4 || offsets[0] != 0 || offsets[3] != 0 ||
      ShapedType::isDynamic(offsets[1]) || ShapedType::isDynamic(offsets[2]) ||
      !llvm::all_of(subview.getStaticStrides(),
                    [](int64_t s) { return s == 1; }))
    return std::nullopt;
  SmallVector<OpFoldResult> sizes = subview.getMixedSizes();
  auto allocType = alloc.getType();
  for (int64_t d : {0, 3}) {
    OpFoldResult full = allocType.isDynamicDim(d)
                            ? OpFoldResult(alloc.getDynamicSizes()[
                                  allocType.getDynamicDimIndex(d)])
                            : OpFoldResult(Builder(alloc).getIndexAttr(
                                  allocType.getDimSize(d)));
    if (!isEqualConstantIntOrValue(sizes[d], full))
      return std::nullopt;
  }
  // The fill, then the copy, then the convolution, in one block, and no
  // write to anything but fresh buffers between the copy and `conv`.
  Block *block = conv->getBlock();
  if (fill->getBlock() != block || copy->getBlock() != block ||
      !fill->isBeforeInBlock(copy) || !copy->isBeforeInBlock(conv))
    return std::nullopt;
  for (Operation *op = copy->getNextNode(); op != conv; op = op->getNextNode()) {
    auto effects = dyn_cast<MemoryEffectOpInterface>(op);
    if (!effects) {
      if (op->getNumRegions() != 0 || !isPure(op))
        return std::nullopt;
      continue;
    }
    SmallVector<MemoryEffects::EffectInstance> list;
    effects.getEffects(list);
    for (const MemoryEffects::EffectInstance &e : list) {
      if (!isa<MemoryEffects::Write>(e.getEffect()))
        continue;
      Value written = e.getValue();
      if (!written || written == copy.getSource())
        return std::nullopt;
      if (written != conv->getOperand(2) &&
          !written.getDefiningOp<memref::AllocOp>())
        return std::nullopt;
    }
  }
  padded.source = copy.getSource();
  padded.top = offsets[1];
  padded.left = offsets[2];
  padded.builders = {fill, copy, subview};
  llvm::append_range(padded.builders, deallocs);
  padded.builders.push_back(alloc);
  return padded;
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

/// Whether every use of `buffer`, through views, that is not `at`, a
/// deallocation, `except`, or (with `copiesOut`) a copy out of it, comes
/// after `at` in its block.
bool usedOnlyAfter(Value buffer, Operation *at, Operation *except,
                   bool copiesOut = true) {
  for (Operation *user : buffer.getUsers()) {
    if (user == except || user == at || isa<memref::DeallocOp>(user))
      continue;
    if (auto copy = dyn_cast<memref::CopyOp>(user);
        copiesOut && copy && copy.getSource() == buffer)
      continue;
    Operation *ancestor = at->getBlock()->findAncestorOpInBlock(*user);
    if (!ancestor || !at->isBeforeInBlock(ancestor))
      return false;
    if (isa<ViewLikeOpInterface, memref::CastOp>(user))
      for (Value view : user->getResults())
        if (!usedOnlyAfter(view, at, except, copiesOut))
          return false;
  }
  return true;
}

/// Whether `copy` reads zeros: its source is an allocation filled with zero
/// before it, which nothing writes between the fill and `copy` (other
/// copies only read it; bufferization builds one when several kernels
/// share a zero init tensor, copying it into each output but the last,
/// which takes the buffer itself).
bool copiesZeros(memref::CopyOp copy) {
  Value buffer = copy.getSource();
  auto alloc = buffer.getDefiningOp<memref::AllocOp>();
  if (!alloc)
    return false;
  linalg::FillOp fill;
  for (Operation *user : alloc->getUsers())
    if (auto f = dyn_cast<linalg::FillOp>(user);
        f && f.getOutputs().front() == buffer) {
      if (fill)
        return false;
      fill = f;
    }
  return fill && isZero(fill.getInputs().front()) &&
         fill->getBlock() == copy->getBlock() &&
         fill->isBeforeInBlock(copy) && usedOnlyAfter(buffer, copy, fill);
}

/// The zero init of `value` before `op` (a contraction's): a zero fill, or
/// a copy out of a zero buffer; it is then dropped and the call overwrites
/// its output instead of accumulating. Between the init and `op` there may
/// only be ops that do not use `value` and write no memory but fresh
/// buffers: allocations, pure ops, and the building of a padded input
/// (`padding`, erased with the init).
Operation *zeroFillBefore(Operation *op, Value value,
                          ArrayRef<Operation *> padding = {}) {
  for (Operation *prev = op->getPrevNode(); prev; prev = prev->getPrevNode()) {
    if (auto fill = dyn_cast<linalg::FillOp>(prev);
        fill && fill.getOutputs().front() == value)
      return isZero(fill.getInputs().front()) ? fill : nullptr;
    if (auto copy = dyn_cast<memref::CopyOp>(prev);
        copy && copy.getTarget() == value)
      return copiesZeros(copy) ? copy : nullptr;
    if (llvm::is_contained(prev->getOperands(), value))
      return nullptr;
    if (llvm::is_contained(padding, prev) || isa<memref::AllocOp>(prev) ||
        (prev->getNumRegions() == 0 && isPure(prev)))
      continue;
    break;
  }
  // Further back: a zero fill of a fresh buffer that nothing uses between
  // the fill and `op` (the last of several kernels that shared a zero init
  // takes the filled buffer itself, once the others' copies are gone).
  if (!value.getDefiningOp<memref::AllocOp>())
    return nullptr;
  for (Operation *user : value.getUsers())
    if (auto fill = dyn_cast<linalg::FillOp>(user);
        fill && fill.getOutputs().front() == value &&
        isZero(fill.getInputs().front()) && fill->getBlock() == op->getBlock() &&
        fill->isBeforeInBlock(op) &&
        usedOnlyAfter(value, op, fill, /*copiesOut=*/false))
      return fill;
  return nullptr;
}

/// The epilogue (kiln-cpu-fuse-epilogues) that updates `out`, the output
/// of `kernel`, right after it: a generic in epilogue form whose init is
/// `out` (or, for a depthwise convolution, the collapse of its unit
/// multiplier). Only deallocations, allocations and ops without memory
/// effects may come between. Null when there is none; the generic is then
/// left to run as loops.
linalg::GenericOp epilogueAfter(linalg::LinalgOp kernel, Value out) {
  for (Operation *op = kernel->getNextNode(); op; op = op->getNextNode()) {
    if (auto generic = dyn_cast<linalg::GenericOp>(op)) {
      if (!generic.hasPureBufferSemantics() ||
          generic.getNumDpsInits() != 1 || !kiln::matchUKernelEpilogue(generic))
        return nullptr;
      Value init = generic.getDpsInitOperand(0)->get();
      Operation *def = init.getDefiningOp();
      bool collapsed = def && kiln::isUnitMultiplierCollapse(def);
      if (collapsed)
        init = def->getOperand(0);
      if (init != out || collapsed != kiln::isUKernelDepthwiseConv(kernel))
        return nullptr;
      return generic;
    }
    if (isa<memref::DeallocOp, memref::AllocOp>(op) ||
        (op->getNumRegions() == 0 && isPure(op)))
      continue;
    return nullptr;
  }
  return nullptr;
}

/// Moves the op defining `value`, when it lies between `anchor` (a kernel
/// or its zero fill) and the kernel's epilogue (a view, a constant or an
/// allocation: epilogueAfter allows no other), and the ops it depends on
/// there, before `anchor`: the call that takes the epilogue's operands is
/// made where the kernel is.
void hoistBefore(Value value, Operation *anchor, Operation *epilogue) {
  Operation *def = value.getDefiningOp();
  if (!def || def->getBlock() != anchor->getBlock() ||
      !anchor->isBeforeInBlock(def) || !def->isBeforeInBlock(epilogue))
    return;
  for (Value operand : def->getOperands())
    hoistBefore(operand, anchor, epilogue);
  def->moveBefore(anchor);
}

/// The layout word of an epilogue operand (runtime/src/ukernel/entry.c):
/// byte d holds the operand dimension that output dimension d indexes,
/// plus one, or zero where the operand is broadcast along d.
int64_t epilogueLayoutWord(AffineMap map) {
  int64_t word = 0;
  for (unsigned d = 0; d < map.getNumDims(); ++d)
    if (std::optional<unsigned> pos = map.getResultPosition(
            getAffineDimExpr(d, map.getContext())))
      word |= static_cast<int64_t>(*pos + 1) << (8 * d);
  return word;
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
    llvm::SmallPtrSet<Operation *, 4> zeroBuffers;
    Type f32 = b.getF32Type(), i64 = b.getI64Type();
    // Calls pass operands as unranked memrefs (rank and descriptor).
    auto unranked = UnrankedMemRefType::get(f32, /*memorySpace=*/0);

    for (linalg::LinalgOp op : ops) {
      Location loc = op.getLoc();
      Value out = op.getDpsInitOperand(0)->get();
      // Bit 0: accumulate into the output; bit 1: B is a constant.
      int64_t flags = 1;
      if (!kiln::isUKernelDepthwiseConv(op) &&
          isConstantBuffer(op->getOperand(1), module))
        flags |= 2;
      // A convolution reads the unpadded input; its padding is implicit.
      std::optional<PaddedInput> padded;
      if (isa<linalg::Conv2DNhwcHwcfOp, linalg::DepthwiseConv2DNhwcHwcmOp>(
              op.getOperation()))
        padded = matchPaddedInput(op->getOperand(0), op);
      // The output's zero init, dropped below, and the epilogue, whose
      // operands must exist before the call (and before that init).
      ArrayRef<Operation *> padding;
      if (padded)
        padding = padded->builders;
      Operation *fill = zeroFillBefore(op, out, padding);
      linalg::GenericOp epilogue = epilogueAfter(op, out);
      if (epilogue)
        for (Value input : epilogue.getDpsInputs())
          hoistBefore(input, fill ? fill : op.getOperation(), epilogue);
      b.setInsertionPoint(op);
      if (fill) {
        flags &= ~int64_t(1);
        if (auto copy = dyn_cast<memref::CopyOp>(fill))
          zeroBuffers.insert(copy.getSource().getDefiningOp());
        fill->erase();
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
      for (auto [i, v] : llvm::enumerate(op->getOperands()))
        args.push_back(memref::CastOp::create(
            b, loc, unranked, i == 0 && padded ? padded->source : v));
      int64_t top = padded ? padded->top : 0, left = padded ? padded->left : 0;
      // The epilogue's operands: two addends (the output stands in for
      // absent ones), their layout words, lo and hi; its shape in flags.

      SmallVector<Value> tail;
      {
        SmallVector<Value> addends;
        SmallVector<int64_t> words;
        float lo = -std::numeric_limits<float>::infinity();
        float hi = std::numeric_limits<float>::infinity();
        if (epilogue) {
          kiln::Epilogue e = *kiln::matchUKernelEpilogue(epilogue);
          for (BlockArgument arg : e.addends) {
            OpOperand *input = epilogue.getDpsInputOperand(arg.getArgNumber());
            addends.push_back(input->get());
            words.push_back(
                epilogueLayoutWord(epilogue.getMatchingIndexingMap(input)));
          }
          flags |= static_cast<int64_t>(e.addends.size()) << 2;
          if (e.lo || e.hi) {
            flags |= 16;
            lo = e.lo.value_or(lo);
            hi = e.hi.value_or(hi);
          }
        }
        while (addends.size() < 2) {
          addends.push_back(out);
          words.push_back(0);
        }
        for (Value v : addends)
          tail.push_back(memref::CastOp::create(b, loc, unranked, v));
        for (int64_t w : words)
          tail.push_back(constant(w));
        for (float v : {lo, hi})
          tail.push_back(arith::ConstantOp::create(b, loc, f32,
                                                   b.getF32FloatAttr(v)));
      }
      if (auto conv = dyn_cast<linalg::Conv2DNhwcHwcfOp>(op.getOperation())) {
        for (int64_t v : windowArgs(conv, top, left, flags))
          args.push_back(constant(v));
        args.append(tail);
        declare(module, kConvFn, ValueRange(args).getTypes());
        func::CallOp::create(b, loc, kConvFn, TypeRange{}, args);
      } else if (auto dw = dyn_cast<linalg::DepthwiseConv2DNhwcHwcmOp>(
                     op.getOperation())) {
        for (int64_t v : windowArgs(dw, top, left, flags))
          args.push_back(constant(v));
        args.append(tail);
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
        args.append(tail);
        declare(module, kMatmulFn, ValueRange(args).getTypes());
        func::CallOp::create(b, loc, kMatmulFn, TypeRange{}, args);
      }
      memref::AllocaScopeReturnOp::create(b, loc, ValueRange{});
      op.erase();
      if (epilogue)
        epilogue.erase();
      if (padded)
        for (Operation *builder : padded->builders)
          builder->erase();
    }
    // Zero buffers that nothing uses any more but their fill and
    // deallocations go.
    for (Operation *alloc : zeroBuffers) {
      if (llvm::any_of(alloc->getUsers(), [](Operation *user) {
            return !isa<linalg::FillOp, memref::DeallocOp>(user);
          }))
        continue;
      for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
        user->erase();
      alloc->erase();
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
