//===- LayerFactories.cpp - Keras layer configs to C++ layers -------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// One factory per Keras layer class: its config's keys (with Keras's
// defaults) mapped onto the C++ layer's options. A class not in the table
// is an error naming the layer.
//
//===----------------------------------------------------------------------===//

#include "frontend/keras/import/Config.h"

namespace kiln::keras_import {

const std::map<std::string, Factory> &factories() {
  static const std::map<std::string, Factory> table = [] {
    std::map<std::string, Factory> t;
    t["Dense"] = [](const Config &c, int major) -> std::shared_ptr<Layer> {
      layers::Dense::Options o;
      o.activation = c.activation("activation", major);
      o.useBias = c.flag("use_bias", true);
      return std::make_shared<layers::Dense>(c.integer("units", 0), o, c.name);
    };
    t["Activation"] = [](const Config &c, int major) -> std::shared_ptr<Layer> {
      return std::make_shared<layers::ActivationLayer>(
          c.activation("activation", major), c.name);
    };
    t["Flatten"] = [](const Config &c, int) -> std::shared_ptr<Layer> {
      c.requireChannelsLast();
      return std::make_shared<layers::Flatten>(c.name);
    };
    t["Reshape"] = [](const Config &c, int) -> std::shared_ptr<Layer> {
      return std::make_shared<layers::Reshape>(c.ints("target_shape"), c.name);
    };
    t["Permute"] = [](const Config &c, int) -> std::shared_ptr<Layer> {
      return std::make_shared<layers::Permute>(c.ints("dims"), c.name);
    };
    auto dropout = [](int spatial) {
      return [spatial](const Config &c, int) -> std::shared_ptr<Layer> {
        return std::make_shared<layers::Dropout>(c.num("rate", 0.0), spatial,
                                                 c.integer("seed", 0), c.name);
      };
    };
    t["Dropout"] = dropout(0);
    t["SpatialDropout1D"] = dropout(1);
    t["SpatialDropout2D"] = dropout(2);
    t["GaussianNoise"] = t["GaussianDropout"] = t["AlphaDropout"] =
        [](const Config &c, int) -> std::shared_ptr<Layer> {
      // Identity at inference, which is what the compiled model runs.
      return std::make_shared<layers::Dropout>(0.0, 0, 0, c.name);
    };
    auto conv = [](int rank) {
      return [rank](const Config &c, int major) -> std::shared_ptr<Layer> {
        c.requireChannelsLast();
        ConvOptions o;
        o.activation = c.activation("activation", major);
        o.strides = c.ints("strides");
        o.padding = c.str("padding", "valid");
        o.dilationRate = c.ints("dilation_rate");
        o.groups = c.integer("groups", 1);
        o.useBias = c.flag("use_bias", true);
        return std::make_shared<layers::Conv>(rank, c.integer("filters", 0),
                                              c.ints("kernel_size"), o, c.name);
      };
    };
    t["Conv1D"] = t["Convolution1D"] = conv(1);
    t["Conv2D"] = t["Convolution2D"] = conv(2);
    t["Conv3D"] = conv(3);
    auto pool = [](bool max, int rank) {
      return [max, rank](const Config &c, int) -> std::shared_ptr<Layer> {
        c.requireChannelsLast();
        PoolOptions o;
        o.strides = c.ints("strides");
        o.padding = c.str("padding", "valid");
        std::vector<int64_t> size = c.ints("pool_size");
        return std::make_shared<layers::Pooling>(max, rank, size, o, c.name);
      };
    };
    t["MaxPooling1D"] = t["MaxPool1D"] = pool(true, 1);
    t["MaxPooling2D"] = t["MaxPool2D"] = pool(true, 2);
    t["AveragePooling1D"] = t["AvgPool1D"] = pool(false, 1);
    t["AveragePooling2D"] = t["AvgPool2D"] = pool(false, 2);
    auto global = [](bool max, int rank) {
      return [max, rank](const Config &c, int) -> std::shared_ptr<Layer> {
        // channels_first pools over the trailing axes instead.
        bool channelsFirst = c.str("data_format", "channels_last") == "channels_first";
        return std::make_shared<layers::GlobalPooling>(
            max, rank, c.flag("keepdims", false), c.name, channelsFirst);
      };
    };
    t["GlobalAveragePooling1D"] = global(false, 1);
    t["GlobalAveragePooling2D"] = global(false, 2);
    t["GlobalMaxPooling1D"] = global(true, 1);
    t["GlobalMaxPooling2D"] = global(true, 2);
    t["BatchNormalization"] = [](const Config &c, int) -> std::shared_ptr<Layer> {
      layers::BatchNormalization::Options o;
      o.axis = c.integer("axis", -1);
      o.epsilon = c.num("epsilon", 1e-3);
      o.momentum = c.num("momentum", 0.99);
      o.center = c.flag("center", true);
      o.scale = c.flag("scale", true);
      if (c.flag("renorm", false))
        c.fail("renorm is not supported");
      return std::make_shared<layers::BatchNormalization>(o, c.name);
    };
    t["LayerNormalization"] = [](const Config &c, int) -> std::shared_ptr<Layer> {
      layers::LayerNormalization::Options o;
      std::vector<int64_t> axes = c.ints("axis");
      if (!axes.empty())
        o.axes = axes;
      o.epsilon = c.num("epsilon", 1e-3);
      o.center = c.flag("center", true);
      o.scale = c.flag("scale", true);
      if (c.flag("rms_scaling", false))
        c.fail("rms_scaling is not supported");
      return std::make_shared<layers::LayerNormalization>(o, c.name);
    };
    t["ReLU"] = [](const Config &c, int) -> std::shared_ptr<Layer> {
      std::optional<double> maxValue;
      if (c.has("max_value"))
        maxValue = c.num("max_value", 0);
      return std::make_shared<layers::ReLU>(maxValue,
                                            c.num("negative_slope", 0.0),
                                            c.num("threshold", 0.0), c.name);
    };
    t["LeakyReLU"] = [](const Config &c, int major) -> std::shared_ptr<Layer> {
      double dflt = major >= 3 ? 0.3 : 0.3;
      double alpha = c.has("negative_slope") ? c.num("negative_slope", dflt)
                                             : c.num("alpha", dflt);
      return std::make_shared<layers::LeakyReLU>(alpha, c.name);
    };
    t["Softmax"] = [](const Config &c, int) -> std::shared_ptr<Layer> {
      return std::make_shared<layers::Softmax>(c.integer("axis", -1), c.name);
    };
    auto merge = [](layers::Merge::Kind k) {
      return [k](const Config &c, int) -> std::shared_ptr<Layer> {
        return std::make_shared<layers::Merge>(k, c.name);
      };
    };
    t["Add"] = merge(layers::Merge::Add);
    t["Subtract"] = merge(layers::Merge::Subtract);
    t["Multiply"] = merge(layers::Merge::Multiply);
    t["Average"] = merge(layers::Merge::Average);
    t["Maximum"] = merge(layers::Merge::Maximum);
    t["Minimum"] = merge(layers::Merge::Minimum);
    t["Concatenate"] = [](const Config &c, int) -> std::shared_ptr<Layer> {
      return std::make_shared<layers::Concatenate>(c.integer("axis", -1), c.name);
    };
    t["Embedding"] = [](const Config &c, int) -> std::shared_ptr<Layer> {
      if (c.flag("mask_zero", false))
        c.fail("mask_zero=True is not supported (masks are not propagated)");
      return std::make_shared<layers::Embedding>(
          c.integer("input_dim", 0), c.integer("output_dim", 0),
          Initializer("random_uniform"), c.name);
    };
    // ZeroPadding and Cropping: a rank and one list of amounts.
    auto ranked = [](auto make, const char *key, int rank) {
      return [make, key, rank](const Config &c, int) -> std::shared_ptr<Layer> {
        c.requireChannelsLast();
        return make(rank, c.ints(key), c.name);
      };
    };
    auto zeroPad = [](int rank, std::vector<int64_t> amounts, std::string name) {
      return std::make_shared<layers::ZeroPadding>(rank, std::move(amounts),
                                                   std::move(name));
    };
    auto crop = [](int rank, std::vector<int64_t> amounts, std::string name) {
      return std::make_shared<layers::Cropping>(rank, std::move(amounts),
                                                std::move(name));
    };
    t["ZeroPadding1D"] = ranked(zeroPad, "padding", 1);
    t["ZeroPadding2D"] = ranked(zeroPad, "padding", 2);
    t["Cropping1D"] = ranked(crop, "cropping", 1);
    t["Cropping2D"] = ranked(crop, "cropping", 2);
    t["Rescaling"] = [](const Config &c, int) -> std::shared_ptr<Layer> {
      return std::make_shared<layers::Rescaling>(c.floats("scale", 1.0),
                                                 c.floats("offset", 0.0), c.name);
    };
    t["Normalization"] = [](const Config &c, int) -> std::shared_ptr<Layer> {
      std::vector<int64_t> axes = c.ints("axis");
      if (axes.size() > 1)
        c.fail("normalization over several axes is not supported");
      std::vector<double> mean, var;
      if (c.has("mean"))
        mean = c.floats("mean", 0.0);
      if (c.has("variance"))
        var = c.floats("variance", 1.0);
      return std::make_shared<layers::Normalization>(
          axes.empty() ? -1 : axes[0], mean, var, c.flag("invert", false),
          c.name);
    };
    // Recurrent layers (a kiln.scan over time).
    auto recurrent = [](layers::Recurrent::Cell cell) {
      return [cell](const Config &c, int major) -> std::shared_ptr<Layer> {
        RecurrentOptions o;
        o.activation = c.activation("activation", major);
        if (c.has("recurrent_activation"))
          o.recurrentActivation = c.activation("recurrent_activation", major);
        else if (major == 2)
          o.recurrentActivation = Activation("hard_sigmoid");
        o.recurrentActivation.kerasMajor = major;
        o.useBias = c.flag("use_bias", true);
        o.returnSequences = c.flag("return_sequences", false);
        o.returnState = c.flag("return_state", false);
        o.goBackwards = c.flag("go_backwards", false);
        o.unitForgetBias = c.flag("unit_forget_bias", true);
        // Absent only in old standalone Keras 2, whose GRU was "v1".
        o.resetAfter = c.flag("reset_after", false);
        o.zeroOutputForMask = c.flag("zero_output_for_mask", false);
        if (c.flag("stateful", false))
          c.fail("stateful recurrent layers are not supported");
        return std::make_shared<layers::Recurrent>(cell, c.integer("units", 0),
                                                   o, c.name);
      };
    };
    t["SimpleRNN"] = recurrent(layers::Recurrent::Cell::SimpleRNN);
    t["LSTM"] = t["CuDNNLSTM"] = recurrent(layers::Recurrent::Cell::LSTM);
    t["GRU"] = recurrent(layers::Recurrent::Cell::GRU);
    t["Masking"] = [](const Config &c, int) -> std::shared_ptr<Layer> {
      return std::make_shared<layers::Masking>(c.num("mask_value", 0.0), c.name);
    };
    t["MultiHeadAttention"] = [](const Config &c, int) -> std::shared_ptr<Layer> {
      if (c.has("output_shape"))
        c.fail("output_shape is not supported");
      if (c.has("attention_axes")) {
        std::vector<int64_t> axes = c.ints("attention_axes");
        if (!(axes.size() == 1 && axes[0] == 1))
          c.fail("attention_axes other than [1] are not supported");
      }
      layers::MultiHeadAttention::Options o;
      o.valueDim = c.integer("value_dim", 0);
      o.useBias = c.flag("use_bias", true);
      o.dropout = c.num("dropout", 0.0);
      return std::make_shared<layers::MultiHeadAttention>(
          c.integer("num_heads", 1), c.integer("key_dim", 0), o, c.name);
    };
    auto depthwiseOptions = [](const Config &c, int major) {
      c.requireChannelsLast();
      DepthwiseConvOptions o;
      o.activation = c.activation("activation", major);
      o.strides = c.ints("strides");
      o.padding = c.str("padding", "valid");
      o.dilationRate = c.ints("dilation_rate");
      o.depthMultiplier = c.integer("depth_multiplier", 1);
      o.useBias = c.flag("use_bias", true);
      return o;
    };
    auto depthwise = [depthwiseOptions](int rank) {
      return [=](const Config &c, int major) -> std::shared_ptr<Layer> {
        return std::make_shared<layers::DepthwiseConv>(
            rank, c.ints("kernel_size"), depthwiseOptions(c, major), c.name);
      };
    };
    t["DepthwiseConv1D"] = depthwise(1);
    t["DepthwiseConv2D"] = depthwise(2);
    auto separable = [depthwiseOptions](int rank) {
      return [=](const Config &c, int major) -> std::shared_ptr<Layer> {
        return std::make_shared<layers::SeparableConv>(
            rank, c.integer("filters", 0), c.ints("kernel_size"),
            depthwiseOptions(c, major), c.name);
      };
    };
    t["SeparableConv1D"] = separable(1);
    t["SeparableConv2D"] = separable(2);
    auto transpose = [](int rank) {
      return [rank](const Config &c, int major) -> std::shared_ptr<Layer> {
        c.requireChannelsLast();
        if (c.has("output_padding"))
          c.fail("output_padding is not supported");
        ConvOptions o;
        o.activation = c.activation("activation", major);
        o.strides = c.ints("strides");
        o.padding = c.str("padding", "valid");
        o.dilationRate = c.ints("dilation_rate");
        o.useBias = c.flag("use_bias", true);
        return std::make_shared<layers::ConvTranspose>(
            rank, c.integer("filters", 0), c.ints("kernel_size"), o, c.name);
      };
    };
    t["Conv1DTranspose"] = transpose(1);
    t["Conv2DTranspose"] = transpose(2);
    auto upsampling = [](int rank) {
      return [rank](const Config &c, int) -> std::shared_ptr<Layer> {
        c.requireChannelsLast();
        return std::make_shared<layers::UpSampling>(
            rank, c.ints("size"), c.str("interpolation", "nearest"), c.name);
      };
    };
    t["UpSampling1D"] = upsampling(1);
    t["UpSampling2D"] = upsampling(2);
    return t;
  }();
  return table;
}

} // namespace kiln::keras_import
