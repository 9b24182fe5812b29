//===- KerasWeights.cpp - mapping stored weights to layers ----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Legacy `.h5` files pair weights with layers by position (FORMAT.md §5.2):
// `layer_names` gives the layer order and each layer's `weight_names` the
// array order; HDF5's alphabetical iteration order is never used. Keras 3
// files address weights by object path (§7): `layers/<to_snake_case(class)>`
// plus a per-name counter, `vars/0..n` inside, and attribute-named sub-objects
// (`cell`, `forward_layer`, `query_dense`, ...).
//
//===----------------------------------------------------------------------===//

#include "frontend/keras/file/KerasWeights.h"

#include <algorithm>
#include <optional>
#include <set>

using namespace kiln::keras;
using namespace kiln::keras::detail;

//===----------------------------------------------------------------------===//
// Config helpers
//===----------------------------------------------------------------------===//

static std::string className(const Json &entry) {
  return stringMember(entry, "class_name");
}

static const Json *layerConfig(const Json &entry) {
  const Json *config = member(entry, "config");
  return config && config->is_object() ? config : nullptr;
}

/// The layer's `name`: in its config, else on the entry (Functional).
static std::string layerName(const Json &entry) {
  if (const Json *config = layerConfig(entry)) {
    std::string name = stringMember(*config, "name");
    if (!name.empty())
      return name;
  }
  return stringMember(entry, "name");
}

/// The list of layer entries of a model config: `config.layers`, or the
/// config itself for standalone Keras <= 2.2.2 Sequential.
static const Json *layerList(const Json &model) {
  const Json *config = member(model, "config");
  if (!config)
    return nullptr;
  if (config->is_array())
    return config;
  const Json *layers = member(*config, "layers");
  return layers && layers->is_array() ? layers : nullptr;
}

static bool isModelEntry(const Json &entry) {
  std::string cls = className(entry);
  return cls == "Sequential" || cls == "Functional" || cls == "Model" ||
         layerList(entry) != nullptr;
}

static bool startsWith(const std::string &s, const char *prefix) {
  return s.rfind(prefix, 0) == 0;
}

/// `model.layers` as Keras computes it from a config: a Sequential drops its
/// leading InputLayer; with `skipOps`, Keras 3 operations recorded in a
/// Functional graph (module `keras.src.ops.*`), which are not layers, are
/// dropped too.
static std::vector<const Json *> modelLayers(const Json &model, bool skipOps) {
  std::vector<const Json *> result;
  const Json *list = layerList(model);
  if (!list)
    return result;
  bool sequential = className(model) == "Sequential";
  for (size_t i = 0; i < list->size(); ++i) {
    const Json &entry = (*list)[i];
    if (!entry.is_object())
      continue;
    if (sequential && i == 0 && className(entry) == "InputLayer")
      continue;
    std::string module = stringMember(entry, "module");
    if (skipOps && (startsWith(module, "keras.src.ops") ||
                    startsWith(module, "keras.ops")))
      continue;
    result.push_back(&entry);
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Weight counts per layer class (legacy nested models and positional pairing)
//===----------------------------------------------------------------------===//

namespace {
/// Trainable and non-trainable weight counts of a layer.
struct WeightCounts {
  size_t trainable = 0;
  size_t nonTrainable = 0;
  size_t total() const { return trainable + nonTrainable; }
};
} // namespace

/// Layers that never own weights.
static bool isWeightless(const std::string &cls) {
  static const std::set<std::string> names = {"InputLayer",
                                              "Activation",
                                              "ReLU",
                                              "LeakyReLU",
                                              "ELU",
                                              "Softmax",
                                              "ThresholdedReLU",
                                              "Dropout",
                                              "GaussianNoise",
                                              "GaussianDropout",
                                              "AlphaDropout",
                                              "ActivityRegularization",
                                              "Flatten",
                                              "Reshape",
                                              "Permute",
                                              "RepeatVector",
                                              "Lambda",
                                              "TFOpLambda",
                                              "SlicingOpLambda",
                                              "Masking",
                                              "Add",
                                              "Subtract",
                                              "Multiply",
                                              "Average",
                                              "Maximum",
                                              "Minimum",
                                              "Concatenate",
                                              "Dot",
                                              "Rescaling",
                                              "Resizing",
                                              "CenterCrop",
                                              "UnitNormalization",
                                              "Identity",
                                              "Merge"};
  static const char *const prefixes[] = {
      "MaxPooling",       "AveragePooling",
      "GlobalMaxPooling", "GlobalAveragePooling",
      "ZeroPadding",      "Cropping",
      "UpSampling",       "SpatialDropout",
      "MaxPool",          "AvgPool",
      "GlobalMaxPool",    "GlobalAvgPool"};
  if (names.count(cls))
    return true;
  for (const char *prefix : prefixes)
    if (startsWith(cls, prefix))
      return true;
  return false;
}

/// The weight counts of a non-model layer from its class and config, or
/// nothing for a class this table does not know.
static std::optional<WeightCounts> leafCounts(const Json &entry) {
  std::string cls = className(entry);
  static const Json emptyObject = Json::object();
  const Json *configPtr = layerConfig(entry);
  const Json &config = configPtr ? *configPtr : emptyObject;
  size_t bias = boolMember(config, "use_bias", true) ? 1 : 0;
  WeightCounts counts;
  if (isWeightless(cls))
    return counts;
  // A Keras 3 operation in a legacy .h5 (§3.6) has no module to tell it
  // apart, but its config holds nothing besides the name.
  if (configPtr && configPtr->size() == 1 && member(config, "name"))
    return counts;
  static const std::set<std::string> kernelPlusBias = {"Dense",
                                                       "Conv1D",
                                                       "Conv2D",
                                                       "Conv3D",
                                                       "Conv1DTranspose",
                                                       "Conv2DTranspose",
                                                       "Conv3DTranspose",
                                                       "Convolution1D",
                                                       "Convolution2D",
                                                       "Convolution3D",
                                                       "DepthwiseConv1D",
                                                       "DepthwiseConv2D",
                                                       "LocallyConnected1D",
                                                       "LocallyConnected2D"};
  if (kernelPlusBias.count(cls)) {
    counts.trainable = 1 + bias;
  } else if (cls == "SeparableConv1D" || cls == "SeparableConv2D" ||
             cls == "SeparableConvolution1D" ||
             cls == "SeparableConvolution2D") {
    counts.trainable = 2 + bias;
  } else if (cls == "Embedding" || cls == "PReLU") {
    counts.trainable = 1;
  } else if (cls == "BatchNormalization" || cls == "SyncBatchNormalization") {
    counts.trainable = (boolMember(config, "scale", true) ? 1 : 0) +
                       (boolMember(config, "center", true) ? 1 : 0);
    counts.nonTrainable = 2;
  } else if (cls == "LayerNormalization" || cls == "GroupNormalization") {
    counts.trainable = (boolMember(config, "scale", true) ? 1 : 0) +
                       (boolMember(config, "center", true) ? 1 : 0);
  } else if (cls == "LSTM" || cls == "GRU" || cls == "SimpleRNN" ||
             cls == "ConvLSTM1D" || cls == "ConvLSTM2D" ||
             cls == "ConvLSTM3D") {
    counts.trainable = 2 + bias;
  } else if (cls == "CuDNNLSTM" || cls == "CuDNNGRU") {
    counts.trainable = 3;
  } else if (cls == "MultiHeadAttention") {
    counts.trainable = 4 * (1 + bias);
  } else if (cls == "EinsumDense") {
    const Json *biasAxes = member(config, "bias_axes");
    counts.trainable = biasAxes && biasAxes->is_string() ? 2 : 1;
  } else if (cls == "Normalization") {
    // The adapted mean/variance/count are weights unless given in config.
    const Json *mean = member(config, "mean");
    counts.nonTrainable = !mean || mean->is_null() ? 3 : 0;
  } else if (cls == "Bidirectional" || cls == "TimeDistributed") {
    const Json *inner = member(config, "layer");
    if (!inner || !inner->is_object())
      return std::nullopt;
    std::optional<WeightCounts> forward = leafCounts(*inner);
    if (!forward)
      return std::nullopt;
    if (cls == "TimeDistributed")
      return forward;
    std::optional<WeightCounts> backward = forward;
    const Json *backwardConfig = member(config, "backward_layer");
    if (backwardConfig && backwardConfig->is_object())
      backward = leafCounts(*backwardConfig);
    if (!backward)
      return std::nullopt;
    counts.trainable = forward->trainable + backward->trainable;
    counts.nonTrainable = forward->nonTrainable + backward->nonTrainable;
  } else {
    return std::nullopt;
  }
  return counts;
}

namespace {
/// One weight of one leaf layer of a nested model.
struct Slot {
  std::string key;
  size_t index;
};

/// Splits the flat weight list of a legacy nested model (§5.4).
class NestedSplitter {
public:
  explicit NestedSplitter(bool standaloneKeras)
      : standaloneKeras(standaloneKeras) {}

  /// Appends the slots of `entry`, keyed `key`, to `trainable` and
  /// `nonTrainable` in the order Keras's `trainable_weights` and
  /// `non_trainable_weights` list them. False for an unknown layer class.
  bool collect(const Json &entry, const std::string &key,
               std::vector<Slot> &trainable, std::vector<Slot> &nonTrainable) {
    const Json *config = layerConfig(entry);
    bool isTrainable = config ? boolMember(*config, "trainable", true) : true;
    if (isModelEntry(entry)) {
      std::vector<Slot> childT, childN;
      for (const Json *sub : modelLayers(entry, /*skipOps=*/true)) {
        std::vector<Slot> subT, subN;
        if (!collect(*sub, key + "/" + layerName(*sub), subT, subN))
          return false;
        if (isTrainable || standaloneKeras) {
          childT.insert(childT.end(), subT.begin(), subT.end());
          childN.insert(childN.end(), subN.begin(), subN.end());
        } else {
          // tf.keras: a frozen model lists each child's variables in turn.
          childN.insert(childN.end(), subT.begin(), subT.end());
          childN.insert(childN.end(), subN.begin(), subN.end());
        }
      }
      if (isTrainable) {
        trainable.insert(trainable.end(), childT.begin(), childT.end());
        nonTrainable.insert(nonTrainable.end(), childN.begin(), childN.end());
      } else {
        // Standalone Keras 2.0-2.2: all trainable ones, then the rest.
        nonTrainable.insert(nonTrainable.end(), childT.begin(), childT.end());
        nonTrainable.insert(nonTrainable.end(), childN.begin(), childN.end());
      }
      return true;
    }
    std::optional<WeightCounts> counts = leafCounts(entry);
    if (!counts)
      return false;
    leafSizes.emplace_back(key, counts->total());
    for (size_t i = 0; i < counts->total(); ++i) {
      bool toTrainable = isTrainable && i < counts->trainable;
      (toTrainable ? trainable : nonTrainable).push_back(Slot{key, i});
    }
    return true;
  }

  std::vector<std::pair<std::string, size_t>> leafSizes;

private:
  bool standaloneKeras;
};
} // namespace

/// Standalone Keras 2.0-2.2 (not tf.keras, whose versions end in "-tf" or
/// are >= 2.3) grouped a frozen model's weights differently.
static bool isStandaloneKeras(const std::string &version) {
  if (version.find("tf") != std::string::npos)
    return false;
  return startsWith(version, "2.0") || startsWith(version, "2.1.") ||
         startsWith(version, "2.2.") || startsWith(version, "1.");
}

/// Stores the arrays of the legacy layer `entry` under `key`, splitting a
/// nested model per sub-layer. When the split is impossible (a sub-layer
/// class of unknown weight count, or counts that do not add up) the whole
/// list stays under the nested model's name.
static void assignLegacy(const Json &entry, const std::string &key,
                         std::vector<WeightArray> arrays,
                         const std::string &kerasVersion, WeightMap &out) {
  if (arrays.empty())
    return;
  if (!isModelEntry(entry)) {
    out[key] = std::move(arrays);
    return;
  }
  NestedSplitter splitter(isStandaloneKeras(kerasVersion));
  std::vector<Slot> trainable, nonTrainable;
  if (!splitter.collect(entry, key, trainable, nonTrainable) ||
      trainable.size() + nonTrainable.size() != arrays.size()) {
    out[key] = std::move(arrays);
    return;
  }
  WeightMap split;
  for (const auto &[leafKey, size] : splitter.leafSizes)
    split[leafKey].resize(size);
  size_t next = 0;
  for (const std::vector<Slot> *part : {&trainable, &nonTrainable})
    for (const Slot &slot : *part)
      split[slot.key][slot.index] = std::move(arrays[next++]);
  for (auto &[leafKey, leafArrays] : split)
    if (!leafArrays.empty())
      out[leafKey] = std::move(leafArrays);
}

//===----------------------------------------------------------------------===//
// Legacy layout (§5)
//===----------------------------------------------------------------------===//

namespace {
struct SavedLayer {
  std::string name;
  std::vector<WeightArray> arrays;
};
} // namespace

bool detail::readLegacyWeights(const Hdf5File &file, hid_t group,
                               const Json *model,
                               const std::string &kerasVersion, WeightMap &out,
                               std::string &error) {
  std::vector<std::string> layerNames;
  bool found = false;
  if (!file.readChunkedStrings(group, "layer_names", layerNames, found, error))
    return false;
  if (!found) {
    error = "no 'layer_names' attribute in the weights group";
    return false;
  }

  std::vector<SavedLayer> saved;
  for (const std::string &name : layerNames) {
    H5Handle layerGroup = file.openGroup(group, name);
    if (!layerGroup) {
      error = "layer '" + name + "' of layer_names has no weight group";
      return false;
    }
    std::vector<std::string> weightNames;
    bool hasNames = false;
    if (!file.readChunkedStrings(layerGroup.get(), "weight_names", weightNames,
                                 hasNames, error)) {
      error = "layer '" + name + "': " + error;
      return false;
    }
    SavedLayer layer{name, {}};
    for (const std::string &weightName : weightNames) {
      WeightArray array;
      if (!file.readArray(layerGroup.get(), weightName, array, error)) {
        error = "layer '" + name + "': " + error;
        return false;
      }
      array.name = weightName;
      layer.arrays.push_back(std::move(array));
    }
    saved.push_back(std::move(layer));
  }

  if (!model) {
    for (SavedLayer &layer : saved)
      if (!layer.arrays.empty())
        out[layer.name] = std::move(layer.arrays);
    return true;
  }

  std::vector<const Json *> layers = modelLayers(*model, /*skipOps=*/true);
  std::vector<SavedLayer *> savedWeighted;
  for (SavedLayer &layer : saved)
    if (!layer.arrays.empty())
      savedWeighted.push_back(&layer);

  // Keras's load_weights pairs by position: the config's layers that own
  // weights with the stored layers that have any. That needs the weight
  // count of every layer class in the config.
  std::vector<const Json *> weighted;
  const Json *unknown = nullptr;
  for (const Json *entry : layers) {
    size_t total = 0;
    if (isModelEntry(*entry)) {
      NestedSplitter splitter(false);
      std::vector<Slot> t, n;
      if (!splitter.collect(*entry, "", t, n)) {
        unknown = entry;
        break;
      }
      total = t.size() + n.size();
    } else if (std::optional<WeightCounts> counts = leafCounts(*entry)) {
      total = counts->total();
    } else {
      unknown = entry;
      break;
    }
    if (total > 0)
      weighted.push_back(entry);
  }
  if (!unknown) {
    if (weighted.size() != savedWeighted.size()) {
      error = "the weights file has " + std::to_string(savedWeighted.size()) +
              " layers with weights but the config has " +
              std::to_string(weighted.size());
      return false;
    }
    for (size_t i = 0; i < weighted.size(); ++i)
      assignLegacy(*weighted[i], layerName(*weighted[i]),
                   std::move(savedWeighted[i]->arrays), kerasVersion, out);
    return true;
  }

  // A layer class of unknown weight count: pair by name instead (what
  // load_weights(by_name=True) does), which holds for every file saved
  // together with its model.
  std::map<std::string, const Json *> byName;
  for (const Json *entry : layers)
    byName.emplace(layerName(*entry), entry);
  for (SavedLayer *layer : savedWeighted) {
    auto it = byName.find(layer->name);
    if (it == byName.end()) {
      error = "stored layer '" + layer->name +
              "' is not in the config, and pairing by position needs the "
              "weight count of layer '" +
              layerName(*unknown) + "' (" + className(*unknown) +
              "), which is unknown";
      return false;
    }
    assignLegacy(*it->second, layer->name, std::move(layer->arrays),
                 kerasVersion, out);
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Keras 3 layout (§7)
//===----------------------------------------------------------------------===//

namespace {
/// Every object of a Keras 3 weights file under its normalized path ('\'
/// turned into '/', which files saved on Windows by tf.keras need: they hold
/// a group literally named `layers\conv1d`).
class V3Index {
public:
  struct Node {
    std::string realPath; ///< empty for groups implied by a '\' name
    bool isGroup = false;
    std::string varsName; ///< the `name` attribute of a `vars` group
    bool hasVarsName = false;
  };

  bool build(const Hdf5File &file, std::string &error) {
    nodes[""].isGroup = true;
    return walk(file, file.root(), "", "", 0, error);
  }

  const Node *find(const std::string &path) const {
    auto it = nodes.find(path);
    return it == nodes.end() ? nullptr : &it->second;
  }
  bool isGroup(const std::string &path) const {
    const Node *node = find(path);
    return node && node->isGroup;
  }
  /// The `name` attribute of `<group>/vars`, or nullptr.
  const std::string *varsName(const std::string &group) const {
    const Node *node = find(join(group, "vars"));
    return node && node->hasVarsName ? &node->varsName : nullptr;
  }
  /// Names of the direct children of `path`.
  std::vector<std::string> children(const std::string &path,
                                    bool groups) const {
    std::vector<std::string> result;
    std::string prefix = path.empty() ? "" : path + "/";
    for (auto it = nodes.lower_bound(prefix);
         it != nodes.end() && startsWith(it->first, prefix.c_str()); ++it) {
      std::string rest = it->first.substr(prefix.size());
      if (rest.empty() || rest.find('/') != std::string::npos)
        continue;
      if (it->second.isGroup == groups)
        result.push_back(rest);
    }
    return result;
  }

  static std::string join(const std::string &a, const std::string &b) {
    return a.empty() ? b : a + "/" + b;
  }

private:
  bool walk(const Hdf5File &file, hid_t group, const std::string &real,
            const std::string &norm, int depth, std::string &error) {
    if (depth > 64) {
      error = "HDF5 groups nest deeper than 64 levels";
      return false;
    }
    std::vector<H5Child> children;
    if (!file.listChildren(group, children, error))
      return false;
    for (const H5Child &child : children) {
      std::string name = child.name;
      std::replace(name.begin(), name.end(), '\\', '/');
      std::string childNorm = join(norm, name);
      // Optimizer and metric state is never a layer weight.
      std::string top = childNorm.substr(0, childNorm.find('/'));
      if (top == "optimizer" || top == "metrics")
        continue;
      if (nodes.size() > 1000000) {
        error = "the weights file has more than a million objects";
        return false;
      }
      std::string childReal =
          real.empty() ? child.name : real + "/" + child.name;
      addImpliedParents(childNorm);
      if (nodes.count(childNorm) && !nodes[childNorm].realPath.empty())
        continue;
      Node &node = nodes[childNorm];
      node.realPath = childReal;
      node.isGroup = child.isGroup;
      if (!child.isGroup)
        continue;
      H5Handle sub = file.openGroup(group, child.name);
      if (!sub) {
        error = "cannot open group '" + childReal + "'";
        return false;
      }
      size_t slash = childNorm.rfind('/');
      if (childNorm.substr(slash == std::string::npos ? 0 : slash + 1) ==
          "vars") {
        std::string attrError;
        bool found = false;
        if (file.readString(sub.get(), "name", node.varsName, found,
                            attrError) &&
            found)
          node.hasVarsName = true;
      }
      if (!walk(file, sub.get(), childReal, childNorm, depth + 1, error))
        return false;
    }
    return true;
  }

  void addImpliedParents(const std::string &path) {
    for (size_t slash = path.find('/'); slash != std::string::npos;
         slash = path.find('/', slash + 1))
      nodes[path.substr(0, slash)].isGroup = true;
  }

  std::map<std::string, Node> nodes;
};

/// Collects weights from an indexed Keras 3 file.
class V3Reader {
public:
  V3Reader(const Hdf5File &file, const V3Index &index, WeightMap &out)
      : file(file), index(index), out(out) {}

  /// Maps the layers of `model` (a `{class_name, config}` entry) whose
  /// groups live below `prefix`, keyed `keyPrefix + name`.
  bool mapModel(const Json &model, const std::string &prefix,
                const std::string &keyPrefix, std::string &error) {
    std::string container = findContainer(prefix);
    if (!layerList(model)) {
      // A subclassed model lists no layers in its config: take what the
      // file holds.
      return container.empty() ? true
                               : walkStructure(container, keyPrefix, error);
    }
    std::vector<const Json *> layers = modelLayers(model, /*skipOps=*/true);
    if (layers.empty())
      return true;
    if (container.empty()) {
      error = "no 'layers' group" +
              (prefix.empty() ? std::string(" in the weights file")
                              : " under '" + prefix + "'") +
              " for model '" + layerName(model) + "'";
      return false;
    }
    std::map<std::string, int> counters;
    for (const Json *entry : layers) {
      std::string cls = className(*entry);
      std::string name = layerName(*entry);
      std::string base = toSnakeCase(cls);
      int k = counters.count(base) ? counters[base] + 1 : 0;
      counters[base] = k;
      std::string group = V3Index::join(
          container, k == 0 ? base : base + "_" + std::to_string(k));
      // Keras >= 3.6 names each vars group after its object; trust that over
      // the recomputed counter when they disagree.
      const std::string *stored = index.varsName(group);
      if (stored && *stored != name) {
        for (const std::string &child : index.children(container, true)) {
          const std::string *other =
              index.varsName(V3Index::join(container, child));
          if (other && *other == name) {
            group = V3Index::join(container, child);
            break;
          }
        }
      }
      if (!index.isGroup(group)) {
        // Keras writes a group for every layer, weightless ones included;
        // a writer that skipped those loses nothing.
        std::optional<WeightCounts> counts =
            isModelEntry(*entry) ? std::nullopt : leafCounts(*entry);
        if (counts && counts->total() == 0)
          continue;
        error = "the weights file has no group '" + group + "' for layer '" +
                name + "' (" + cls + ")";
        return false;
      }
      if (isModelEntry(*entry)) {
        if (!mapModel(*entry, group, keyPrefix + name + "/", error))
          return false;
        continue;
      }
      std::vector<WeightArray> arrays;
      if (!collectObject(group, cls, arrays, error) ||
          !store(keyPrefix + name, std::move(arrays), error))
        return false;
    }
    return true;
  }

  /// Keys every layer group below `container` by its vars `name` attribute
  /// (else its group name); groups holding `layers` are nested models.
  bool walkStructure(const std::string &container, const std::string &keyPrefix,
                     std::string &error) {
    for (const std::string &child : index.children(container, true)) {
      std::string group = V3Index::join(container, child);
      const std::string *stored = index.varsName(group);
      std::string key = stored && !stored->empty() ? *stored : child;
      std::string nested = findContainer(group);
      if (!nested.empty()) {
        if (!walkStructure(nested, keyPrefix + key + "/", error))
          return false;
        continue;
      }
      std::vector<WeightArray> arrays;
      if (!collectObject(group, "", arrays, error))
        return false;
      if (arrays.empty())
        continue;
      // Two groups claiming one name would be a broken file; keep both.
      std::string fullKey = keyPrefix + key;
      if (out.count(fullKey))
        fullKey = keyPrefix + child;
      if (!store(fullKey, std::move(arrays), error))
        return false;
    }
    return true;
  }

private:
  std::string findContainer(const std::string &prefix) const {
    // tf.keras 2.13/2.14 wrote `_layer_checkpoint_dependencies` (§7.3).
    for (const char *name : {"layers", "_layer_checkpoint_dependencies"}) {
      std::string path = V3Index::join(prefix, name);
      if (index.isGroup(path))
        return path;
    }
    return "";
  }

  /// The variables of the object at `group` in `get_weights()` order: its
  /// own `vars/0..n`, then those of the sub-objects layers keep in
  /// attributes (RNN `cell`, MultiHeadAttention's four EinsumDense layers,
  /// a wrapper's `layer`; Bidirectional's forward then backward layer).
  bool collectObject(const std::string &group, const std::string &cls,
                     std::vector<WeightArray> &arrays, std::string &error) {
    if (!readVars(V3Index::join(group, "vars"), arrays, error))
      return false;
    std::string forward = V3Index::join(group, "forward_layer");
    std::string backward = V3Index::join(group, "backward_layer");
    if (cls == "Bidirectional" ||
        (cls.empty() && index.isGroup(forward) && index.isGroup(backward))) {
      for (const std::string &sub : {forward, backward})
        if (index.isGroup(sub) && !collectObject(sub, "", arrays, error))
          return false;
      return true;
    }
    // Keras >= 3.0.3 names the MultiHeadAttention sub-layers without the
    // leading underscore; older writers (and tf.keras) kept it. The gate
    // (Keras >= 3.14, use_gate=True) comes last.
    static const char *const subObjects[] = {
        "cell",          "query_dense",  "key_dense",  "value_dense",
        "output_dense",  "_query_dense", "_key_dense", "_value_dense",
        "_output_dense", "_gate_dense",  "layer"};
    for (const char *sub : subObjects) {
      std::string path = V3Index::join(group, sub);
      if (index.isGroup(path) && !collectObject(path, "", arrays, error))
        return false;
    }
    return true;
  }

  /// Reads `vars/0`, `vars/1`, ... in numeric (not HDF5's alphabetical)
  /// order.
  bool readVars(const std::string &vars, std::vector<WeightArray> &arrays,
                std::string &error) {
    if (!index.isGroup(vars))
      return true;
    std::vector<std::pair<unsigned long long, std::string>> numbered;
    for (const std::string &name : index.children(vars, false)) {
      if (name.empty() || name.size() > 9 ||
          name.find_first_not_of("0123456789") != std::string::npos)
        continue;
      numbered.emplace_back(std::stoull(name), name);
    }
    std::sort(numbered.begin(), numbered.end());
    for (const auto &[number, name] : numbered) {
      std::string path = V3Index::join(vars, name);
      const V3Index::Node *node = index.find(path);
      WeightArray array;
      if (!node) {
        error = "weight '" + path + "' vanished from the index";
        return false;
      }
      if (!file.readArray(file.root(), node->realPath, array, error))
        return false;
      // The stored path, backslashes included, so a message can be
      // matched against the file.
      array.name = node->realPath;
      arrays.push_back(std::move(array));
    }
    return true;
  }

  bool store(const std::string &key, std::vector<WeightArray> arrays,
             std::string &error) {
    if (arrays.empty())
      return true;
    if (out.count(key)) {
      error = "two layers are named '" + key + "'";
      return false;
    }
    out[key] = std::move(arrays);
    return true;
  }

  const Hdf5File &file;
  const V3Index &index;
  WeightMap &out;
};
} // namespace

bool detail::readV3Weights(const Hdf5File &file, const Json *model,
                           WeightMap &out, std::string &error) {
  V3Index index;
  if (!index.build(file, error))
    return false;
  V3Reader reader(file, index, out);
  if (model)
    return reader.mapModel(*model, "", "", error);
  for (const char *name : {"layers", "_layer_checkpoint_dependencies"})
    if (index.isGroup(name))
      return reader.walkStructure(name, "", error);
  return true;
}
