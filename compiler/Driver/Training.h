//===- Training.h - the functions and signature of a trainable library ----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Private to the driver.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_COMPILER_DRIVER_TRAINING_H
#define KILN_COMPILER_DRIVER_TRAINING_H

#include "compiler/Driver/Driver.h"
#include "compiler/Target/ModelSignature.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace kiln {

/// Adds the eval function (`<f>_loss`) and the train step to the module,
/// from the model function `fn` (and `<f>_training`, the training-mode
/// forward, when the module has one), with the loss and optimizer that
/// `options` names. Runs at the kiln level, before anything is lowered.
mlir::LogicalResult addTrainingFunctions(mlir::ModuleOp module,
                                         mlir::func::FuncOp fn,
                                         const TrainingOptions &options);

/// The signature of the trainable library after the kiln stage: inputs,
/// outputs, targets, metrics, the state with its initial values, and the
/// three entries. Fails with a diagnostic for what cannot cross the C API.
mlir::FailureOr<ModelSignature>
getTrainingSignature(mlir::ModuleOp module, mlir::func::FuncOp fn,
                     llvm::StringRef modelName);

} // namespace kiln

#endif // KILN_COMPILER_DRIVER_TRAINING_H
