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

#include "frontend/keras/import/Config.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace kiln {
namespace {

using namespace keras_import;

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

} // namespace kiln
