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

#include "api/Session.h"
#include "compiler/Registration/Registration.h"
#include "dialects/kiln/IR/KilnOps.h"
#include "support/CIdentifier.h"

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

using namespace llvm;

namespace kiln_tool {

cl::SubCommand trainCmd("train", "Train a model on a dataset");
cl::OptionCategory trainOptions("kiln train options");

namespace {

cl::opt<std::string> model(cl::Positional,
                           cl::desc("<model: .mlir, .keras, .h5, .json>"),
                           cl::Required, cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<std::string> weightsFile("weights",
                                 cl::desc("Weights for a Keras JSON config"),
                                 cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<std::string> data("data",
                          cl::desc("Training data: .csv, .csv.gz, .npz, or "
                                   "the inputs' .npy with --targets"),
                          cl::Required, cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<std::string> targets("targets", cl::desc("The targets' .npy"),
                             cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<std::string> validationData(
    "validation-data", cl::desc("Validation data (instead of a split)"),
    cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<std::string> testData("test-data",
                              cl::desc("Data to evaluate after training"),
                              cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<int> epochs("epochs", cl::desc("Epochs (default 1)"), cl::init(1),
                    cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<int> initialEpoch("initial-epoch",
                          cl::desc("Epochs already done (with --resume)"),
                          cl::init(0), cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<int64_t> batchSize("batch-size", cl::desc("Batch size (default 32)"),
                           cl::init(32), cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<double> validationSplit("validation-split",
                                cl::desc("Fraction held out for validation"),
                                cl::init(0.0), cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<uint64_t> seed("seed", cl::desc("Shuffling seed"), cl::init(0),
                       cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<bool> noShuffle("no-shuffle", cl::desc("Keep the data's order"),
                        cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<std::string> loss("loss", cl::desc("Keras loss name"),
                          cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<bool> fromLogits("from-logits",
                         cl::desc("The cross-entropy takes logits"),
                         cl::sub(trainCmd), cl::cat(trainOptions));
cl::list<std::string> metrics("metrics", cl::desc("Metrics, comma separated"),
                              cl::CommaSeparated, cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<std::string> classWeight(
    "class-weight",
    cl::desc("Keras class_weight as CLASS:WEIGHT,... (e.g. 0:1,1:4); "
             "classes not listed weigh 1"),
    cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<std::string> optimizer("optimizer",
                               cl::desc("sgd, adam, adamw, rmsprop, adagrad"),
                               cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<double> lr("lr", cl::desc("Learning rate"), cl::init(-1.0),
                   cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<std::string> optimizerOptions(
    "optimizer-options",
    cl::desc("More kiln-train-step options, e.g. \"momentum=0.9 clipnorm=1\""),
    cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<std::string> save("save", cl::desc("Write the trained state here "
                                           "(.safetensors)"),
                          cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<std::string> resume("resume",
                            cl::desc("Load this state (a checkpoint) first"),
                            cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<std::string> checkpoint(
    "checkpoint",
    cl::desc("ModelCheckpoint path, each epoch ({epoch} is replaced)"),
    cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<int> earlyStopping("early-stopping-patience",
                           cl::desc("EarlyStopping on val_loss (or loss)"),
                           cl::init(0), cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<int> reduceLR("reduce-lr-patience",
                      cl::desc("ReduceLROnPlateau on val_loss (or loss)"),
                      cl::init(0), cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<std::string> csvLog("csv-log", cl::desc("CSVLogger file"),
                            cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<bool> keepNaN("no-terminate-on-nan",
                      cl::desc("Keep training when the loss is NaN/Inf"),
                      cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<int> verbose("verbose", cl::desc("0 silent, 1 progress bar, 2 a line "
                                         "per epoch"),
                     cl::init(1), cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<std::string> exportDir("export",
                               cl::desc("Export an inference library with the "
                                        "trained weights into this directory"),
                               cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<std::string> libraryDir(
    "library-dir",
    cl::desc("Keep the trainable library here (default: a temporary one)"),
    cl::sub(trainCmd), cl::cat(trainOptions));
cl::opt<std::string> name("name", cl::desc("Model name (default: the file's stem)"),
                          cl::sub(trainCmd), cl::cat(trainOptions));

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

/// Replaces `fn`'s weight arguments by constants of the trained values.
void bakeWeights(mlir::func::FuncOp fn, const kiln::TrainingSession &session) {
  using GetState = int (*)(void *, int32_t, void *, int64_t);
  auto getState = session.fn<GetState>("get_state");
  const std::vector<std::string> &names = session.stateNames();
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
    getState(session.instance(), static_cast<int32_t>(it - names.begin()), data.data(),
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

kiln::AddLossPassOptions trainingLoss(const kiln::KerasTrainingConfig &config,
                                     StringRef lossFlag, bool logitsFlag,
                                     ArrayRef<std::string> metricFlags) {
  kiln::AddLossPassOptions o;
  std::string l = lossFlag.empty() ? config.loss : lossFlag.str();
  o.loss = l.empty() ? std::string("mean_squared_error") : l;
  o.fromLogits = logitsFlag || (lossFlag.empty() && config.fromLogits);
  std::vector<std::string> m(metricFlags.begin(), metricFlags.end());
  if (m.empty())
    m = config.metrics;
  o.metrics.assign(m.begin(), m.end());
  return o;
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
  options.outputDir = libraryDir;
  options.training.loss = trainingLoss(config, loss, fromLogits, metrics);
  // The optimizer: --optimizer (with its defaults), else the file's with
  // the hyperparameters it records; --lr and --optimizer-options go over
  // either.
  kiln::TrainStepPassOptions &opt = options.training.optimizer;
  if (!optimizer.empty()) {
    opt = kiln::TrainStepPassOptions();
    opt.optimizer = optimizer;
  } else {
    opt = config.settings;
    if (config.optimizer.empty())
      opt.optimizer = "rmsprop";
  }
  if (lr >= 0.0)
    opt.learningRate = lr;
  std::string error;
  if (failed(kiln::parseTrainStepOptions(optimizerOptions, opt, error)))
    return fail("--optimizer-options: " + error);
  auto t0 = Clock::now();
  std::unique_ptr<kiln::TrainingSession> session =
      kiln::TrainingSession::create(*module, options, error);
  if (!session) // an empty error: the compiler's diagnostics are printed
    return error.empty() ? 1 : fail(error);
  double compileSeconds =
      std::chrono::duration<double>(Clock::now() - t0).count();
  if (verbose) {
    const kiln::AddLossPassOptions &l = options.training.loss;
    outs() << "Compiled the training step (loss=" << l.loss
           << (l.fromLogits ? " from-logits=true" : "");
    for (auto [i, m] : llvm::enumerate(l.metrics))
      outs() << (i ? "," : " metrics=") << m;
    outs() << "; optimizer=" << opt.optimizer << " learning-rate="
           << format("%.12g", opt.learningRate) << ") in "
           << format("%.1f", compileSeconds) << " s\n";
  }
  outs().flush();

  const kiln::TrainingSession &lib = *session;
  void *instance = lib.instance();
  auto lastError = [&] { return lib.lastError(); };
  kiln_dataset_t *train = nullptr, *val = nullptr, *test = nullptr;
  kiln_history_t *history = nullptr;
  auto finish = [&](int rc) {
    lib.fn<void (*)(kiln_dataset_t *)>("dataset_destroy")(train);
    lib.fn<void (*)(kiln_dataset_t *)>("dataset_destroy")(val);
    lib.fn<void (*)(kiln_dataset_t *)>("dataset_destroy")(test);
    lib.fn<void (*)(kiln_history_t *)>("history_destroy")(history);
    return rc;
  };
  using Read = int (*)(void *, const char *, const char *, kiln_dataset_t **);
  auto read = lib.fn<Read>("dataset_read");
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
      lib.fn<int (*)(void *, const char *)>("load")(instance, resume.c_str()) != 0)
    return finish(fail(lastError()));

  kiln_fit_options_t o;
  lib.fn<void (*)(kiln_fit_options_t *)>("fit_options_init")(&o);
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
  int status = lib.fn<Fit>("fit")(instance, train, val, &o, &history);
  double fitSeconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (status != 0)
    return finish(fail(lastError()));
  if (verbose)
    outs() << "Trained " << (epochs - initialEpoch) << " epochs in "
           << format("%.2f", fitSeconds) << " s\n";

  const std::vector<std::string> &metricNames = lib.metricNames();
  if (test) {
    std::vector<double> values(metricNames.size());
    using Evaluate = int (*)(void *, const kiln_dataset_t *, int64_t, double *);
    if (lib.fn<Evaluate>("evaluate")(instance, test, batchSize, values.data()) != 0)
      return finish(fail(lastError()));
    outs() << "Test:";
    for (size_t i = 0; i < values.size(); ++i)
      outs() << (i ? " -" : "") << " " << metricNames[i] << ": "
             << format("%.4f", values[i]);
    outs() << " (" << lib.fn<int64_t (*)(const kiln_dataset_t *)>(
                          "dataset_count")(test)
           << " examples)\n";
  }
  if (!save.empty()) {
    if (lib.fn<int (*)(void *, const char *)>("save")(instance, save.c_str()) != 0)
      return finish(fail(lastError()));
    if (verbose)
      outs() << "Saved the trained state to " << save << "\n";
  }
  if (!exportDir.empty()) {
    auto fn = exportModule->lookupSymbol<mlir::func::FuncOp>(forwardName);
    if (auto training = exportModule->lookupSymbol<mlir::func::FuncOp>(
            forwardName + "_training"))
      training.erase();
    bakeWeights(fn, lib);
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
