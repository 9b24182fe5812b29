//===- KilnShapeOps.td - data-movement ops -------------------*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Constants, casts and ops that move data without arithmetic: reshape,
// transpose, concat, slice, pad, gather, broadcast_to.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_SHAPE_OPS_TD
#define KILN_SHAPE_OPS_TD

include "dialects/kiln/IR/KilnBase.td"

def Kiln_ConstantOp : Kiln_Op<"constant", [ConstantLike, InferTypeOpAdaptor]> {
  let summary = "a constant tensor";
  let description = [{
    A tensor literal: weights, biases, scalars. Large weights use
    `dense_resource` blobs so that the IR stays small and the bytes are
    written once into the generated library.

    Example:

    ```mlir
    %0 = kiln.constant dense<[1.0, 2.0]> : tensor<2xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

def Kiln_CastOp : Kiln_Op<"cast", [SameOperandsAndResultShape, Elementwise]> {
  let summary = "elementwise element-type conversion";
  let description = [{
    Converts every element of `input` to the result's element type. Float to
    integer truncates toward zero; integer to `i1` compares with zero; `i1`
    to a number gives 0 or 1; integers are sign-extended.

    Example:

    ```mlir
    %0 = kiln.cast %labels : tensor<?xi32> to tensor<?xi64>
    ```
  }];
  let arguments = (ins Kiln_AnyTensor:$input);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasFolder = 1;
}

def Kiln_ReshapeOp : Kiln_RuleOp<"reshape",
    "inferReshapeShape(loc, shapes[0], adaptor.getShape(), result)",
    [SameOperandsAndResultElementType]> {
  let summary = "reshape to a new shape with the same element count";
  let description = [{
    Reinterprets `input` (row-major) with the dimensions in `shape`. At most
    one entry of `shape` is `-1`: that dimension is whatever makes the
    element count match, and is dynamic when the input is. Every other entry
    is a size of 0 or more.

    Example:

    ```mlir
    %0 = kiln.reshape %x {shape = array<i64: -1, 64>} : (tensor<?x8x8x1xf32>) -> tensor<?x64xf32>
    ```
  }];
  let arguments = (ins Kiln_AnyTensor:$input, DenseI64ArrayAttr:$shape);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Kiln_TransposeOp : Kiln_RuleOp<"transpose",
    "inferTransposeShape(loc, shapes[0], adaptor.getPermutation(), result)",
    [SameOperandsAndResultElementType]> {
  let summary = "permute dimensions";
  let description = [{
    Result dimension `i` is input dimension `permutation[i]`.

    Example:

    ```mlir
    %0 = kiln.transpose %x {permutation = array<i64: 1, 0>} : (tensor<?x4xf32>) -> tensor<4x?xf32>
    ```
  }];
  let arguments = (ins Kiln_AnyTensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Kiln_ConcatOp : Kiln_RuleOp<"concat",
    "inferConcatShape(loc, shapes, static_cast<int64_t>(adaptor.getAxis()), result)",
    [SameOperandsAndResultElementType]> {
  let summary = "concatenate tensors along one axis";
  let description = [{
    Joins one or more tensors of equal rank along `axis`; every other
    dimension must agree.

    Example:

    ```mlir
    %0 = kiln.concat %a, %b {axis = 1 : i64}
        : (tensor<?x4xf32>, tensor<?x6xf32>) -> tensor<?x10xf32>
    ```
  }];
  let arguments = (ins Variadic<Kiln_AnyTensor>:$inputs, I64Attr:$axis);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Kiln_SliceOp : Kiln_RuleOp<"slice",
    "inferSliceShape(loc, shapes[0], adaptor.getAxes(), adaptor.getStarts(), adaptor.getEnds(), adaptor.getSteps(), result)",
    [SameOperandsAndResultElementType]> {
  let summary = "strided slice along some axes";
  let description = [{
    Takes `input[start:end:step]` along each of `axes`, with Python and ONNX
    semantics: a negative `start` or `end` counts from the end of the
    dimension, and both are clamped to the dimension. Steps are positive.
    Axes not listed are kept whole, so slicing works with a dynamic batch.

    Example:

    ```mlir
    %0 = kiln.slice %x {axes = array<i64: 1>, starts = array<i64: 1>,
                        ends = array<i64: -1>, steps = array<i64: 1>}
        : (tensor<?x10xf32>) -> tensor<?x8xf32>
    ```
  }];
  let arguments = (ins Kiln_AnyTensor:$input, DenseI64ArrayAttr:$axes,
                       DenseI64ArrayAttr:$starts, DenseI64ArrayAttr:$ends,
                       DenseI64ArrayAttr:$steps);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Kiln_PadOp : Kiln_RuleOp<"pad",
    "inferPadShape(loc, shapes[0], adaptor.getLow(), adaptor.getHigh(), adaptor.getMode() == PadMode::reflect, result)",
    [SameOperandsAndResultElementType]> {
  let summary = "pad with a constant, a reflection or the edge value";
  let description = [{
    Adds `low[i]` elements before and `high[i]` after dimension `i`. `mode`
    is `constant` (fill with `value`), `reflect` (mirror without repeating
    the edge; the pad must be smaller than the dimension) or `edge` (repeat
    the edge element).

    Example:

    ```mlir
    %0 = kiln.pad %x {low = array<i64: 0, 1, 1, 0>, high = array<i64: 0, 1, 1, 0>}
        : (tensor<?x8x8x3xf32>) -> tensor<?x10x10x3xf32>
    %1 = kiln.pad %x mode reflect {low = array<i64: 0, 2, 2, 0>, high = array<i64: 0, 2, 2, 0>}
        : (tensor<?x8x8x3xf32>) -> tensor<?x12x12x3xf32>
    ```
  }];
  let arguments = (ins Kiln_AnyTensor:$input, DenseI64ArrayAttr:$low,
                       DenseI64ArrayAttr:$high,
                       DefaultValuedAttr<Kiln_PadMode, "::kiln::PadMode::constant">:$mode,
                       DefaultValuedAttr<F64Attr, "0.0">:$value);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = [{
    $input (`mode` $mode^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

def Kiln_GatherOp : Kiln_RuleOp<"gather",
    "inferGatherShape(loc, shapes[0], shapes[1], static_cast<int64_t>(adaptor.getAxis()), result)"> {
  let summary = "take slices along one axis at the given indices";
  let description = [{
    NumPy `take`: the result shape is `data.shape[:axis] + indices.shape +
    data.shape[axis + 1:]`. Negative indices count from the end (ONNX). An
    `Embedding` layer is a gather on axis 0 of its table.

    Example:

    ```mlir
    %0 = kiln.gather %table, %ids {axis = 0 : i64}
        : (tensor<1000x64xf32>, tensor<?x16xi32>) -> tensor<?x16x64xf32>
    ```
  }];
  let arguments = (ins Kiln_AnyTensor:$data, Kiln_IndexTensor:$indices,
                       I64Attr:$axis);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat =
      "$data `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Kiln_BroadcastToOp : Kiln_InferOp<"broadcast_to"> {
  let summary = "broadcast to a shape under NumPy rules";
  let description = [{
    Broadcasts `input` to `shape` (right-aligned; a dimension of 1
    stretches). An entry of `-1` in `shape` is a dynamic size: it comes from
    `like` at the same position when `like` is given (its rank equals the
    length of `shape`), and otherwise from the aligned input dimension.

    Example:

    ```mlir
    %0 = kiln.broadcast_to %bias {shape = array<i64: -1, 10>} like %x
        : (tensor<10xf32>, tensor<?x10xf32>) -> tensor<?x10xf32>
    ```
  }];
  let arguments = (ins Kiln_AnyTensor:$input, Optional<Kiln_AnyTensor>:$like,
                       DenseI64ArrayAttr:$shape);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = [{
    $input attr-dict (`like` $like^)? `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
  let extraClassDeclaration = [{
    /// Whether result dimension `i` has an input dimension it copies.
    bool isExpandedDim(int64_t i);
  }];
}

def Kiln_ShapeOfOp : Kiln_InferOp<"shape_of"> {
  let summary = "the sizes of a tensor's dimensions, as a 1-D i64 tensor";
  let description = [{
    Element `i` of the result is the size of dimension `i` of `input`, read
    at run time when the dimension is dynamic. Folds to a constant when the
    input's shape is static. ONNX's `Shape` is this op.

    Example:

    ```mlir
    %0 = kiln.shape_of %x : (tensor<?x3xf32>) -> tensor<2xi64>
    ```
  }];
  let arguments = (ins Kiln_AnyTensor:$input);
  let results = (outs 1DTensorOf<[I64]>:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Kiln_DynamicReshapeOp : Kiln_Op<"dynamic_reshape"> {
  let summary = "reshape to sizes computed at run time";
  let description = [{
    Reinterprets `input` (row-major) with the sizes held by the 1-D tensor
    `shape`, whose length (static) is the result's rank. One entry may be
    `-1`: that size is whatever makes the element count match. With
    `copy_zero`, an entry of 0 takes the size of the input's dimension at
    the same position (ONNX `Reshape` without `allowzero`).

    The result type states what is known at compile time: a static size
    there is a promise that the run-time entry equals it. When the sizes do
    not multiply to the input's element count, the dynamic sizes of the
    result are 0: the result is empty instead of reading past the input.

    `reshape` is the form to use when at most one size is unknown; this op
    is for shapes that depend on run-time values, such as an ONNX
    `Reshape` whose target comes from `Shape`.

    Example:

    ```mlir
    %s = kiln.shape_of %x : (tensor<?x?x4xf32>) -> tensor<3xi64>
    %0 = kiln.dynamic_reshape %y(%s) : (tensor<?x4xf32>, tensor<3xi64>) -> tensor<?x?x4xf32>
    ```
  }];
  let arguments = (ins Kiln_AnyTensor:$input, 1DTensorOf<[I64]>:$shape,
                       UnitAttr:$copy_zero);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat = [{
    $input `(` $shape `)` attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Kiln_IotaOp : Kiln_InferOp<"iota"> {
  let summary = "each element's index along one axis";
  let description = [{
    An i64 tensor of the shape of `like` (whose values are not read) in
    which every element is its own index along `axis`. Masks such as a
    triangle (ONNX `Trilu`) or a diagonal (`EyeLike`) compare two iotas,
    which works with dynamic sizes where a constant mask cannot.

    Example:

    ```mlir
    %0 = kiln.iota %x {axis = 1 : i64} : (tensor<?x4xf32>) -> tensor<?x4xi64>
    ```
  }];
  let arguments = (ins Kiln_AnyTensor:$like, I64Attr:$axis);
  let results = (outs RankedTensorOf<[I64]>:$result);
  let assemblyFormat = "$like attr-dict `:` functional-type(operands, results)";
}

def Kiln_GatherElementsOp : Kiln_InferOp<"gather_elements"> {
  let summary = "take one element along an axis for each index";
  let description = [{
    NumPy `take_along_axis` (ONNX `GatherElements`): the result has the
    shape of `indices`, and element `[i0, ..., ik, ...]` (with `ik` at
    position `axis`) is `data[i0, ..., indices[i0, ..., ik, ...], ...]`.
    Negative indices count from the end; out-of-range indices are clamped
    so that no load leaves the tensor. Every dimension of `indices` other
    than `axis` must not exceed the data's.

    Example:

    ```mlir
    %0 = kiln.gather_elements %x, %ids {axis = 1 : i64}
        : (tensor<?x10xf32>, tensor<?x1xi64>) -> tensor<?x1xf32>
    ```
  }];
  let arguments = (ins Kiln_AnyTensor:$data, Kiln_IndexTensor:$indices,
                       I64Attr:$axis);
  let results = (outs Kiln_AnyTensor:$result);
  let assemblyFormat =
      "$data `,` $indices attr-dict `:` functional-type(operands, results)";
}

#endif // KILN_SHAPE_OPS_TD
