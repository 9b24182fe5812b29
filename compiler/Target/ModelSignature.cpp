//===- ModelSignature.cpp - what a generated library exposes --------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "compiler/Target/ModelSignature.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace kiln {

bool isCIdentifier(llvm::StringRef name) {
  if (name.empty() || llvm::isDigit(name.front()))
    return false;
  return llvm::all_of(name, [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

std::string toCIdentifier(llvm::StringRef name, char prefix) {
  std::string s;
  for (char c : name)
    s.push_back(llvm::isAlnum(c) || c == '_' ? c : '_');
  if (s.empty() || llvm::isDigit(s.front()))
    s.insert(s.begin(), prefix);
  return s;
}

/// The runtime and C names of an element type, or false if unsupported.
static bool describeElement(Type t, std::string &dtype, std::string &cType) {
  if (t.isF32()) { dtype = "f32"; cType = "float"; }
  else if (t.isF64()) { dtype = "f64"; cType = "double"; }
  else if (t.isF16()) { dtype = "f16"; cType = "uint16_t"; }
  else if (t.isBF16()) { dtype = "bf16"; cType = "uint16_t"; }
  else if (t.isInteger(1)) { dtype = "i1"; cType = "uint8_t"; }
  else if (t.isInteger(8)) { dtype = "i8"; cType = "int8_t"; }
  else if (t.isInteger(16)) { dtype = "i16"; cType = "int16_t"; }
  else if (t.isInteger(32)) { dtype = "i32"; cType = "int32_t"; }
  else if (t.isInteger(64)) { dtype = "i64"; cType = "int64_t"; }
  else return false;
  return true;
}

LogicalResult describeTensor(func::FuncOp fn, Type type, std::string name,
                             TensorSignature &out, bool batchOnly) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return fn.emitError("'") << name << "' has type " << type
                             << "; only ranked tensors cross the C API";
  if (tensor.getRank() > 8)
    return fn.emitError("'") << name << "' has rank " << tensor.getRank()
                             << "; at most 8 is supported";
  if (!describeElement(tensor.getElementType(), out.dtype, out.cType))
    return fn.emitError("'") << name << "' has unsupported element type "
                             << tensor.getElementType();
  for (auto [i, d] : llvm::enumerate(tensor.getShape())) {
    if (batchOnly && ShapedType::isDynamic(d) && i != 0)
      return fn.emitError("'")
             << name << "' of type " << type
             << " has a dynamic dimension other than the leading batch "
                "dimension; only the batch may be dynamic";
    out.dims.push_back(ShapedType::isDynamic(d) ? -1 : d);
  }
  out.name = std::move(name);
  return success();
}

FailureOr<ModelSignature> getModelSignature(func::FuncOp entry,
                                            llvm::StringRef modelName,
                                            unsigned numParams) {
  if (!isCIdentifier(modelName))
    return entry.emitError("model name '")
           << modelName << "' is not a C identifier";
  ModelSignature sig;
  sig.name = modelName.str();
  sig.entry = entry.getSymName().str();
  auto nameOf = [&](DictionaryAttr attrs, std::string fallback) {
    if (attrs)
      if (auto n = attrs.getAs<StringAttr>("kiln.name"))
        if (isCIdentifier(n.getValue()))
          return n.getValue().str();
    return fallback;
  };
  FunctionType type = entry.getFunctionType();
  for (unsigned i = 0; i + numParams < type.getNumInputs(); ++i) {
    TensorSignature t;
    if (failed(describeTensor(entry, type.getInput(i),
                        nameOf(entry.getArgAttrDict(i), "input" + std::to_string(i)),
                        t, /*batchOnly=*/false)))
      return failure();
    sig.inputs.push_back(std::move(t));
  }
  // Dynamic sizes named by one symbol (kiln.dim_symbols) must agree at run
  // time: each later one is checked against the first.
  llvm::StringMap<std::pair<unsigned, unsigned>> firstOf;
  for (unsigned i = 0; i < sig.inputs.size(); ++i) {
    auto symbols = entry.getArgAttrOfType<ArrayAttr>(i, "kiln.dim_symbols");
    for (unsigned d = 0; symbols && d < symbols.size(); ++d) {
      auto symbol = dyn_cast<StringAttr>(symbols[d]);
      if (!symbol || symbol.getValue().empty() || d >= sig.inputs[i].dims.size() ||
          sig.inputs[i].dims[d] >= 0)
        continue;
      auto [it, inserted] = firstOf.try_emplace(symbol.getValue(), i, d);
      if (!inserted)
        sig.sameSizes.push_back({it->second.first, it->second.second, i, d,
                                 toCIdentifier(symbol.getValue(), 'd')});
    }
  }
  for (unsigned i = 0; i < type.getNumResults(); ++i) {
    TensorSignature t;
    if (failed(describeTensor(entry, type.getResult(i),
                        nameOf(entry.getResultAttrDict(i), "output" + std::to_string(i)),
                        t, /*batchOnly=*/false)))
      return failure();
    sig.outputs.push_back(std::move(t));
  }
  if (sig.outputs.empty())
    return entry.emitError("the entry function returns nothing");
  return sig;
}

std::string ModelSignature::description() const {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "kiln-model 1\n";
  auto emit = [&](const char *kind, const TensorSignature &t,
                  StringRef suffix = {}) {
    os << kind << ' ' << t.name << ' ' << t.dtype << ' ' << t.dims.size();
    for (int64_t d : t.dims)
      os << ' ' << d;
    if (!suffix.empty())
      os << ' ' << suffix;
    os << '\n';
  };
  for (const TensorSignature &t : inputs)
    emit("in", t);
  for (const TensorSignature &t : outputs)
    emit("out", t);
  for (const TensorSignature &t : params)
    emit("param", t);
  for (const TensorSignature &t : targets)
    emit("target", t);
  for (auto [i, t] : llvm::enumerate(metrics)) {
    std::string kind = i < metricKinds.size() ? metricKinds[i] : "mean";
    // A kind other than the mean follows the dimensions.
    emit("metric", t, kind == "mean" ? StringRef() : StringRef(kind));
  }
  for (const StateSignature &st : state) {
    const TensorSignature &t = st.tensor;
    os << "state " << t.name << ' ' << t.dtype << ' ' << t.dims.size();
    for (int64_t d : t.dims)
      os << ' ' << d;
    os << ' ' << st.role << ' ' << llvm::format("%.17g", st.fill) << ' '
       << (st.initial.empty() ? 0 : 1) << '\n';
  }
  for (const SameSize &same : sameSizes)
    os << "same " << same.input << ' ' << same.dim << ' ' << same.otherInput
       << ' ' << same.otherDim << ' ' << same.symbol << '\n';
  for (const EntrySignature &e : entries) {
    os << "call " << e.kind;
    for (const std::string &a : e.args)
      os << ' ' << a;
    os << " ->";
    for (const std::string &r : e.results)
      os << ' ' << r;
    os << '\n';
  }
  return s;
}

std::optional<ModelSignature> parseDescription(llvm::StringRef text) {
  SmallVector<StringRef> lines;
  text.split(lines, '\n', -1, false);
  if (lines.empty() || lines[0] != "kiln-model 1")
    return std::nullopt;
  ModelSignature sig;
  for (StringRef line : ArrayRef(lines).drop_front()) {
    SmallVector<StringRef> f;
    line.split(f, ' ', -1, false);
    if (f[0] == "call" || f[0] == "same")
      continue; // the entries and size checks are the runtime's business
    unsigned rank;
    if (f.size() < 4 || f[3].getAsInteger(10, rank) || f.size() < 4 + rank)
      return std::nullopt;
    TensorSignature t{f[1].str(), f[2].str(), "", {}};
    for (unsigned i = 0; i < rank; ++i) {
      int64_t d;
      if (f[4 + i].getAsInteger(10, d))
        return std::nullopt;
      t.dims.push_back(d);
    }
    size_t extra = f.size() - 4 - rank;
    if (f[0] == "state") {
      StateSignature st;
      st.tensor = std::move(t);
      if (extra != 3 || f[5 + rank].getAsDouble(st.fill))
        return std::nullopt;
      st.role = f[4 + rank].str();
      sig.state.push_back(std::move(st));
      continue;
    }
    if (f[0] == "metric" && extra <= 1) {
      sig.metricKinds.push_back(extra ? f[4 + rank].str() : "mean");
      sig.metrics.push_back(std::move(t));
      continue;
    }
    if (extra != 0)
      return std::nullopt;
    auto *list = f[0] == "in"       ? &sig.inputs
                 : f[0] == "out"    ? &sig.outputs
                 : f[0] == "param"  ? &sig.params
                 : f[0] == "target" ? &sig.targets
                 : f[0] == "metric" ? &sig.metrics
                                    : nullptr;
    if (!list)
      return std::nullopt;
    list->push_back(std::move(t));
  }
  return sig;
}

} // namespace kiln
