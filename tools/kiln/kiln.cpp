//===- kiln.cpp - the kiln command-line tool ------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// One binary, one subcommand per job:
//   kiln compile MODEL -o DIR [--name NAME] [--emit=...]
// Later issues add train, summary, import, run and bench.
//
//===----------------------------------------------------------------------===//

#include "compiler/Driver/Driver.h"
#include "compiler/Registration/Registration.h"
#include "compiler/Target/ModelSignature.h"

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

using namespace llvm;

namespace {

cl::SubCommand compileCmd("compile",
                          "Compile a model into libNAME.so and NAME.h");

cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.mlir>"),
                               cl::Required, cl::sub(compileCmd));
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
cl::opt<bool> printIRAfterAll("print-ir-after-all",
                              cl::desc("Print the IR after each pass (stderr)"),
                              cl::sub(compileCmd));

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
  auto buffer = MemoryBuffer::getFileOrSTDIN(inputFile);
  if (!buffer) {
    errs() << "kiln compile: cannot read '" << inputFile
           << "': " << buffer.getError().message() << "\n";
    return 1;
  }
  sourceMgr.AddNewSourceBuffer(std::move(*buffer), SMLoc());
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &ctx);
  if (!module)
    return 1;

  kiln::CompileOptions options;
  options.name = name;
  options.outputDir = outputDir;
  options.entry = entryName;
  options.emit = *kind;
  options.target.triple = targetTriple;
  options.target.cpu = targetCpu;
  options.target.optLevel = std::min(optLevel.getValue(), 3u);
  options.printIRAfterAll = printIRAfterAll;
  options.runtimeArchive = findRuntimeArchive(argv0);
  if (*kind == kiln::EmitKind::SharedLib && outputDir.empty())
    options.outputDir = ".";
  return mlir::failed(kiln::compile(*module, options)) ? 1 : 0;
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
  errs() << "kiln: expected a subcommand (compile); see kiln --help\n";
  return 1;
}
