//===- TargetOptions.h - what a compilation targets -------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The typed description of a target that every pipeline and the code
// generator read: which machine (CPU or CUDA), its triple, CPU and
// features, and the figures the passes derive from them (vector width,
// threads). `resolveTargetOptions` (compiler/Target/Codegen.h, which knows
// LLVM's targets) fills what the user left empty once, so the pipeline and
// the LLVM target machine read the same machine.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_COMPILER_PIPELINES_TARGETOPTIONS_H
#define KILN_COMPILER_PIPELINES_TARGETOPTIONS_H

#include <cstdint>
#include <string>

namespace kiln {

/// The kinds of machine Kiln generates code for.
enum class TargetKind { CPU, CUDA };

struct TargetOptions {
  TargetKind kind = TargetKind::CPU;
  std::string triple;   ///< LLVM triple; empty: the host
  std::string cpu;      ///< LLVM CPU name; empty: the host CPU
  std::string features; ///< LLVM feature string ("+avx2,+fma"); empty with
                        ///< an empty cpu on the host: the host's features
  unsigned optLevel = 3; ///< LLVM optimization level 0-3
  /// f32 lanes of one vector register: 16 with AVX-512, 8 with AVX/AVX2, 4
  /// otherwise. 0 until resolved (from the features).
  int64_t vectorWidth = 0;
  /// Threads the generated code may use for outer tiles (1: serial).
  int64_t threads = 1;
  std::string gpuChip; ///< CUDA: the SM architecture, e.g. "sm_90"
};

} // namespace kiln

#endif // KILN_COMPILER_PIPELINES_TARGETOPTIONS_H
