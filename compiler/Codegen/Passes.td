//===- Passes.td - Kiln code-generation passes ---------------*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#ifndef KILN_CODEGEN_PASSES_TD
#define KILN_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

def TileAndVectorizePass : Pass<"kiln-cpu-tile-and-vectorize", "mlir::func::FuncOp"> {
  let summary = "Tile linalg ops with producer fusion, then vectorize the tiles";
  let description = [{
    The first, correct form of Kiln's CPU tiling (a later issue tunes it).
    Each root linalg op is tiled over its parallel loops, fusing into the
    tile loop the producers that are all-parallel and used once (a
    reduction, a contraction or a value used twice is a root of its own, so
    no tile recomputes more than its elementwise prologue): outer
    parallel loops by 1, the innermost parallel loop by `vector-width`
    elements (the whole loop when it is shorter). Reductions are not tiled,
    so fusing producers that feed a reduction stays legal. Every tiled op
    whose iteration space then has at most `max-vector-elements` elements is
    vectorized (masked where sizes are dynamic); larger tiles, such as a
    matmul row with a long contraction, stay scalar for LLVM's loop
    vectorizer.

    ```mlir
    // Before: an elementwise chain on tensor<?x10xf32>.
    %0 = linalg.generic ... ins(%x, %b) outs(%e) { addf }
    %1 = linalg.generic ... ins(%0) outs(%e) { maximumf }
    // After: one loop over rows; each row is vector<1x10xf32> work.
    scf.for %i = %c0 to %n step %c1 iter_args(%acc = %e) {
      %xs = tensor.extract_slice %x[%i, 0] [1, 10] [1, 1]
      %v = vector.transfer_read %xs ... : vector<1x10xf32>
      ... arith.addf, arith.maximumf on vectors ...
    }
    ```
  }];
  let dependentDialects = [
    "mlir::scf::SCFDialect", "mlir::vector::VectorDialect",
    "mlir::tensor::TensorDialect", "mlir::linalg::LinalgDialect",
  ];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "Tile size of the innermost parallel loop">,
    Option<"maxVectorElements", "max-vector-elements", "int64_t",
           /*default=*/"1024",
           "Largest tile iteration space that is vectorized">,
  ];
}

def LowerToUKernelsPass : Pass<"kiln-cpu-lower-to-ukernels", "mlir::ModuleOp"> {
  let summary = "Replace f32 matmuls and convolutions with runtime micro-kernel calls";
  let description = [{
    Runs on buffers, after bufferization. Each f32 contraction that is a
    matrix multiply (one m, n and k loop, at most two batch loops, operands
    in any dimension order, so transposed operands need no copy), each
    f32 `linalg.conv_2d_nhwc_hwcf` and each f32
    `linalg.depthwise_conv_2d_nhwc_hwcm` (vectorized over channels)
    becomes a call into the runtime's
    matrix-multiply engine (`runtime/src/ukernel`): packed operands,
    register-blocked micro-kernels for AVX-512, AVX2 or portable C chosen
    from the CPU when the library loads, and the convolution read as its
    implicit im2col matrix. Operands travel as unranked memrefs with a
    layout word per operand naming the dimension of each role. A zero fill
    of the output right before the op is dropped: the call overwrites
    instead of accumulating. A convolution whose input is the buffer that
    bufferization built for a zero `tensor.pad` (an allocation used only by
    its zero fill, the copy of the unpadded input into a subview, the
    convolution and deallocations) reads the unpadded input and gets the
    padding as arguments; the buffer, the fill and the copy are erased.
    When B (a dense kernel or a filter) is a view of a constant global, a
    flag lets the runtime pack it once and keep the packed form. Each call sits in a `memref.alloca_scope`, so
    the descriptors it passes on the stack are freed also inside loops.
    `kiln-cpu-tile-and-vectorize` leaves these ops whole (one predicate,
    `compiler/Codegen/CPU/UKernels.h`).

    ```mlir
    // Before:
    linalg.fill ins(%zero : f32) outs(%c : memref<64x512xf32>)
    linalg.matmul ins(%a, %b : memref<64x784xf32>, memref<784x512xf32>)
                  outs(%c : memref<64x512xf32>)
    // After (layout words: A is (m, k) = dims (0, 1), and so on):
    memref.alloca_scope {
      %ua = memref.cast %a : memref<64x784xf32> to memref<*xf32>
      ...
      func.call @kiln_uk_matmul_f32(%ua, %ub, %uc, %c513, %c513, %c513, %c0)
    }
    ```
  }];
  let dependentDialects = [
    "mlir::func::FuncDialect", "mlir::memref::MemRefDialect",
    "mlir::arith::ArithDialect",
  ];
}

def FuseEpiloguesPass : Pass<"kiln-cpu-fuse-epilogues"> {
  let summary = "Make the elementwise tail of a matmul or convolution its epilogue";
  let description = [{
    Runs on tensors, after `kiln-fuse-elementwise`. When the only use of a
    micro-kernel op's result (an f32 matrix multiply, NHWC convolution, or
    depthwise convolution through the collapse of its unit multiplier) is
    an all-parallel `linalg.generic` that reads it through an identity map
    and computes `clamp(x + a + b, lo, hi)` (up to two `arith.addf` of its
    other inputs, broadcasts allowed, such as a bias and a residual, then
    `arith.maximumf` / `arith.minimumf` with constants: ReLU, ReLU6, a
    clip), that generic is rewritten to update the kernel's result in place
    (the result becomes its init, read as the accumulator) and placed right
    after the kernel; when an addend is computed later, the kernel moves
    down to it instead, with its zero fill and input padding.
    `kiln-cpu-tile-and-vectorize` leaves the epilogue whole and
    `kiln-cpu-lower-to-ukernels` passes it to the runtime, which applies it
    to each output tile as it finishes (one pass over the output saved).

    ```mlir
    // Before: a convolution, then bias + residual + ReLU.
    %c = linalg.conv_2d_nhwc_hwcf ins(%x, %w) outs(%zero)
    %y = linalg.generic ins(%c, %bias, %res) outs(%empty) {
      addf, addf, maximumf }
    // After: the epilogue reads the convolution's output as its init.
    %c = linalg.conv_2d_nhwc_hwcf ins(%x, %w) outs(%zero)
    %y = linalg.generic ins(%bias, %res) outs(%c) { addf, addf, maximumf }
    ```
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def FuseElementwisePass : Pass<"kiln-fuse-elementwise"> {
  let summary = "Fuse elementwise linalg ops and reshapes, keeping contractions whole";
  let description = [{
    Upstream's `linalg-fuse-elementwise-ops` (elementwise producer-consumer
    fusion, reshape propagation by expansion, constant folding of linalg
    ops), with one rule added: nothing is fused into or out of an op that
    `compiler/Codegen/CPU/UKernels.h` sends to a micro-kernel (an f32
    matrix multiply or NHWC convolution). Upstream fuses an attention's
    softmax into its second product, and a reshape into a matmul, which
    leaves generic contractions with extra operands that no kernel takes.
    A producer is fused only into its single use.

    Two rules keep a model imported in NCHW in NHWC between convolutions:
    `linalg.transpose` becomes a generic (a permuted input map), so it
    fuses with its neighbours and transposes that undo each other compose
    to the identity; and an elementwise generic whose every user reads its
    result through the same permutation computes the permuted result
    (iterating in its users' order, `linalg.index` renumbered), so a value
    used twice (a residual block's output: the next convolution's input and
    the next residual) is produced once in NHWC. The one thing fused into
    a matrix multiply is a transpose used only by it, which becomes the
    product's indexing map (a generic contraction; the engine reads any
    strides): the backward pass's transposed weights and activations and
    attention's transposed keys are not copied.

    ```mlir
    // Before: the exp of a softmax feeds a batched matmul.
    %e = linalg.generic {...} ins(%s) outs(%i) { math.exp }
    %c = linalg.generic {contraction} ins(%e, %v) outs(%z) { mulf, addf }
    // After: unchanged (upstream would fuse the exp into the contraction).
    ```
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::affine::AffineDialect",
                           "mlir::tensor::TensorDialect"];
}

def ResolveDimsPass : Pass<"kiln-resolve-dims", "mlir::func::FuncOp"> {
  let summary = "Rewrite every dynamic size in terms of the function's arguments";
  let description = [{
    Folds `tensor.dim` of loop results (tile loops preserve the shape of
    their destination), of linalg and tensor ops (by reifying their result
    shapes) and of `tensor.empty` to the sizes they come from, repeatedly,
    so that each dynamic size — the batch, in practice — is one SSA value
    of the form `tensor.dim %arg, i`. Bufferization's subset analysis
    compares slice offsets and sizes; with one value per size it compares
    them syntactically, where otherwise it would prove them equal with
    Presburger arithmetic through every earlier loop (quadratic in the
    depth of the model: minutes for an EfficientNet).

    ```mlir
    // Before:
    %r = scf.for ... iter_args(%acc = %e) -> (tensor<?x8xf32>) { ... }
    %n = tensor.dim %r, %c0 : tensor<?x8xf32>
    // After:
    %n = tensor.dim %arg0, %c0 : tensor<?x8xf32>
    ```
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect", "mlir::arith::ArithDialect"];
}

def ExportFunctionsPass : Pass<"kiln-export-functions", "mlir::ModuleOp"> {
  let summary = "Mark the library's entry points and drop what they do not call";
  let description = [{
    Runs once the C API is decided (after the kiln level, where the driver
    reads the library's signature from the `kiln.*` argument attributes).
    Each exported function gets `llvm.emit_c_interface`, so the LLVM
    lowering gives it the `_mlir_ciface_*` wrapper the model wrapper calls,
    and loses its `kiln.*` argument and result attributes (names, roles,
    initial values), which no later pass reads; `kiln.dim_symbols` stays for
    the linalg lowering, which removes it. Functions that are not exported
    and that nothing calls (the loss a train step was built from) are
    erased, so they are not compiled.

    ```mlir
    // Before (functions=f):
    func.func @f(%x: tensor<?x4xf32> {kiln.name = "x"}) -> tensor<?x4xf32>
    func.func @unused(...)
    // After:
    func.func @f(%x: tensor<?x4xf32>) -> tensor<?x4xf32>
        attributes {llvm.emit_c_interface}
    ```
  }];
  let options = [
    ListOption<"functions", "functions", "std::string",
               "The exported functions (default: every public function)">,
  ];
}

#endif // KILN_CODEGEN_PASSES_TD
