//===- Import.h - ONNX models to kiln IR ------------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Reads an .onnx file (external data too), runs ONNX's checker and shape
// inference, and imports the graph into one `func.func` of kiln ops: graph
// inputs become arguments, initializers constants (or trainable arguments),
// each node's ops carry its name and op type as their location.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_ONNX_IMPORT_H
#define KILN_ONNX_IMPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>
#include <vector>

namespace kiln {

struct OnnxImportOptions {
  /// The function's name (default: the graph's name as a C identifier).
  std::string name;
  /// Make the leading dimension of every graph input dynamic.
  bool dynamicBatch = false;
  /// Float initializers of rank 1 or more become arguments marked
  /// kiln.trainable with their
  /// values as kiln.initial_value (what kiln train compiles).
  bool trainable = false;
};

struct OnnxImportResult {
  std::string error;   ///< located: "node 'conv1' (Conv): ..."
  std::string summary; ///< nodes, shapes and parameters (kiln summary)
  int64_t opset = 0;   ///< the default domain's opset
  std::string producer;
};

/// Imports `path` into `module`; false with result.error set on failure.
bool importOnnxFile(const std::string &path, mlir::MLIRContext &ctx,
                    mlir::OwningOpRef<mlir::ModuleOp> &module,
                    OnnxImportResult &result,
                    const OnnxImportOptions &options = {});

/// One row of the supported-op table: the op, the opsets it is imported
/// for, and a note (docs/onnx.md is generated from these).
struct OnnxOpSupport {
  std::string op;
  int64_t sinceOpset, untilOpset;
  std::string note;
};
std::vector<OnnxOpSupport> supportedOnnxOps();

} // namespace kiln

#endif // KILN_ONNX_IMPORT_H
