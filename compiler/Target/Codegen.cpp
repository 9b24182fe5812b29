//===- Codegen.cpp - LLVM IR, objects and shared libraries ----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// In-process code generation: MLIR's LLVM dialect is translated to LLVM IR,
// optimized with LLVM's new pass manager and lowered to machine code by a
// TargetMachine. Only the final link calls an external program (the system
// compiler driver, for the C runtime startup files and libc).
//
//===----------------------------------------------------------------------===//

#include "compiler/Target/Codegen.h"

#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

using namespace mlir;

namespace kiln {

static void initializeTargets() {
  llvm::InitializeAllTargetInfos();
  llvm::InitializeAllTargets();
  llvm::InitializeAllTargetMCs();
  llvm::InitializeAllAsmPrinters();
}

static bool targetsHost(const TargetOptions &options) {
  return options.triple.empty() ||
         llvm::Triple(options.triple) ==
             llvm::Triple(llvm::sys::getDefaultTargetTriple());
}

LogicalResult resolveTargetOptions(TargetOptions &options, Location loc) {
  if (options.kind != TargetKind::CPU)
    return success();
  initializeTargets();
  std::string tripleName = options.triple.empty()
                               ? llvm::sys::getDefaultTargetTriple()
                               : options.triple;
  llvm::Triple triple(tripleName);
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return emitError(loc, "unknown target triple '") << tripleName << "': "
                                                     << error;
  if (options.cpu.empty() && targetsHost(options)) {
    options.cpu = llvm::sys::getHostCPUName().str();
    llvm::SubtargetFeatures f;
    for (auto &feature : llvm::sys::getHostCPUFeatures())
      f.AddFeature(feature.first(), feature.second);
    options.features = f.getString();
  }
  // LLVM itself only warns about a CPU it does not know (and compiles for
  // a generic one); asked with no CPU, it says which it knows.
  if (!options.cpu.empty()) {
    std::unique_ptr<llvm::MCSubtargetInfo> generic(
        target->createMCSubtargetInfo(triple, "", ""));
    if (generic && !generic->isCPUStringValid(options.cpu))
      return emitError(loc, "unknown CPU '")
             << options.cpu << "' for target '" << tripleName << "'";
  }
  // What the CPU name and features give, as LLVM reads them.
  std::unique_ptr<llvm::MCSubtargetInfo> sti(target->createMCSubtargetInfo(
      triple, options.cpu, options.features));
  if (options.vectorWidth <= 0) {
    auto has = [&](const char *feature) {
      return sti && sti->checkFeatures(std::string("+") + feature);
    };
    options.vectorWidth = has("avx512f") ? 16 : has("avx") ? 8 : 4;
  }
  return success();
}

FailureOr<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const TargetOptions &unresolved, Location loc) {
  TargetOptions options = unresolved;
  if (failed(resolveTargetOptions(options, loc)))
    return failure();
  std::string tripleName =
      options.triple.empty() ? llvm::sys::getDefaultTargetTriple() : options.triple;
  llvm::Triple triple(tripleName);
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return emitError(loc, "unknown target triple '") << tripleName << "': " << error;
  std::string cpu = options.cpu, features = options.features;
  llvm::TargetOptions to;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, cpu, features, to, llvm::Reloc::PIC_, std::nullopt,
      options.optLevel >= 3 ? llvm::CodeGenOptLevel::Aggressive
                            : llvm::CodeGenOptLevel::Default));
  if (!tm)
    return emitError(loc, "cannot create a target machine for '")
           << tripleName << "' and CPU '" << cpu << "'";
  return tm;
}

FailureOr<std::unique_ptr<llvm::Module>>
translateAndOptimize(ModuleOp module, llvm::LLVMContext &ctx,
                     llvm::TargetMachine &tm, unsigned optLevel) {
  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());
  std::unique_ptr<llvm::Module> llvmModule = translateModuleToLLVMIR(module, ctx);
  if (!llvmModule)
    return module.emitError("translation to LLVM IR failed");
  llvmModule->setTargetTriple(tm.getTargetTriple());
  llvmModule->setDataLayout(tm.createDataLayout());

  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(&tm);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::OptimizationLevel level = optLevel == 0   ? llvm::OptimizationLevel::O0
                                  : optLevel == 1 ? llvm::OptimizationLevel::O1
                                  : optLevel == 2 ? llvm::OptimizationLevel::O2
                                                  : llvm::OptimizationLevel::O3;
  llvm::ModulePassManager mpm = pb.buildPerModuleDefaultPipeline(level);
  mpm.run(*llvmModule, mam);
  return llvmModule;
}

LogicalResult emitMachineCode(llvm::Module &module, llvm::TargetMachine &tm,
                              bool assembly, llvm::SmallVectorImpl<char> &out,
                              Location loc) {
  llvm::raw_svector_ostream os(out);
  llvm::legacy::PassManager pm;
  if (tm.addPassesToEmitFile(pm, os, nullptr,
                             assembly ? llvm::CodeGenFileType::AssemblyFile
                                      : llvm::CodeGenFileType::ObjectFile))
    return emitError(loc, "the target cannot emit ")
           << (assembly ? "assembly" : "object files");
  pm.run(module);
  return success();
}

LogicalResult writeFileAtomically(StringRef path, StringRef contents,
                                  Location loc) {
  llvm::SmallString<256> temp;
  int fd;
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(path + ".tmp-%%%%%%",
                                                           fd, temp))
    return emitError(loc, "cannot write '") << path << "': " << ec.message();
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << contents;
    os.close();
    if (os.has_error()) {
      llvm::sys::fs::remove(temp);
      return emitError(loc, "cannot write '") << path << "': "
                                              << os.error().message();
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(temp, path)) {
    llvm::sys::fs::remove(temp);
    return emitError(loc, "cannot write '") << path << "': " << ec.message();
  }
  return success();
}

LogicalResult linkSharedLibrary(StringRef objectPath, StringRef runtimeArchive,
                                StringRef exportPrefix, StringRef outputPath,
                                Location loc) {
  auto driver = llvm::sys::findProgramByName("cc");
  if (!driver)
    driver = llvm::sys::findProgramByName("clang-22");
  if (!driver)
    return emitError(loc, "no C compiler driver (cc) found to link the "
                          "shared library");
  // Export only the model's API.
  llvm::SmallString<256> script;
  int fd;
  if (llvm::sys::fs::createTemporaryFile("kiln-exports", "map", fd, script))
    return emitError(loc, "cannot create a temporary file");
  {
    llvm::raw_fd_ostream os(fd, true);
    os << "{ global: " << exportPrefix << "*; local: *; };\n";
  }
  llvm::SmallString<256> temp(outputPath);
  temp += ".tmp";
  std::string versionScript = ("-Wl,--version-script=" + script).str();
  llvm::SmallVector<llvm::StringRef> args = {
      *driver, "-shared", "-o", temp, objectPath, runtimeArchive, "-lm",
      versionScript, "-Wl,-z,noexecstack"};
  std::string error;
  int rc = llvm::sys::ExecuteAndWait(*driver, args, std::nullopt, {}, 0, 0,
                                     &error);
  llvm::sys::fs::remove(script);
  if (rc != 0) {
    llvm::sys::fs::remove(temp);
    return emitError(loc, "linking '")
           << outputPath << "' failed (" << *driver << " exited with " << rc
           << (error.empty() ? "" : ": ") << error << ")";
  }
  if (std::error_code ec = llvm::sys::fs::rename(temp, outputPath)) {
    llvm::sys::fs::remove(temp);
    return emitError(loc, "cannot write '") << outputPath << "': " << ec.message();
  }
  return success();
}

} // namespace kiln
