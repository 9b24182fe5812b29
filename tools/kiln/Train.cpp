//===- Train.cpp - kiln train ---------------------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// `kiln train MODEL --data D ...`: compiles MODEL into a trainable library,
// loads it, and runs the runtime's fit over the data; then saves the
// weights, evaluates on test data and exports an inference library with
// the trained weights. Defaults come from a Keras file's compile_config /
// training_config when it has one.
//
//===----------------------------------------------------------------------===//

#include "tools/kiln/Train.h"

#include "compiler/Driver/Driver.h"
#include "compiler/Registration/Registration.h"
#include "compiler/Target/ModelSignature.h"
#include "dialects/kiln/IR/KilnOps.h"

#include "kiln/keras/Import.h"
#include "kiln/onnx/Import.h"
#include "kiln/runtime.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <dlfcn.h>

using namespace llvm;

namespace kiln_tool {

cl::SubCommand trainCmd("train", "Train a model on a dataset");

namespace {

cl::opt<std::string> model(cl::Positional,
                           cl::desc("<model: .mlir, .keras, .h5, .json>"),
                           cl::Required, cl::sub(trainCmd));
cl::opt<std::string> weightsFile("weights",
                                 cl::desc("Weights for a Keras JSON config"),
                                 cl::sub(trainCmd));
cl::opt<std::string> data("data",
                          cl::desc("Training data: .csv, .csv.gz, .npz, or "
                                   "the inputs' .npy with --targets"),
                          cl::Required, cl::sub(trainCmd));
cl::opt<std::string> targets("targets", cl::desc("The targets' .npy"),
                             cl::sub(trainCmd));
cl::opt<std::string> validationData(
    "validation-data", cl::desc("Validation data (instead of a split)"),
    cl::sub(trainCmd));
cl::opt<std::string> testData("test-data",
                              cl::desc("Data to evaluate after training"),
                              cl::sub(trainCmd));
cl::opt<int> epochs("epochs", cl::desc("Epochs (default 1)"), cl::init(1),
                    cl::sub(trainCmd));
cl::opt<int> initialEpoch("initial-epoch",
                          cl::desc("Epochs already done (with --resume)"),
                          cl::init(0), cl::sub(trainCmd));
cl::opt<int64_t> batchSize("batch-size", cl::desc("Batch size (default 32)"),
                           cl::init(32), cl::sub(trainCmd));
cl::opt<double> validationSplit("validation-split",
                                cl::desc("Fraction held out for validation"),
                                cl::init(0.0), cl::sub(trainCmd));
cl::opt<uint64_t> seed("seed", cl::desc("Shuffling seed"), cl::init(0),
                       cl::sub(trainCmd));
cl::opt<bool> noShuffle("no-shuffle", cl::desc("Keep the data's order"),
                        cl::sub(trainCmd));
cl::opt<std::string> loss("loss", cl::desc("Keras loss name"),
                          cl::sub(trainCmd));
cl::opt<bool> fromLogits("from-logits",
                         cl::desc("The cross-entropy takes logits"),
                         cl::sub(trainCmd));
cl::list<std::string> metrics("metrics", cl::desc("Metrics, comma separated"),
                              cl::CommaSeparated, cl::sub(trainCmd));
cl::opt<std::string> classWeight(
    "class-weight",
    cl::desc("Keras class_weight as CLASS:WEIGHT,... (e.g. 0:1,1:4); "
             "classes not listed weigh 1"),
    cl::sub(trainCmd));
cl::opt<std::string> optimizer("optimizer",
                               cl::desc("sgd, adam, adamw, rmsprop, adagrad"),
                               cl::sub(trainCmd));
cl::opt<double> lr("lr", cl::desc("Learning rate"), cl::init(-1.0),
                   cl::sub(trainCmd));
cl::opt<std::string> optimizerOptions(
    "optimizer-options",
    cl::desc("More kiln-train-step options, e.g. \"momentum=0.9 clipnorm=1\""),
    cl::sub(trainCmd));
cl::opt<std::string> save("save", cl::desc("Write the trained state here "
                                           "(.safetensors)"),
                          cl::sub(trainCmd));
cl::opt<std::string> resume("resume",
                            cl::desc("Load this state (a checkpoint) first"),
                            cl::sub(trainCmd));
cl::opt<std::string> checkpoint(
    "checkpoint",
    cl::desc("ModelCheckpoint path, each epoch ({epoch} is replaced)"),
    cl::sub(trainCmd));
cl::opt<int> earlyStopping("early-stopping-patience",
                           cl::desc("EarlyStopping on val_loss (or loss)"),
                           cl::init(0), cl::sub(trainCmd));
cl::opt<int> reduceLR("reduce-lr-patience",
                      cl::desc("ReduceLROnPlateau on val_loss (or loss)"),
                      cl::init(0), cl::sub(trainCmd));
cl::opt<std::string> csvLog("csv-log", cl::desc("CSVLogger file"),
                            cl::sub(trainCmd));
cl::opt<bool> keepNaN("no-terminate-on-nan",
                      cl::desc("Keep training when the loss is NaN/Inf"),
                      cl::sub(trainCmd));
cl::opt<int> verbose("verbose", cl::desc("0 silent, 1 progress bar, 2 a line "
                                         "per epoch"),
                     cl::init(1), cl::sub(trainCmd));
cl::opt<std::string> exportDir("export",
                               cl::desc("Export an inference library with the "
                                        "trained weights into this directory"),
                               cl::sub(trainCmd));
cl::opt<std::string> libraryDir(
    "library-dir",
    cl::desc("Keep the trainable library here (default: a temporary one)"),
    cl::sub(trainCmd));
cl::opt<std::string> name("name", cl::desc("Model name (default: the file's stem)"),
                          cl::sub(trainCmd));

/// A double as an option value, exactly enough for the f32 it becomes.
std::string formatDouble(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.12g", v);
  return text;
}

int fail(const Twine &message) {
  errs() << "kiln train: " << message << "\n";
  return 1;
}

bool isMlir(StringRef path) { return path.ends_with(".mlir"); }

/// --class-weight as a table by class id (unlisted classes weigh 1).
bool parseClassWeights(StringRef text, std::vector<double> &out,
                       std::string &error) {
  SmallVector<StringRef> items;
  text.split(items, ',', -1, false);
  for (StringRef item : items) {
    auto [cls, weight] = item.trim().split(':');
    unsigned id;
    double w;
    if (cls.trim().getAsInteger(10, id) || id > 1000000 ||
        weight.trim().getAsDouble(w) || !(w >= 0.0) || !std::isfinite(w)) {
      error = ("--class-weight: '" + item +
               "' is not CLASS:WEIGHT (a class id and a finite weight >= 0)")
                  .str();
      return false;
    }
    if (out.size() <= id)
      out.resize(id + 1, 1.0);
    out[id] = w;
  }
  if (out.empty()) {
    error = "--class-weight: no classes given";
    return false;
  }
  return true;
}

/// The library's functions, looked up by the model's prefix.
struct Library {
  void *handle = nullptr;
  std::string prefix;
  void *sym(const char *suffix) const {
    return dlsym(handle, (prefix + suffix).c_str());
  }
  template <typename F> F fn(const char *suffix) const {
    return reinterpret_cast<F>(sym(suffix));
  }
};

/// Replaces `fn`'s weight arguments by constants of the trained values.
void bakeWeights(mlir::func::FuncOp fn, const Library &lib, void *instance,
                 const std::vector<std::string> &names) {
  using GetState = int (*)(void *, int32_t, void *, int64_t);
  auto getState = lib.fn<GetState>("_get_state");
  mlir::OpBuilder b(fn.getContext());
  b.setInsertionPointToStart(&fn.front());
  llvm::BitVector erase(fn.getNumArguments());
  for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
    if (!fn.getArgAttr(i, "kiln.trainable") && !fn.getArgAttr(i, "kiln.weight"))
      continue;
    auto nameAttr = fn.getArgAttrOfType<mlir::StringAttr>(i, "kiln.name");
    auto it = llvm::find(names, nameAttr.str());
    auto type = llvm::cast<mlir::RankedTensorType>(fn.getArgument(i).getType());
    unsigned bytes = (type.getElementTypeBitWidth() + 7) / 8;
    std::vector<char> data(type.getNumElements() * bytes);
    getState(instance, static_cast<int32_t>(it - names.begin()), data.data(),
             type.getNumElements());
    auto attr = mlir::DenseElementsAttr::getFromRawBuffer(type, data);
    mlir::Value c = kiln::ConstantOp::create(b, fn.getArgument(i).getLoc(),
                                             attr);
    fn.getArgument(i).replaceAllUsesWith(c);
    erase.set(i);
  }
  (void)fn.eraseArguments(erase);
}

} // namespace

std::string trainingLossOptions(const kiln::KerasTrainingConfig &config,
                                StringRef lossFlag, bool logitsFlag,
                                ArrayRef<std::string> metricFlags) {
  std::string l = lossFlag.empty() ? config.loss : lossFlag.str();
  std::string s = "loss=" + (l.empty() ? std::string("mean_squared_error") : l);
  if (logitsFlag || (lossFlag.empty() && config.fromLogits))
    s += " from-logits=true";
  std::vector<std::string> m(metricFlags.begin(), metricFlags.end());
  if (m.empty())
    m = config.metrics;
  if (!m.empty()) {
    s += " metrics=";
    for (size_t i = 0; i < m.size(); ++i)
      s += (i ? "," : "") + m[i];
  }
  return s;
}

int runTrain(const char *runtimeArchive) {
  using Clock = std::chrono::steady_clock;
  mlir::DialectRegistry registry;
  kiln::registerAllDialects(registry);
  mlir::MLIRContext ctx(registry);
  // Errors of the training passes are located at the module: printing the
  // whole module under each would bury the message.
  ctx.printOpOnDiagnostic(false);
  SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &ctx);
  std::string modelName = name.empty()
                              ? sys::path::stem(sys::path::stem(model)).str()
                              : name.getValue();
  std::vector<double> classWeights;
  if (!classWeight.empty()) {
    std::string error;
    if (!parseClassWeights(classWeight, classWeights, error))
      return fail(error);
  }
  if (!kiln::isCIdentifier(modelName))
    return fail("model name '" + modelName +
                "' is not a C identifier; choose one with --name");

  // The model, with its weights as arguments.
  mlir::OwningOpRef<mlir::ModuleOp> module;
  kiln::KerasTrainingConfig config;
  if (isMlir(model)) {
    auto buffer = MemoryBuffer::getFile(model);
    if (!buffer)
      return fail("cannot read '" + model + "': " + buffer.getError().message());
    sourceMgr.AddNewSourceBuffer(std::move(*buffer), SMLoc());
    module = mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &ctx);
    if (!module)
      return 1;
  } else if (StringRef(model).ends_with(".onnx")) {
    // ONNX: the initializers are the trainable weights; each input's leading
    // dimension is the batch. ONNX files carry no loss: --loss names it.
    kiln::OnnxImportResult imported;
    kiln::OnnxImportOptions onnxOptions;
    onnxOptions.dynamicBatch = true;
    onnxOptions.trainable = true;
    if (!kiln::importOnnxFile(model, ctx, module, imported, onnxOptions))
      return fail(imported.error);
    if (loss.empty())
      return fail("'" + model + "' is an ONNX model, which records no loss; "
                  "name one with --loss");
  } else {
    kiln::KerasImportResult imported;
    if (!kiln::importKerasFile(model, weightsFile, ctx, module, imported,
                               /*trainable=*/true))
      return fail(imported.error);
    std::string error;
    if (!imported.trainingJson.empty() &&
        !kiln::parseKerasTrainingConfig(imported.trainingJson, config, error))
      return fail("'" + model + "': its training configuration: " + error);
  }
  mlir::func::FuncOp forward;
  for (auto fn : module->getOps<mlir::func::FuncOp>())
    if (!StringRef(fn.getSymName()).ends_with("_training") && fn.isPublic()) {
      forward = fn;
      break;
    }
  if (!forward)
    return fail("'" + model + "' has no model function");
  mlir::OwningOpRef<mlir::ModuleOp> exportModule = module->clone();
  std::string forwardName = forward.getSymName().str();

  kiln::CompileOptions options;
  options.name = modelName;
  options.entry = forwardName;
  options.runtimeArchive = runtimeArchive;
  options.training.enabled = true;
  options.training.lossOptions =
      trainingLossOptions(config, loss, fromLogits, metrics);
  std::string opt = optimizer.empty() ? config.optimizer : optimizer.getValue();
  std::string optOptions = "optimizer=" + (opt.empty() ? std::string("rmsprop") : opt);
  if (optimizer.empty())
    for (auto &[k, v] : config.optimizerOptions)
      if (!(k == "learning-rate" && lr >= 0.0))
        optOptions += " " + k + "=" + v;
  if (lr >= 0.0)
    optOptions += " learning-rate=" + formatDouble(lr.getValue());
  optOptions += " " + optimizerOptions;
  options.training.optimizerOptions = optOptions;
  SmallString<256> dir(libraryDir.getValue());
  bool temporary = dir.empty();
  if (temporary && sys::fs::createUniqueDirectory("kiln-train", dir))
    return fail("cannot create a temporary directory");
  options.outputDir = std::string(dir);
  auto cleanup = [&] {
    if (temporary)
      sys::fs::remove_directories(dir);
  };
  auto t0 = Clock::now();
  if (mlir::failed(kiln::compile(*module, options))) {
    cleanup();
    return 1;
  }
  double compileSeconds =
      std::chrono::duration<double>(Clock::now() - t0).count();
  if (verbose)
    outs() << "Compiled the training step (" << options.training.lossOptions
           << "; " << optOptions << ") in "
           << format("%.1f", compileSeconds) << " s\n";
  outs().flush();

  Library lib;
  lib.prefix = modelName;
  SmallString<256> so(dir);
  sys::path::append(so, "lib" + modelName + ".so");
  lib.handle = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib.handle) {
    cleanup();
    return fail(Twine("cannot load the trainable library: ") + dlerror());
  }
  using Text = const char *(*)();
  auto lastError = lib.fn<Text>("_last_error");
  auto description = lib.fn<Text>("_description");
  void *instance = nullptr;
  kiln_dataset_t *train = nullptr, *val = nullptr, *test = nullptr;
  kiln_history_t *history = nullptr;
  auto finish = [&](int rc) {
    lib.fn<void (*)(kiln_dataset_t *)>("_dataset_destroy")(train);
    lib.fn<void (*)(kiln_dataset_t *)>("_dataset_destroy")(val);
    lib.fn<void (*)(kiln_dataset_t *)>("_dataset_destroy")(test);
    lib.fn<void (*)(kiln_history_t *)>("_history_destroy")(history);
    if (instance)
      lib.fn<void (*)(void *)>("_destroy")(instance);
    cleanup();
    return rc;
  };
  if (lib.fn<int (*)(void **)>("_create")(&instance) != 0)
    return finish(fail(Twine("cannot create the model: ") + lastError()));
  using Read = int (*)(void *, const char *, const char *, kiln_dataset_t **);
  auto read = lib.fn<Read>("_dataset_read");
  // Every dataset is checked before training starts.
  if (read(instance, data.c_str(), targets.empty() ? nullptr : targets.c_str(),
           &train) != 0)
    return finish(fail(lastError()));
  if (!validationData.empty() &&
      read(instance, validationData.c_str(), nullptr, &val) != 0)
    return finish(fail(lastError()));
  if (!testData.empty() && read(instance, testData.c_str(), nullptr, &test) != 0)
    return finish(fail(lastError()));
  if (!resume.empty() &&
      lib.fn<int (*)(void *, const char *)>("_load")(instance, resume.c_str()) != 0)
    return finish(fail(lastError()));

  kiln_fit_options_t o;
  lib.fn<void (*)(kiln_fit_options_t *)>("_fit_options_init")(&o);
  o.epochs = epochs;
  o.initial_epoch = initialEpoch;
  o.batch_size = batchSize;
  o.shuffle = !noShuffle;
  o.seed = seed;
  o.validation_split = validationSplit;
  o.verbose = verbose;
  if (!classWeights.empty()) {
    o.class_weights = classWeights.data();
    o.num_class_weights = static_cast<int32_t>(classWeights.size());
  }
  bool haveVal = val || validationSplit > 0.0;
  const char *monitor = haveVal ? "val_loss" : "loss";
  if (earlyStopping > 0) {
    o.callbacks.early_stopping_monitor = monitor;
    o.callbacks.early_stopping_patience = earlyStopping;
    o.callbacks.early_stopping_restore_best_weights = 1;
  }
  if (reduceLR > 0) {
    o.callbacks.reduce_lr_monitor = monitor;
    o.callbacks.reduce_lr_patience = reduceLR;
  }
  if (!checkpoint.empty())
    o.callbacks.checkpoint_path = checkpoint.c_str();
  if (!csvLog.empty())
    o.callbacks.csv_log_path = csvLog.c_str();
  o.callbacks.terminate_on_nan = !keepNaN;
  using Fit = int (*)(void *, const kiln_dataset_t *, const kiln_dataset_t *,
                      const kiln_fit_options_t *, kiln_history_t **);
  t0 = Clock::now();
  int status = lib.fn<Fit>("_fit")(instance, train, val, &o, &history);
  double fitSeconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (status != 0)
    return finish(fail(lastError()));
  if (verbose)
    outs() << "Trained " << (epochs - initialEpoch) << " epochs in "
           << format("%.2f", fitSeconds) << " s\n";

  std::optional<kiln::ModelSignature> described =
      kiln::parseDescription(description());
  if (!described)
    return finish(fail("the trainable library has a malformed description"));
  std::vector<std::string> states, metricNames;
  for (const kiln::StateSignature &st : described->state)
    states.push_back(st.tensor.name);
  for (const kiln::TensorSignature &t : described->metrics)
    metricNames.push_back(t.name);
  if (test) {
    std::vector<double> values(metricNames.size());
    using Evaluate = int (*)(void *, const kiln_dataset_t *, int64_t, double *);
    if (lib.fn<Evaluate>("_evaluate")(instance, test, batchSize, values.data()) != 0)
      return finish(fail(lastError()));
    outs() << "Test:";
    for (size_t i = 0; i < values.size(); ++i)
      outs() << (i ? " -" : "") << " " << metricNames[i] << ": "
             << format("%.4f", values[i]);
    outs() << " (" << lib.fn<int64_t (*)(const kiln_dataset_t *)>(
                          "_dataset_count")(test)
           << " examples)\n";
  }
  if (!save.empty()) {
    if (lib.fn<int (*)(void *, const char *)>("_save")(instance, save.c_str()) != 0)
      return finish(fail(lastError()));
    if (verbose)
      outs() << "Saved the trained state to " << save << "\n";
  }
  if (!exportDir.empty()) {
    auto fn = exportModule->lookupSymbol<mlir::func::FuncOp>(forwardName);
    if (auto training = exportModule->lookupSymbol<mlir::func::FuncOp>(
            forwardName + "_training"))
      training.erase();
    bakeWeights(fn, lib, instance, states);
    kiln::CompileOptions exportOptions;
    exportOptions.name = modelName;
    exportOptions.entry = fn.getSymName().str();
    exportOptions.outputDir = exportDir;
    exportOptions.runtimeArchive = runtimeArchive;
    if (mlir::failed(kiln::compile(*exportModule, exportOptions)))
      return finish(1);
    if (verbose)
      outs() << "Exported " << exportDir << "/lib" << modelName << ".so and "
             << modelName << ".h with the trained weights\n";
  }
  return finish(0);
}

} // namespace kiln_tool
