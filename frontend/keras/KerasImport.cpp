//===- KerasImport.cpp - Keras configs and weights to models --------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Rebuilds a model from a Keras config (FORMAT.md §3-4): Sequential and
// Functional graphs (Keras 2 list nodes and Keras 3 args/kwargs nodes),
// nested models, each layer's config mapped onto the C++ layer classes; then
// sets the file's weights, checking count and shapes per layer. Unsupported
// content is an error naming the layer and its class.
//
//===----------------------------------------------------------------------===//

#include "frontend/keras/KerasJson.h"

#include "kiln/keras/Import.h"
#include "kiln/keras/Layers.h"
#include "kiln/keras/MoreLayers.h"
#include "KerasFile.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>

namespace kiln {
namespace {

using keras::detail::Json;
using keras::detail::member;
using keras::detail::stringMember;
using keras::detail::boolMember;

[[noreturn]] void failLayer(const std::string &name, const std::string &cls,
                            const std::string &message) {
  throw Error("layer '" + name + "' (" + cls + "): " + message);
}

//===----------------------------------------------------------------------===//
// Config accessors
//===----------------------------------------------------------------------===//

/// A layer's config with typed, lenient accessors (unknown keys ignored,
/// missing keys take Keras defaults).
struct Config {
  const Json &j;
  std::string name, cls;

  const Json *get(const char *key) const { return member(j, key); }
  bool has(const char *key) const {
    const Json *v = get(key);
    return v && !v->is_null();
  }
  [[noreturn]] void fail(const std::string &m) const { failLayer(name, cls, m); }

  double num(const char *key, double dflt) const {
    const Json *v = get(key);
    if (!v || v->is_null())
      return dflt;
    if (v->is_object()) { // a one-element __tensor__ / __numpy__ value
      std::vector<double> vals = floats(key, dflt);
      if (vals.size() != 1)
        fail(std::string("'") + key + "' must be a single number");
      return vals[0];
    }
    if (!v->is_number())
      fail(std::string("'") + key + "' must be a number");
    return v->get<double>();
  }
  int64_t integer(const char *key, int64_t dflt) const {
    const Json *v = get(key);
    if (!v || v->is_null())
      return dflt;
    if (v->is_array() && v->size() == 1)
      v = &(*v)[0];
    if (!v->is_number())
      fail(std::string("'") + key + "' must be an integer");
    return v->get<int64_t>();
  }
  bool flag(const char *key, bool dflt) const { return boolMember(j, key, dflt); }
  std::string str(const char *key, const std::string &dflt) const {
    return stringMember(j, key, dflt);
  }
  /// An int or a list of ints (kernel_size, strides, ...).
  std::vector<int64_t> ints(const char *key) const {
    const Json *v = get(key);
    std::vector<int64_t> out;
    if (!v || v->is_null())
      return out;
    auto add = [&](const Json &x) {
      if (!x.is_number())
        fail(std::string("'") + key + "' must hold integers");
      out.push_back(x.get<int64_t>());
    };
    if (v->is_array()) {
      for (const Json &x : *v) {
        if (x.is_array()) // [[top, bottom], [left, right]]
          for (const Json &y : x)
            add(y);
        else
          add(x);
      }
    } else {
      add(*v);
    }
    return out;
  }
  /// A float, a list of floats, or a `__numpy__` dict.
  std::vector<double> floats(const char *key, double dflt) const {
    const Json *v = get(key);
    std::vector<double> out;
    if (!v || v->is_null())
      return {dflt};
    std::string tag = v->is_object() ? stringMember(*v, "class_name") : "";
    if (tag == "__numpy__" || tag == "__tensor__")
      if (const Json *c = member(*v, "config"))
        v = member(*c, "value");
    std::function<void(const Json &)> add = [&](const Json &x) {
      if (x.is_array())
        for (const Json &y : x)
          add(y);
      else if (x.is_number())
        out.push_back(x.get<double>());
      else
        fail(std::string("'") + key + "' must hold numbers");
    };
    if (v)
      add(*v);
    return out.empty() ? std::vector<double>{dflt} : out;
  }

  /// The activation: a name, or a serialized function naming a built-in.
  Activation activation(const char *key, int major) const {
    const Json *v = get(key);
    Activation a;
    a.kerasMajor = major;
    if (!v || v->is_null())
      return a;
    std::string n;
    if (v->is_string())
      n = v->get<std::string>();
    else if (v->is_object()) {
      const Json *c = member(*v, "config");
      if (c && c->is_string())
        n = c->get<std::string>();
      else
        n = stringMember(*v, "class_name");
    }
    if (n.empty() || !isKnownActivation(n))
      fail("activation '" + (n.empty() ? std::string("<custom>") : n) +
           "' is not supported (custom activations in files cannot be "
           "compiled)");
    a.name = n;
    return a;
  }

  void requireChannelsLast() const {
    std::string df = str("data_format", "channels_last");
    if (df != "channels_last")
      fail("data_format '" + df + "' is not supported (only channels_last)");
  }
};

DType parseDtype(const Json *v, const std::string &layer) {
  std::string s;
  if (v && v->is_string())
    s = v->get<std::string>();
  else if (v && v->is_object())
    if (const Json *c = member(*v, "config"))
      s = stringMember(*c, "name");
  if (s.empty() || s == "float32" || s == "mixed_float16" ||
      s == "mixed_bfloat16")
    return DType::Float32;
  if (s == "float64") return DType::Float64;
  if (s == "int32") return DType::Int32;
  if (s == "int64") return DType::Int64;
  if (s == "bool") return DType::Bool;
  if (s == "float16") return DType::Float16;
  if (s == "bfloat16") return DType::BFloat16;
  throw Error("layer '" + layer + "': unsupported dtype '" + s + "'");
}

/// The batch shape of an input ([null, 28, 28, 1]) without the batch.
Shape shapeWithoutBatch(const Json &v, const std::string &layer) {
  if (!v.is_array() || v.empty())
    throw Error("layer '" + layer + "': malformed input shape");
  Shape s;
  for (size_t i = 1; i < v.size(); ++i) {
    if (v[i].is_null())
      s.push_back(-1);
    else if (v[i].is_number_integer())
      s.push_back(v[i].get<int64_t>());
    else
      throw Error("layer '" + layer + "': malformed input shape");
  }
  return s;
}

//===----------------------------------------------------------------------===//
// Layer factories
//===----------------------------------------------------------------------===//

using Factory = std::function<std::shared_ptr<Layer>(const Config &, int major)>;

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

//===----------------------------------------------------------------------===//
// Models
//===----------------------------------------------------------------------===//

class Importer {
public:
  Importer(const keras::KerasFile &file) : file_(file), major_(file.kerasMajor) {}

  std::shared_ptr<Model> model(const Json &entry) {
    return buildModel(entry, "");
  }

  /// Sets every layer's weights from the file (recursing into nested
  /// models with `outer/inner` paths).
  void loadWeights(Model &model, const std::string &prefix) {
    for (const auto &layer : model.layers()) {
      if (auto *nested = dynamic_cast<Model *>(layer.get())) {
        loadWeights(*nested, prefix + layer->name() + "/");
        continue;
      }
      if (layer->weights().empty())
        continue;
      std::string path = prefix + layer->name();
      auto it = file_.weights.find(path);
      if (it == file_.weights.end())
        throw Error("layer '" + path + "' (" + layer->className() +
                    "): the file has no weights for it");
      const auto &arrays = it->second;
      auto &ws = layer->weights();
      if (arrays.size() != ws.size())
        throw Error("layer '" + path + "' (" + layer->className() +
                    "): the file has " + std::to_string(arrays.size()) +
                    " weight arrays, the layer needs " +
                    std::to_string(ws.size()));
      std::vector<std::vector<double>> values;
      for (size_t i = 0; i < ws.size(); ++i) {
        const keras::WeightArray &a = arrays[i];
        Shape s(a.shape.begin(), a.shape.end());
        if (s != ws[i].shape)
          throw Error("layer '" + path + "' (" + layer->className() +
                      "): weight '" + ws[i].name + "' has shape " +
                      formatShape(s) + " in the file, the layer expects " +
                      formatShape(ws[i].shape));
        values.push_back(toDoubles(a, path));
      }
      layer->setWeights(values);
    }
  }

private:
  static std::vector<double> toDoubles(const keras::WeightArray &a,
                                       const std::string &path) {
    std::vector<double> out;
    size_t n = 1;
    for (int64_t d : a.shape)
      n *= static_cast<size_t>(d);
    auto read = [&](auto tag) {
      using T = decltype(tag);
      if (a.data.size() != n * sizeof(T))
        throw Error("layer '" + path + "': weight '" + a.name +
                    "' has the wrong data size");
      for (size_t i = 0; i < n; ++i) {
        T v;
        std::memcpy(&v, a.data.data() + i * sizeof(T), sizeof(T));
        out.push_back(static_cast<double>(v));
      }
    };
    auto half = [&](bool bf16) {
      if (a.data.size() != n * 2)
        throw Error("layer '" + path + "': weight '" + a.name +
                    "' has the wrong data size");
      for (size_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, a.data.data() + 2 * i, 2);
        if (bf16) {
          uint32_t bits = uint32_t(h) << 16;
          float f;
          std::memcpy(&f, &bits, 4);
          out.push_back(f);
        } else {
          int e = (h >> 10) & 0x1f, m = h & 0x3ff;
          double v = e == 0    ? std::ldexp(m, -24)
                     : e == 31 ? (m ? NAN : INFINITY)
                               : std::ldexp(m + 1024, e - 25);
          out.push_back(h & 0x8000 ? -v : v);
        }
      }
    };
    if (a.dtype == "f32") read(float());
    else if (a.dtype == "f64") read(double());
    else if (a.dtype == "f16") half(false);
    else if (a.dtype == "bf16") half(true);
    else if (a.dtype == "i64") read(int64_t());
    else if (a.dtype == "i32") read(int32_t());
    else if (a.dtype == "i16") read(int16_t());
    else if (a.dtype == "i8") read(int8_t());
    else if (a.dtype == "u8" || a.dtype == "i1") read(uint8_t());
    else
      throw Error("layer '" + path + "': weight '" + a.name +
                  "' has unsupported dtype " + a.dtype);
    return out;
  }

  /// Whether an entry is a model (Sequential/Functional/Model).
  static bool isModel(const Json &entry) {
    std::string cls = stringMember(entry, "class_name");
    return cls == "Sequential" || cls == "Functional" || cls == "Model";
  }

  std::shared_ptr<Model> buildModel(const Json &entry, const std::string &outer) {
    std::string cls = stringMember(entry, "class_name");
    std::string registered = stringMember(entry, "registered_name");
    const Json *config = member(entry, "config");
    std::string name = config && config->is_object()
                           ? stringMember(*config, "name", cls)
                           : cls;
    if (!registered.empty() && registered != "Functional" &&
        registered.find('>') != std::string::npos)
      throw Error("model '" + name + "' is of the custom class '" + cls +
                  "' (registered as '" + registered +
                  "'); custom classes cannot be compiled");
    if (cls == "Sequential")
      return buildSequential(entry, config, name);
    if (cls == "Functional" || cls == "Model")
      return buildFunctional(config, name);
    throw Error("the model class '" + cls + "' is not supported" +
                (registered.empty() ? std::string()
                                    : " (registered as '" + registered + "')"));
  }

  std::shared_ptr<Layer> buildLayer(const Json &entry) {
    if (isModel(entry))
      return buildModel(entry, "");
    std::string cls = stringMember(entry, "class_name");
    std::string module = stringMember(entry, "module");
    const Json *config = member(entry, "config");
    static const Json empty = Json::object();
    const Json &cfg = config && config->is_object() ? *config : empty;
    std::string name = stringMember(cfg, "name", stringMember(entry, "name", cls));
    std::string registered = stringMember(entry, "registered_name");
    if (cls == "Lambda")
      failLayer(name, cls, "Lambda layers hold Python code and cannot be "
                           "compiled");
    if (cls == "TFOpLambda" || cls == "SlicingOpLambda") {
      // tf.keras records Python operators on tensors as op layers; the
      // binary elementwise ones map onto merge layers.
      std::string fn = stringMember(cfg, "function");
      static const std::map<std::string, layers::Merge::Kind> ops = {
          {"__operators__.add", layers::Merge::Add},
          {"math.add", layers::Merge::Add},
          {"__operators__.sub", layers::Merge::Subtract},
          {"math.subtract", layers::Merge::Subtract},
          {"__operators__.mul", layers::Merge::Multiply},
          {"math.multiply", layers::Merge::Multiply},
          {"math.maximum", layers::Merge::Maximum},
          {"math.minimum", layers::Merge::Minimum}};
      auto op = ops.find(fn);
      if (op == ops.end())
        failLayer(name, cls, "TensorFlow op '" + fn + "' is not supported");
      return std::make_shared<layers::Merge>(op->second, name);
    }
    if (module.rfind("keras.src.ops", 0) == 0) {
      static const std::map<std::string, layers::Merge::Kind> ops = {
          {"Add", layers::Merge::Add},         {"Subtract", layers::Merge::Subtract},
          {"Multiply", layers::Merge::Multiply}, {"Maximum", layers::Merge::Maximum},
          {"Minimum", layers::Merge::Minimum}};
      auto op = ops.find(cls);
      if (op == ops.end())
        failLayer(name, cls, "Keras operation " + module + "." + cls +
                                 " is not supported");
      return std::make_shared<layers::Merge>(op->second, name);
    }
    if (cls == "Bidirectional") {
      const Json *inner = member(cfg, "layer");
      if (!inner)
        failLayer(name, cls, "has no wrapped layer");
      auto forward = std::dynamic_pointer_cast<layers::Recurrent>(buildLayer(*inner));
      if (!forward)
        failLayer(name, cls, "wraps a layer that is not recurrent");
      std::shared_ptr<layers::Recurrent> backward;
      if (const Json *b = member(cfg, "backward_layer"); b && !b->is_null()) {
        backward = std::dynamic_pointer_cast<layers::Recurrent>(buildLayer(*b));
        if (!backward)
          failLayer(name, cls, "has a backward layer that is not recurrent");
      }
      std::string mode = stringMember(cfg, "merge_mode", "concat");
      if (const Json *m = member(cfg, "merge_mode"); m && m->is_null())
        mode = "none";
      return std::make_shared<layers::Bidirectional>(forward, mode, backward,
                                                     name);
    }
    auto it = factories().find(cls);
    if (it == factories().end()) {
      if (!registered.empty() && registered.find('>') != std::string::npos)
        failLayer(name, cls, "custom layer class (registered as '" +
                                 registered + "') cannot be compiled");
      failLayer(name, cls, "unsupported layer class '" + cls + "'");
    }
    Config c{cfg, name, cls};
    try {
      return it->second(c, major_);
    } catch (const Error &) {
      throw;
    }
  }

  std::shared_ptr<Model> buildSequential(const Json &entry, const Json *config,
                                         const std::string &name) {
    const Json *layersJson = config;
    if (config && config->is_object())
      layersJson = member(*config, "layers");
    if (!layersJson || !layersJson->is_array())
      throw Error("model '" + name + "': malformed Sequential config");
    // The input: an InputLayer entry, the first layer's batch_input_shape,
    // or the recorded build shape.
    Shape shape;
    DType dtype = DType::Float32;
    bool haveShape = false;
    std::string inputName;
    size_t start = 0;
    if (!layersJson->empty()) {
      const Json &first = (*layersJson)[0];
      const Json *fc = member(first, "config");
      if (stringMember(first, "class_name") == "InputLayer" && fc) {
        const Json *bs = member(*fc, "batch_shape");
        if (!bs || bs->is_null())
          bs = member(*fc, "batch_input_shape");
        if (bs && !bs->is_null()) {
          shape = shapeWithoutBatch(*bs, name);
          haveShape = true;
        }
        dtype = parseDtype(member(*fc, "dtype"), name);
        inputName = stringMember(*fc, "name");
        start = 1;
      } else if (fc) {
        const Json *bs = member(*fc, "batch_input_shape");
        if (bs && !bs->is_null()) {
          shape = shapeWithoutBatch(*bs, name);
          haveShape = true;
          dtype = parseDtype(member(*fc, "dtype"), name);
        }
      }
    }
    if (!haveShape && config && config->is_object()) {
      const Json *bs = member(*config, "build_input_shape");
      if (bs && !bs->is_null()) {
        shape = shapeWithoutBatch(*bs, name);
        haveShape = true;
      }
    }
    if (!haveShape)
      if (const Json *bc = member(entry, "build_config"))
        if (const Json *is = member(*bc, "input_shape"))
          if (!is->is_null()) {
            shape = shapeWithoutBatch(*is, name);
            haveShape = true;
          }
    if (!haveShape)
      throw Error("model '" + name + "': the file records no input shape "
                  "(the model was never built)");
    Tensor x = Input(shape, dtype, inputName);
    std::vector<SequentialItem> items = {x};
    for (size_t i = start; i < layersJson->size(); ++i)
      items.push_back(buildLayer((*layersJson)[i]));
    return std::make_shared<Sequential>(items, name);
  }

  /// A reference to a tensor: K2 [name, node, index, kwargs] or K3
  /// __keras_tensor__ {keras_history: [name, node, index]}.
  struct Ref {
    std::string layer;
    int64_t node = 0, index = 0;
  };

  static bool parseRef(const Json &j, Ref &out) {
    if (j.is_object() && stringMember(j, "class_name") == "__keras_tensor__") {
      const Json *c = member(j, "config");
      const Json *h = c ? member(*c, "keras_history") : nullptr;
      if (!h || !h->is_array() || h->size() < 3 || !(*h)[0].is_string())
        return false;
      out = {(*h)[0].get<std::string>(), (*h)[1].get<int64_t>(),
             (*h)[2].get<int64_t>()};
      return true;
    }
    if (j.is_array() && j.size() >= 3 && j[0].is_string() &&
        j[1].is_number_integer() && j[2].is_number_integer()) {
      out = {j[0].get<std::string>(), j[1].get<int64_t>(), j[2].get<int64_t>()};
      return true;
    }
    return false;
  }

  /// Collects tensor references of a call's positional inputs, in order.
  static void collectRefs(const Json &j, std::vector<Ref> &out) {
    Ref r;
    if (parseRef(j, r)) {
      out.push_back(r);
      return;
    }
    if (j.is_array())
      for (const Json &x : j)
        collectRefs(x, out);
  }

  std::shared_ptr<Model> buildFunctional(const Json *config,
                                         const std::string &name) {
    if (!config || !config->is_object())
      throw Error("model '" + name + "': malformed Functional config");
    const Json *layersJson = member(*config, "layers");
    if (!layersJson || !layersJson->is_array())
      throw Error("model '" + name + "': the config has no layers");
    // Outputs of each layer call: (layer name, call index) -> outputs.
    std::map<std::pair<std::string, int64_t>, std::vector<Tensor>> outputs;
    std::map<std::string, bool> nestedFunctional;
    auto lookup = [&](const Ref &r, const std::string &user) -> Tensor {
      auto it = outputs.find({r.layer, r.node});
      // A nested model's first external call is recorded as node 1.
      if (it == outputs.end() && r.node > 0)
        it = outputs.find({r.layer, r.node - 1});
      if (it == outputs.end() ||
          r.index >= static_cast<int64_t>(it->second.size()))
        throw Error("layer '" + user + "': input '" + r.layer + "' (node " +
                    std::to_string(r.node) + ", tensor " +
                    std::to_string(r.index) + ") is not defined before it");
      return it->second[r.index];
    };
    for (const Json &entry : *layersJson) {
      std::string cls = stringMember(entry, "class_name");
      const Json *cfg = member(entry, "config");
      std::string lname = stringMember(entry, "name");
      if (lname.empty() && cfg && cfg->is_object())
        lname = stringMember(*cfg, "name");
      if (cls == "InputLayer") {
        const Json *bs = cfg ? member(*cfg, "batch_shape") : nullptr;
        if (!bs || bs->is_null())
          bs = cfg ? member(*cfg, "batch_input_shape") : nullptr;
        if (!bs || bs->is_null())
          throw Error("input '" + lname + "' has no shape");
        Tensor t = Input(shapeWithoutBatch(*bs, lname),
                         parseDtype(cfg ? member(*cfg, "dtype") : nullptr, lname),
                         lname);
        outputs[{lname, 0}] = {t};
        continue;
      }
      std::shared_ptr<Layer> layer = buildLayer(entry);
      const Json *nodes = member(entry, "inbound_nodes");
      if (!nodes || !nodes->is_array() || nodes->empty())
        throw Error("layer '" + lname + "' (" + cls + ") is never called");
      for (size_t k = 0; k < nodes->size(); ++k) {
        const Json &node = (*nodes)[k];
        std::vector<Ref> refs;
        if (node.is_object()) { // Keras 3: {args, kwargs}
          if (const Json *args = member(node, "args"))
            collectRefs(*args, refs);
          if (const Json *kwargs = member(node, "kwargs"))
            for (const char *key : {"value", "key"})
              if (const Json *v = member(*kwargs, key))
                collectRefs(*v, refs);
        } else if (node.is_array() && !node.empty() && node[0].is_string()) {
          Ref r; // a single reference (TFOpLambda style), `y` in kwargs
          if (parseRef(node, r))
            refs.push_back(r);
          if (node.size() >= 4 && node[3].is_object())
            if (const Json *y = member(node[3], "y")) {
              Ref yr;
              if (parseRef(*y, yr))
                refs.push_back(yr);
              else if (!y->is_null())
                throw Error("layer '" + lname + "' (" + cls +
                            "): a constant operand is not supported");
            }
        } else if (node.is_array()) { // Keras 2: list of references
          for (const Json &ref : node) {
            Ref r;
            if (parseRef(ref, r))
              refs.push_back(r);
            // Tensor kwargs (MultiHeadAttention value/key) follow.
            if (ref.is_array() && ref.size() >= 4 && ref[3].is_object())
              for (const char *key : {"value", "key"})
                if (const Json *v = member(ref[3], key)) {
                  Ref kr;
                  if (parseRef(*v, kr))
                    refs.push_back(kr);
                }
          }
        }
        if (refs.empty())
          throw Error("layer '" + lname + "' (" + cls + "): call " +
                      std::to_string(k) + " has no tensor inputs");
        std::vector<Tensor> ins;
        for (const Ref &r : refs)
          ins.push_back(lookup(r, lname));
        std::vector<Tensor> outs =
            layer->numInputs() == 1 && ins.size() == 1
                ? layer->callOutputs({ins[0]})
                : layer->callOutputs(ins);
        outputs[{lname, static_cast<int64_t>(k)}] = outs;
      }
    }
    auto refsOf = [&](const char *key) {
      std::vector<Tensor> out;
      const Json *j = member(*config, key);
      if (!j)
        throw Error("model '" + name + "': no " + key);
      std::vector<Ref> refs;
      if (j->is_object()) { // dict name -> triple
        for (auto it = j->begin(); it != j->end(); ++it)
          collectRefs(it.value(), refs);
      } else {
        collectRefs(*j, refs);
      }
      for (const Ref &r : refs)
        out.push_back(lookup(r, name));
      return out;
    };
    std::vector<Tensor> ins = refsOf("input_layers");
    std::vector<Tensor> outs = refsOf("output_layers");
    return std::make_shared<Model>(ins, outs, name);
  }

  const keras::KerasFile &file_;
  int major_;
};

} // namespace

LoadedKerasModel loadKerasModel(const std::string &path,
                                const std::string &weightsPath) {
  keras::KerasFile file;
  std::string error;
  if (!keras::readKerasFile(path, weightsPath, file, error))
    throw Error(error);
  if (file.kerasMajor == 1)
    throw Error("'" + path + "' was written by Keras " +
                (file.kerasVersion.empty() ? std::string("1.x")
                                           : file.kerasVersion) +
                "; Keras 1 model files are not supported (re-save the model "
                "with Keras 2 or 3)");
  if (file.configJson.empty())
    throw Error("'" + path + "' holds weights only; pass the model config "
                "(JSON) and give this file as its weights");
  Json config;
  if (!keras::detail::parseJson(file.configJson, config, error))
    throw Error("'" + path + "': the model config is not valid JSON: " + error);
  LoadedKerasModel out;
  out.format = file.format;
  out.kerasVersion = file.kerasVersion;
  out.kerasMajor = file.kerasMajor ? file.kerasMajor : 3;
  out.hasWeights = file.hasWeights;
  out.trainingJson = file.trainingJson;
  try {
    Importer importer(file);
    out.model = importer.model(config);
    if (file.hasWeights)
      importer.loadWeights(*out.model, "");
  } catch (const Error &e) {
    throw Error("'" + path + "': " + e.what());
  } catch (const std::exception &e) {
    throw Error("'" + path + "': malformed model config: " + e.what());
  }
  return out;
}

bool importKerasFile(const std::string &path, const std::string &weightsPath,
                     mlir::MLIRContext &ctx,
                     mlir::OwningOpRef<mlir::ModuleOp> &module,
                     KerasImportResult &result, bool trainable) {
  try {
    LoadedKerasModel loaded = loadKerasModel(path, weightsPath);
    result.summary = loaded.model->summary();
    result.kerasVersion = loaded.kerasVersion;
    result.format = loaded.format;
    result.trainingJson = loaded.trainingJson;
    module = trainable ? loaded.model->buildTrainableModule(ctx)
                       : loaded.model->buildModule(ctx);
    return true;
  } catch (const std::exception &e) {
    result.error = e.what();
  } catch (...) {
    result.error = "'" + path + "': unexpected error while reading the model";
  }
  return false;
}

namespace {

using namespace keras::detail;

/// A Keras loss or metric: a name, or {"class_name", "config"}.
std::string kerasName(const Json &v, bool *fromLogits) {
  if (v.is_string())
    return v.get<std::string>();
  if (v.is_object()) {
    // Keras 3 serializes a loss function as {"class_name": "function",
    // "config": "sparse_categorical_crossentropy"}.
    if (const Json *config = member(v, "config"); config && config->is_string())
      return config->get<std::string>();
    if (fromLogits)
      if (const Json *config = member(v, "config"))
        *fromLogits = boolMember(*config, "from_logits", false);
    if (const Json *config = member(v, "config"))
      if (const Json *n = member(*config, "name"); n && n->is_string() &&
                                                   !member(v, "class_name"))
        return n->get<std::string>();
    return toSnakeCase(stringMember(v, "class_name", ""));
  }
  return "";
}

/// Why a Precision, Recall or AUC metric object has a configuration other
/// than the one Kiln computes (threshold 0.5; 200 thresholds, ROC,
/// interpolation), or "".
std::string unsupportedMetricConfig(const Json &v) {
  const Json *config = v.is_object() ? member(v, "config") : nullptr;
  if (!config || !config->is_object())
    return "";
  std::string cls = stringMember(v, "class_name", "");
  auto set = [&](const char *key) {
    const Json *f = member(*config, key);
    return f && !f->is_null() ? f : nullptr;
  };
  auto unsupported = [&](const std::string &what) {
    return "metric " + cls + " with " + what +
           " is not supported (Kiln computes Precision and Recall at "
           "threshold 0.5, AUC as the interpolated ROC over 200 thresholds)";
  };
  if (cls == "Precision" || cls == "Recall") {
    if (const Json *t = set("thresholds");
        t && !(t->is_number() && t->get<double>() == 0.5))
      return unsupported("thresholds " + t->dump());
    for (const char *key : {"top_k", "class_id"})
      if (const Json *f = set(key))
        return unsupported(std::string(key) + " " + f->dump());
  }
  if (cls == "AUC") {
    if (const Json *n = set("num_thresholds");
        n && !(n->is_number() && n->get<double>() == 200))
      return unsupported("num_thresholds " + n->dump());
    if (std::string c = stringMember(*config, "curve", "ROC"); c != "ROC")
      return unsupported("curve " + c);
    if (std::string c = stringMember(*config, "summation_method", "interpolation");
        c != "interpolation")
      return unsupported("summation_method " + c);
    for (const char *key : {"thresholds", "num_labels", "label_weights"})
      if (const Json *f = set(key))
        return unsupported(std::string(key) + " " + f->dump());
    for (const char *key : {"multi_label", "from_logits"})
      if (boolMember(*config, key, false))
        return unsupported(std::string(key) + " true");
  }
  return "";
}

} // namespace

bool parseKerasTrainingConfig(const std::string &text, KerasTrainingConfig &out,
                              std::string &error) {
  Json root;
  if (!parseJson(text, root, error))
    return false;
  if (!root.is_object()) {
    error = "the training configuration is not a JSON object";
    return false;
  }
  // Keras 3 compile_config may wrap everything in {"config": {...}}.
  if (const Json *inner = member(root, "config"); inner && inner->is_object() &&
                                                  member(*inner, "loss"))
    root = *inner;
  if (const Json *loss = member(root, "loss")) {
    const Json *l = loss;
    if (l->is_array() && !l->empty())
      l = &(*l)[0];
    if (l->is_object() && member(*l, "class_name") == nullptr &&
        l->size() == 1) // {"output_name": loss}
      l = &l->begin().value();
    out.loss = kerasName(*l, &out.fromLogits);
  }
  if (const Json *metrics = member(root, "metrics")) {
    const Json *m = metrics;
    if (m->is_array() && m->size() == 1 && (*m)[0].is_array())
      m = &(*m)[0];
    if (m->is_array())
      for (const Json &v : *m) {
        if (std::string why = unsupportedMetricConfig(v); !why.empty()) {
          error = why;
          return false;
        }
        if (std::string n = kerasName(v, nullptr); !n.empty())
          out.metrics.push_back(n);
      }
  }
  const Json *opt = member(root, "optimizer");
  if (!opt)
    opt = member(root, "optimizer_config");
  if (opt && opt->is_string())
    out.optimizer = opt->get<std::string>();
  else if (opt && opt->is_object()) {
    out.optimizer = stringMember(*opt, "class_name", "");
    for (char &c : out.optimizer)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    static const std::pair<const char *, const char *> names[] = {
        {"learning_rate", "learning-rate"}, {"lr", "learning-rate"},
        {"momentum", "momentum"},           {"nesterov", "nesterov"},
        {"beta_1", "beta1"},                {"beta_2", "beta2"},
        {"epsilon", "epsilon"},             {"weight_decay", "weight-decay"},
        {"clipnorm", "clipnorm"},           {"clipvalue", "clipvalue"},
        {"rho", "rho"},                     {"centered", "centered"},
        {"initial_accumulator_value", "initial-accumulator"}};
    if (const Json *config = member(*opt, "config"); config && config->is_object())
      for (auto [keras, kiln] : names)
        if (const Json *v = member(*config, keras)) {
          if (v->is_number()) {
            char text[32];
            std::snprintf(text, sizeof text, "%.12g", v->get<double>());
            out.optimizerOptions.push_back({kiln, text});
          }
          else if (v->is_boolean())
            out.optimizerOptions.push_back({kiln, v->get<bool>() ? "true" : "false"});
        }
  }
  return true;
}

} // namespace kiln
