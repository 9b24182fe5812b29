//===- kiln.cpp - the kiln command-line tool ------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// One binary, one subcommand per job:
//   kiln compile MODEL -o DIR [--name NAME] [--emit=...]
//   kiln train MODEL --data D [--epochs N ...]   (Train.cpp)
//   kiln run libNAME.so --input x.npy ...
//   kiln describe libNAME.so                     (JSON, for scripts)
//   kiln summary MODEL
//
//===----------------------------------------------------------------------===//

#include "api/Session.h"
#include "compiler/Driver/Driver.h"
#include "compiler/Registration/Registration.h"
#include "support/CIdentifier.h"
#include "tools/kiln/Train.h"
#include "kiln/library.h"
#include "kiln/npy.h"
#include "kiln/runtime.h"

#include "kiln/keras/Import.h"
#include "kiln/onnx/Import.h"
#include "mlir/IR/Verifier.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace llvm;

namespace {

// Each subcommand's options form one category, so --help lists them apart
// from LLVM's (hidden: --help-hidden shows those).
cl::OptionCategory compileOptions("kiln compile options");
cl::OptionCategory importOptions("kiln import options");
cl::OptionCategory runOptions("kiln run options");
cl::OptionCategory summaryOptions("kiln summary options");

cl::SubCommand compileCmd("compile",
                          "Compile a model into libNAME.so and NAME.h");

cl::opt<std::string> inputFile(cl::Positional,
                               cl::desc("<model: .mlir, .onnx, .keras, .h5, .json>"),
                               cl::Required, cl::sub(compileCmd), cl::cat(compileOptions));
cl::opt<std::string> kerasWeights(
    "weights",
    cl::desc("Weights file (.h5 / .weights.h5) for a Keras JSON config"),
    cl::sub(compileCmd), cl::cat(compileOptions));
cl::opt<std::string> outputDir("o", cl::desc("Output directory"),
                               cl::value_desc("dir"), cl::sub(compileCmd), cl::cat(compileOptions));
cl::opt<std::string> modelName("name",
                               cl::desc("Model name: symbol prefix, libNAME.so, "
                                        "NAME.h (default: the file's stem)"),
                               cl::sub(compileCmd), cl::cat(compileOptions));
cl::opt<std::string> entryName("entry",
                               cl::desc("Function to compile (default: the "
                                        "only public function)"),
                               cl::sub(compileCmd), cl::cat(compileOptions));
cl::opt<std::string> emit("emit",
                          cl::desc("What to produce: kiln, linalg, llvm-dialect, "
                                   "llvm-ir, asm, obj, so (default so)"),
                          cl::init("so"), cl::sub(compileCmd), cl::cat(compileOptions));
cl::opt<std::string> targetTriple("target-triple",
                                  cl::desc("LLVM target triple (default: host)"),
                                  cl::sub(compileCmd), cl::cat(compileOptions));
cl::opt<std::string> targetCpu("cpu",
                               cl::desc("Target CPU (default: the host CPU and "
                                        "its features)"),
                               cl::sub(compileCmd), cl::cat(compileOptions));
cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimization level 0-3"),
                           cl::init(3), cl::Prefix, cl::sub(compileCmd), cl::cat(compileOptions));
cl::opt<bool> externalWeights(
    "external-weights",
    cl::desc("Write the weights to NAME.safetensors, loaded at create time, "
             "instead of embedding them in the library"),
    cl::sub(compileCmd), cl::cat(compileOptions));
cl::opt<bool> printIRAfterAll("print-ir-after-all",
                              cl::desc("Print the IR after each pass (stderr)"),
                              cl::sub(compileCmd), cl::cat(compileOptions));

cl::SubCommand runCmd("run", "Run a generated model library on NumPy .npy "
                                "files");
cl::opt<std::string> runLibrary(cl::Positional, cl::desc("<libNAME.so>"),
                                cl::Required, cl::sub(runCmd), cl::cat(runOptions));
cl::list<std::string> runInputs("input",
                                cl::desc("Input .npy file, one per model input "
                                         "in order"),
                                cl::sub(runCmd), cl::cat(runOptions));
cl::list<std::string> runOutputs("output",
                                 cl::desc("Output .npy file, one per model "
                                          "output in order"),
                                 cl::sub(runCmd), cl::cat(runOptions));
cl::opt<std::string> runWeights("weights",
                                cl::desc("Weights file for a model compiled "
                                         "with --external-weights (default: "
                                         "NAME.safetensors next to the library)"),
                                cl::sub(runCmd), cl::cat(runOptions));
cl::opt<std::string> runName("name",
                             cl::desc("Model name (default: from libNAME.so)"),
                             cl::sub(runCmd), cl::cat(runOptions));
cl::opt<int> runThreads("threads",
                        cl::desc("Threads the model may use (default: "
                                 "KILN_NUM_THREADS, else all cores)"),
                        cl::init(0), cl::sub(runCmd), cl::cat(runOptions));

cl::opt<bool> dynamicBatch(
    "dynamic-batch",
    cl::desc("ONNX: make the leading dimension of every input dynamic"),
    cl::sub(compileCmd), cl::cat(compileOptions));

cl::SubCommand importCmd("import", "Print the kiln IR of an ONNX model");
cl::opt<std::string> importFile(cl::Positional, cl::desc("<model.onnx>"),
                                cl::Required, cl::sub(importCmd), cl::cat(importOptions));
cl::opt<bool> importDynamicBatch(
    "dynamic-batch",
    cl::desc("Make the leading dimension of every input dynamic"),
    cl::sub(importCmd), cl::cat(importOptions));

cl::OptionCategory describeOptions("kiln describe options");
cl::SubCommand describeCmd("describe",
                           "Print a generated library's tensors as JSON, as "
                           "the runtime reads its description");
cl::opt<std::string> describeLibrary(cl::Positional, cl::desc("<libNAME.so>"),
                                     cl::Required, cl::sub(describeCmd),
                                     cl::cat(describeOptions));
cl::opt<std::string> describeName("name",
                                  cl::desc("Model name (default: from libNAME.so)"),
                                  cl::sub(describeCmd), cl::cat(describeOptions));

cl::SubCommand summaryCmd("summary",
                          "Print the Keras-style summary of a model file");
cl::opt<std::string> summaryFile(cl::Positional,
                                 cl::desc("<model: .onnx, .keras, .h5, .json>"),
                                 cl::Required, cl::sub(summaryCmd), cl::cat(summaryOptions));
cl::opt<std::string> summaryWeights("weights",
                                    cl::desc("Weights file for a JSON config"),
                                    cl::sub(summaryCmd), cl::cat(summaryOptions));

/// Whether `path` names an MLIR file (by extension); anything else is read
/// as a Keras model file, whose format is sniffed from the content.
bool isMlirFile(StringRef path) {
  return path.ends_with(".mlir") || path.ends_with(".mlirbc") || path == "-";
}

bool isOnnxFile(StringRef path) { return path.ends_with(".onnx"); }

/// The runtime archive: $KILN_RUNTIME_LIB, else ../lib next to this binary
/// (an installed kiln), else the build's (api/Session's rule).
std::string findRuntimeArchive(const char *argv0) {
  std::string exe = sys::fs::getMainExecutable(
      argv0, reinterpret_cast<void *>(&findRuntimeArchive));
  SmallString<256> path(sys::path::parent_path(sys::path::parent_path(exe)));
  sys::path::append(path, "lib", "libkiln_runtime.a");
  return kiln::runtimeArchivePath(std::string(path));
}

int runCompile(const char *argv0) {
  mlir::DialectRegistry registry;
  kiln::registerAllDialects(registry);
  mlir::MLIRContext ctx(registry);
  SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &ctx);

  std::optional<kiln::EmitKind> kind = kiln::parseEmitKind(emit);
  if (!kind) {
    errs() << "kiln compile: unknown --emit value '" << emit
           << "' (expected kiln, linalg, llvm-dialect, llvm-ir, asm, obj or so)\n";
    return 1;
  }
  std::string name = modelName.empty()
                         ? sys::path::stem(sys::path::stem(inputFile)).str()
                         : modelName.getValue();
  if (!kiln::isCIdentifier(name)) {
    errs() << "kiln compile: model name '" << name
           << "' is not a C identifier; choose one with --name\n";
    return 1;
  }
  mlir::OwningOpRef<mlir::ModuleOp> module;
  if (isMlirFile(inputFile)) {
    auto buffer = MemoryBuffer::getFileOrSTDIN(inputFile);
    if (!buffer) {
      errs() << "kiln compile: cannot read '" << inputFile
             << "': " << buffer.getError().message() << "\n";
      return 1;
    }
    sourceMgr.AddNewSourceBuffer(std::move(*buffer), SMLoc());
    module = mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &ctx);
    if (!module)
      return 1;
  } else if (isOnnxFile(inputFile)) {
    kiln::OnnxImportResult imported;
    kiln::OnnxImportOptions onnxOptions;
    onnxOptions.name = name;
    onnxOptions.dynamicBatch = dynamicBatch;
    if (!kiln::importOnnxFile(inputFile, ctx, module, imported, onnxOptions)) {
      errs() << "kiln compile: " << imported.error << "\n";
      return 1;
    }
  } else {
    kiln::KerasImportResult imported;
    if (!kiln::importKerasFile(inputFile, kerasWeights, ctx, module, imported)) {
      errs() << "kiln compile: " << imported.error << "\n";
      return 1;
    }
  }

  kiln::CompileOptions options;
  options.name = name;
  options.outputDir = outputDir;
  options.entry = entryName;
  options.emit = *kind;
  options.target.triple = targetTriple;
  options.target.cpu = targetCpu;
  options.target.optLevel = std::min(optLevel.getValue(), 3u);
  options.printIRAfterAll = printIRAfterAll;
  options.externalWeights = externalWeights;
  options.runtimeArchive = findRuntimeArchive(argv0);
  if (*kind == kiln::EmitKind::SharedLib && outputDir.empty())
    options.outputDir = ".";
  return mlir::failed(kiln::compile(*module, options)) ? 1 : 0;
}

std::string shapeText(ArrayRef<int64_t> dims) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(dims))
    s += (i ? ", " : "") + (d < 0 ? std::string("batch") : std::to_string(d));
  return s + "]";
}

int runImport() {
  mlir::DialectRegistry registry;
  kiln::registerAllDialects(registry);
  mlir::MLIRContext ctx(registry);
  mlir::OwningOpRef<mlir::ModuleOp> module;
  kiln::OnnxImportResult imported;
  kiln::OnnxImportOptions options;
  options.dynamicBatch = importDynamicBatch;
  if (!kiln::importOnnxFile(importFile, ctx, module, imported, options)) {
    errs() << "kiln import: " << imported.error << "\n";
    return 1;
  }
  if (mlir::failed(mlir::verify(*module)))
    return 1;
  module->print(outs());
  return 0;
}

int runSummary() {
  mlir::DialectRegistry registry;
  kiln::registerAllDialects(registry);
  mlir::MLIRContext ctx(registry);
  mlir::OwningOpRef<mlir::ModuleOp> module;
  if (isOnnxFile(summaryFile)) {
    kiln::OnnxImportResult imported;
    if (!kiln::importOnnxFile(summaryFile, ctx, module, imported)) {
      errs() << "kiln summary: " << imported.error << "\n";
      return 1;
    }
    outs() << "File: " << summaryFile << " (ONNX, opset " << imported.opset
           << (imported.producer.empty() ? "" : ", from " + imported.producer)
           << ")\n"
           << imported.summary;
    return 0;
  }
  kiln::KerasImportResult imported;
  if (!kiln::importKerasFile(summaryFile, summaryWeights, ctx, module,
                             imported)) {
    errs() << "kiln summary: " << imported.error << "\n";
    return 1;
  }
  outs() << "File: " << summaryFile << " (" << imported.format
         << (imported.kerasVersion.empty() ? std::string()
                                           : ", Keras " + imported.kerasVersion)
         << ")\n"
         << imported.summary;
  return 0;
}

/// `info`'s dimensions as text ("[batch, 4]").
std::string shapeText(const kiln_tensor_info_t &info) {
  return shapeText(ArrayRef<int64_t>(info.dims, info.rank));
}

/// `kiln describe`: the library's tensors, read by the runtime's one parser
/// of the description, for scripts (the e2e checkers use it).
int runDescribe() {
  kiln_library_t *lib = nullptr;
  if (kiln_library_open(describeLibrary.c_str(),
                        describeName.empty() ? nullptr : describeName.c_str(),
                        &lib) != KILN_OK) {
    errs() << "kiln describe: " << kiln_last_error() << "\n";
    return 1;
  }
  llvm::scope_exit closeLib([&] { kiln_library_close(lib); });
  const kiln_model_t *m = kiln_library_model(lib);
  using Count = int32_t (*)(const kiln_model_t *);
  using Info = const kiln_tensor_info_t *(*)(const kiln_model_t *, int32_t);
  const struct {
    const char *key;
    Count count;
    Info info;
  } lists[] = {{"inputs", kiln_model_num_inputs, kiln_model_input},
               {"outputs", kiln_model_num_outputs, kiln_model_output},
               {"params", kiln_model_num_params, kiln_model_param},
               {"targets", kiln_model_num_targets, kiln_model_target},
               {"metrics", kiln_model_num_metrics, kiln_model_metric},
               {"state", kiln_model_num_state, kiln_model_state_info}};
  llvm::json::OStream json(outs(), 2);
  json.object([&] {
    json.attribute("name", kiln_library_name(lib));
    json.attribute("description_version", KILN_DESCRIPTION_VERSION);
    for (const auto &list : lists)
      json.attributeArray(list.key, [&] {
        for (int32_t i = 0; i < list.count(m); ++i) {
          const kiln_tensor_info_t *t = list.info(m, i);
          json.object([&] {
            json.attribute("name", t->name);
            json.attribute("dtype", kiln_dtype_name(t->dtype));
            json.attributeArray("dims", [&] {
              for (int32_t d = 0; d < t->rank; ++d)
                json.value(t->dims[d]);
            });
          });
        }
      });
  });
  outs() << "\n";
  return 0;
}

int runRun() {
  auto fail = [](const Twine &message) {
    errs() << "kiln run: " << message << "\n";
    return 1;
  };
  // The runtime loads the library, checks that it is a Kiln model of this
  // description version and parses the description.
  kiln_library_t *lib = nullptr;
  if (kiln_library_open(runLibrary.c_str(),
                        runName.empty() ? nullptr : runName.c_str(),
                        &lib) != KILN_OK)
    return fail(kiln_last_error());
  llvm::scope_exit closeLib([&] { kiln_library_close(lib); });
  std::string name = kiln_library_name(lib);
  const kiln_model_t *described = kiln_library_model(lib);
  int32_t numInputs = kiln_model_num_inputs(described);
  int32_t numOutputs = kiln_model_num_outputs(described);
  using CreateFn = int (*)(void **);
  using CreateFromFileFn = int (*)(const char *, void **);
  using DestroyFn = void (*)(void *);
  using RunFn = int (*)(void *, const kiln_tensor_t *, kiln_tensor_t *);
  auto create = reinterpret_cast<CreateFn>(kiln_library_symbol(lib, "create"));
  auto createFromFile = reinterpret_cast<CreateFromFileFn>(
      kiln_library_symbol(lib, "create_from_file"));
  auto destroy = reinterpret_cast<DestroyFn>(kiln_library_symbol(lib, "destroy"));
  auto run = reinterpret_cast<RunFn>(kiln_library_symbol(lib, "run"));
  if (!run)
    return fail("'" + runLibrary + "' has no " + name + "_run");
  if (runThreads < 0)
    return fail("--threads must be 0 (the default) or more, got " +
                Twine(runThreads.getValue()));
  using SetThreadsFn = void (*)(int);
  if (auto setThreads = reinterpret_cast<SetThreadsFn>(
          kiln_library_symbol(lib, "set_num_threads")))
    setThreads(runThreads);
  if (static_cast<int32_t>(runInputs.size()) != numInputs)
    return fail("the model has " + Twine(numInputs) + " inputs, got " +
                Twine(runInputs.size()) + " --input files");
  if (!runOutputs.empty() && static_cast<int32_t>(runOutputs.size()) != numOutputs)
    return fail("the model has " + Twine(numOutputs) + " outputs, got " +
                Twine(runOutputs.size()) + " --output files");

  // Read the inputs; a dynamic dimension takes the array's size.
  std::vector<kiln_tensor_t> inTensors(numInputs);
  llvm::scope_exit freeInputs([&] {
    for (kiln_tensor_t &t : inTensors)
      free(t.data);
  });
  for (int32_t i = 0; i < numInputs; ++i) {
    const kiln_tensor_info_t &t = *kiln_model_input(described, i);
    kiln_tensor_t &a = inTensors[i];
    if (kiln_npy_read(runInputs[i].c_str(), &a) != KILN_OK)
      return fail(kiln_last_error());
    std::string where = "input '" + std::string(t.name) + "' (" + runInputs[i] + ")";
    if (a.dtype != t.dtype)
      return fail(where + " has dtype " +
                  kiln_dtype_name(static_cast<kiln_dtype_t>(a.dtype)) +
                  ", the model expects " + kiln_dtype_name(t.dtype));
    bool ok = a.rank == t.rank;
    for (int32_t d = 0; ok && d < t.rank; ++d)
      ok = t.dims[d] < 0 || a.dims[d] == t.dims[d];
    if (!ok)
      return fail(where + " has shape " +
                  shapeText(ArrayRef<int64_t>(a.dims, a.rank)) +
                  ", the model expects " + shapeText(t));
  }

  void *model = nullptr;
  bool external = kiln_model_num_params(described) > 0;
  std::string weights = runWeights;
  if (external && weights.empty()) {
    SmallString<256> path(sys::path::parent_path(runLibrary));
    sys::path::append(path, name + ".safetensors");
    weights = std::string(path);
  }
  if (external && !createFromFile)
    return fail("'" + runLibrary + "' has external weights but no " + name +
                "_create_from_file");
  int created = external ? createFromFile(weights.c_str(), &model)
                         : create(&model);
  if (created != 0)
    return fail(Twine("cannot create the model: ") +
                kiln_library_last_error(lib));
  std::vector<kiln_tensor_t> outTensors(numOutputs);
  int status = run(model, inTensors.data(), outTensors.data());
  destroy(model);
  if (status != 0)
    return fail(Twine("the model failed: ") + kiln_library_last_error(lib));
  // Every output is written (or freed) before a write error is reported.
  std::string error;
  for (int32_t i = 0; i < numOutputs; ++i) {
    const kiln_tensor_info_t &t = *kiln_model_output(described, i);
    kiln_tensor_t &out = outTensors[i];
    llvm::outs() << "output '" << t.name << "': " << kiln_dtype_name(t.dtype)
                 << " " << shapeText(ArrayRef<int64_t>(out.dims, out.rank))
                 << "\n";
    if (!runOutputs.empty() && error.empty() &&
        kiln_npy_write(runOutputs[i].c_str(), &out) != KILN_OK)
      error = kiln_last_error();
    free(out.data);
  }
  if (!error.empty())
    return fail(error);
  return 0;
}

/// Hides (cl::Hidden, so --help-hidden still lists them) every option of
/// `sub` outside `keep`, except --help* and --version.
void hideUnrelatedOptions(cl::SubCommand &sub,
                          ArrayRef<const cl::OptionCategory *> keep) {
  for (auto &entry : cl::getRegisteredOptions(sub)) {
    cl::Option *o = entry.second;
    bool related = llvm::any_of(o->Categories, [&](cl::OptionCategory *c) {
      return llvm::is_contained(keep, c);
    });
    StringRef name = entry.first;
    if (!related && !name.starts_with("help") && name != "version")
      o->setHiddenFlag(cl::Hidden);
  }
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  kiln::registerAllPasses();
  // LLVM's and MLIR's own options (hundreds) stay out of --help.
  hideUnrelatedOptions(cl::SubCommand::getTopLevel(), {});
  hideUnrelatedOptions(compileCmd, {&compileOptions});
  hideUnrelatedOptions(importCmd, {&importOptions});
  hideUnrelatedOptions(runCmd, {&runOptions});
  hideUnrelatedOptions(summaryCmd, {&summaryOptions});
  hideUnrelatedOptions(describeCmd, {&describeOptions});
  hideUnrelatedOptions(kiln_tool::trainCmd, {&kiln_tool::trainOptions});
  cl::ParseCommandLineOptions(argc, argv,
                              "kiln: an ahead-of-time compiler for neural "
                              "networks\n");
  if (compileCmd)
    return runCompile(argv[0]);
  if (runCmd)
    return runRun();
  if (summaryCmd)
    return runSummary();
  if (describeCmd)
    return runDescribe();
  if (importCmd)
    return runImport();
  if (kiln_tool::trainCmd)
    return kiln_tool::runTrain(findRuntimeArchive(argv[0]).c_str());
  errs() << "kiln: expected a subcommand (compile, import, train, run, "
            "describe, summary); see "
            "kiln --help\n";
  return 1;
}
