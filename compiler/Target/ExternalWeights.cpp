//===- ExternalWeights.cpp - weights in a .safetensors file ---------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// `kiln compile --external-weights`: the model's large constants become
// entry-function arguments that the runtime fills from NAME.safetensors, so
// that one library serves any set of trained weights of the same shapes.
//
//===----------------------------------------------------------------------===//

#include "compiler/Target/ExternalWeights.h"
#include "dialects/kiln/IR/KilnOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace kiln {

namespace {

/// The first name in `loc` (a layer or node name), or "".
std::string locationName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations()) {
      std::string n = locationName(inner);
      if (!n.empty())
        return n;
    }
  return "";
}


} // namespace

std::optional<ArrayRef<char>> rawBytes(ElementsAttr value) {
  if (auto dense = dyn_cast<DenseElementsAttr>(value))
    if (!dense.isSplat() || dense.getNumElements() == 1)
      return dense.getRawData();
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
    if (AsmResourceBlob *blob = resource.getRawHandle().getBlob())
      return blob->getData();
  return std::nullopt;
}

FailureOr<std::vector<ExternalWeight>> externalizeWeights(func::FuncOp fn,
                                                          int64_t minElements) {
  std::vector<ExternalWeight> weights;
  llvm::StringSet<> used;
  SmallVector<ConstantOp> constants;
  fn.walk([&](ConstantOp op) { constants.push_back(op); });
  for (ConstantOp op : constants) {
    ElementsAttr value = op.getValue();
    auto type = cast<RankedTensorType>(op.getType());
    if (value.isSplat() || type.getNumElements() < minElements ||
        type.getElementType().isInteger(1))
      continue;
    std::optional<ArrayRef<char>> bytes = rawBytes(value);
    if (!bytes)
      continue;
    ExternalWeight w;
    // Element types outside the runtime's table (and i1) stay embedded.
    if (!describeElementType(type.getElementType(), w.tensor.dtype,
                             w.tensor.cType))
      continue;
    std::string base = toCIdentifier(locationName(op.getLoc()), 'w');
    if (base == "w")
      base = "weight";
    std::string name = base;
    for (int i = 1; used.contains(name); ++i)
      name = base + "_" + std::to_string(i);
    used.insert(name);
    w.tensor.name = name;
    for (int64_t d : type.getShape())
      w.tensor.dims.push_back(d);
    w.bytes.assign(bytes->begin(), bytes->end());
    BlockArgument arg = fn.front().addArgument(type, op.getLoc());
    op.getResult().replaceAllUsesWith(arg);
    op.erase();
    weights.push_back(std::move(w));
  }
  SmallVector<Type> inputs(fn.front().getArgumentTypes());
  fn.setType(FunctionType::get(fn.getContext(), inputs,
                               fn.getFunctionType().getResults()));
  return weights;
}

std::string serializeSafetensors(const std::vector<ExternalWeight> &weights) {
  std::string header;
  llvm::raw_string_ostream os(header);
  os << "{\"__metadata__\":{\"format\":\"kiln\"}";
  size_t offset = 0;
  for (const ExternalWeight &w : weights) {
    os << ",\"" << w.tensor.name << "\":{\"dtype\":\""
       << safetensorsDtype(w.tensor.dtype) << "\",\"shape\":[";
    llvm::interleave(w.tensor.dims, os, ",");
    os << "],\"data_offsets\":[" << offset << "," << offset + w.bytes.size()
       << "]}";
    offset += w.bytes.size();
  }
  os << "}";
  header.append((8 - header.size() % 8) % 8, ' ');
  std::string out;
  uint64_t len = header.size();
  for (int i = 0; i < 8; ++i)
    out.push_back(static_cast<char>(len >> (8 * i)));
  out += header;
  for (const ExternalWeight &w : weights)
    out.append(w.bytes.begin(), w.bytes.end());
  return out;
}

} // namespace kiln
