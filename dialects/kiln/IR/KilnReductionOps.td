//===- KilnReductionOps.td - reductions ----------------------*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Reductions over a set of axes, and argmax/argmin along one axis.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_REDUCTION_OPS_TD
#define KILN_REDUCTION_OPS_TD

include "dialects/kiln/IR/KilnBase.td"

class Kiln_ReduceOp<string mnemonic, string what, Type type>
    : Kiln_InferOp<mnemonic, [SameOperandsAndResultElementType]> {
  let summary = what # " over the given axes";
  let description = !strconcat("Reduces `input` to the ", what, [{ of its
    elements over `axes` (distinct, sorted or not, each less than the rank).
    With `keep_dims` the reduced dimensions stay with size 1; otherwise they
    are removed. An empty `axes` list reduces nothing and folds away.

    Example:

    ```mlir
    %0 = kiln.}], mnemonic, [{ %x {axes = array<i64: 1, 2>}
        : (tensor<?x8x8x16xf32>) -> tensor<?x16xf32>
    ```
  }]);
  let arguments = (ins type:$input, DenseI64ArrayAttr:$axes,
                       DefaultValuedAttr<BoolAttr, "false">:$keep_dims);
  let results = (outs type:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
  let extraClassDefinition = Kiln_IsCompatibleReturnTypesDef # [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *, std::optional<::mlir::Location> loc,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      return ::kiln::inferReduceResultType(loc, adaptor.getInput(),
          adaptor.getAxes(), adaptor.getKeepDims(), nullptr, inferred);
    }
  }];
}

def Kiln_ReduceSumOp : Kiln_ReduceOp<"reduce_sum", "sum", Kiln_NumericTensor>;
def Kiln_ReduceMeanOp : Kiln_ReduceOp<"reduce_mean", "mean", Kiln_FloatTensor>;
def Kiln_ReduceMaxOp : Kiln_ReduceOp<"reduce_max", "maximum", Kiln_NumericTensor>;
def Kiln_ReduceMinOp : Kiln_ReduceOp<"reduce_min", "minimum", Kiln_NumericTensor>;
def Kiln_ReduceProdOp : Kiln_ReduceOp<"reduce_prod", "product", Kiln_NumericTensor>;

class Kiln_ArgReduceOp<string mnemonic, string what>
    : Kiln_InferOp<mnemonic> {
  let summary = "index of the " # what # " along one axis";
  let description = !strconcat("Returns the `i64` index of the ", what, [{
    of `input` along `axis`; ties go to the first index. With `keep_dims`
    the axis stays with size 1.

    Example:

    ```mlir
    %0 = kiln.}], mnemonic, [{ %x {axis = 1 : i64} : (tensor<?x10xf32>) -> tensor<?xi64>
    ```
  }]);
  let arguments = (ins Kiln_NumericTensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "false">:$keep_dims);
  let results = (outs RankedTensorOf<[I64]>:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let extraClassDefinition = Kiln_IsCompatibleReturnTypesDef # [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *ctx, std::optional<::mlir::Location> loc,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      int64_t axis = static_cast<int64_t>(adaptor.getAxis());
      auto type = ::llvm::cast<::mlir::RankedTensorType>(adaptor.getInput().getType());
      if (::mlir::failed(::kiln::verifyAxis(loc, axis, type.getRank())))
        return ::mlir::failure();
      return ::kiln::inferReduceResultType(loc, adaptor.getInput(), axis,
          adaptor.getKeepDims(), ::mlir::IntegerType::get(ctx, 64), inferred);
    }
  }];
}

def Kiln_ArgmaxOp : Kiln_ArgReduceOp<"argmax", "maximum">;
def Kiln_ArgminOp : Kiln_ArgReduceOp<"argmin", "minimum">;

#endif // KILN_REDUCTION_OPS_TD
