//===- kiln-opt.cpp - the kiln optimizer driver ---------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// mlir-opt with the kiln dialect and passes registered: the tool behind the
// lit tests and the way to run any single pass by hand.
//
//===----------------------------------------------------------------------===//

#include "compiler/Registration/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  kiln::registerAllPasses();
  mlir::DialectRegistry registry;
  kiln::registerAllDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Kiln optimizer driver\n", registry));
}
