//===- Config.h - reading a Keras layer config ------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// What the Keras importer's parts share: a layer's config with typed,
// lenient accessors (Keras defaults for missing keys, errors naming the
// layer), dtypes and shapes, and the table of layer factories
// (LayerFactories.cpp) that KerasImport.cpp rebuilds models with.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_FRONTEND_KERAS_IMPORT_CONFIG_H
#define KILN_FRONTEND_KERAS_IMPORT_CONFIG_H

#include "frontend/keras/file/KerasJson.h"

#include "kiln/keras/Import.h"
#include "kiln/keras/Layers.h"
#include "kiln/keras/MoreLayers.h"
#include "frontend/keras/file/KerasFile.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>

namespace kiln::keras_import {

using keras::detail::Json;
using keras::detail::member;
using keras::detail::stringMember;
using keras::detail::boolMember;

[[noreturn]] inline void failLayer(const std::string &name, const std::string &cls,
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

inline DType parseDtype(const Json *v, const std::string &layer) {
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
inline Shape shapeWithoutBatch(const Json &v, const std::string &layer) {
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

/// Builds the layer of a config (`major`: the file's Keras major version).
using Factory = std::function<std::shared_ptr<Layer>(const Config &, int major)>;
/// The layer classes the importer knows, by Keras class name.
const std::map<std::string, Factory> &factories();

} // namespace kiln::keras_import

#endif // KILN_FRONTEND_KERAS_IMPORT_CONFIG_H
