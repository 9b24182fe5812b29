//===- KilnNNOps.td - neural-network ops ---------------------*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Contractions, convolutions, pooling, softmax, normalizations and dropout.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_NN_OPS_TD
#define KILN_NN_OPS_TD

include "dialects/kiln/IR/KilnBase.td"

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

def Kiln_MatmulOp : Kiln_RuleOp<"matmul",
    "inferMatmulShape(loc, shapes[0], shapes[1], result)",
    [SameOperandsAndResultElementType]> {
  let summary = "batched matrix product with NumPy broadcasting";
  let description = [{
    Multiplies the trailing two dimensions of `lhs` (`[..., m, k]`) and
    `rhs` (`[..., k, n]`); the leading batch dimensions broadcast under NumPy
    rules. Both operands have rank 2 or more. A Keras `Dense` layer is a
    `kiln.matmul` followed by a bias `kiln.add`.

    Example:

    ```mlir
    %0 = kiln.matmul %x, %w : (tensor<?x784xf32>, tensor<784x128xf32>) -> tensor<?x128xf32>
    ```
  }];
  let arguments = (ins Kiln_NumericTensor:$lhs, Kiln_NumericTensor:$rhs);
  let results = (outs Kiln_NumericTensor:$result);
  let assemblyFormat =
      "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

def Kiln_ConvOp : Kiln_InferOp<"conv", [SameOperandsAndResultElementType]> {
  let summary = "N-d convolution, channels last, HWIO filter";
  let description = [{
    A 1-D, 2-D or 3-D cross-correlation (what Keras and ONNX call a
    convolution). `input` is `[batch, spatial..., in_channels]`; `filter` is
    `[spatial..., in_channels / groups, out_channels]` exactly as Keras stores
    a `Conv2D` kernel. With `groups = in_channels` it is a depthwise
    convolution.

    * `strides`, `dilations`: one value per spatial dimension, default 1.
    * `padding`: a `(low, high)` pair per spatial dimension, flattened, default 0.
      Frontends turn Keras `same` padding into explicit pairs.

    Output size per spatial dimension:
    `(in + low + high - dilation * (k - 1) - 1) / stride + 1`.

    Example:

    ```mlir
    %0 = kiln.conv %x, %w {strides = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>}
        : (tensor<?x8x8x1xf32>, tensor<3x3x1x16xf32>) -> tensor<?x8x8x16xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$filter,
                       OptionalAttr<DenseI64ArrayAttr>:$strides,
                       OptionalAttr<DenseI64ArrayAttr>:$dilations,
                       OptionalAttr<DenseI64ArrayAttr>:$padding,
                       DefaultValuedAttr<I64Attr, "1">:$groups);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat =
      "$input `,` $filter attr-dict `:` functional-type(operands, results)";
  let extraClassDeclaration = [{
    /// The spatial-dimension count (input rank - 2).
    int64_t getNumSpatialDims() { return getInput().getType().getRank() - 2; }
  }];
}

def Kiln_ConvTransposeOp : Kiln_InferOp<"conv_transpose",
                                        [SameOperandsAndResultElementType]> {
  let summary = "N-d transposed convolution, channels last";
  let description = [{
    The gradient of `kiln.conv` with respect to its input, used as an
    upsampling layer (Keras `Conv2DTranspose`, ONNX `ConvTranspose`).
    `input` is `[batch, spatial..., in_channels]`; `filter` is
    `[spatial..., out_channels / groups, in_channels]`, the layout Keras uses
    for `Conv2DTranspose` kernels.

    * `strides`, `dilations`: one value per spatial dimension, default 1.
    * `padding`: a `(low, high)` pair per spatial dimension, cropped from the
      full output, default 0.
    * `output_padding`: extra rows added at the high end, default 0; each
      value is smaller than the stride or the dilation.

    Output size per spatial dimension:
    `(in - 1) * stride + dilation * (k - 1) + 1 - low - high + output_padding`.

    Example:

    ```mlir
    %0 = kiln.conv_transpose %x, %w {strides = array<i64: 2, 2>, padding = array<i64: 0, 1, 0, 1>}
        : (tensor<?x4x4x8xf32>, tensor<3x3x4x8xf32>) -> tensor<?x8x8x4xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$filter,
                       OptionalAttr<DenseI64ArrayAttr>:$strides,
                       OptionalAttr<DenseI64ArrayAttr>:$dilations,
                       OptionalAttr<DenseI64ArrayAttr>:$padding,
                       OptionalAttr<DenseI64ArrayAttr>:$output_padding,
                       DefaultValuedAttr<I64Attr, "1">:$groups);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat =
      "$input `,` $filter attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

class Kiln_PoolOp<string mnemonic, string what, dag extraArgs = (ins),
                  string extraDoc = "">
    : Kiln_InferOp<mnemonic, [SameOperandsAndResultElementType]> {
  let summary = "N-d " # what # " pooling, channels last";
  let description = !strconcat([{
    Slides a window over the spatial dimensions of `input`
    (`[batch, spatial..., channels]`) and takes the }], what, [{ of each
    window, per channel.

    * `window`: the window size per spatial dimension.
    * `strides`, `dilations`: one value per spatial dimension, default 1.
    * `padding`: a `(low, high)` pair per spatial dimension, flattened,
      default 0. Padded elements never win a max.}], extraDoc, [{

    Example:

    ```mlir
    %0 = kiln.}], mnemonic, [{ %x {window = array<i64: 2, 2>, strides = array<i64: 2, 2>}
        : (tensor<?x8x8x16xf32>) -> tensor<?x4x4x16xf32>
    ```
  }]);
  let arguments = !con((ins Kiln_FloatTensor:$input,
                            DenseI64ArrayAttr:$window,
                            OptionalAttr<DenseI64ArrayAttr>:$strides,
                            OptionalAttr<DenseI64ArrayAttr>:$dilations,
                            OptionalAttr<DenseI64ArrayAttr>:$padding),
                       extraArgs);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let extraClassDefinition = Kiln_IsCompatibleReturnTypesDef # [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *, std::optional<::mlir::Location> loc,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      return ::kiln::inferPoolResultType(loc, adaptor.getInput(),
          adaptor.getWindow(), adaptor.getStrides(), adaptor.getDilations(),
          adaptor.getPadding(), inferred);
    }
  }];
}

def Kiln_MaxPoolOp : Kiln_PoolOp<"max_pool", "maximum">;
def Kiln_AvgPoolOp : Kiln_PoolOp<"avg_pool", "mean",
    (ins DefaultValuedAttr<BoolAttr, "false">:$count_include_pad), [{

    * `count_include_pad`: divide by the full window size, padding included
      (ONNX `count_include_pad = 1`); by default only real elements count,
      as in Keras.}]>;

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

class Kiln_SoftmaxLikeOp<string mnemonic, string what>
    : Kiln_InferOp<mnemonic, [SameOperandsAndResultElementType]> {
  let summary = what # " along one axis";
  let description = !strconcat("Computes the ", what, [{ of `input` along
    `axis`, subtracting the maximum first so that large inputs do not
    overflow.

    Example:

    ```mlir
    %0 = kiln.}], mnemonic, [{ %x {axis = 1 : i64} : (tensor<?x10xf32>) -> tensor<?x10xf32>
    ```
  }]);
  let arguments = (ins Kiln_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let extraClassDefinition = Kiln_IsCompatibleReturnTypesDef # [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *, std::optional<::mlir::Location> loc,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      auto type = ::llvm::cast<::mlir::RankedTensorType>(adaptor.getInput().getType());
      if (::mlir::failed(::kiln::verifyAxis(loc,
              static_cast<int64_t>(adaptor.getAxis()), type.getRank())))
        return ::mlir::failure();
      inferred.push_back(type);
      return ::mlir::success();
    }
  }];
}

def Kiln_SoftmaxOp : Kiln_SoftmaxLikeOp<"softmax", "softmax">;
def Kiln_LogSoftmaxOp : Kiln_SoftmaxLikeOp<"log_softmax", "logarithm of the softmax">;

//===----------------------------------------------------------------------===//
// Normalizations
//===----------------------------------------------------------------------===//

def Kiln_BatchNormInferenceOp : Kiln_InferOp<"batch_norm_inference",
                                             [SameOperandsElementType,
                                              SameOperandsAndResultElementType]> {
  let summary = "batch normalization with given statistics";
  let description = [{
    Normalizes `input` per feature along `feature_axis` with the given
    `mean` and `variance`, then scales and shifts:
    `scale * (x - mean) / sqrt(variance + epsilon) + offset`. `scale`,
    `offset`, `mean` and `variance` are 1-D with the feature count. This is
    Keras `BatchNormalization` at inference time.

    Example:

    ```mlir
    %0 = kiln.batch_norm_inference %x, %gamma, %beta, %mean, %var
        {epsilon = 1.0e-3 : f64, feature_axis = 3 : i64}
        : (tensor<?x8x8x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
        -> tensor<?x8x8x16xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$scale,
                       Kiln_FloatTensor:$offset, Kiln_FloatTensor:$mean,
                       Kiln_FloatTensor:$variance, F64Attr:$epsilon,
                       I64Attr:$feature_axis);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $offset `,` $mean `,` $variance attr-dict `:`
    functional-type(operands, results)
  }];
}

def Kiln_BatchNormTrainingOp : Kiln_InferOp<"batch_norm_training",
                                            [SameOperandsElementType]> {
  let summary = "batch normalization with batch statistics";
  let description = [{
    Computes the mean and the biased variance of `input` over every axis but
    `feature_axis`, normalizes with them, then scales and shifts. Returns the
    output and the two statistics, from which a frontend updates its moving
    averages (Keras `BatchNormalization` in training mode).

    Example:

    ```mlir
    %y, %mean, %var = kiln.batch_norm_training %x, %gamma, %beta
        {epsilon = 1.0e-3 : f64, feature_axis = 1 : i64}
        : (tensor<?x16xf32>, tensor<16xf32>, tensor<16xf32>)
        -> (tensor<?x16xf32>, tensor<16xf32>, tensor<16xf32>)
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$scale,
                       Kiln_FloatTensor:$offset, F64Attr:$epsilon,
                       I64Attr:$feature_axis);
  let results = (outs Kiln_FloatTensor:$result, Kiln_FloatTensor:$batch_mean,
                      Kiln_FloatTensor:$batch_variance);
  let assemblyFormat = [{
    $input `,` $scale `,` $offset attr-dict `:` functional-type(operands, results)
  }];
}

def Kiln_LayerNormOp : Kiln_InferOp<"layer_norm", [SameOperandsElementType,
                                                  SameOperandsAndResultElementType]> {
  let summary = "layer normalization over the given axes";
  let description = [{
    Normalizes `input` over `axes` (per example) to zero mean and unit
    variance, then multiplies by `scale` and adds `offset`. `scale` and
    `offset` have the shape of the normalized dimensions, in axis order, as in
    Keras `LayerNormalization`.

    Example:

    ```mlir
    %0 = kiln.layer_norm %x, %gamma, %beta {axes = array<i64: 2>, epsilon = 1.0e-3 : f64}
        : (tensor<?x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<?x16x64xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input, Kiln_FloatTensor:$scale,
                       Kiln_FloatTensor:$offset, DenseI64ArrayAttr:$axes,
                       F64Attr:$epsilon);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $offset attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Dropout
//===----------------------------------------------------------------------===//

def Kiln_DropoutOp : Kiln_InferOp<"dropout"> {
  let summary = "inverted dropout with an explicit training flag and seed";
  let description = [{
    With `training = true`, zeroes each element of `input` with probability
    `rate` and scales the others by `1 / (1 - rate)`. The mask is a pure
    function of `seed`, the optional scalar `offset` (a train step feeds its
    step counter here so that masks differ between steps) and the element's
    position, so runs are reproducible. With `training = false` it is the
    identity and folds away.

    `noise_shape`, when given, has the input's rank; a 1 there shares one
    mask value along that dimension (Keras `SpatialDropout`).

    Example:

    ```mlir
    %0 = kiln.dropout %x offset %step {rate = 0.5 : f64, seed = 42 : i64, training = true}
        : (tensor<?x128xf32>, tensor<i64>) -> tensor<?x128xf32>
    ```
  }];
  let arguments = (ins Kiln_FloatTensor:$input,
                       Optional<Kiln_I64ScalarTensor>:$offset, F64Attr:$rate,
                       DefaultValuedAttr<I64Attr, "0">:$seed,
                       DefaultValuedAttr<BoolAttr, "false">:$training,
                       OptionalAttr<DenseI64ArrayAttr>:$noise_shape);
  let results = (outs Kiln_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`offset` $offset^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

#endif // KILN_NN_OPS_TD
