//===- KilnControlFlowOps.td - scan and its terminator -----*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The one structured loop of the dialect: a scan over a sequence axis, which
// recurrent layers (and ONNX Scan/Loop-style models) lower to instead of
// unrolling their cell once per timestep.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_CONTROL_FLOW_OPS_TD
#define KILN_CONTROL_FLOW_OPS_TD

include "dialects/kiln/IR/KilnBase.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"

def Kiln_ScanOp : Op<Kiln_Dialect, "scan", [
    AttrSizedOperandSegments, RecursiveMemoryEffects, RecursivelySpeculatable,
    SingleBlock]> {
  let summary = "a loop over one axis of its sequences, carrying state";
  let description = [{
    Runs `body` once per position `t` along `axis` of the `sequences`
    (positions `0, 1, …, T-1`, or `T-1, …, 0` with `reverse`). The body's
    arguments are the carried values — `inits` on the first step, what the
    previous step yielded afterwards — followed by slice `t` of every
    sequence, with `axis` removed. `kiln.yield` gives the new carries, then
    any number of per-step outputs.

    The results are the final carries, then each per-step output stacked
    along `axis` at the position of its step (so a reverse scan's outputs are
    in sequence order, not processing order). Carries keep their shape from
    step to step. Values defined above the scan (weights) may be used in the
    body.

    Example — a SimpleRNN over `[batch, time, units]` projected inputs:

    ```mlir
    %h, %seq = kiln.scan (%h0) over (%xw) axis = 1
        : (tensor<?x8xf32>), (tensor<?x5x8xf32>) -> (tensor<?x8xf32>, tensor<?x5x8xf32>) {
    ^bb0(%h_prev: tensor<?x8xf32>, %x_t: tensor<?x8xf32>):
      %r = kiln.matmul %h_prev, %u : tensor<?x8xf32>, tensor<8x8xf32> -> tensor<?x8xf32>
      %z = kiln.add %x_t, %r : tensor<?x8xf32>, tensor<?x8xf32> -> tensor<?x8xf32>
      %h_new = kiln.tanh %z : tensor<?x8xf32>
      kiln.yield %h_new, %h_new : tensor<?x8xf32>, tensor<?x8xf32>
    }
    ```
  }];
  let arguments = (ins Variadic<Kiln_AnyTensor>:$inits,
                       Variadic<Kiln_AnyTensor>:$sequences,
                       ConfinedAttr<I64Attr, [IntNonNegative]>:$axis,
                       UnitAttr:$reverse);
  let results = (outs Variadic<Kiln_AnyTensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    `(` $inits `)` `over` `(` $sequences `)` `axis` `=` $axis
    (`reverse` $reverse^)? attr-dict
    `:` `(` type($inits) `)` `,` `(` type($sequences) `)` `->` `(` type($results) `)`
    $body
  }];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let builders = [
    // Fills the body with `bodyBuilder`, which gets the carries and the step
    // slices and returns the new carries then the per-step outputs; the
    // result types follow from what it returns.
    OpBuilder<(ins "::mlir::ValueRange":$inits,
      "::mlir::ValueRange":$sequences, "int64_t":$axis, "bool":$reverse,
      "::llvm::function_ref<::llvm::SmallVector<::mlir::Value>("
      "::mlir::OpBuilder &, ::mlir::Location, ::mlir::ValueRange, "
      "::mlir::ValueRange)>":$bodyBuilder)>
  ];
  let extraClassDeclaration = [{
    /// The body's single block.
    ::mlir::Block &getBodyBlock() { return getBody().front(); }
    /// The scan's terminator.
    YieldOp getYield();
    /// The final carries, then the stacked per-step outputs.
    ::mlir::ResultRange getFinalCarries() {
      return getResults().take_front(getInits().size());
    }
    ::mlir::ResultRange getStackedOutputs() {
      return getResults().drop_front(getInits().size());
    }
  }];
}

def Kiln_YieldOp : Kiln_Op<"yield", [
    HasParent<"ScanOp">, ReturnLike, Terminator]> {
  let summary = "ends a scan step: the new carries, then per-step outputs";
  let description = [{
    The terminator of `kiln.scan`'s body. Its first operands are the next
    carries (one per `inits` operand of the scan, with compatible types);
    the rest are the step's outputs, which the scan stacks.

    Example:

    ```mlir
    kiln.yield %h_new, %h_new : tensor<?x8xf32>, tensor<?x8xf32>
    ```
  }];
  let arguments = (ins Variadic<Kiln_AnyTensor>:$operands);
  let assemblyFormat = "attr-dict ($operands^ `:` type($operands))?";
}

#endif // KILN_CONTROL_FLOW_OPS_TD
