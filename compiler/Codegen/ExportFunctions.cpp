//===- ExportFunctions.cpp - the library's entry points -------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// See the pass description in compiler/Codegen/Passes.td.
//
//===----------------------------------------------------------------------===//

#include "compiler/Codegen/Passes.h"

#include "mlir/IR/SymbolTable.h"

using namespace mlir;

namespace kiln {
#define GEN_PASS_DEF_EXPORTFUNCTIONSPASS
#include "compiler/Codegen/Passes.h.inc"
} // namespace kiln

namespace {

/// `attrs` without Kiln's attributes, except kiln.dim_symbols, which the
/// linalg lowering reads.
SmallVector<NamedAttribute> withoutKilnAttrs(DictionaryAttr attrs) {
  SmallVector<NamedAttribute> kept;
  if (attrs)
    for (NamedAttribute a : attrs)
      if (!a.getName().getValue().starts_with("kiln.") ||
          a.getName() == "kiln.dim_symbols")
        kept.push_back(a);
  return kept;
}

struct ExportFunctionsPass
    : kiln::impl::ExportFunctionsPassBase<ExportFunctionsPass> {
  using ExportFunctionsPassBase::ExportFunctionsPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> exported;
    if (functions.empty()) {
      for (auto fn : module.getOps<func::FuncOp>())
        if (fn.isPublic() && !fn.isExternal())
          exported.push_back(fn);
    } else {
      for (const std::string &name : functions) {
        auto fn = module.lookupSymbol<func::FuncOp>(name);
        if (!fn || fn.isExternal()) {
          module.emitError("kiln-export-functions: no function '")
              << name << "' to export";
          return signalPassFailure();
        }
        exported.push_back(fn);
      }
    }
    UnitAttr unit = UnitAttr::get(module.getContext());
    for (func::FuncOp fn : exported) {
      fn->setAttr("llvm.emit_c_interface", unit);
      for (unsigned i = 0; i < fn.getNumArguments(); ++i)
        fn.setArgAttrs(i, withoutKilnAttrs(fn.getArgAttrDict(i)));
      for (unsigned i = 0; i < fn.getNumResults(); ++i)
        fn.setResultAttrs(i, withoutKilnAttrs(fn.getResultAttrDict(i)));
    }
    for (auto other : llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
      if (!llvm::is_contained(exported, other) &&
          SymbolTable::symbolKnownUseEmpty(other, module))
        other.erase();
  }
};

} // namespace
