//===- Codegen.h - LLVM IR, objects and shared libraries --------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#ifndef KILN_COMPILER_TARGET_CODEGEN_H
#define KILN_COMPILER_TARGET_CODEGEN_H

#include "compiler/Pipelines/TargetOptions.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>

namespace kiln {

/// Fills the empty fields of `options` once: the host's CPU and features
/// when it targets the host, and the vector width from the features (16
/// f32 lanes with AVX-512, 8 with AVX, 4 otherwise). Fails with a
/// diagnostic at `loc` for an unknown triple.
mlir::LogicalResult resolveTargetOptions(TargetOptions &options,
                                         mlir::Location loc);

/// A TargetMachine for `options`, or a diagnostic at `loc`.
mlir::FailureOr<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const TargetOptions &options, mlir::Location loc);

/// Translates an LLVM-dialect module to LLVM IR for `tm` and optimizes it.
mlir::FailureOr<std::unique_ptr<llvm::Module>>
translateAndOptimize(mlir::ModuleOp module, llvm::LLVMContext &ctx,
                     llvm::TargetMachine &tm, unsigned optLevel);

/// Writes `module` as an object file or assembly into `out`.
mlir::LogicalResult emitMachineCode(llvm::Module &module,
                                    llvm::TargetMachine &tm, bool assembly,
                                    llvm::SmallVectorImpl<char> &out,
                                    mlir::Location loc);

/// Links `objectPath` with the runtime archive into the shared library
/// `outputPath`, exporting only the symbols that start with `exportPrefix`.
/// The library is written to a temporary file and renamed, so a failure
/// leaves nothing behind.
mlir::LogicalResult linkSharedLibrary(llvm::StringRef objectPath,
                                      llvm::StringRef runtimeArchive,
                                      llvm::StringRef exportPrefix,
                                      llvm::StringRef outputPath,
                                      mlir::Location loc);

/// Writes `contents` to `path` atomically (temporary file + rename).
mlir::LogicalResult writeFileAtomically(llvm::StringRef path,
                                        llvm::StringRef contents,
                                        mlir::Location loc);

} // namespace kiln

#endif // KILN_COMPILER_TARGET_CODEGEN_H
