//===- TrainingConfig.cpp - a Keras file's training configuration ---------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Keras 3's compile_config and Keras 2's training_config: the loss, the
// metrics and the optimizer with its hyperparameters, as kiln-add-loss and
// kiln-train-step take them.
//
//===----------------------------------------------------------------------===//

#include "frontend/keras/file/KerasJson.h"

#include "kiln/keras/Import.h"

#include <cctype>
#include <cstdio>

namespace kiln {
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
    // Keras's hyperparameter names and the options they set.
    static const std::pair<const char *, double TrainStepPassOptions::*>
        numbers[] = {{"learning_rate", &TrainStepPassOptions::learningRate},
                     {"lr", &TrainStepPassOptions::learningRate},
                     {"momentum", &TrainStepPassOptions::momentum},
                     {"beta_1", &TrainStepPassOptions::beta1},
                     {"beta_2", &TrainStepPassOptions::beta2},
                     {"epsilon", &TrainStepPassOptions::epsilon},
                     {"weight_decay", &TrainStepPassOptions::weightDecay},
                     {"clipnorm", &TrainStepPassOptions::clipNorm},
                     {"clipvalue", &TrainStepPassOptions::clipValue},
                     {"rho", &TrainStepPassOptions::rho},
                     {"initial_accumulator_value",
                      &TrainStepPassOptions::initialAccumulator}};
    static const std::pair<const char *, bool TrainStepPassOptions::*>
        flags[] = {{"nesterov", &TrainStepPassOptions::nesterov},
                   {"centered", &TrainStepPassOptions::centered}};
    if (const Json *config = member(*opt, "config"); config && config->is_object()) {
      for (auto [keras, field] : numbers)
        if (const Json *v = member(*config, keras); v && v->is_number())
          out.settings.*field = v->get<double>();
      for (auto [keras, field] : flags)
        if (const Json *v = member(*config, keras); v && v->is_boolean())
          out.settings.*field = v->get<bool>();
    }
  }
  if (!out.optimizer.empty())
    out.settings.optimizer = out.optimizer;
  return true;
}

} // namespace kiln