//===- Driver.cpp - compile(module, options) -> artifacts -----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Runs the target's pipeline stage by stage, stopping at the requested IR
// level, then generates code, links the library and writes the header.
//
//===----------------------------------------------------------------------===//

#include "compiler/Driver/Driver.h"
#include "compiler/Driver/Training.h"
#include "compiler/Pipelines/Pipelines.h"
#include "compiler/Target/Codegen.h"
#include "compiler/Target/ExternalWeights.h"
#include "compiler/Target/ModelWrapper.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace kiln {

std::optional<EmitKind> parseEmitKind(StringRef text) {
  return llvm::StringSwitch<std::optional<EmitKind>>(text)
      .Case("kiln", EmitKind::Kiln)
      .Case("linalg", EmitKind::Linalg)
      .Case("llvm-dialect", EmitKind::LLVMDialect)
      .Case("llvm-ir", EmitKind::LLVMIR)
      .Case("asm", EmitKind::Asm)
      .Case("obj", EmitKind::Obj)
      .Case("so", EmitKind::SharedLib)
      .Default(std::nullopt);
}

namespace {

/// The function to compile: the named one, or the only public one.
FailureOr<func::FuncOp> findEntry(ModuleOp module, StringRef name) {
  if (!name.empty()) {
    auto fn = module.lookupSymbol<func::FuncOp>(name);
    if (!fn || fn.isExternal())
      return module.emitError("no function '") << name << "' to compile";
    return fn;
  }
  func::FuncOp found;
  for (auto fn : module.getOps<func::FuncOp>()) {
    if (!fn.isPublic() || fn.isExternal())
      continue;
    if (found)
      return fn.emitError("more than one public function ('")
             << found.getSymName() << "', '" << fn.getSymName()
             << "'); choose one with --entry";
    found = fn;
  }
  if (!found)
    return module.emitError("the module has no public function to compile");
  return found;
}

/// Runs the passes `build` appends, printing the IR after each when asked.
LogicalResult runPasses(ModuleOp module, bool printIR,
                        llvm::function_ref<LogicalResult(OpPassManager &)> build) {
  PassManager pm(module.getContext());
  if (printIR) {
    module.getContext()->disableMultithreading();
    pm.enableIRPrinting();
  }
  if (failed(build(pm)))
    return failure();
  return pm.run(module);
}

/// Writes `text` to DIR/NAME.ext, or prints it when there is no directory.
LogicalResult writeText(const CompileOptions &o, StringRef ext, StringRef text,
                        Location loc) {
  if (o.outputDir.empty()) {
    llvm::outs() << text;
    return success();
  }
  llvm::SmallString<256> path(o.outputDir);
  llvm::sys::path::append(path, o.name + ext);
  return writeFileAtomically(path, text, loc);
}

std::string printModule(ModuleOp module) {
  std::string s;
  llvm::raw_string_ostream os(s);
  module.print(os);
  os << "\n"; // as kiln-opt prints it
  return s;
}

} // namespace

LogicalResult compile(ModuleOp module, const CompileOptions &o) {
  Location loc = module.getLoc();
  if (failed(verify(module)))
    return failure();
  if (!o.outputDir.empty()) {
    if (std::error_code ec = llvm::sys::fs::create_directories(o.outputDir))
      return emitError(loc, "cannot create '") << o.outputDir
                                               << "': " << ec.message();
  }
  TargetOptions target = o.target;
  if (failed(resolveTargetOptions(target, loc)))
    return failure();
  FailureOr<func::FuncOp> entry = findEntry(module, o.entry);
  if (failed(entry))
    return failure();
  std::string entryName = entry->getSymName().str();
  if (o.training.enabled) {
    if (o.externalWeights)
      return emitError(loc, "a trainable library keeps its weights in its "
                            "state; --external-weights does not apply");
    if (failed(addTrainingFunctions(module, *entry, o.training)))
      return failure();
  }

  if (failed(runPasses(module, o.printIRAfterAll, [](OpPassManager &pm) {
        buildKilnPipeline(pm);
        return success();
      })))
    return failure();
  if (o.emit == EmitKind::Kiln)
    return writeText(o, ".kiln.mlir", printModule(module), loc);

  // The C API is decided at the kiln level, where shapes are refined; IR
  // printed at the linalg level does not need one.
  auto fn = module.lookupSymbol<func::FuncOp>(entryName);
  std::vector<ExternalWeight> weights;
  if (o.externalWeights) {
    auto moved = externalizeWeights(fn, o.externalWeightsMinElements);
    if (failed(moved))
      return failure();
    weights = std::move(*moved);
  }
  FailureOr<ModelSignature> sig = ModelSignature();
  if (o.emit != EmitKind::Linalg)
    sig = o.training.enabled ? getTrainingSignature(module, fn, o.name)
                             : getModelSignature(fn, o.name, weights.size());
  if (failed(sig))
    return failure();
  for (ExternalWeight &w : weights)
    sig->params.push_back(w.tensor);
  // The exported functions: the entry, or a trainable library's three.
  SmallVector<func::FuncOp> exported = {fn};
  if (o.training.enabled && o.emit != EmitKind::Linalg) {
    exported.clear();
    for (const EntrySignature &e : sig->entries)
      exported.push_back(module.lookupSymbol<func::FuncOp>(e.symbol));
  }
  // Names are in the signature now: the export phase drops the kiln.*
  // attributes and the functions the library does not need.
  SmallVector<std::string> exportedNames;
  for (func::FuncOp e : exported)
    exportedNames.push_back(e.getSymName().str());
  Stage stage = o.emit == EmitKind::Linalg ? Stage::Linalg : Stage::LLVMDialect;
  if (failed(runPasses(module, o.printIRAfterAll, [&](OpPassManager &pm) {
        buildExportPipeline(pm, exportedNames);
        return buildTargetPipeline(pm, target, stage, loc);
      })))
    return failure();
  if (o.emit == EmitKind::Linalg)
    return writeText(o, ".linalg.mlir", printModule(module), loc);
  // The pipeline's output, as `kiln-opt --kiln-cpu-pipeline` prints it; the
  // typed C wrapper is added next, with the code generation.
  if (o.emit == EmitKind::LLVMDialect)
    return writeText(o, ".llvm.mlir", printModule(module), loc);

  if (failed(emitModelWrapper(module, *sig)))
    return failure();

  auto tm = createTargetMachine(target, loc);
  if (failed(tm))
    return failure();
  llvm::LLVMContext llvmCtx;
  auto llvmModule = translateAndOptimize(module, llvmCtx, **tm, target.optLevel);
  if (failed(llvmModule))
    return failure();
  if (o.emit == EmitKind::LLVMIR) {
    std::string s;
    llvm::raw_string_ostream os(s);
    (*llvmModule)->print(os, nullptr);
    return writeText(o, ".ll", s, loc);
  }
  llvm::SmallVector<char> code;
  if (failed(emitMachineCode(**llvmModule, **tm, o.emit == EmitKind::Asm, code,
                             loc)))
    return failure();
  StringRef codeText(code.data(), code.size());
  if (o.emit == EmitKind::Asm)
    return writeText(o, ".s", codeText, loc);
  if (o.outputDir.empty())
    return emitError(loc, "--emit=obj and --emit=so need an output "
                          "directory (-o DIR)");
  llvm::SmallString<256> objPath(o.outputDir);
  llvm::sys::path::append(objPath, o.name + ".o");
  if (o.emit == EmitKind::Obj)
    return writeFileAtomically(objPath, codeText, loc);

  // Shared library: a temporary object, the link, then the header.
  llvm::SmallString<256> tempObj;
  int fd;
  if (llvm::sys::fs::createTemporaryFile("kiln-" + o.name, "o", fd, tempObj))
    return emitError(loc, "cannot create a temporary object file");
  {
    llvm::raw_fd_ostream os(fd, true);
    os << codeText;
  }
  if (o.runtimeArchive.empty() || !llvm::sys::fs::exists(o.runtimeArchive)) {
    llvm::sys::fs::remove(tempObj);
    return emitError(loc, "the Kiln runtime archive '")
           << o.runtimeArchive << "' does not exist";
  }
  llvm::SmallString<256> soPath(o.outputDir), headerPath(o.outputDir);
  llvm::sys::path::append(soPath, "lib" + o.name + ".so");
  llvm::sys::path::append(headerPath, o.name + ".h");
  LogicalResult linked = linkSharedLibrary(tempObj, o.runtimeArchive,
                                           o.name + "_", soPath, loc);
  llvm::sys::fs::remove(tempObj);
  if (failed(linked))
    return failure();
  if (failed(writeFileAtomically(headerPath, emitModelHeader(*sig), loc))) {
    llvm::sys::fs::remove(soPath);
    return failure();
  }
  if (!weights.empty()) {
    llvm::SmallString<256> weightsPath(o.outputDir);
    llvm::sys::path::append(weightsPath, o.name + ".safetensors");
    if (failed(writeFileAtomically(weightsPath, serializeSafetensors(weights),
                                   loc))) {
      llvm::sys::fs::remove(soPath);
      llvm::sys::fs::remove(headerPath);
      return failure();
    }
  }
  return success();
}

} // namespace kiln
