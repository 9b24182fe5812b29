//===- KilnDialect.cpp - the kiln dialect ---------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Registers the kiln ops and materializes folded constants. The op classes'
// generated definitions are compiled here; their hand-written parts live in
// Ops/*.cpp, by family, and the folders in KilnFolders.cpp.
//
//===----------------------------------------------------------------------===//

#include "dialects/kiln/IR/KilnDialect.h"
#include "dialects/kiln/IR/KilnOps.h"
#include "dialects/kiln/IR/VJP/VJPUtils.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"

using namespace mlir;
using namespace kiln;

#include "dialects/kiln/IR/KilnDialect.cpp.inc"
#include "dialects/kiln/IR/KilnEnums.cpp.inc"
#include "dialects/kiln/IR/KilnInterfaces.cpp.inc"

void KilnDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/kiln/IR/KilnOps.cpp.inc"
      >();
  attachElementwiseVJPs(getContext());
  attachStructureVJPs(getContext());
  attachNNVJPs(getContext());
  attachControlFlowVJPs(getContext());
}

Operation *KilnDialect::materializeConstant(OpBuilder &builder,
                                            Attribute value, Type type,
                                            Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, type, elements);
}

#define GET_OP_CLASSES
#include "dialects/kiln/IR/KilnOps.cpp.inc"
