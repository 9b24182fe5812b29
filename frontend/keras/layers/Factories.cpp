//===- Factories.cpp - Keras-style layer factories ------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "kiln/keras/Layers.h"

namespace kiln {

template <typename L, typename... Args> static LayerRef<L> make(Args &&...args) {
  return LayerRef<L>(std::make_shared<L>(std::forward<Args>(args)...));
}

LayerRef<layers::Dense> Dense(int64_t units, Activation activation,
                              bool useBias) {
  layers::Dense::Options o;
  o.activation = std::move(activation);
  o.useBias = useBias;
  return make<layers::Dense>(units, o);
}
LayerRef<layers::Dense> Dense(int64_t units, layers::Dense::Options options) {
  return make<layers::Dense>(units, std::move(options));
}
LayerRef<layers::ActivationLayer> ActivationLayer(Activation activation) {
  return make<layers::ActivationLayer>(std::move(activation));
}
LayerRef<layers::Flatten> Flatten() { return make<layers::Flatten>(); }
LayerRef<layers::Reshape> Reshape(Shape target) {
  return make<layers::Reshape>(std::move(target));
}
LayerRef<layers::Permute> Permute(std::vector<int64_t> dims) {
  return make<layers::Permute>(std::move(dims));
}
LayerRef<layers::Dropout> Dropout(double rate, int64_t seed) {
  return make<layers::Dropout>(rate, 0, seed);
}
LayerRef<layers::Dropout> SpatialDropout1D(double rate, int64_t seed) {
  return make<layers::Dropout>(rate, 1, seed);
}
LayerRef<layers::Dropout> SpatialDropout2D(double rate, int64_t seed) {
  return make<layers::Dropout>(rate, 2, seed);
}
LayerRef<layers::Rescaling> Rescaling(double scale, double offset) {
  return make<layers::Rescaling>(std::vector<double>{scale},
                                 std::vector<double>{offset});
}
LayerRef<layers::Conv> Conv1D(int64_t filters, int64_t kernelSize,
                              Activation activation, ConvOptions options) {
  options.activation = std::move(activation);
  return make<layers::Conv>(1, filters, std::vector<int64_t>{kernelSize},
                            std::move(options));
}
LayerRef<layers::Conv> Conv2D(int64_t filters, std::vector<int64_t> kernelSize,
                              Activation activation, ConvOptions options) {
  options.activation = std::move(activation);
  return make<layers::Conv>(2, filters, std::move(kernelSize),
                            std::move(options));
}
LayerRef<layers::Pooling> MaxPooling1D(int64_t pool, PoolOptions o) {
  return make<layers::Pooling>(true, 1, std::vector<int64_t>{pool}, std::move(o));
}
LayerRef<layers::Pooling> MaxPooling2D(std::vector<int64_t> pool, PoolOptions o) {
  return make<layers::Pooling>(true, 2, std::move(pool), std::move(o));
}
LayerRef<layers::Pooling> AveragePooling1D(int64_t pool, PoolOptions o) {
  return make<layers::Pooling>(false, 1, std::vector<int64_t>{pool},
                               std::move(o));
}
LayerRef<layers::Pooling> AveragePooling2D(std::vector<int64_t> pool,
                                           PoolOptions o) {
  return make<layers::Pooling>(false, 2, std::move(pool), std::move(o));
}
LayerRef<layers::GlobalPooling> GlobalAveragePooling1D(bool keepDims) {
  return make<layers::GlobalPooling>(false, 1, keepDims);
}
LayerRef<layers::GlobalPooling> GlobalAveragePooling2D(bool keepDims) {
  return make<layers::GlobalPooling>(false, 2, keepDims);
}
LayerRef<layers::GlobalPooling> GlobalMaxPooling1D(bool keepDims) {
  return make<layers::GlobalPooling>(true, 1, keepDims);
}
LayerRef<layers::GlobalPooling> GlobalMaxPooling2D(bool keepDims) {
  return make<layers::GlobalPooling>(true, 2, keepDims);
}
LayerRef<layers::ZeroPadding> ZeroPadding1D(int64_t low, int64_t high) {
  return make<layers::ZeroPadding>(1, std::vector<int64_t>{low, high});
}
LayerRef<layers::ZeroPadding> ZeroPadding2D(std::vector<int64_t> padding) {
  return make<layers::ZeroPadding>(2, std::move(padding));
}
LayerRef<layers::Cropping> Cropping1D(int64_t low, int64_t high) {
  return make<layers::Cropping>(1, std::vector<int64_t>{low, high});
}
LayerRef<layers::Cropping> Cropping2D(std::vector<int64_t> cropping) {
  return make<layers::Cropping>(2, std::move(cropping));
}
LayerRef<layers::BatchNormalization>
BatchNormalization(layers::BatchNormalization::Options options) {
  return make<layers::BatchNormalization>(options);
}
LayerRef<layers::LayerNormalization>
LayerNormalization(layers::LayerNormalization::Options options) {
  return make<layers::LayerNormalization>(std::move(options));
}
LayerRef<layers::ReLU> ReLU(std::optional<double> maxValue,
                            double negativeSlope, double threshold) {
  return make<layers::ReLU>(maxValue, negativeSlope, threshold);
}
LayerRef<layers::LeakyReLU> LeakyReLU(double alpha) {
  return make<layers::LeakyReLU>(alpha);
}
LayerRef<layers::Softmax> Softmax(int64_t axis) {
  return make<layers::Softmax>(axis);
}
LayerRef<layers::Merge> Add() { return make<layers::Merge>(layers::Merge::Add); }
LayerRef<layers::Merge> Subtract() {
  return make<layers::Merge>(layers::Merge::Subtract);
}
LayerRef<layers::Merge> Multiply() {
  return make<layers::Merge>(layers::Merge::Multiply);
}
LayerRef<layers::Merge> Average() {
  return make<layers::Merge>(layers::Merge::Average);
}
LayerRef<layers::Merge> Maximum() {
  return make<layers::Merge>(layers::Merge::Maximum);
}
LayerRef<layers::Merge> Minimum() {
  return make<layers::Merge>(layers::Merge::Minimum);
}
LayerRef<layers::Concatenate> Concatenate(int64_t axis) {
  return make<layers::Concatenate>(axis);
}
LayerRef<layers::Embedding> Embedding(int64_t inputDim, int64_t outputDim) {
  return make<layers::Embedding>(inputDim, outputDim);
}

} // namespace kiln
