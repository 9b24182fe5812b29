//===- OnnxImporter.cpp - ONNX graphs to kiln ops -------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Walks the (checked, shape-inferred) graph in order. Each value is a kiln
// SSA value, a constant known at import time (initializers, Constant, and
// shape arithmetic folded here so that Reshape and Slice get static
// operands), or both. Each node goes to the handler of its op family,
// found in the table at the end of this file; the table also feeds
// `kiln::supportedOnnxOps` and docs/onnx.md.
//
//===----------------------------------------------------------------------===//

#include "OnnxImporterImpl.h"

#include "support/CIdentifier.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

#include <sstream>

using namespace mlir;

namespace kiln::onnx_detail {

//===----------------------------------------------------------------------===//
// Tensors and types
//===----------------------------------------------------------------------===//

Type elementTypeOf(MLIRContext *ctx, int32_t onnxType) {
  Builder b(ctx);
  switch (onnxType) {
  case onnx::TensorProto::FLOAT: return b.getF32Type();
  case onnx::TensorProto::DOUBLE: return b.getF64Type();
  case onnx::TensorProto::FLOAT16: return b.getF16Type();
  case onnx::TensorProto::BFLOAT16: return b.getBF16Type();
  case onnx::TensorProto::INT64: return b.getI64Type();
  case onnx::TensorProto::INT32: return b.getI32Type();
  case onnx::TensorProto::INT16: return b.getI16Type();
  case onnx::TensorProto::INT8: return b.getI8Type();
  case onnx::TensorProto::BOOL: return b.getI1Type();
  default: return {};
  }
}

std::string onnxTypeName(int32_t t) {
  return onnx::TensorProto::DataType_IsValid(t)
             ? onnx::TensorProto::DataType_Name(
                   static_cast<onnx::TensorProto::DataType>(t))
             : "type " + std::to_string(t);
}

FailureOr<DenseElementsAttr> tensorToAttr(MLIRContext *ctx,
                                          const onnx::TensorProto &t,
                                          std::string &error) {
  Type elt = elementTypeOf(ctx, t.data_type());
  if (!elt) {
    error = "tensor '" + t.name() + "' has unsupported element type " +
            onnxTypeName(t.data_type());
    return failure();
  }
  SmallVector<int64_t> shape(t.dims().begin(), t.dims().end());
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d < 0) {
      error = "tensor '" + t.name() + "' has a negative dimension";
      return failure();
    }
    count *= d;
  }
  auto type = RankedTensorType::get(shape, elt);
  unsigned bits = elt.isInteger(1) ? 8 : elt.getIntOrFloatBitWidth();
  size_t bytes = static_cast<size_t>(count) * bits / 8;
  if (t.has_raw_data()) {
    if (t.raw_data().size() != bytes) {
      error = "tensor '" + t.name() + "' has " +
              std::to_string(t.raw_data().size()) + " bytes of data, expected " +
              std::to_string(bytes);
      return failure();
    }
    if (elt.isInteger(1)) {
      SmallVector<bool> v;
      for (char c : t.raw_data())
        v.push_back(c != 0);
      return DenseElementsAttr::get(type, ArrayRef<bool>(v));
    }
    bool splat = false;
    if (!DenseElementsAttr::isValidRawBuffer(
            type, ArrayRef<char>(t.raw_data().data(), t.raw_data().size()), splat)) {
      error = "tensor '" + t.name() + "' has malformed raw data";
      return failure();
    }
    return DenseElementsAttr::getFromRawBuffer(
        type, ArrayRef<char>(t.raw_data().data(), t.raw_data().size()));
  }
  auto mismatch = [&](int64_t n) {
    error = "tensor '" + t.name() + "' has " + std::to_string(n) +
            " values, expected " + std::to_string(count);
    return failure();
  };
  if (elt.isF32()) {
    if (t.float_data_size() != count)
      return mismatch(t.float_data_size());
    return DenseElementsAttr::get(type, ArrayRef<float>(t.float_data().data(), count));
  }
  if (elt.isF64()) {
    if (t.double_data_size() != count)
      return mismatch(t.double_data_size());
    return DenseElementsAttr::get(type, ArrayRef<double>(t.double_data().data(), count));
  }
  if (elt.isInteger(64)) {
    if (t.int64_data_size() != count)
      return mismatch(t.int64_data_size());
    return DenseElementsAttr::get(type, ArrayRef<int64_t>(t.int64_data().data(), count));
  }
  if (isa<IntegerType>(elt)) {
    if (t.int32_data_size() != count)
      return mismatch(t.int32_data_size());
    SmallVector<APInt> v;
    for (int32_t x : t.int32_data())
      v.push_back(APInt(elt.getIntOrFloatBitWidth(), static_cast<int64_t>(x), true));
    return DenseElementsAttr::get(type, v);
  }
  if (elt.isF16() || elt.isBF16()) {
    if (t.int32_data_size() != count)
      return mismatch(t.int32_data_size());
    SmallVector<APFloat> v;
    const llvm::fltSemantics &sem = cast<FloatType>(elt).getFloatSemantics();
    for (int32_t x : t.int32_data())
      v.push_back(APFloat(sem, APInt(16, static_cast<uint16_t>(x))));
    return DenseElementsAttr::get(type, v);
  }
  error = "tensor '" + t.name() + "' has no data";
  return failure();
}

std::vector<int64_t> toInts(DenseElementsAttr a) {
  std::vector<int64_t> out;
  if (isa<IntegerType>(a.getElementType()))
    for (const APInt &v : a.getValues<APInt>())
      out.push_back(a.getElementType().isInteger(1) ? v.getZExtValue()
                                                    : v.getSExtValue());
  else
    for (const APFloat &v : a.getValues<APFloat>())
      out.push_back(static_cast<int64_t>(v.convertToDouble()));
  return out;
}

std::vector<double> toDoubles(DenseElementsAttr a) {
  std::vector<double> out;
  if (isa<IntegerType>(a.getElementType()))
    for (const APInt &v : a.getValues<APInt>())
      out.push_back(a.getElementType().isInteger(1)
                        ? static_cast<double>(v.getZExtValue())
                        : static_cast<double>(v.getSExtValue()));
  else
    for (const APFloat &v : a.getValues<APFloat>())
      out.push_back(v.convertToDouble());
  return out;
}

DenseElementsAttr makeAttr(RankedTensorType type, ArrayRef<double> values) {
  Type elt = type.getElementType();
  if (auto it = dyn_cast<IntegerType>(elt)) {
    SmallVector<APInt> v;
    for (double x : values)
      v.push_back(APInt(it.getWidth(), static_cast<int64_t>(x), !it.isInteger(1)));
    return DenseElementsAttr::get(type, v);
  }
  SmallVector<APFloat> v;
  for (double x : values) {
    APFloat f(x);
    bool lost;
    f.convert(cast<FloatType>(elt).getFloatSemantics(),
              APFloat::rmNearestTiesToEven, &lost);
    v.push_back(f);
  }
  return DenseElementsAttr::get(type, v);
}

//===----------------------------------------------------------------------===//
// NodeContext
//===----------------------------------------------------------------------===//

bool NodeContext::has(int i) const {
  return i < node.input_size() && !node.input(i).empty();
}

Value NodeContext::in(int i) {
  if (!has(i))
    return {};
  return imp.valueOf(node.input(i), loc);
}

std::optional<std::vector<int64_t>> NodeContext::declared(int i) const {
  if (i >= node.output_size())
    return std::nullopt;
  auto it = imp.declaredShapes.find(node.output(i));
  if (it == imp.declaredShapes.end())
    return std::nullopt;
  return it->second;
}

DenseElementsAttr NodeContext::known(int i) const {
  if (!has(i))
    return {};
  auto it = imp.env.find(node.input(i));
  return it == imp.env.end() ? DenseElementsAttr() : it->second.known;
}

std::optional<SmallVector<int64_t>> NodeContext::partial(int i) const {
  if (!has(i))
    return std::nullopt;
  auto it = imp.env.find(node.input(i));
  if (it == imp.env.end())
    return std::nullopt;
  const OnnxValue &v = it->second;
  if (v.partial)
    return v.partial;
  if (v.known && isa<IntegerType>(v.known.getElementType()) &&
      cast<RankedTensorType>(v.known.getType()).getRank() <= 1 &&
      v.known.getNumElements() <= 64) {
    std::vector<int64_t> ints = toInts(v.known);
    return SmallVector<int64_t>(ints.begin(), ints.end());
  }
  return std::nullopt;
}

RankedTensorType NodeContext::typeOf(int i) {
  Value v = in(i);
  return v ? dyn_cast<RankedTensorType>(v.getType()) : RankedTensorType();
}

const onnx::AttributeProto *NodeContext::attr(StringRef name) const {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t NodeContext::attrInt(StringRef name, int64_t fallback) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->i() : fallback;
}

double NodeContext::attrFloat(StringRef name, double fallback) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->f() : fallback;
}

std::string NodeContext::attrString(StringRef name, StringRef fallback) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->s() : fallback.str();
}

std::optional<std::vector<int64_t>> NodeContext::attrInts(StringRef name) const {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return std::nullopt;
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

std::string nodeLabel(const onnx::NodeProto &node) {
  if (!node.name().empty())
    return "node '" + node.name() + "'";
  if (node.output_size() && !node.output(0).empty())
    return "node producing '" + node.output(0) + "'";
  return "unnamed node";
}

LogicalResult NodeContext::fail(const Twine &message) {
  imp.error = nodeLabel(node) + " (" + node.op_type() + "): " + message.str();
  return failure();
}

void NodeContext::out(int i, Value v) {
  if (i < node.output_size() && !node.output(i).empty())
    imp.env[node.output(i)] = {v, {}, std::nullopt};
}

void NodeContext::outKnown(int i, DenseElementsAttr a) {
  if (i < node.output_size() && !node.output(i).empty())
    imp.env[node.output(i)] = {Value(), a, std::nullopt};
}

void NodeContext::outPartial(int i, Value v, ArrayRef<int64_t> entries) {
  if (i >= node.output_size() || node.output(i).empty())
    return;
  auto type = cast<RankedTensorType>(v.getType());
  if (llvm::none_of(entries, ShapedType::isDynamic)) {
    std::vector<double> values(entries.begin(), entries.end());
    imp.env[node.output(i)] = {v, makeAttr(type, values), std::nullopt};
    return;
  }
  imp.env[node.output(i)] = {v, {}, SmallVector<int64_t>(entries)};
}

int64_t NodeContext::normAxis(int64_t axis, int64_t rank) const {
  return axis < 0 ? axis + rank : axis;
}

//===----------------------------------------------------------------------===//
// Importer
//===----------------------------------------------------------------------===//

Value Importer::valueOf(const std::string &name, Location loc) {
  auto it = env.find(name);
  if (it == env.end())
    return {};
  OnnxValue &v = it->second;
  if (!v.value && v.known) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(b.getInsertionBlock());
    v.value = ConstantOp::create(b, loc, v.known);
  }
  return v.value;
}

FailureOr<RankedTensorType> Importer::typeOfValueInfo(const onnx::ValueInfoProto &vi,
                                                      bool dynamicLeading) {
  if (!vi.type().has_tensor_type()) {
    error = "graph input '" + vi.name() + "' is not a tensor";
    return failure();
  }
  const auto &tt = vi.type().tensor_type();
  Type elt = elementTypeOf(b.getContext(), tt.elem_type());
  if (!elt) {
    error = "graph input '" + vi.name() + "' has unsupported element type " +
            onnxTypeName(tt.elem_type());
    return failure();
  }
  if (!tt.has_shape()) {
    error = "graph input '" + vi.name() + "' has no shape (Kiln needs ranked inputs)";
    return failure();
  }
  SmallVector<int64_t> shape;
  for (const auto &d : tt.shape().dim())
    shape.push_back(d.has_dim_value() ? d.dim_value() : ShapedType::kDynamic);
  if (dynamicLeading && !shape.empty())
    shape[0] = ShapedType::kDynamic;
  return RankedTensorType::get(shape, elt);
}

LogicalResult Importer::importNode(const onnx::NodeProto &node) {
  std::string domain = node.domain();
  if (!domain.empty() && domain != "ai.onnx") {
    error = nodeLabel(node) + " (" + node.op_type() + "): domain '" + domain +
            "' is not supported";
    return failure();
  }
  std::string label = !node.name().empty() ? node.name()
                      : node.output_size() ? node.output(0)
                                           : node.op_type();
  Location loc = NameLoc::get(b.getStringAttr(label),
                              NameLoc::get(b.getStringAttr(node.op_type())));
  NodeContext ctx{*this, node, loc, b, opset};
  for (int i = 0; i < node.input_size(); ++i)
    if (!node.input(i).empty() && !env.count(node.input(i)))
      return ctx.fail("input '" + node.input(i) + "' is not defined before it");
  const OpEntry *entry = findOp(node.op_type(), opset);
  if (!entry) {
    if (const OpEntry *any = findOp(node.op_type(), -1))
      return ctx.fail("opset " + Twine(opset) + " of this op is not supported (Kiln imports it from opset " +
                      Twine(any->since) + " to " + Twine(any->until) + ")");
    return ctx.fail("unknown or unsupported op");
  }
  return entry->handler(ctx);
}

bool Importer::run(const onnx::ModelProto &model, const OnnxImportOptions &options,
                   ModuleOp module, OnnxImportResult &result) {
  const onnx::GraphProto &g = model.graph();
  for (const auto &o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx")
      opset = o.version();
  result.opset = opset;
  result.producer = model.producer_name();
  // Each op checks its own version (the table's rows say from which opset
  // on Kiln has its semantics); the model's opset bounds them all.
  if (opset > 17) {
    error = "the model uses opset " + std::to_string(opset) +
            " of the default domain; Kiln imports opsets up to 17";
    return false;
  }
  for (const auto *infos : {&g.value_info(), &g.output()})
    for (const auto &vi : *infos) {
      if (!vi.type().has_tensor_type() || !vi.type().tensor_type().has_shape())
        continue;
      std::vector<int64_t> shape;
      bool complete = true;
      for (const auto &d : vi.type().tensor_type().shape().dim()) {
        complete &= d.has_dim_value();
        shape.push_back(d.dim_value());
      }
      if (complete)
        declaredShapes[vi.name()] = shape;
    }
  std::set<std::string> initialized;
  for (const auto &t : g.initializer())
    initialized.insert(t.name());

  // Arguments: the graph inputs that are not initializers.
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  SmallVector<Attribute> argDimSymbols;
  for (const auto &vi : g.input()) {
    if (initialized.count(vi.name()))
      continue;
    FailureOr<RankedTensorType> t = typeOfValueInfo(vi, options.dynamicBatch);
    if (failed(t))
      return false;
    argTypes.push_back(*t);
    argNames.push_back(vi.name());
    // Each dynamic dimension's symbol: its dim_param (equal names are equal
    // sizes), or one of its own. Code generation broadcasts at run time
    // between dimensions of different symbols.
    SmallVector<Attribute> symbols;
    const auto &dims = vi.type().tensor_type().shape().dim();
    for (int d = 0; d < t->getRank(); ++d) {
      std::string symbol;
      if (t->isDynamicDim(d))
        symbol = d < dims.size() && dims[d].has_dim_param() && !dims[d].dim_param().empty()
                     ? dims[d].dim_param()
                     : vi.name() + "." + std::to_string(d);
      symbols.push_back(b.getStringAttr(symbol));
    }
    argDimSymbols.push_back(b.getArrayAttr(symbols));
  }
  // Trainable initializers follow the inputs.
  SmallVector<DenseElementsAttr> params;
  SmallVector<std::string> paramNames;
  SmallVector<DenseElementsAttr> constants;
  SmallVector<std::string> constantNames;
  for (const auto &t : g.initializer()) {
    FailureOr<DenseElementsAttr> a = tensorToAttr(b.getContext(), t, error);
    if (failed(a)) {
      error = "initializer: " + error;
      return false;
    }
    // Float tensors are weights; scalars (epsilons, scales) and integer
    // tensors (shapes, axes, indices) stay constants.
    if (options.trainable && isa<FloatType>(a->getElementType()) &&
        cast<RankedTensorType>(a->getType()).getRank() > 0) {
      params.push_back(*a);
      paramNames.push_back(t.name());
      argTypes.push_back(a->getType());
    } else {
      constants.push_back(*a);
      constantNames.push_back(t.name());
    }
  }
  std::string fnName = options.name;
  if (fnName.empty())
    fnName = toCIdentifier(g.name().empty() ? "model" : g.name(), 'm');
  b.setInsertionPointToEnd(module.getBody());
  Location fnLoc = NameLoc::get(b.getStringAttr(fnName));
  auto fn = func::FuncOp::create(b, fnLoc, fnName, b.getFunctionType(argTypes, {}));
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  for (auto [i, n] : llvm::enumerate(argNames)) {
    fn.setArgAttr(i, "kiln.name", b.getStringAttr(toCIdentifier(n, 'i')));
    // A trainable library has one batch for all inputs.
    if (!options.trainable && cast<RankedTensorType>(argTypes[i]).getNumDynamicDims())
      fn.setArgAttr(i, "kiln.dim_symbols", argDimSymbols[i]);
    env[n] = {entry->getArgument(i), {}, std::nullopt};
  }
  for (auto [k, n] : llvm::enumerate(paramNames)) {
    unsigned i = argNames.size() + k;
    fn.setArgAttr(i, "kiln.name", b.getStringAttr(n));
    fn.setArgAttr(i, "kiln.trainable", b.getUnitAttr());
    fn.setArgAttr(i, "kiln.initial_value", params[k]);
    env[n] = {entry->getArgument(i), {}, std::nullopt};
  }
  for (auto [k, n] : llvm::enumerate(constantNames))
    env[n] = {Value(), constants[k], std::nullopt};

  for (const auto &node : g.node())
    if (failed(importNode(node)))
      return false;

  SmallVector<Value> results;
  for (const auto &vi : g.output()) {
    Value v = valueOf(vi.name(), fnLoc);
    if (!v) {
      error = "graph output '" + vi.name() + "' is never computed";
      return false;
    }
    results.push_back(v);
  }
  if (results.empty()) {
    error = "the graph has no outputs";
    return false;
  }
  func::ReturnOp::create(b, fnLoc, results);
  fn.setType(b.getFunctionType(argTypes, ValueRange(results).getTypes()));
  for (auto [i, vi] : llvm::enumerate(g.output()))
    fn.setResultAttr(i, "kiln.name", b.getStringAttr(toCIdentifier(vi.name(), 'o')));
  return true;
}

std::string summarize(const onnx::ModelProto &model) {
  std::ostringstream s;
  const onnx::GraphProto &g = model.graph();
  auto shapeOf = [](const onnx::TypeProto &t) {
    if (!t.has_tensor_type() || !t.tensor_type().has_shape())
      return std::string("?");
    std::string out = "[";
    bool first = true;
    for (const auto &d : t.tensor_type().shape().dim()) {
      out += first ? "" : ", ";
      first = false;
      out += d.has_dim_value() ? std::to_string(d.dim_value())
                               : (d.dim_param().empty() ? "?" : d.dim_param());
    }
    return out + "]";
  };
  std::map<std::string, std::string> shapes;
  for (const auto &vi : g.input())
    shapes[vi.name()] = shapeOf(vi.type());
  for (const auto &vi : g.value_info())
    shapes[vi.name()] = shapeOf(vi.type());
  for (const auto &vi : g.output())
    shapes[vi.name()] = shapeOf(vi.type());
  std::map<std::string, int64_t> sizes;
  int64_t total = 0;
  for (const auto &t : g.initializer()) {
    int64_t n = 1;
    for (int64_t d : t.dims())
      n *= d;
    sizes[t.name()] = n;
    total += n;
  }
  s << "Graph: " << (g.name().empty() ? "(unnamed)" : g.name()) << "\n";
  for (const auto &vi : g.input())
    if (!sizes.count(vi.name()))
      s << "  input  " << vi.name() << " " << shapes[vi.name()] << "\n";
  s << "  node                             op                     output shape          params\n";
  for (const auto &n : g.node()) {
    int64_t p = 0;
    for (const auto &i : n.input())
      if (sizes.count(i))
        p += sizes[i];
    std::string label = n.name().empty() ? "(unnamed)" : n.name();
    std::string shape = n.output_size() ? shapes[n.output(0)] : "";
    char line[256];
    std::snprintf(line, sizeof line, "  %-32s %-22s %-21s %lld\n",
                  label.substr(0, 32).c_str(), n.op_type().c_str(),
                  shape.empty() ? "?" : shape.c_str(), static_cast<long long>(p));
    s << line;
  }
  for (const auto &vi : g.output())
    s << "  output " << vi.name() << " " << shapes[vi.name()] << "\n";
  s << "Total params: " << total << "\n";
  return s.str();
}

} // namespace kiln::onnx_detail

namespace kiln {

bool importOnnxFile(const std::string &path, MLIRContext &ctx,
                    OwningOpRef<ModuleOp> &module, OnnxImportResult &result,
                    const OnnxImportOptions &options) {
  ctx.loadDialect<KilnDialect, func::FuncDialect>();
  onnx::ModelProto model;
  if (!onnx_detail::loadOnnxModel(path, model, result.error, options.dynamicBatch))
    return false;
  result.summary = onnx_detail::summarize(model);
  OpBuilder b(&ctx);
  module = ModuleOp::create(NameLoc::get(b.getStringAttr(path)));
  onnx_detail::Importer importer(b);
  if (!importer.run(model, options, *module, result)) {
    result.error = "'" + path + "': " + importer.error;
    module = nullptr;
    return false;
  }
  return true;
}

} // namespace kiln
