//===- Train.h - kiln train -------------------------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TOOLS_KILN_TRAIN_H
#define KILN_TOOLS_KILN_TRAIN_H

#include "llvm/Support/CommandLine.h"

namespace kiln_tool {

extern llvm::cl::SubCommand trainCmd;
extern llvm::cl::OptionCategory trainOptions;

/// Runs `kiln train`; returns the exit code.
int runTrain(const char *runtimeArchive);

} // namespace kiln_tool

#endif // KILN_TOOLS_KILN_TRAIN_H
