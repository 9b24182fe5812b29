//===- Autodiff.h - building VJP functions ----------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The reverse-mode builder behind kiln-autodiff, for passes that need a
// gradient (kiln-train-step).
//
//===----------------------------------------------------------------------===//

#ifndef KILN_DIALECTS_KILN_TRANSFORMS_AUTODIFF_H
#define KILN_DIALECTS_KILN_TRANSFORMS_AUTODIFF_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

namespace kiln {

/// Adds `<fn>_vjp` after `fn`: fn's arguments, then one cotangent per
/// floating-point result -> fn's results, then one cotangent per
/// floating-point argument `i` with `wrt(i)`, in order. Emits a diagnostic
/// and fails on an op without a VJP rule on the path from those arguments.
mlir::FailureOr<mlir::func::FuncOp>
buildVJPFunction(mlir::func::FuncOp fn,
                 llvm::function_ref<bool(unsigned)> wrt);

/// The function `name`, or the module's only public function when `name`
/// is empty; `pass` names the caller in diagnostics.
mlir::FailureOr<mlir::func::FuncOp> findFunction(mlir::ModuleOp module,
                                                 llvm::StringRef name,
                                                 llvm::StringRef pass);

} // namespace kiln

#endif // KILN_DIALECTS_KILN_TRANSFORMS_AUTODIFF_H
