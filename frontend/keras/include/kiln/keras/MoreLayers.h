//===- kiln/keras/MoreLayers.h - recurrent, attention, conv variants -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// More built-in Keras layers, in the style of Layers.h: SimpleRNN, LSTM,
// GRU, Bidirectional and Masking; MultiHeadAttention; DepthwiseConv,
// SeparableConv, ConvTranspose and UpSampling. Weights are created in the
// order and with the shapes of Keras `get_weights()`, so that Keras weights
// load with `setWeights`.
//
//   RecurrentOptions seq;
//   seq.returnSequences = true;
//   Tensor x = Input({10, 8});
//   Tensor h = Bidirectional(LSTM(16, seq))(x);
//
// Recurrent layers emit one kiln.scan over the timesteps, which the
// compiler turns into a loop.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_KERAS_MORELAYERS_H
#define KILN_KERAS_MORELAYERS_H

#include "kiln/keras/Layers.h"

namespace kiln {
namespace layers {

//===----------------------------------------------------------------------===//
// Recurrent layers
//===----------------------------------------------------------------------===//

/// Options of SimpleRNN, LSTM and GRU (Keras argument names).
struct RecurrentOptions {
  Activation activation = "tanh";
  /// The gate activation of LSTM and GRU; "hard_sigmoid" follows the
  /// Activation's kerasMajor.
  Activation recurrentActivation = "sigmoid";
  bool useBias = true;
  bool returnSequences = false;
  /// Keras `return_state`; not supported (an error when set).
  bool returnState = false;
  bool goBackwards = false;
  /// LSTM: the forget-gate bias starts at 1.
  bool unitForgetBias = true;
  /// GRU: apply the reset gate after the recurrent matmul (Keras 3 and
  /// tf.keras 2 default; CuDNN-compatible). False is the Keras 2 "v1" GRU.
  bool resetAfter = true;
  /// With a mask: masked timesteps output zeros instead of the previous
  /// output (Bidirectional forces this to returnSequences, as Keras does).
  bool zeroOutputForMask = false;
  Initializer kernelInitializer = "glorot_uniform";
  Initializer recurrentInitializer = "orthogonal";
  Initializer biasInitializer = "zeros";
};

/// SimpleRNN, LSTM and GRU over `[batch, timesteps, features]`, as one
/// kiln.scan over the timesteps.
///
/// Weights (Keras order): `kernel (features, g*units)`, `recurrent_kernel
/// (units, g*units)`, `bias` with g = 1 (SimpleRNN), 4 (LSTM: gate blocks
/// i, f, c, o) or 3 (GRU: z, r, h). The GRU bias is `(2, 3*units)` with
/// resetAfter (row 0 input bias, row 1 recurrent bias), else `(3*units,)`.
///
/// Masking: when the input comes straight from a Masking layer (or from a
/// recurrent layer or Bidirectional that returns sequences of a masked
/// input), masked timesteps keep the previous state, as in Keras. Other
/// layers do not propagate masks.
class Recurrent : public Layer {
public:
  enum class Cell { SimpleRNN, LSTM, GRU };
  Recurrent(Cell cell, int64_t units, RecurrentOptions options,
            std::string name = "");
  void build(const std::vector<Shape> &in) override;
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override;
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;

  Cell cell() const { return cell_; }
  int64_t units() const { return units_; }
  const RecurrentOptions &options() const { return options_; }
  /// An unbuilt copy with other options and name (Bidirectional's halves).
  std::shared_ptr<Recurrent> clone(RecurrentOptions options,
                                   std::string name) const;

private:
  int64_t gates() const;
  Cell cell_;
  int64_t units_;
  RecurrentOptions options_;
};

/// Keras Bidirectional around a recurrent layer: a forward copy and a
/// backward copy (go_backwards flipped, or `backwardLayer`), whose outputs
/// merge with `mergeMode` "concat", "sum", "mul", "ave", or "none" (two
/// outputs). With returnSequences the backward output is reversed in time
/// before merging. Weights: the forward layer's, then the backward layer's,
/// named `forward_<name>` and `backward_<name>`.
class Bidirectional : public Layer {
public:
  Bidirectional(std::shared_ptr<Recurrent> layer, std::string mergeMode,
                std::shared_ptr<Recurrent> backwardLayer = nullptr,
                std::string name = "");
  void build(const std::vector<Shape> &in) override;
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override;
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;

  const Recurrent &forwardLayer() const { return *forward_; }
  const Recurrent &backwardLayer() const { return *backward_; }

private:
  std::shared_ptr<Recurrent> forward_, backward_;
  std::string mergeMode_;
};

/// Keras Masking: timesteps whose features all equal `maskValue` become
/// zeros and are skipped by a recurrent layer (or Bidirectional) that takes
/// this layer's output directly. Any rank >= 3; the mask is over the last
/// axis.
class Masking : public Layer {
public:
  explicit Masking(double maskValue = 0.0, std::string name = "");
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override;
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;
  double maskValue() const { return maskValue_; }

private:
  double maskValue_;
};

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

/// Keras MultiHeadAttention with `output_shape` and `attention_axes` None
/// (attention over every axis between the batch and the features). Called
/// on `[query, value]` or `[query, value, key]` (key defaults to value).
///
/// Weights (Keras order): `query_kernel (d_q, heads, key_dim)`,
/// `query_bias (heads, key_dim)`, `key_kernel (d_k, heads, key_dim)`,
/// `key_bias`, `value_kernel (d_v, heads, value_dim)`, `value_bias`,
/// `attention_output_kernel (heads, value_dim, d_q)`,
/// `attention_output_bias (d_q,)`; no biases without useBias.
class MultiHeadAttention : public Layer {
public:
  struct Options {
    int64_t valueDim = 0; ///< 0: key_dim
    bool useBias = true;
    double dropout = 0.0; ///< on the attention scores, training only
    Initializer kernelInitializer = "glorot_uniform";
    Initializer biasInitializer = "zeros";
  };
  MultiHeadAttention(int64_t numHeads, int64_t keyDim, Options options,
                     std::string name = "");
  int numInputs() const override { return -1; }
  void build(const std::vector<Shape> &in) override;
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override;
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;

private:
  int64_t numHeads_, keyDim_, valueDim_;
  Options options_;
};

//===----------------------------------------------------------------------===//
// Convolution variants and upsampling
//===----------------------------------------------------------------------===//

/// Options of DepthwiseConv1D/2D and SeparableConv1D/2D (Keras names).
struct DepthwiseConvOptions {
  Activation activation;
  std::vector<int64_t> strides;      ///< default 1
  std::string padding = "valid";     ///< "valid" or "same"
  std::vector<int64_t> dilationRate; ///< default 1
  int64_t depthMultiplier = 1;
  bool useBias = true;
  Initializer depthwiseInitializer = "glorot_uniform";
  Initializer pointwiseInitializer = "glorot_uniform"; ///< SeparableConv
  Initializer biasInitializer = "zeros";
};

/// DepthwiseConv1D/2D. Weights: `kernel (k..., in, depth_multiplier)`
/// (Keras 2 calls it `depthwise_kernel`), `bias (in * depth_multiplier,)`.
/// Output channel `c * depth_multiplier + m` uses input channel `c`.
class DepthwiseConv : public Layer {
public:
  DepthwiseConv(int rank, std::vector<int64_t> kernelSize,
                DepthwiseConvOptions options, std::string name = "");
  void build(const std::vector<Shape> &in) override;
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override;
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;

protected:
  DepthwiseConv(std::string className, int rank,
                std::vector<int64_t> kernelSize, DepthwiseConvOptions options,
                std::string name);
  /// The depthwise convolution of `x` with the `(k..., in, dm)` kernel `w`.
  mlir::Value depthwise(CallContext &ctx, mlir::Value x, mlir::Value w) const;
  /// The depthwise stage's output shape for input `s`.
  Shape depthwiseShape(const Shape &s) const;
  int rank_;
  std::vector<int64_t> kernel_, strides_, dilations_;
  DepthwiseConvOptions options_;
};

/// SeparableConv1D/2D: a depthwise convolution, then a pointwise (1x1)
/// one. Weights: `depthwise_kernel (k..., in, dm)`, `pointwise_kernel
/// (1..., in * dm, filters)`, `bias (filters,)`.
class SeparableConv : public DepthwiseConv {
public:
  SeparableConv(int rank, int64_t filters, std::vector<int64_t> kernelSize,
                DepthwiseConvOptions options, std::string name = "");
  void build(const std::vector<Shape> &in) override;
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override;
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;

private:
  int64_t filters_;
};

/// Conv1DTranspose/Conv2DTranspose with Keras's output sizes for "valid"
/// (`in * stride + max(k_eff - stride, 0)`) and "same" (`in * stride`)
/// padding and no `output_padding`. Weights: `kernel (k..., filters, in)`,
/// `bias (filters,)`. `groups` must be 1.
class ConvTranspose : public Layer {
public:
  ConvTranspose(int rank, int64_t filters, std::vector<int64_t> kernelSize,
                ConvOptions options, std::string name = "");
  void build(const std::vector<Shape> &in) override;
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override;
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;

private:
  /// The (low, high) crop and the output padding per spatial dimension.
  void paddingFor(std::vector<int64_t> &padding,
                  std::vector<int64_t> &outputPadding) const;
  int rank_;
  int64_t filters_;
  std::vector<int64_t> kernel_, strides_, dilations_;
  ConvOptions options_;
};

/// UpSampling1D/2D/3D: repeats each element `size` times along each spatial
/// axis (interpolation "nearest"; "bilinear" is not supported).
class UpSampling : public Layer {
public:
  UpSampling(int rank, std::vector<int64_t> size,
             std::string interpolation = "nearest", std::string name = "");
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override;
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;

private:
  int rank_;
  std::vector<int64_t> size_;
};

} // namespace layers

using layers::DepthwiseConvOptions;
using layers::RecurrentOptions;

//===----------------------------------------------------------------------===//
// Factories
//===----------------------------------------------------------------------===//

LayerRef<layers::Recurrent> SimpleRNN(int64_t units,
                                      RecurrentOptions options = {});
LayerRef<layers::Recurrent> LSTM(int64_t units, RecurrentOptions options = {});
LayerRef<layers::Recurrent> GRU(int64_t units, RecurrentOptions options = {});
LayerRef<layers::Bidirectional>
Bidirectional(std::shared_ptr<layers::Recurrent> layer,
              std::string mergeMode = "concat",
              std::shared_ptr<layers::Recurrent> backwardLayer = nullptr);
LayerRef<layers::Masking> Masking(double maskValue = 0.0);
LayerRef<layers::MultiHeadAttention>
MultiHeadAttention(int64_t numHeads, int64_t keyDim,
                   layers::MultiHeadAttention::Options options = {});
LayerRef<layers::DepthwiseConv>
DepthwiseConv1D(int64_t kernelSize, DepthwiseConvOptions options = {});
LayerRef<layers::DepthwiseConv>
DepthwiseConv2D(std::vector<int64_t> kernelSize,
                DepthwiseConvOptions options = {});
LayerRef<layers::SeparableConv>
SeparableConv1D(int64_t filters, int64_t kernelSize,
                DepthwiseConvOptions options = {});
LayerRef<layers::SeparableConv>
SeparableConv2D(int64_t filters, std::vector<int64_t> kernelSize,
                DepthwiseConvOptions options = {});
LayerRef<layers::ConvTranspose> Conv1DTranspose(int64_t filters,
                                                int64_t kernelSize,
                                                Activation activation = {},
                                                ConvOptions options = {});
LayerRef<layers::ConvTranspose>
Conv2DTranspose(int64_t filters, std::vector<int64_t> kernelSize,
                Activation activation = {}, ConvOptions options = {});
LayerRef<layers::UpSampling> UpSampling1D(int64_t size = 2);
LayerRef<layers::UpSampling>
UpSampling2D(std::vector<int64_t> size = {2, 2},
             std::string interpolation = "nearest");

} // namespace kiln

#endif // KILN_KERAS_MORELAYERS_H
