//===- KerasWeights.h - mapping stored weights to layers --------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Private to frontend/keras: the two weight layouts of FORMAT.md — legacy
// `layer_names`/`weight_names` groups (§5) and Keras 3 path-addressed
// `layers/<snake_case>/vars/<i>` groups (§7) — turned into arrays per layer
// path, in `layer.get_weights()` order.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_FRONTEND_KERAS_KERASWEIGHTS_H
#define KILN_FRONTEND_KERAS_KERASWEIGHTS_H

#include "frontend/keras/file/KerasHdf5.h"
#include "frontend/keras/file/KerasJson.h"

#include <map>
#include <string>
#include <vector>

namespace kiln::keras::detail {

using WeightMap = std::map<std::string, std::vector<WeightArray>>;

/// Reads the legacy layout below `group` (`/model_weights` of a full-model
/// file, or the root of a weights-only file). With a model config
/// (`{class_name, config}`), stored layers are paired with the config's
/// layers that own weights by position, as Keras's load_weights does, and
/// keyed by their config names; nested models are split per sub-layer
/// (§5.4). When the config holds a layer class whose weight count is
/// unknown here, layers are paired by name instead. Without a config, the
/// keys are the stored `layer_names`. `kerasVersion` selects the
/// standalone-Keras ordering for frozen nested models.
bool readLegacyWeights(const Hdf5File &file, hid_t group, const Json *model,
                       const std::string &kerasVersion, WeightMap &out,
                       std::string &error);

/// Reads the Keras 3 layout (`.weights.h5`, `model.weights.h5`). With a model
/// config the groups are found by the §7.2 recipe (checked against `vars`
/// `name` attributes when present); without one (or for a subclassed model
/// whose config lists no layers), every layer group found is keyed by its
/// `name` attribute, else by its group name.
bool readV3Weights(const Hdf5File &file, const Json *model, WeightMap &out,
                   std::string &error);

} // namespace kiln::keras::detail

#endif // KILN_FRONTEND_KERAS_KERASWEIGHTS_H
