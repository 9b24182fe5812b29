//===- ModelSignature.h - what a generated library exposes ------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The inputs and outputs of a model's entry function, read from the kiln
// level before lowering: the generated header, the embedded description and
// the typed C wrapper are all produced from this one structure.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_COMPILER_TARGET_MODELSIGNATURE_H
#define KILN_COMPILER_TARGET_MODELSIGNATURE_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/SmallVector.h"

#include <string>

namespace kiln {

struct TensorSignature {
  std::string name;  ///< a C identifier
  std::string dtype; ///< runtime dtype name: f32, f64, f16, bf16, i1..i64
  std::string cType; ///< C element type: float, double, uint16_t, ...
  llvm::SmallVector<int64_t> dims; ///< -1 marks the batch dimension
};

struct ModelSignature {
  std::string name;  ///< the model name, a C identifier (symbol prefix)
  std::string entry; ///< the entry function's symbol
  llvm::SmallVector<TensorSignature> inputs, outputs;
  /// Weights loaded from NAME.safetensors at create time (external weights);
  /// they follow the inputs in the entry function's arguments.
  llvm::SmallVector<TensorSignature> params;

  /// The description string the runtime parses (see runtime/src/model.c).
  std::string description() const;
};

/// Reads the signature of `entry`. Fails with a diagnostic at the function
/// when a type cannot cross the C API (unranked, unsupported element type,
/// a dynamic dimension other than the leading batch dimension).
/// The last `numParams` arguments are external weights, described apart.
mlir::FailureOr<ModelSignature> getModelSignature(mlir::func::FuncOp entry,
                                                  llvm::StringRef modelName,
                                                  unsigned numParams = 0);

/// Whether `name` is a valid C identifier.
bool isCIdentifier(llvm::StringRef name);

} // namespace kiln

#endif // KILN_COMPILER_TARGET_MODELSIGNATURE_H
