//===- kiln/keras/Import.h - Keras model files to models --------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#ifndef KILN_KERAS_IMPORT_H
#define KILN_KERAS_IMPORT_H

#include "kiln/keras/Core.h"
#include "dialects/kiln/Transforms/Passes.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kiln {

/// A model read from a Keras file.
struct LoadedKerasModel {
  std::shared_ptr<Model> model;
  std::string format;       ///< "keras-zip", "legacy-h5", "keras2-json", ...
  std::string kerasVersion; ///< "" when the file does not say
  int kerasMajor = 0;
  bool hasWeights = false;
  std::string trainingJson; ///< training_config / compile_config, may be ""
};

/// Reads any Keras model file (`.keras`, full `.h5`, `to_json` JSON, with
/// `weightsPath` naming a separate `.h5`/`.weights.h5` for a JSON config)
/// into a Model holding the file's weights. Throws kiln::Error naming the
/// file and, for unsupported content, the layer and its class.
LoadedKerasModel loadKerasModel(const std::string &path,
                                const std::string &weightsPath = "");

/// What a tool built without exceptions gets from a Keras file.
struct KerasImportResult {
  std::string summary;     ///< the model.summary() table
  std::string kerasVersion;
  std::string format;
  std::string trainingJson;
  std::string error;       ///< set on failure
};

/// Non-throwing import for tools built without exceptions: reads the file,
/// fills `module` with the kiln IR (model name `name`, or the model's own
/// when empty) and `result` with the summary; on failure returns false with
/// `result.error` set.
/// With `trainable`, the module is Model::buildTrainableModule's.
bool importKerasFile(const std::string &path, const std::string &weightsPath,
                     mlir::MLIRContext &ctx,
                     mlir::OwningOpRef<mlir::ModuleOp> &module,
                     KerasImportResult &result, bool trainable = false);

/// What a Keras file's compile_config (Keras 3) or training_config (Keras
/// 2) says about training, as kiln-add-loss and kiln-train-step take it.
struct KerasTrainingConfig {
  std::string loss;       ///< snake_case ("sparse_categorical_crossentropy")
  bool fromLogits = false;
  std::vector<std::string> metrics;
  /// The optimizer, lower case ("adam", "sgd", "rmsprop", ...); empty when
  /// the file names none.
  std::string optimizer;
  /// Its hyperparameters the file gives (learning rate, momentum, betas,
  /// clipping ...) over kiln-train-step's defaults; `optimizer` is
  /// settings.optimizer when the file names one.
  TrainStepPassOptions settings;
};

/// Parses the training JSON of KerasImportResult; false with `error` set
/// when it is malformed. Unknown fields are ignored.
bool parseKerasTrainingConfig(const std::string &json, KerasTrainingConfig &out,
                              std::string &error);

} // namespace kiln

#endif // KILN_KERAS_IMPORT_H
