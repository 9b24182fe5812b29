//===- ModelSignature.cpp - what a generated library exposes --------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "compiler/Target/ModelSignature.h"

#include "kiln/dtype.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace kiln {

/// The name of dtype `d` in the runtime's table.
static const char *kiln_dtype_name_(kiln_dtype_t d) {
  switch (d) {
#define KILN_NAME_(id, name, ctype, size)                                      \
  case KILN_##id:                                                              \
    return name;
    KILN_DTYPES(KILN_NAME_)
#undef KILN_NAME_
  }
  return "";
}

bool describeElementType(Type t, std::string &dtype, std::string &cType) {
  // The runtime's table (kiln/dtype.h) names element types as MLIR prints
  // them: f32, bf16, i1, i64, ...
  std::string printed;
  llvm::raw_string_ostream os(printed);
  t.print(os);
#define KILN_LOOKUP_(id, name, ctype, size)                                    \
  if (printed == name) {                                                       \
    dtype = name;                                                              \
    cType = ctype;                                                             \
    return true;                                                               \
  }
  KILN_DTYPES(KILN_LOOKUP_)
#undef KILN_LOOKUP_
  return false;
}

const char *safetensorsDtype(llvm::StringRef dtype) {
#define KILN_LOOKUP_(id, safetensors, npy)                                     \
  if (dtype == kiln_dtype_name_(KILN_##id))                                     \
    return safetensors;
  KILN_DTYPE_FORMATS(KILN_LOOKUP_)
#undef KILN_LOOKUP_
  return nullptr;
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
  if (!describeElementType(tensor.getElementType(), out.dtype, out.cType))
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
  os << "kiln-model " << KILN_DESCRIPTION_VERSION << "\n";
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

} // namespace kiln
