//===- kiln.cpp - the kiln command-line tool ------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// One binary, one subcommand per job:
//   kiln compile MODEL -o DIR [--name NAME] [--emit=...]
//   kiln train MODEL --data D [--epochs N ...]   (Train.cpp)
//   kiln run libNAME.so --input x.npy ...
//   kiln summary MODEL
//
//===----------------------------------------------------------------------===//

#include "compiler/Driver/Driver.h"
#include "compiler/Registration/Registration.h"
#include "compiler/Target/ModelSignature.h"
#include "tools/kiln/Npy.h"
#include "tools/kiln/Train.h"
#include "kiln/runtime.h"

#include "kiln/keras/Import.h"
#include "kiln/onnx/Import.h"
#include "mlir/IR/Verifier.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <dlfcn.h>

using namespace llvm;

namespace {

cl::SubCommand compileCmd("compile",
                          "Compile a model into libNAME.so and NAME.h");

cl::opt<std::string> inputFile(cl::Positional,
                               cl::desc("<model: .mlir, .onnx, .keras, .h5, .json>"),
                               cl::Required, cl::sub(compileCmd));
cl::opt<std::string> kerasWeights(
    "weights",
    cl::desc("Weights file (.h5 / .weights.h5) for a Keras JSON config"),
    cl::sub(compileCmd));
cl::opt<std::string> outputDir("o", cl::desc("Output directory"),
                               cl::value_desc("dir"), cl::sub(compileCmd));
cl::opt<std::string> modelName("name",
                               cl::desc("Model name: symbol prefix, libNAME.so, "
                                        "NAME.h (default: the file's stem)"),
                               cl::sub(compileCmd));
cl::opt<std::string> entryName("entry",
                               cl::desc("Function to compile (default: the "
                                        "only public function)"),
                               cl::sub(compileCmd));
cl::opt<std::string> emit("emit",
                          cl::desc("What to produce: kiln, linalg, llvm-dialect, "
                                   "llvm-ir, asm, obj, so (default so)"),
                          cl::init("so"), cl::sub(compileCmd));
cl::opt<std::string> targetTriple("target-triple",
                                  cl::desc("LLVM target triple (default: host)"),
                                  cl::sub(compileCmd));
cl::opt<std::string> targetCpu("cpu",
                               cl::desc("Target CPU (default: the host CPU and "
                                        "its features)"),
                               cl::sub(compileCmd));
cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimization level 0-3"),
                           cl::init(3), cl::Prefix, cl::sub(compileCmd));
cl::opt<bool> externalWeights(
    "external-weights",
    cl::desc("Write the weights to NAME.safetensors, loaded at create time, "
             "instead of embedding them in the library"),
    cl::sub(compileCmd));
cl::opt<bool> printIRAfterAll("print-ir-after-all",
                              cl::desc("Print the IR after each pass (stderr)"),
                              cl::sub(compileCmd));

cl::SubCommand runCmd("run", "Run a generated model library on NumPy .npy "
                                "files");
cl::opt<std::string> runLibrary(cl::Positional, cl::desc("<libNAME.so>"),
                                cl::Required, cl::sub(runCmd));
cl::list<std::string> runInputs("input",
                                cl::desc("Input .npy file, one per model input "
                                         "in order"),
                                cl::sub(runCmd));
cl::list<std::string> runOutputs("output",
                                 cl::desc("Output .npy file, one per model "
                                          "output in order"),
                                 cl::sub(runCmd));
cl::opt<std::string> runWeights("weights",
                                cl::desc("Weights file for a model compiled "
                                         "with --external-weights (default: "
                                         "NAME.safetensors next to the library)"),
                                cl::sub(runCmd));
cl::opt<std::string> runName("name",
                             cl::desc("Model name (default: from libNAME.so)"),
                             cl::sub(runCmd));

cl::opt<bool> dynamicBatch(
    "dynamic-batch",
    cl::desc("ONNX: make the leading dimension of every input dynamic"),
    cl::sub(compileCmd));

cl::SubCommand importCmd("import", "Print the kiln IR of an ONNX model");
cl::opt<std::string> importFile(cl::Positional, cl::desc("<model.onnx>"),
                                cl::Required, cl::sub(importCmd));
cl::opt<bool> importDynamicBatch(
    "dynamic-batch",
    cl::desc("Make the leading dimension of every input dynamic"),
    cl::sub(importCmd));

cl::SubCommand summaryCmd("summary",
                          "Print the Keras-style summary of a model file");
cl::opt<std::string> summaryFile(cl::Positional,
                                 cl::desc("<model: .onnx, .keras, .h5, .json>"),
                                 cl::Required, cl::sub(summaryCmd));
cl::opt<std::string> summaryWeights("weights",
                                    cl::desc("Weights file for a JSON config"),
                                    cl::sub(summaryCmd));

/// Whether `path` names an MLIR file (by extension); anything else is read
/// as a Keras model file, whose format is sniffed from the content.
bool isMlirFile(StringRef path) {
  return path.ends_with(".mlir") || path.ends_with(".mlirbc") || path == "-";
}

bool isOnnxFile(StringRef path) { return path.ends_with(".onnx"); }

/// The runtime archive: $KILN_RUNTIME_LIB, else ../lib next to this binary.
std::string findRuntimeArchive(const char *argv0) {
  if (const char *env = std::getenv("KILN_RUNTIME_LIB"))
    return env;
  std::string exe = sys::fs::getMainExecutable(
      argv0, reinterpret_cast<void *>(&findRuntimeArchive));
  SmallString<256> path(sys::path::parent_path(sys::path::parent_path(exe)));
  sys::path::append(path, "lib", "libkiln_runtime.a");
  return std::string(path);
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

int runRun() {
  auto fail = [](const Twine &message) {
    errs() << "kiln run: " << message << "\n";
    return 1;
  };
  std::string name = runName;
  if (name.empty()) {
    name = sys::path::stem(runLibrary).str();
    if (StringRef(name).starts_with("lib"))
      name = name.substr(3);
  }
  // A bare file name would make dlopen search the system's library path
  // (`libm.so` is the C math library): the argument is a path.
  std::string path = runLibrary;
  if (path.find('/') == std::string::npos)
    path = "./" + path;
  void *lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib)
    return fail(Twine("cannot load '") + runLibrary + "': " + dlerror());
  auto sym = [&](const char *suffix) { return dlsym(lib, (name + suffix).c_str()); };
  using DescribeFn = const char *(*)();
  using CreateFn = int (*)(void **);
  using CreateFromFileFn = int (*)(const char *, void **);
  using DestroyFn = void (*)(void *);
  using RunFn = int (*)(void *, const kiln_tensor_t *, kiln_tensor_t *);
  auto describe = reinterpret_cast<DescribeFn>(sym("_description"));
  auto create = reinterpret_cast<CreateFn>(sym("_create"));
  auto createFromFile =
      reinterpret_cast<CreateFromFileFn>(sym("_create_from_file"));
  auto destroy = reinterpret_cast<DestroyFn>(sym("_destroy"));
  auto run = reinterpret_cast<RunFn>(sym("_run"));
  auto lastError = reinterpret_cast<DescribeFn>(sym("_last_error"));
  if (!describe || !create || !destroy || !run || !lastError)
    return fail("'" + runLibrary + "' is not a Kiln model library named '" +
                name + "' (use --name)");
  std::optional<kiln::ModelSignature> described =
      kiln::parseDescription(describe());
  if (!described)
    return fail("'" + runLibrary + "' has a malformed model description");
  const auto &ins = described->inputs, &outs = described->outputs;
  if (runInputs.size() != ins.size())
    return fail("the model has " + Twine(ins.size()) + " inputs, got " +
                Twine(runInputs.size()) + " --input files");
  if (!runOutputs.empty() && runOutputs.size() != outs.size())
    return fail("the model has " + Twine(outs.size()) + " outputs, got " +
                Twine(runOutputs.size()) + " --output files");

  // Read the inputs; a dynamic dimension takes the array's size.
  std::vector<kiln::NpyArray> arrays(ins.size());
  std::vector<kiln_tensor_t> inTensors(ins.size());
  for (auto [i, t] : llvm::enumerate(ins)) {
    std::string error;
    if (!kiln::readNpy(runInputs[i], arrays[i], error))
      return fail(error);
    kiln::NpyArray &a = arrays[i];
    if (a.dtype != t.dtype)
      return fail("input '" + t.name + "' (" + runInputs[i] + ") has dtype " +
                  a.dtype + ", the model expects " + t.dtype);
    bool ok = a.shape.size() == t.dims.size();
    for (size_t d = 0; ok && d < t.dims.size(); ++d)
      ok = t.dims[d] < 0 || a.shape[d] == t.dims[d];
    if (!ok) {
      SmallVector<int64_t> got(a.shape);
      return fail("input '" + t.name + "' (" + runInputs[i] + ") has shape " +
                  shapeText(got) + ", the model expects " + shapeText(t.dims));
    }
    kiln_tensor_t &in = inTensors[i];
    in.dtype = kiln::dtypeCode(a.dtype);
    in.rank = a.shape.size();
    llvm::copy(a.shape, in.dims);
    in.data = a.data.data();
  }

  void *model = nullptr;
  bool external = !described->params.empty();
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
    return fail(Twine("cannot create the model: ") + lastError());
  std::vector<kiln_tensor_t> outTensors(outs.size());
  int status = run(model, inTensors.data(), outTensors.data());
  destroy(model);
  if (status != 0)
    return fail(Twine("the model failed: ") + lastError());
  // Every output is written (or freed) before a write error is reported.
  std::string error;
  for (auto [i, t] : llvm::enumerate(outs)) {
    kiln_tensor_t &out = outTensors[i];
    kiln::NpyArray result;
    result.dtype = t.dtype;
    result.shape.assign(out.dims, out.dims + out.rank);
    size_t bytes = kiln::dtypeSize(t.dtype);
    for (int64_t d : result.shape)
      bytes *= d;
    const char *data = static_cast<const char *>(out.data);
    result.data.assign(data, data + bytes);
    free(out.data);
    llvm::outs() << "output '" << t.name << "': " << t.dtype << " "
                 << shapeText(result.shape) << "\n";
    if (!runOutputs.empty() && error.empty())
      kiln::writeNpy(runOutputs[i], result, error);
  }
  if (!error.empty())
    return fail(error);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  kiln::registerAllPasses();
  cl::ParseCommandLineOptions(argc, argv,
                              "kiln: an ahead-of-time compiler for neural "
                              "networks\n");
  if (compileCmd)
    return runCompile(argv[0]);
  if (runCmd)
    return runRun();
  if (summaryCmd)
    return runSummary();
  if (importCmd)
    return runImport();
  if (kiln_tool::trainCmd)
    return kiln_tool::runTrain(findRuntimeArchive(argv[0]).c_str());
  errs() << "kiln: expected a subcommand (compile, import, train, run, summary); see "
            "kiln --help\n";
  return 1;
}
