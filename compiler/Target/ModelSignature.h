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

#include "support/CIdentifier.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>
#include <vector>

namespace kiln {

struct TensorSignature {
  std::string name;  ///< a C identifier
  std::string dtype; ///< runtime dtype name: f32, f64, f16, bf16, i1..i64
  std::string cType; ///< C element type: float, double, uint16_t, ...
  llvm::SmallVector<int64_t> dims; ///< -1 marks the batch dimension
};

/// A tensor that a trainable instance owns: a weight, an optimizer slot,
/// the step count or the learning rate.
struct StateSignature {
  TensorSignature tensor;   ///< the name may be any text without spaces
  std::string role;         ///< param (trainable), weight, slot, iterations, lr
  double fill = 0.0;        ///< the initial value when `initial` is empty
  std::vector<char> initial; ///< initial little-endian bytes
};

/// One compiled function of a trainable library and where its arguments
/// come from and its results go: "i<k>" input, "t<k>" target, "s<k>"
/// state, "o<k>" output, "m<k>" loss or metric, "w0" the per-example
/// weights (f32, one per example of the batch).
struct EntrySignature {
  std::string kind;   ///< predict, eval or train
  std::string symbol; ///< the function
  llvm::SmallVector<std::string> args, results;
};

struct ModelSignature {
  std::string name;  ///< the model name, a C identifier (symbol prefix)
  std::string entry; ///< the entry function's symbol
  llvm::SmallVector<TensorSignature> inputs, outputs;
  /// Weights loaded from NAME.safetensors at create time (external weights);
  /// they follow the inputs in the entry function's arguments.
  llvm::SmallVector<TensorSignature> params;

  /// Trainable libraries: the training targets, the loss and metrics, the
  /// state and the three entries (predict, eval, train). Empty otherwise.
  llvm::SmallVector<TensorSignature> targets, metrics;
  /// How each metric's batch results combine over an epoch: "mean" (a
  /// scalar), "ratio" ([numerator, denominator] counts) or "auc" (confusion
  /// counts at thresholds); see kiln::metricKind.
  llvm::SmallVector<std::string> metricKinds;
  llvm::SmallVector<StateSignature> state;
  llvm::SmallVector<EntrySignature> entries;
  bool trainable() const { return !entries.empty(); }

  /// Dynamic input sizes the model names alike (an ONNX dim_param shared by
  /// two inputs): NAME_run checks that they are equal.
  struct SameSize {
    unsigned input, dim, otherInput, otherDim;
    std::string symbol;
  };
  llvm::SmallVector<SameSize> sameSizes;

  /// The description string the runtime parses (runtime/src/description.c;
  /// the format is defined in docs/c-api.md).
  std::string description() const;
};

/// The runtime's dtype name and C element type of `t` (kiln/dtype.h, the
/// one dtype table); false when `t` cannot cross the C API.
bool describeElementType(mlir::Type t, std::string &dtype, std::string &cType);

/// The .safetensors name of a runtime dtype name, null when it has none.
const char *safetensorsDtype(llvm::StringRef dtype);

/// Reads the signature of `entry`. Fails with a diagnostic at the function
/// when a type cannot cross the C API (unranked, unsupported element type).
/// Any dimension may be dynamic; one other than the leading (batch)
/// dimension makes the model runnable only through NAME_run.
/// The last `numParams` arguments are external weights, described apart.
mlir::FailureOr<ModelSignature> getModelSignature(mlir::func::FuncOp entry,
                                                  llvm::StringRef modelName,
                                                  unsigned numParams = 0);

/// Describes a value of `type` named `name` crossing the C API; fails with a
/// diagnostic at `fn` for what cannot cross it. With `batchOnly` (training
/// libraries, whose steps take one batch), only the leading dimension may be
/// dynamic.
mlir::LogicalResult describeTensor(mlir::func::FuncOp fn, mlir::Type type,
                                   std::string name, TensorSignature &out,
                                   bool batchOnly = true);

} // namespace kiln

#endif // KILN_COMPILER_TARGET_MODELSIGNATURE_H
