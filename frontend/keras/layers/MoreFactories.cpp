//===- MoreFactories.cpp - factories of the layers in MoreLayers.h --------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "kiln/keras/MoreLayers.h"

namespace kiln {

template <typename L, typename... Args> static LayerRef<L> make(Args &&...args) {
  return LayerRef<L>(std::make_shared<L>(std::forward<Args>(args)...));
}

using Cell = layers::Recurrent::Cell;

LayerRef<layers::Recurrent> SimpleRNN(int64_t units, RecurrentOptions options) {
  return make<layers::Recurrent>(Cell::SimpleRNN, units, std::move(options));
}
LayerRef<layers::Recurrent> LSTM(int64_t units, RecurrentOptions options) {
  return make<layers::Recurrent>(Cell::LSTM, units, std::move(options));
}
LayerRef<layers::Recurrent> GRU(int64_t units, RecurrentOptions options) {
  return make<layers::Recurrent>(Cell::GRU, units, std::move(options));
}
LayerRef<layers::Bidirectional>
Bidirectional(std::shared_ptr<layers::Recurrent> layer, std::string mergeMode,
              std::shared_ptr<layers::Recurrent> backwardLayer) {
  return make<layers::Bidirectional>(std::move(layer), std::move(mergeMode),
                                     std::move(backwardLayer));
}
LayerRef<layers::Masking> Masking(double maskValue) {
  return make<layers::Masking>(maskValue);
}
LayerRef<layers::MultiHeadAttention>
MultiHeadAttention(int64_t numHeads, int64_t keyDim,
                   layers::MultiHeadAttention::Options options) {
  return make<layers::MultiHeadAttention>(numHeads, keyDim, std::move(options));
}
LayerRef<layers::DepthwiseConv> DepthwiseConv1D(int64_t kernelSize,
                                                DepthwiseConvOptions options) {
  return make<layers::DepthwiseConv>(1, std::vector<int64_t>{kernelSize},
                                     std::move(options));
}
LayerRef<layers::DepthwiseConv>
DepthwiseConv2D(std::vector<int64_t> kernelSize, DepthwiseConvOptions options) {
  return make<layers::DepthwiseConv>(2, std::move(kernelSize),
                                     std::move(options));
}
LayerRef<layers::SeparableConv> SeparableConv1D(int64_t filters,
                                                int64_t kernelSize,
                                                DepthwiseConvOptions options) {
  return make<layers::SeparableConv>(1, filters,
                                     std::vector<int64_t>{kernelSize},
                                     std::move(options));
}
LayerRef<layers::SeparableConv> SeparableConv2D(int64_t filters,
                                                std::vector<int64_t> kernelSize,
                                                DepthwiseConvOptions options) {
  return make<layers::SeparableConv>(2, filters, std::move(kernelSize),
                                     std::move(options));
}
LayerRef<layers::ConvTranspose> Conv1DTranspose(int64_t filters,
                                                int64_t kernelSize,
                                                Activation activation,
                                                ConvOptions options) {
  options.activation = std::move(activation);
  return make<layers::ConvTranspose>(1, filters,
                                     std::vector<int64_t>{kernelSize},
                                     std::move(options));
}
LayerRef<layers::ConvTranspose> Conv2DTranspose(int64_t filters,
                                                std::vector<int64_t> kernelSize,
                                                Activation activation,
                                                ConvOptions options) {
  options.activation = std::move(activation);
  return make<layers::ConvTranspose>(2, filters, std::move(kernelSize),
                                     std::move(options));
}
LayerRef<layers::UpSampling> UpSampling1D(int64_t size) {
  return make<layers::UpSampling>(1, std::vector<int64_t>{size});
}
LayerRef<layers::UpSampling> UpSampling2D(std::vector<int64_t> size,
                                          std::string interpolation) {
  return make<layers::UpSampling>(2, std::move(size), std::move(interpolation));
}

} // namespace kiln
