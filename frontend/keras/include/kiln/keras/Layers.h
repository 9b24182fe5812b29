//===- kiln/keras/Layers.h - the built-in Keras layers ----------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Layer classes live in kiln::layers; the Keras-style factories in kiln
// return LayerRef handles that call like Keras layers:
//
//   Tensor x = Input({28, 28, 1});
//   Tensor y = Conv2D(16, {3, 3}, "relu")(x);
//
//===----------------------------------------------------------------------===//

#ifndef KILN_KERAS_LAYERS_H
#define KILN_KERAS_LAYERS_H

#include "kiln/keras/Core.h"

#include <optional>

namespace kiln {

/// An activation by Keras name ("relu", "softmax", "hard_sigmoid", ...).
/// `kerasMajor` picks the version semantics where they differ
/// (hard_sigmoid: 0.2x + 0.5 in Keras 2, x / 6 + 0.5 in Keras 3).
struct Activation {
  std::string name = "linear";
  int kerasMajor = 3;
  Activation() = default;
  Activation(const char *n) : name(n ? n : "linear") {}
  Activation(std::string n) : name(n.empty() ? "linear" : std::move(n)) {}
  bool isLinear() const { return name == "linear"; }
};

/// A custom activation: a function of a kiln value.
using ActivationFn = std::function<mlir::Value(mlir::OpBuilder &,
                                               mlir::Location, mlir::Value)>;
/// Registers `fn` under `name`, usable wherever an activation name is.
void registerActivation(const std::string &name, ActivationFn fn);
/// Whether `name` is a built-in or registered activation.
bool isKnownActivation(const std::string &name);

/// Emits `act` applied to `x`.
mlir::Value applyActivation(CallContext &ctx, const Activation &act,
                            mlir::Value x);

namespace layers {

class InputLayer : public Layer {
public:
  InputLayer(Shape shape, DType dtype, std::string name);
  const Shape &inputShape() const { return shape_; }
  DType dtype() const { return dtype_; }
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &) override;
  std::vector<mlir::Value> call(CallContext &,
                                const std::vector<mlir::Value> &in) override {
    return in;
  }

private:
  Shape shape_;
  DType dtype_;
};

//===----------------------------------------------------------------------===//
// Core layers
//===----------------------------------------------------------------------===//

class Dense : public Layer {
public:
  struct Options {
    Activation activation;
    bool useBias = true;
    Initializer kernelInitializer = "glorot_uniform";
    Initializer biasInitializer = "zeros";
  };
  Dense(int64_t units, Options options, std::string name = "");
  void build(const std::vector<Shape> &in) override;
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override;
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;
  int64_t units() const { return units_; }

private:
  int64_t units_;
  Options options_;
};

class ActivationLayer : public Layer {
public:
  ActivationLayer(Activation act, std::string name = "");
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override {
    return in;
  }
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;

private:
  Activation act_;
};

class Flatten : public Layer {
public:
  explicit Flatten(std::string name = "") : Layer("Flatten", std::move(name)) {}
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override;
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;
};

class Reshape : public Layer {
public:
  Reshape(Shape targetShape, std::string name = "");
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override;
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;

private:
  Shape target_;
};

class Permute : public Layer {
public:
  Permute(std::vector<int64_t> dims, std::string name = "");
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override;
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;

private:
  std::vector<int64_t> dims_; // 1-based, batch excluded (Keras)
};

/// Dropout and SpatialDropout1D/2D (mask shared over the spatial axes).
class Dropout : public Layer {
public:
  Dropout(double rate, int spatialRank = 0, int64_t seed = 0,
          std::string name = "");
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override;
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;

private:
  double rate_;
  int spatialRank_;
  int64_t seed_;
};

class Rescaling : public Layer {
public:
  Rescaling(std::vector<double> scale, std::vector<double> offset,
            std::string name = "");
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override;
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;

private:
  std::vector<double> scale_, offset_;
};

/// Keras Normalization: (x - mean) / sqrt(variance), or the inverse.
class Normalization : public Layer {
public:
  Normalization(int64_t axis, std::vector<double> mean,
                std::vector<double> variance, bool invert,
                std::string name = "");
  void build(const std::vector<Shape> &in) override;
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override;
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;

private:
  int64_t axis_;
  std::vector<double> mean_, variance_;
  bool invert_;
};

//===----------------------------------------------------------------------===//
// Convolution and pooling
//===----------------------------------------------------------------------===//

struct ConvOptions {
  Activation activation;
  std::vector<int64_t> strides;      ///< default 1
  std::string padding = "valid";     ///< "valid", "same", "causal" (1-D)
  std::vector<int64_t> dilationRate; ///< default 1
  int64_t groups = 1;
  bool useBias = true;
  Initializer kernelInitializer = "glorot_uniform";
  Initializer biasInitializer = "zeros";
};

/// Conv1D/2D/3D.
class Conv : public Layer {
public:
  Conv(int rank, int64_t filters, std::vector<int64_t> kernelSize,
       ConvOptions options, std::string name = "");
  void build(const std::vector<Shape> &in) override;
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override;
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;

protected:
  /// Explicit (low, high) padding per spatial dimension for `input`.
  std::vector<int64_t> paddingFor(const Shape &input) const;
  int rank_;
  int64_t filters_;
  std::vector<int64_t> kernel_, strides_, dilations_;
  ConvOptions options_;
};

struct PoolOptions {
  std::vector<int64_t> strides; ///< default: the pool size
  std::string padding = "valid";
};

class Pooling : public Layer {
public:
  Pooling(bool max, int rank, std::vector<int64_t> poolSize,
          PoolOptions options, std::string name = "");
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override;
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;

private:
  std::vector<int64_t> paddingFor(const Shape &input) const;
  bool max_;
  int rank_;
  std::vector<int64_t> pool_, strides_;
  std::string padding_;
};

class GlobalPooling : public Layer {
public:
  /// With `channelsFirst` the input is `[batch, channels, spatial...]`
  /// (Keras data_format='channels_first') and the trailing axes are pooled.
  GlobalPooling(bool max, int rank, bool keepDims = false,
                std::string name = "", bool channelsFirst = false);
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override;
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;

private:
  bool max_;
  int rank_;
  bool keepDims_;
  bool channelsFirst_;
};

/// ZeroPadding1D/2D (pads (low, high) per spatial dimension).
class ZeroPadding : public Layer {
public:
  ZeroPadding(int rank, std::vector<int64_t> padding, std::string name = "");
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override;
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;

private:
  int rank_;
  std::vector<int64_t> padding_;
};

/// Cropping1D/2D (crops (low, high) per spatial dimension).
class Cropping : public Layer {
public:
  Cropping(int rank, std::vector<int64_t> cropping, std::string name = "");
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override;
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;

private:
  int rank_;
  std::vector<int64_t> cropping_;
};

//===----------------------------------------------------------------------===//
// Normalization and activations
//===----------------------------------------------------------------------===//

class BatchNormalization : public Layer {
public:
  struct Options {
    int64_t axis = -1;
    double momentum = 0.99;
    double epsilon = 1e-3;
    bool center = true;
    bool scale = true;
  };
  explicit BatchNormalization(Options options, std::string name = "");
  void build(const std::vector<Shape> &in) override;
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override;
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;
  const Options &options() const { return options_; }

private:
  Options options_;
  int64_t axis_ = -1;
};

class LayerNormalization : public Layer {
public:
  struct Options {
    std::vector<int64_t> axes = {-1};
    double epsilon = 1e-3;
    bool center = true;
    bool scale = true;
  };
  explicit LayerNormalization(Options options, std::string name = "");
  void build(const std::vector<Shape> &in) override;
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override;
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;

private:
  Options options_;
  std::vector<int64_t> axes_;
};

/// ReLU(max_value, negative_slope, threshold) as Keras defines it.
class ReLU : public Layer {
public:
  ReLU(std::optional<double> maxValue = std::nullopt,
       double negativeSlope = 0.0, double threshold = 0.0,
       std::string name = "");
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override {
    return in;
  }
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;

private:
  std::optional<double> maxValue_;
  double negativeSlope_, threshold_;
};

class LeakyReLU : public Layer {
public:
  explicit LeakyReLU(double alpha = 0.3, std::string name = "");
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override {
    return in;
  }
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;

private:
  double alpha_;
};

class Softmax : public Layer {
public:
  explicit Softmax(int64_t axis = -1, std::string name = "");
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override;
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;

private:
  int64_t axis_;
};

//===----------------------------------------------------------------------===//
// Merging
//===----------------------------------------------------------------------===//

/// Add, Subtract, Multiply, Average, Maximum, Minimum.
class Merge : public Layer {
public:
  enum Kind { Add, Subtract, Multiply, Average, Maximum, Minimum };
  Merge(Kind kind, std::string name = "");
  int numInputs() const override { return -1; }
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override;
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;

private:
  Kind kind_;
};

class Concatenate : public Layer {
public:
  explicit Concatenate(int64_t axis = -1, std::string name = "");
  int numInputs() const override { return -1; }
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override;
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;

private:
  int64_t axis_;
};

//===----------------------------------------------------------------------===//
// Embedding
//===----------------------------------------------------------------------===//

class Embedding : public Layer {
public:
  Embedding(int64_t inputDim, int64_t outputDim,
            Initializer init = Initializer("random_uniform"),
            std::string name = "");
  void build(const std::vector<Shape> &in) override;
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override;
  std::vector<DType> computeOutputDtypes(const std::vector<DType> &) override {
    return {DType::Float32};
  }
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override;

private:
  int64_t inputDim_, outputDim_;
  Initializer init_;
};

} // namespace layers

using layers::ConvOptions;
using layers::PoolOptions;

//===----------------------------------------------------------------------===//
// Factories
//===----------------------------------------------------------------------===//

LayerRef<layers::Dense> Dense(int64_t units, Activation activation = {},
                              bool useBias = true);
LayerRef<layers::Dense> Dense(int64_t units, layers::Dense::Options options);
LayerRef<layers::ActivationLayer> ActivationLayer(Activation activation);
LayerRef<layers::Flatten> Flatten();
LayerRef<layers::Reshape> Reshape(Shape targetShape);
LayerRef<layers::Permute> Permute(std::vector<int64_t> dims);
LayerRef<layers::Dropout> Dropout(double rate, int64_t seed = 0);
LayerRef<layers::Dropout> SpatialDropout1D(double rate, int64_t seed = 0);
LayerRef<layers::Dropout> SpatialDropout2D(double rate, int64_t seed = 0);
LayerRef<layers::Rescaling> Rescaling(double scale, double offset = 0.0);
LayerRef<layers::Conv> Conv1D(int64_t filters, int64_t kernelSize,
                              Activation activation = {},
                              ConvOptions options = {});
LayerRef<layers::Conv> Conv2D(int64_t filters,
                              std::vector<int64_t> kernelSize,
                              Activation activation = {},
                              ConvOptions options = {});
LayerRef<layers::Pooling> MaxPooling1D(int64_t pool = 2, PoolOptions o = {});
LayerRef<layers::Pooling> MaxPooling2D(std::vector<int64_t> pool = {2, 2},
                                       PoolOptions o = {});
LayerRef<layers::Pooling> AveragePooling1D(int64_t pool = 2, PoolOptions o = {});
LayerRef<layers::Pooling> AveragePooling2D(std::vector<int64_t> pool = {2, 2},
                                           PoolOptions o = {});
LayerRef<layers::GlobalPooling> GlobalAveragePooling1D(bool keepDims = false);
LayerRef<layers::GlobalPooling> GlobalAveragePooling2D(bool keepDims = false);
LayerRef<layers::GlobalPooling> GlobalMaxPooling1D(bool keepDims = false);
LayerRef<layers::GlobalPooling> GlobalMaxPooling2D(bool keepDims = false);
LayerRef<layers::ZeroPadding> ZeroPadding1D(int64_t low, int64_t high);
LayerRef<layers::ZeroPadding> ZeroPadding2D(std::vector<int64_t> padding);
LayerRef<layers::Cropping> Cropping1D(int64_t low, int64_t high);
LayerRef<layers::Cropping> Cropping2D(std::vector<int64_t> cropping);
LayerRef<layers::BatchNormalization>
BatchNormalization(layers::BatchNormalization::Options options = {});
LayerRef<layers::LayerNormalization>
LayerNormalization(layers::LayerNormalization::Options options = {});
LayerRef<layers::ReLU> ReLU(std::optional<double> maxValue = std::nullopt,
                            double negativeSlope = 0.0, double threshold = 0.0);
LayerRef<layers::LeakyReLU> LeakyReLU(double alpha = 0.3);
LayerRef<layers::Softmax> Softmax(int64_t axis = -1);
LayerRef<layers::Merge> Add();
LayerRef<layers::Merge> Subtract();
LayerRef<layers::Merge> Multiply();
LayerRef<layers::Merge> Average();
LayerRef<layers::Merge> Maximum();
LayerRef<layers::Merge> Minimum();
LayerRef<layers::Concatenate> Concatenate(int64_t axis = -1);
LayerRef<layers::Embedding> Embedding(int64_t inputDim, int64_t outputDim);

} // namespace kiln

#endif // KILN_KERAS_LAYERS_H
