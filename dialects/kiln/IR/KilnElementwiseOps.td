//===- KilnElementwiseOps.td - elementwise ops ---------------*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Elementwise ops: binary arithmetic with NumPy broadcasting, comparisons,
// logical ops, select, unary math and activations.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_ELEMENTWISE_OPS_TD
#define KILN_ELEMENTWISE_OPS_TD

include "dialects/kiln/IR/KilnBase.td"

//===----------------------------------------------------------------------===//
// Binary ops with NumPy broadcasting
//===----------------------------------------------------------------------===//

/// A binary op whose operands broadcast against each other under NumPy rules
/// (right-aligned; a dimension of 1 stretches). Operands share an element
/// type; the result has it too unless `resultElt` says otherwise.
class Kiln_BroadcastBinaryOp<string mnemonic, Type operandType, string what,
                             list<Trait> traits = []>
    : Kiln_InferOp<mnemonic, !listconcat(traits,
          [SameOperandsElementType, SameOperandsAndResultElementType])> {
  let summary = "elementwise " # what # " with NumPy broadcasting";
  let description = !strconcat([{
    Computes the elementwise }], what, [{ of `lhs` and `rhs`. The operand
    shapes broadcast under NumPy rules: they are aligned on the right and
    each pair of dimensions must be equal or one of them 1.

    Example:

    ```mlir
    %0 = kiln.}], mnemonic, [{ %a, %b : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
    ```
  }]);
  let arguments = (ins operandType:$lhs, operandType:$rhs);
  let results = (outs operandType:$result);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let extraClassDefinition = Kiln_IsCompatibleReturnTypesDef # [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *, std::optional<::mlir::Location> loc,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      return ::kiln::inferBroadcastResultType(
          loc, adaptor.getOperands(), /*elementType=*/nullptr, inferred);
    }
  }];
}

def Kiln_AddOp : Kiln_BroadcastBinaryOp<"add", Kiln_NumericTensor, "sum",
                                        [Commutative]> {
  let hasFolder = 1;
}
def Kiln_SubOp : Kiln_BroadcastBinaryOp<"sub", Kiln_NumericTensor, "difference"> {
  let hasFolder = 1;
}
def Kiln_MulOp : Kiln_BroadcastBinaryOp<"mul", Kiln_NumericTensor, "product",
                                        [Commutative]> {
  let hasFolder = 1;
}
def Kiln_DivOp : Kiln_BroadcastBinaryOp<"div", Kiln_NumericTensor,
    "quotient (integer division truncates toward zero)"> {
  let hasFolder = 1;
}
def Kiln_PowOp : Kiln_BroadcastBinaryOp<"pow", Kiln_FloatTensor, "power `lhs ^ rhs`">;
def Kiln_MaximumOp : Kiln_BroadcastBinaryOp<"maximum", Kiln_NumericTensor,
    "maximum (NaN-propagating)", [Commutative]>;
def Kiln_MinimumOp : Kiln_BroadcastBinaryOp<"minimum", Kiln_NumericTensor,
    "minimum (NaN-propagating)", [Commutative]>;
def Kiln_AndOp : Kiln_BroadcastBinaryOp<"and", Kiln_BoolTensor, "logical and",
                                        [Commutative]>;
def Kiln_OrOp : Kiln_BroadcastBinaryOp<"or", Kiln_BoolTensor, "logical or",
                                       [Commutative]>;
def Kiln_XorOp : Kiln_BroadcastBinaryOp<"xor", Kiln_BoolTensor, "logical exclusive or",
                                        [Commutative]>;

def Kiln_CompareOp : Kiln_InferOp<"compare", [SameOperandsElementType]> {
  let summary = "elementwise comparison with NumPy broadcasting";
  let description = [{
    Compares `lhs` and `rhs` elementwise with the given direction (`eq`,
    `ne`, `lt`, `le`, `gt`, `ge`) and returns a tensor of `i1`. Operands
    broadcast as for `kiln.add`. Floating-point comparisons are ordered:
    any comparison with NaN is false, except `ne`, which is true.

    Example:

    ```mlir
    %0 = kiln.compare lt, %a, %b : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xi1>
    ```
  }];
  let arguments = (ins Kiln_CompareDirection:$direction, Kiln_AnyTensor:$lhs,
                       Kiln_AnyTensor:$rhs);
  let results = (outs Kiln_BoolTensor:$result);
  let assemblyFormat = [{
    $direction `,` $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
}

def Kiln_SelectOp : Kiln_InferOp<"select"> {
  let summary = "elementwise choice between two tensors";
  let description = [{
    Returns `on_true` where `condition` is true and `on_false` elsewhere.
    The three operands broadcast together under NumPy rules.

    Example:

    ```mlir
    %0 = kiln.select %c, %a, %b : (tensor<?x4xi1>, tensor<?x4xf32>, tensor<f32>) -> tensor<?x4xf32>
    ```
  }];
  let arguments = (ins Kiln_BoolTensor:$condition, Kiln_AnyTensor:$on_true,
                       Kiln_AnyTensor:$on_false);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = [{
    $condition `,` $on_true `,` $on_false attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Unary ops
//===----------------------------------------------------------------------===//

/// A unary elementwise op: the result has the operand's type.
class Kiln_UnaryOp<string mnemonic, Type type, string what, string extraDoc = "",
                   list<Trait> traits = []>
    : Kiln_Op<mnemonic, !listconcat(traits, [SameOperandsAndResultType,
                                             Elementwise])> {
  let summary = "elementwise " # what;
  let description = !strconcat("Computes the elementwise ", what,
    " of `input`.", extraDoc, [{

    Example:

    ```mlir
    %0 = kiln.}], mnemonic, [{ %x : tensor<?x4xf32>
    ```
  }]);
  let arguments = (ins type:$input);
  let results = (outs type:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Kiln_NegOp : Kiln_UnaryOp<"neg", Kiln_NumericTensor, "negation"> {
  let hasFolder = 1;
}
def Kiln_AbsOp : Kiln_UnaryOp<"abs", Kiln_NumericTensor, "absolute value"> {
  let hasFolder = 1;
}
def Kiln_SignOp : Kiln_UnaryOp<"sign", Kiln_NumericTensor, "sign (-1, 0 or 1)">;
def Kiln_ExpOp : Kiln_UnaryOp<"exp", Kiln_FloatTensor, "exponential">;
def Kiln_LogOp : Kiln_UnaryOp<"log", Kiln_FloatTensor, "natural logarithm">;
def Kiln_SqrtOp : Kiln_UnaryOp<"sqrt", Kiln_FloatTensor, "square root">;
def Kiln_RsqrtOp : Kiln_UnaryOp<"rsqrt", Kiln_FloatTensor, "reciprocal square root">;
def Kiln_ReciprocalOp : Kiln_UnaryOp<"reciprocal", Kiln_FloatTensor, "reciprocal `1 / x`">;
def Kiln_TanhOp : Kiln_UnaryOp<"tanh", Kiln_FloatTensor, "hyperbolic tangent">;
def Kiln_SinOp : Kiln_UnaryOp<"sin", Kiln_FloatTensor, "sine">;
def Kiln_CosOp : Kiln_UnaryOp<"cos", Kiln_FloatTensor, "cosine">;
def Kiln_ErfOp : Kiln_UnaryOp<"erf", Kiln_FloatTensor, "Gauss error function">;
def Kiln_FloorOp : Kiln_UnaryOp<"floor", Kiln_FloatTensor, "floor">;
def Kiln_CeilOp : Kiln_UnaryOp<"ceil", Kiln_FloatTensor, "ceiling">;
def Kiln_RoundOp : Kiln_UnaryOp<"round", Kiln_FloatTensor,
    "rounding to the nearest integer", " Halves round to even, as in NumPy and ONNX.">;
def Kiln_NotOp : Kiln_UnaryOp<"not", Kiln_BoolTensor, "logical negation"> {
  let hasFolder = 1;
}

// Activations.
def Kiln_SigmoidOp : Kiln_UnaryOp<"sigmoid", Kiln_FloatTensor,
    "logistic sigmoid `1 / (1 + exp(-x))`">;
def Kiln_ReluOp : Kiln_UnaryOp<"relu", Kiln_NumericTensor,
    "rectified linear unit `max(x, 0)`"> {
  let hasFolder = 1;
}
def Kiln_SeluOp : Kiln_UnaryOp<"selu", Kiln_FloatTensor,
    "scaled exponential linear unit",
    [{ With `alpha = 1.6732632423543772` and `scale = 1.0507009873554805`:
    `scale * x` for `x > 0`, `scale * alpha * (exp(x) - 1)` otherwise.}]>;
def Kiln_SoftplusOp : Kiln_UnaryOp<"softplus", Kiln_FloatTensor,
    "softplus `log(1 + exp(x))`", " It is computed stably for large `|x|`.">;
def Kiln_SoftsignOp : Kiln_UnaryOp<"softsign", Kiln_FloatTensor,
    "softsign `x / (1 + |x|)`">;
def Kiln_SiluOp : Kiln_UnaryOp<"silu", Kiln_FloatTensor,
    "sigmoid linear unit (swish) `x * sigmoid(x)`">;

/// A unary op with scalar parameters given as attributes.
class Kiln_ParamUnaryOp<string mnemonic, string what, string example,
                        dag params>
    : Kiln_Op<mnemonic, [SameOperandsAndResultType, Elementwise]> {
  let summary = "elementwise " # what;
  let description = !strconcat("Computes the elementwise ", what,
    " of `input`.", [{

    Example:

    ```mlir
    }], example, [{
    ```
  }]);
  let arguments = !con((ins Kiln_FloatTensor:$input), params);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Kiln_LeakyReluOp : Kiln_ParamUnaryOp<"leaky_relu",
    "leaky rectified linear unit: `x` for `x >= 0`, `alpha * x` otherwise",
    "%0 = kiln.leaky_relu %x {alpha = 0.2 : f64} : tensor<?x4xf32>",
    (ins F64Attr:$alpha)>;
def Kiln_EluOp : Kiln_ParamUnaryOp<"elu",
    "exponential linear unit: `x` for `x > 0`, `alpha * (exp(x) - 1)` otherwise",
    "%0 = kiln.elu %x {alpha = 1.0 : f64} : tensor<?x4xf32>",
    (ins DefaultValuedAttr<F64Attr, "1.0">:$alpha)>;
def Kiln_GeluOp : Kiln_ParamUnaryOp<"gelu",
    "Gaussian error linear unit `x * Phi(x)`; with `approximate` the tanh "
    "approximation `0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))`",
    "%0 = kiln.gelu %x {approximate = true} : tensor<?x4xf32>",
    (ins DefaultValuedAttr<BoolAttr, "false">:$approximate)>;
def Kiln_HardSigmoidOp : Kiln_ParamUnaryOp<"hard_sigmoid",
    "hard sigmoid `clamp(alpha * x + beta, 0, 1)` (Keras 2 wrote alpha = 0.2, "
    "Keras 3 and ONNX use alpha = 1/6 and 0.2 respectively; beta = 0.5)",
    "%0 = kiln.hard_sigmoid %x {alpha = 0.2 : f64, beta = 0.5 : f64} : tensor<?x4xf32>",
    (ins F64Attr:$alpha, F64Attr:$beta)>;

def Kiln_ClampOp : Kiln_Op<"clamp", [SameOperandsAndResultType, Elementwise]> {
  let summary = "elementwise clamp to `[min, max]`";
  let description = [{
    Clamps every element of `input` to `[min, max]`. Either bound may be
    omitted. NaN propagates.

    Example:

    ```mlir
    %0 = kiln.clamp %x {min = 0.0 : f64, max = 6.0 : f64} : tensor<?x4xf32>
    ```
  }];
  let arguments = (ins Kiln_NumericTensor:$input, OptionalAttr<F64Attr>:$min,
                       OptionalAttr<F64Attr>:$max);
  let results = (outs Kiln_NumericTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // KILN_ELEMENTWISE_OPS_TD
