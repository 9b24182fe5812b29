//===- Model.cpp - the Keras API's export, compile, fit, evaluate, predict ===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The Keras model's methods that need the compiler and the runtime: they
// build the kiln module (frontend) and compile it through the driver, as
// `kiln compile` and `kiln train` do, over the api layer's TrainingSession.
// Compiled into KilnApi, so the model-building library (KilnKeras) never
// depends on the compiler.
//
//===----------------------------------------------------------------------===//

#include "api/Session.h"

#include "kiln/keras/Core.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace kiln {

void Model::exportLibrary(const std::string &name, const std::string &dir,
                          ExportOptions options) const {
  CollectingContext cc;
  mlir::OwningOpRef<mlir::ModuleOp> module = buildModule(cc.context());
  CompileOptions o;
  o.name = name;
  o.outputDir = dir;
  o.externalWeights = options.externalWeights;
  o.runtimeArchive = runtimeArchivePath();
  if (mlir::failed(kiln::compile(*module, o)))
    throw Error("exporting model '" + this->name() + "' failed:\n" +
                cc.messages());
}

//===----------------------------------------------------------------------===//
// Training: compile, fit, evaluate, predict over a trainable library
//===----------------------------------------------------------------------===//

static Optimizer makeOptimizer(const char *name, double learningRate) {
  Optimizer o;
  o.settings.optimizer = name;
  o.settings.learningRate = learningRate;
  return o;
}
Optimizer SGD(double learningRate, double momentum, bool nesterov) {
  Optimizer o = makeOptimizer("sgd", learningRate);
  o.settings.momentum = momentum;
  o.settings.nesterov = nesterov;
  return o;
}
Optimizer Adam(double learningRate) { return makeOptimizer("adam", learningRate); }
Optimizer AdamW(double learningRate, double weightDecay) {
  Optimizer o = makeOptimizer("adamw", learningRate);
  o.settings.weightDecay = weightDecay;
  return o;
}
Optimizer RMSprop(double learningRate, double rho) {
  Optimizer o = makeOptimizer("rmsprop", learningRate);
  o.settings.rho = rho;
  return o;
}
Optimizer Adagrad(double learningRate) {
  return makeOptimizer("adagrad", learningRate);
}

namespace {

[[noreturn]] void fail(const std::string &message) { throw Error(message); }

void check(const TrainingSession &s, int status, const char *what) {
  if (status != 0)
    fail(std::string(what) + ": " + s.lastError());
}

template <typename F> F entry(const TrainingSession &s, const char *suffix) {
  F f = s.fn<F>(suffix);
  if (!f)
    fail(std::string("the trainable library has no model_") + suffix);
  return f;
}

using Access = int (*)(kiln_model_t *, int32_t, void *, int64_t);

/// Copies a layer's weights (named "layer/weight" in the library's state)
/// into the instance (`in`) or back.
void syncLayer(const TrainingSession &s, Layer &layer, bool in, Access get,
               Access set) {
  if (auto *m = dynamic_cast<Model *>(&layer)) {
    for (const auto &l : m->layers())
      if (l.get() != &layer)
        syncLayer(s, *l, in, get, set);
    return;
  }
  for (Weight &w : layer.weights()) {
    int32_t index = s.stateIndex(layer.name() + "/" + w.name);
    if (index < 0)
      continue;
    int64_t n = w.size();
    if (w.dtype == DType::Float64) {
      std::vector<double> v(w.values);
      if (in)
        check(s, set(s.instance(), index, v.data(), n), "set_state");
      else {
        check(s, get(s.instance(), index, v.data(), n), "get_state");
        w.values = v;
      }
    } else if (w.dtype == DType::Float32) {
      std::vector<float> v(w.values.begin(), w.values.end());
      if (in)
        check(s, set(s.instance(), index, v.data(), n), "set_state");
      else {
        check(s, get(s.instance(), index, v.data(), n), "get_state");
        w.values.assign(v.begin(), v.end());
      }
    }
  }
}

void syncWeights(const TrainingSession &s, const Model &model, bool in) {
  auto get = entry<Access>(s, "get_state");
  auto set = entry<Access>(s, "set_state");
  for (const auto &layer : model.layers())
    syncLayer(s, *layer, in, get, set);
}

/// A dataset from the examples of x and y (converted to the model's
/// dtypes).
kiln_dataset_t *makeDataset(const TrainingSession &s,
                            const std::vector<float> &x,
                            const std::vector<double> &y) {
  auto perExample = [](const kiln_tensor_info_t &t) {
    int64_t n = 1;
    for (int32_t d = 0; d < t.rank; ++d)
      n *= t.dims[d] < 0 ? 1 : t.dims[d];
    return n;
  };
  size_t inputs = s.inputs().size();
  if (inputs != 1 || s.targets().size() != 1)
    fail("fit: models with " + std::to_string(inputs) + " inputs and " +
         std::to_string(s.targets().size()) +
         " targets take data through the C API (NAME_dataset_from_arrays)");
  int64_t perIn = perExample(s.inputs()[0]);
  int64_t perTarget = perExample(s.targets()[0]);
  kiln_dtype_t targetType = s.targets()[0].dtype;
  if (x.size() % perIn != 0)
    fail("fit: x has " + std::to_string(x.size()) +
         " values, not a multiple of the " + std::to_string(perIn) +
         " of one example");
  int64_t count = static_cast<int64_t>(x.size()) / perIn;
  if (static_cast<int64_t>(y.size()) != count * perTarget)
    fail("fit: y has " + std::to_string(y.size()) + " values, expected " +
         std::to_string(count * perTarget) + " for " + std::to_string(count) +
         " examples");
  std::vector<char> targets;
  auto store = [&](auto typed) {
    using T = decltype(typed);
    std::vector<T> t(y.begin(), y.end());
    targets.assign(reinterpret_cast<char *>(t.data()),
                   reinterpret_cast<char *>(t.data() + t.size()));
  };
  if (targetType == KILN_I64)
    store(int64_t());
  else if (targetType == KILN_I32)
    store(int32_t());
  else
    store(float());
  const void *ins[] = {x.data()};
  const void *tgts[] = {targets.data()};
  kiln_dataset_t *d = nullptr;
  using FromArrays = int (*)(kiln_model_t *, int64_t, const void *const *,
                             const void *const *, kiln_dataset_t **);
  check(s, entry<FromArrays>(s, "dataset_from_arrays")(s.instance(), count, ins,
                                                       tgts, &d),
        "fit");
  return d;
}

void destroyDataset(const TrainingSession &s, kiln_dataset_t *d) {
  entry<void (*)(kiln_dataset_t *)>(s, "dataset_destroy")(d);
}

} // namespace

void Model::compile(const Optimizer &optimizer, const std::string &loss,
                    const std::vector<std::string> &metrics, bool fromLogits) {
  loss_ = AddLossPassOptions();
  loss_.loss = loss;
  loss_.fromLogits = fromLogits;
  loss_.metrics.assign(metrics.begin(), metrics.end());
  optimizer_ = optimizer.settings;
  compiled_ = true;
  session_.reset();
}

TrainingSession &Model::session() {
  if (!compiled_)
    throw Error("model '" + name() + "': call compile() before fit, evaluate "
                "or predict");
  if (!session_) {
    CollectingContext cc;
    mlir::OwningOpRef<mlir::ModuleOp> module = buildTrainableModule(cc.context());
    CompileOptions o;
    o.name = "model";
    o.entry = name();
    o.training.loss = loss_;
    o.training.optimizer = optimizer_;
    std::string error;
    session_ = TrainingSession::create(*module, o, error);
    // An empty error: the compiler's diagnostics say why.
    if (!session_)
      throw Error(error.empty() ? "compiling the training step of '" + name() +
                                      "' failed:\n" + cc.messages()
                                : "fit: " + error);
  }
  return *session_;
}

History Model::fit(const std::vector<float> &x, const std::vector<double> &y,
                   const FitOptions &options) {
  TrainingSession &s = session();
  syncWeights(s, *this, /*in=*/true);
  kiln_dataset_t *data = makeDataset(s, x, y);
  kiln_fit_options_t o;
  entry<void (*)(kiln_fit_options_t *)>(s, "fit_options_init")(&o);
  o.epochs = options.epochs;
  o.batch_size = options.batch_size;
  o.shuffle = options.shuffle;
  o.seed = options.seed;
  o.validation_split = options.validation_split;
  o.verbose = options.verbose;
  const char *monitor = options.validation_split > 0 ? "val_loss" : "loss";
  if (options.early_stopping_patience > 0) {
    o.callbacks.early_stopping_monitor = monitor;
    o.callbacks.early_stopping_patience = options.early_stopping_patience;
    o.callbacks.early_stopping_restore_best_weights = 1;
  }
  if (options.reduce_lr_patience > 0) {
    o.callbacks.reduce_lr_monitor = monitor;
    o.callbacks.reduce_lr_patience = options.reduce_lr_patience;
  }
  if (!options.checkpoint_path.empty())
    o.callbacks.checkpoint_path = options.checkpoint_path.c_str();
  if (!options.csv_log_path.empty())
    o.callbacks.csv_log_path = options.csv_log_path.c_str();
  o.callbacks.terminate_on_nan = options.terminate_on_nan;
  std::vector<double> classWeights;
  for (auto [cls, weight] : options.class_weight) {
    if (cls < 0 || cls > 1000000)
      throw Error("fit: class_weight has class " + std::to_string(cls) +
                  "; class ids are 0 to 1000000");
    if (classWeights.size() <= static_cast<size_t>(cls))
      classWeights.resize(cls + 1, 1.0);
    classWeights[cls] = weight;
  }
  if (!classWeights.empty()) {
    o.class_weights = classWeights.data();
    o.num_class_weights = static_cast<int32_t>(classWeights.size());
  }
  kiln_history_t *h = nullptr;
  using Fit = int (*)(kiln_model_t *, const kiln_dataset_t *,
                      const kiln_dataset_t *, const kiln_fit_options_t *,
                      kiln_history_t **);
  int status = entry<Fit>(s, "fit")(s.instance(), data, nullptr, &o, &h);
  std::string error = status ? s.lastError() : "";
  destroyDataset(s, data);
  History history;
  for (int32_t k = 0; h && k < entry<int32_t (*)(const kiln_history_t *)>(s, "history_num_keys")(h);
       ++k) {
    const char *key =
        entry<const char *(*)(const kiln_history_t *, int32_t)>(s, "history_key")(h, k);
    const double *v =
        entry<const double *(*)(const kiln_history_t *, const char *)>(s, "history_values")(h, key);
    int32_t n = entry<int32_t (*)(const kiln_history_t *)>(s, "history_epochs")(h);
    history[key] = std::vector<double>(v, v + n);
  }
  entry<void (*)(kiln_history_t *)>(s, "history_destroy")(h);
  syncWeights(s, *this, /*in=*/false);
  if (status != 0)
    throw Error("fit: " + error);
  return history;
}

std::map<std::string, double> Model::evaluate(const std::vector<float> &x,
                                              const std::vector<double> &y,
                                              int64_t batchSize) {
  TrainingSession &s = session();
  syncWeights(s, *this, /*in=*/true);
  kiln_dataset_t *data = makeDataset(s, x, y);
  std::vector<double> values(s.metricNames().size());
  using Evaluate = int (*)(kiln_model_t *, const kiln_dataset_t *, int64_t,
                           double *);
  int status = entry<Evaluate>(s, "evaluate")(s.instance(), data, batchSize,
                                          values.data());
  std::string error = status ? s.lastError() : "";
  destroyDataset(s, data);
  if (status != 0)
    throw Error("evaluate: " + error);
  std::map<std::string, double> out;
  for (size_t i = 0; i < values.size(); ++i)
    out[s.metricNames()[i]] = values[i];
  return out;
}

std::vector<float> Model::predict(const std::vector<float> &x,
                                  int64_t batchSize) {
  if (outputs().size() != 1 || inputs().size() != 1)
    throw Error("predict: this overload is for one input and one output");
  TrainingSession &s = session();
  syncWeights(s, *this, /*in=*/true);
  int64_t perIn = 1, perOut = 1;
  for (int64_t d : inputs()[0].shape())
    perIn *= d < 0 ? 1 : d;
  for (int64_t d : outputs()[0].shape())
    perOut *= d < 0 ? 1 : d;
  if (x.size() % perIn != 0)
    throw Error("predict: x has " + std::to_string(x.size()) +
                " values, not a multiple of the " + std::to_string(perIn) +
                " of one example");
  int64_t count = static_cast<int64_t>(x.size()) / perIn;
  std::vector<float> out(count * perOut);
  using Predict = int (*)(kiln_model_t *, int64_t, const void *const *,
                          const size_t *, void *const *, const size_t *);
  auto predictArrays = entry<Predict>(s, "predict_arrays");
  for (int64_t at = 0; at < count; at += batchSize) {
    int64_t n = std::min(batchSize, count - at);
    const void *in[] = {x.data() + at * perIn};
    size_t inCount[] = {static_cast<size_t>(n * perIn)};
    void *o[] = {out.data() + at * perOut};
    size_t outCount[] = {static_cast<size_t>(n * perOut)};
    check(s, predictArrays(s.instance(), n, in, inCount, o, outCount), "predict");
  }
  return out;
}

} // namespace kiln
