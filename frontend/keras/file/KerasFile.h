//===- KerasFile.h - reading Keras model files ------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Reads every Keras file format of ../shared/keras-corpus/FORMAT.md — Keras 2
// and 3 `to_json` JSON, legacy full-model and weights-only `.h5`,
// `.weights.h5`, and `.keras` zip archives — into the model config (JSON)
// and the weights of each layer, in `layer.get_weights()` order. No MLIR
// here: the Keras model builder (KerasImport.cpp) turns this into layers.
//
// Uses Debian's HDF5 (C API), libzip and nlohmann-json. Every failure is a
// returned error message naming the file and what is wrong; nothing throws
// out of this interface and nothing aborts.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_FRONTEND_KERAS_KERASFILE_H
#define KILN_FRONTEND_KERAS_KERASFILE_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kiln::keras {

/// One weight array as stored: little-endian raw bytes.
struct WeightArray {
  std::string name;           ///< the stored name (diagnostics only)
  std::string dtype;          ///< "f16", "bf16", "f32", "f64", "i32", "i64", ...
  std::vector<int64_t> shape; ///< empty for scalars
  std::vector<char> data;
};

/// A model file's contents.
struct KerasFile {
  /// "keras2-json", "keras3-json", "legacy-h5", "legacy-weights-h5",
  /// "weights-h5", "keras-zip".
  std::string format;
  std::string kerasVersion; ///< "" when the file does not say
  int kerasMajor = 0;       ///< 1, 2 or 3; 0 when unknown
  std::string backend;      ///< "" when the file does not say
  /// The model config: the top-level object with `class_name` and `config`
  /// (to_json / `model_config` / `config.json`), as JSON text; empty for a
  /// weights-only file.
  std::string configJson;
  /// `training_config` (legacy .h5) or `compile_config` (Keras 3) as JSON
  /// text; empty when absent.
  std::string trainingJson;
  /// Weights by layer path: the layer's `name`, or `outer/inner` for layers
  /// of nested models. Arrays are in `layer.get_weights()` order (trainable
  /// then non-trainable; for RNNs the cell's kernel, recurrent_kernel, bias;
  /// for MultiHeadAttention query/key/value/output kernel+bias; for
  /// Bidirectional the forward layer's then the backward layer's).
  std::map<std::string, std::vector<WeightArray>> weights;
  bool hasWeights = false; ///< false for pure JSON configs
};

/// Reads `path` (format sniffed from the content, not the extension). For a
/// JSON config, `weightsPath` may name a separate weights file (legacy
/// weights-only .h5 or .weights.h5) to pair with it. Returns false and sets
/// `error` on failure.
bool readKerasFile(const std::string &path, const std::string &weightsPath,
                   KerasFile &out, std::string &error);

/// Keras's `to_snake_case` (FORMAT.md §7.1): `Conv2D` -> `conv2d`,
/// `ReLU` -> `re_lu`, `MultiHeadAttention` -> `multi_head_attention`.
std::string toSnakeCase(const std::string &className);

} // namespace kiln::keras

#endif // KILN_FRONTEND_KERAS_KERASFILE_H
