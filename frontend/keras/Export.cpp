//===- Export.cpp - Model::exportLibrary ----------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The bridge from the Keras API to the compiler: builds the kiln module and
// runs the same driver as `kiln compile`. Kept in its own library
// (KilnKerasExport) so that the model-building API does not depend on the
// compiler.
//
//===----------------------------------------------------------------------===//

#include "kiln/keras/Core.h"

#include "compiler/Driver/Driver.h"
#include "compiler/Registration/Registration.h"
#include "compiler/Target/ModelSignature.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include "kiln/runtime.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <cstdlib>
#include <dlfcn.h>
#include <mutex>

namespace kiln {

namespace {

/// An MLIR context with every dialect and a handler collecting errors.
struct CompilerContext {
  mlir::MLIRContext ctx;
  std::string messages;
  mlir::ScopedDiagnosticHandler handler;
  static mlir::DialectRegistry registry() {
    static std::once_flag registered;
    std::call_once(registered, [] { registerAllPasses(); });
    mlir::DialectRegistry r;
    registerAllDialects(r);
    return r;
  }
  CompilerContext()
      : ctx(registry()), handler(&ctx, [this](mlir::Diagnostic &diag) {
          if (diag.getSeverity() == mlir::DiagnosticSeverity::Error) {
            std::string loc;
            llvm::raw_string_ostream os(loc);
            os << diag.getLocation();
            messages += loc + ": " + diag.str() + "\n";
          }
          return mlir::success();
        }) {}
};

/// A double as an option value, exactly enough for the f32 it becomes.
std::string formatDouble(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.12g", v);
  return text;
}

std::string runtimeArchive() {
  const char *env = std::getenv("KILN_RUNTIME_LIB");
  return env ? env : KILN_RUNTIME_ARCHIVE;
}

} // namespace

void Model::exportLibrary(const std::string &name, const std::string &dir,
                          ExportOptions options) const {
  CompilerContext cc;
  mlir::OwningOpRef<mlir::ModuleOp> module = buildModule(cc.ctx);
  CompileOptions o;
  o.name = name;
  o.outputDir = dir;
  o.externalWeights = options.externalWeights;
  o.runtimeArchive = runtimeArchive();
  if (mlir::failed(kiln::compile(*module, o)))
    throw Error("exporting model '" + this->name() + "' failed:\n" + cc.messages);
}

//===----------------------------------------------------------------------===//
// Training: compile, fit, evaluate, predict over a trainable library
//===----------------------------------------------------------------------===//

Optimizer SGD(double learningRate, double momentum, bool nesterov) {
  Optimizer o{"sgd", learningRate, {}};
  o.options.push_back({"momentum", formatDouble(momentum)});
  o.options.push_back({"nesterov", nesterov ? "true" : "false"});
  return o;
}
Optimizer Adam(double learningRate) { return {"adam", learningRate, {}}; }
Optimizer AdamW(double learningRate, double weightDecay) {
  return {"adamw", learningRate,
          {{"weight-decay", formatDouble(weightDecay)}}};
}
Optimizer RMSprop(double learningRate, double rho) {
  return {"rmsprop", learningRate, {{"rho", formatDouble(rho)}}};
}
Optimizer Adagrad(double learningRate) { return {"adagrad", learningRate, {}}; }

/// A loaded trainable library and one instance of it, in a temporary
/// directory removed with the session.
class TrainingSession {
public:
  TrainingSession(const Model &model, const std::string &lossOptions,
                  const std::string &optimizerOptions) {
    CompilerContext cc;
    mlir::OwningOpRef<mlir::ModuleOp> module = model.buildTrainableModule(cc.ctx);
    llvm::SmallString<256> dir;
    if (llvm::sys::fs::createUniqueDirectory("kiln-fit", dir))
      throw Error("fit: cannot create a temporary directory");
    dir_ = std::string(dir);
    CompileOptions o;
    o.name = "model";
    o.entry = model.name();
    o.outputDir = dir_;
    o.runtimeArchive = runtimeArchive();
    o.training.enabled = true;
    o.training.lossOptions = lossOptions;
    o.training.optimizerOptions = optimizerOptions;
    if (mlir::failed(kiln::compile(*module, o))) {
      llvm::sys::fs::remove_directories(dir_);
      throw Error("compiling the training step of '" + model.name() +
                  "' failed:\n" + cc.messages);
    }
    llvm::SmallString<256> so(dir);
    llvm::sys::path::append(so, "libmodel.so");
    handle_ = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_)
      fail(std::string("cannot load the trainable library: ") + dlerror());
    auto create = fn<int (*)(kiln_model_t **)>("create");
    if (create(&instance_) != 0)
      fail(lastError());
    // Weight names, as buildTrainableModule writes them, to their state.
    std::optional<ModelSignature> described =
        parseDescription(fn<const char *(*)()>("description")());
    if (!described)
      fail("the trainable library has a malformed description");
    signature_ = std::move(*described);
    for (const TensorSignature &t : signature_.metrics)
      metrics_.push_back(t.name);
    for (auto [i, st] : llvm::enumerate(signature_.state))
      state_[st.tensor.name] = static_cast<int32_t>(i);
  }
  ~TrainingSession() {
    if (instance_)
      fn<void (*)(kiln_model_t *)>("destroy")(instance_);
    if (handle_)
      dlclose(handle_);
    llvm::sys::fs::remove_directories(dir_);
  }

  template <typename F> F fn(const char *suffix) {
    void *p = dlsym(handle_, (std::string("model_") + suffix).c_str());
    if (!p)
      fail(std::string("the trainable library has no model_") + suffix);
    return reinterpret_cast<F>(p);
  }
  std::string lastError() { return fn<const char *(*)()>("last_error")(); }
  [[noreturn]] void fail(const std::string &message) { throw Error(message); }
  void check(int status, const char *what) {
    if (status != 0)
      fail(std::string(what) + ": " + lastError());
  }

  /// Copies the layers' weights into the instance (`in`) or back.
  void syncWeights(const Model &model, bool in) {
    using Access = int (*)(kiln_model_t *, int32_t, void *, int64_t);
    auto get = fn<Access>("get_state");
    auto set = fn<Access>("set_state");
    for (const auto &layer : model.layers())
      syncLayer(*layer, in, get, set);
  }

  /// A dataset from the examples of x and y (converted to the model's
  /// dtypes).
  kiln_dataset_t *dataset(const std::vector<float> &x,
                          const std::vector<double> &y) {
    auto perExample = [](const TensorSignature &t) {
      int64_t n = 1;
      for (int64_t d : t.dims)
        n *= d < 0 ? 1 : d;
      return n;
    };
    size_t inputs = signature_.inputs.size();
    if (inputs != 1 || signature_.targets.size() != 1)
      fail("fit: models with " + std::to_string(inputs) + " inputs and " +
           std::to_string(signature_.targets.size()) +
           " targets take data through the C API (NAME_dataset_from_arrays)");
    int64_t perIn = perExample(signature_.inputs[0]);
    int64_t perTarget = perExample(signature_.targets[0]);
    const std::string &targetType = signature_.targets[0].dtype;
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
    if (targetType == "i64") {
      std::vector<int64_t> t(y.begin(), y.end());
      targets.assign(reinterpret_cast<char *>(t.data()),
                     reinterpret_cast<char *>(t.data() + t.size()));
    } else if (targetType == "i32") {
      std::vector<int32_t> t(y.begin(), y.end());
      targets.assign(reinterpret_cast<char *>(t.data()),
                     reinterpret_cast<char *>(t.data() + t.size()));
    } else {
      std::vector<float> t(y.begin(), y.end());
      targets.assign(reinterpret_cast<char *>(t.data()),
                     reinterpret_cast<char *>(t.data() + t.size()));
    }
    const void *ins[] = {x.data()};
    const void *tgts[] = {targets.data()};
    kiln_dataset_t *d = nullptr;
    using FromArrays = int (*)(kiln_model_t *, int64_t, const void *const *,
                               const void *const *, kiln_dataset_t **);
    check(fn<FromArrays>("dataset_from_arrays")(instance_, count, ins, tgts, &d),
          "fit");
    return d;
  }
  void destroy(kiln_dataset_t *d) {
    fn<void (*)(kiln_dataset_t *)>("dataset_destroy")(d);
  }

  kiln_model_t *instance_ = nullptr;
  std::vector<std::string> metrics_;

private:
  template <typename Access>
  void syncLayer(Layer &layer, bool in, Access get, Access set) {
    if (auto *m = dynamic_cast<Model *>(&layer)) {
      for (const auto &l : m->layers())
        if (l.get() != &layer)
          syncLayer(*l, in, get, set);
      return;
    }
    for (Weight &w : layer.weights()) {
      auto it = state_.find(layer.name() + "/" + w.name);
      if (it == state_.end())
        continue;
      int64_t n = w.size();
      if (w.dtype == DType::Float64) {
        std::vector<double> v(w.values);
        if (in)
          check(set(instance_, it->second, v.data(), n), "set_state");
        else {
          check(get(instance_, it->second, v.data(), n), "get_state");
          w.values = v;
        }
      } else if (w.dtype == DType::Float32) {
        std::vector<float> v(w.values.begin(), w.values.end());
        if (in)
          check(set(instance_, it->second, v.data(), n), "set_state");
        else {
          check(get(instance_, it->second, v.data(), n), "get_state");
          w.values.assign(v.begin(), v.end());
        }
      }
    }
  }

  std::string dir_;
  void *handle_ = nullptr;
  ModelSignature signature_;
  std::map<std::string, int32_t> state_;
};

void Model::compile(const Optimizer &optimizer, const std::string &loss,
                    const std::vector<std::string> &metrics, bool fromLogits) {
  lossOptions_ = "loss=" + loss + (fromLogits ? " from-logits=true" : "");
  if (!metrics.empty()) {
    lossOptions_ += " metrics=";
    for (size_t i = 0; i < metrics.size(); ++i)
      lossOptions_ += (i ? "," : "") + metrics[i];
  }
  optimizerOptions_ = "optimizer=" + optimizer.name + " learning-rate=" +
                      formatDouble(optimizer.learningRate);
  for (const auto &[k, v] : optimizer.options)
    optimizerOptions_ += " " + k + "=" + v;
  session_.reset();
}

TrainingSession &Model::session() {
  if (lossOptions_.empty())
    throw Error("model '" + name() + "': call compile() before fit, evaluate "
                "or predict");
  if (!session_)
    session_ = std::make_shared<TrainingSession>(*this, lossOptions_,
                                                 optimizerOptions_);
  return *session_;
}

History Model::fit(const std::vector<float> &x, const std::vector<double> &y,
                   const FitOptions &options) {
  TrainingSession &s = session();
  s.syncWeights(*this, /*in=*/true);
  kiln_dataset_t *data = s.dataset(x, y);
  kiln_fit_options_t o;
  s.fn<void (*)(kiln_fit_options_t *)>("fit_options_init")(&o);
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
  int status = s.fn<Fit>("fit")(s.instance_, data, nullptr, &o, &h);
  std::string error = status ? s.lastError() : "";
  s.destroy(data);
  History history;
  for (int32_t k = 0; h && k < s.fn<int32_t (*)(const kiln_history_t *)>(
                                   "history_num_keys")(h);
       ++k) {
    const char *key =
        s.fn<const char *(*)(const kiln_history_t *, int32_t)>("history_key")(h, k);
    const double *v =
        s.fn<const double *(*)(const kiln_history_t *, const char *)>(
            "history_values")(h, key);
    int32_t n = s.fn<int32_t (*)(const kiln_history_t *)>("history_epochs")(h);
    history[key] = std::vector<double>(v, v + n);
  }
  s.fn<void (*)(kiln_history_t *)>("history_destroy")(h);
  s.syncWeights(*this, /*in=*/false);
  if (status != 0)
    throw Error("fit: " + error);
  return history;
}

std::map<std::string, double> Model::evaluate(const std::vector<float> &x,
                                              const std::vector<double> &y,
                                              int64_t batchSize) {
  TrainingSession &s = session();
  s.syncWeights(*this, /*in=*/true);
  kiln_dataset_t *data = s.dataset(x, y);
  std::vector<double> values(s.metrics_.size());
  using Evaluate = int (*)(kiln_model_t *, const kiln_dataset_t *, int64_t,
                           double *);
  int status = s.fn<Evaluate>("evaluate")(s.instance_, data, batchSize,
                                          values.data());
  std::string error = status ? s.lastError() : "";
  s.destroy(data);
  if (status != 0)
    throw Error("evaluate: " + error);
  std::map<std::string, double> out;
  for (size_t i = 0; i < values.size(); ++i)
    out[s.metrics_[i]] = values[i];
  return out;
}

std::vector<float> Model::predict(const std::vector<float> &x,
                                  int64_t batchSize) {
  if (outputs().size() != 1 || inputs().size() != 1)
    throw Error("predict: this overload is for one input and one output");
  TrainingSession &s = session();
  s.syncWeights(*this, /*in=*/true);
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
  auto predictArrays = s.fn<Predict>("predict_arrays");
  for (int64_t at = 0; at < count; at += batchSize) {
    int64_t n = std::min(batchSize, count - at);
    const void *in[] = {x.data() + at * perIn};
    size_t inCount[] = {static_cast<size_t>(n * perIn)};
    void *o[] = {out.data() + at * perOut};
    size_t outCount[] = {static_cast<size_t>(n * perOut)};
    s.check(predictArrays(s.instance_, n, in, inCount, o, outCount), "predict");
  }
  return out;
}

} // namespace kiln
