//===- OnnxImporterImpl.h - the ONNX importer's internals -------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#ifndef KILN_FRONTEND_ONNX_ONNXIMPORTERIMPL_H
#define KILN_FRONTEND_ONNX_ONNXIMPORTERIMPL_H

#include "frontend/onnx/OnnxLoader.h"
#include "dialects/kiln/IR/KilnOps.h"
#include "kiln/onnx/Import.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"

#include <map>
#include <optional>
#include <set>

namespace kiln::onnx_detail {

/// A graph value: an SSA value, a constant known at import time, or both.
/// A small integer vector computed at run time (a shape read with `Shape`
/// and the Gather/Slice/Concat around it) also keeps the entries known at
/// import time in `partial`, kDynamic for the others, so that a Reshape to
/// it still knows the static sizes.
struct OnnxValue {
  mlir::Value value;
  mlir::DenseElementsAttr known;
  std::optional<llvm::SmallVector<int64_t>> partial;
};

class Importer;

/// What a handler sees of one node.
/// How messages name a node: "node 'conv1'", or by its first output when
/// it has no name ("node producing 'y'").
std::string nodeLabel(const onnx::NodeProto &node);

struct NodeContext {
  Importer &imp;
  const onnx::NodeProto &node;
  mlir::Location loc;
  mlir::OpBuilder &b;
  int64_t opset;

  bool has(int i) const;
  mlir::Value in(int i);
  mlir::DenseElementsAttr known(int i) const;
  /// The entries of a 0-D or 1-D integer input that are known at import time
  /// (kDynamic for the others): all of them for a known constant, some for
  /// a partially known shape vector; none (nullopt) otherwise.
  std::optional<llvm::SmallVector<int64_t>> partial(int i) const;
  mlir::RankedTensorType typeOf(int i);
  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  int64_t attrInt(llvm::StringRef name, int64_t fallback) const;
  double attrFloat(llvm::StringRef name, double fallback) const;
  std::string attrString(llvm::StringRef name, llvm::StringRef fallback) const;
  std::optional<std::vector<int64_t>> attrInts(llvm::StringRef name) const;
  int64_t normAxis(int64_t axis, int64_t rank) const;
  /// The static shape the model declares for output `i` (graph outputs and
  /// value_info after shape inference), if it declares one: what fixes the
  /// result of ops whose shape comes from a tensor computed at run time.
  std::optional<std::vector<int64_t>> declared(int i) const;
  /// Records "node 'NAME' (OP): message" and fails.
  mlir::LogicalResult fail(const llvm::Twine &message);
  void out(int i, mlir::Value v);
  void outKnown(int i, mlir::DenseElementsAttr a);
  /// Output `i` is `v`, a 0-D or 1-D i64 tensor whose entries `entries` are
  /// known (kDynamic: not known); a known constant when all are.
  void outPartial(int i, mlir::Value v, llvm::ArrayRef<int64_t> entries);

  /// Creates a one-result kiln op, inferring its type first: a shape rule's
  /// failure becomes this node's error instead of an abort.
  template <typename OpT, typename... Args>
  mlir::FailureOr<mlir::Value> make(Args &&...args) {
    mlir::Type placeholder =
        mlir::UnrankedTensorType::get(b.getF32Type());
    auto op = OpT::create(b, loc, placeholder, std::forward<Args>(args)...);
    llvm::SmallVector<mlir::Type> types;
    std::string message;
    {
      mlir::ScopedDiagnosticHandler handler(b.getContext(),
                                            [&](mlir::Diagnostic &d) {
                                              if (message.empty())
                                                message = d.str();
                                              return mlir::success();
                                            });
      if (mlir::failed(OpT::inferReturnTypes(
              b.getContext(), loc, op->getOperands(), op->getRawDictionaryAttrs(),
              op->getPropertiesStorage(), op->getRegions(), types)) ||
          types.size() != 1) {
        op->erase();
        (void)fail(message.empty() ? "invalid operands" : message);
        return mlir::failure();
      }
    }
    op->getResult(0).setType(types[0]);
    return mlir::Value(op->getResult(0));
  }
};

using Handler = mlir::LogicalResult (*)(NodeContext &);

struct OpEntry {
  const char *op;
  int64_t since, until;
  Handler handler;
  const char *note;
};

/// The entry for `op` at `opset` (-1: at any opset), or null.
const OpEntry *findOp(llvm::StringRef op, int64_t opset);

class Importer {
public:
  explicit Importer(mlir::OpBuilder &b) : b(b) {}
  bool run(const onnx::ModelProto &model, const OnnxImportOptions &options,
           mlir::ModuleOp module, OnnxImportResult &result);
  /// The SSA value of `name`, materializing a known constant.
  mlir::Value valueOf(const std::string &name, mlir::Location loc);

  mlir::OpBuilder &b;
  llvm::StringMap<OnnxValue> env;
  llvm::StringMap<std::vector<int64_t>> declaredShapes;
  int64_t opset = 0;
  std::string error;

private:
  mlir::LogicalResult importNode(const onnx::NodeProto &node);
  mlir::FailureOr<mlir::RankedTensorType>
  typeOfValueInfo(const onnx::ValueInfoProto &vi, bool dynamicLeading);
};

mlir::Type elementTypeOf(mlir::MLIRContext *ctx, int32_t onnxType);
std::string onnxTypeName(int32_t t);
mlir::FailureOr<mlir::DenseElementsAttr>
tensorToAttr(mlir::MLIRContext *ctx, const onnx::TensorProto &t, std::string &error);
std::vector<int64_t> toInts(mlir::DenseElementsAttr a);
std::vector<double> toDoubles(mlir::DenseElementsAttr a);
mlir::DenseElementsAttr makeAttr(mlir::RankedTensorType type,
                                 llvm::ArrayRef<double> values);
std::string summarize(const onnx::ModelProto &model);

} // namespace kiln::onnx_detail

#endif // KILN_FRONTEND_ONNX_ONNXIMPORTERIMPL_H
