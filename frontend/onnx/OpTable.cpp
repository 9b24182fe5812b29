//===- OpTable.cpp - the ONNX ops Kiln imports ----------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The importer's table: each op family (ops/<Family>.cpp) lists its rows
// (op, first and last opset, handler, note); this file joins them, in the
// order docs/onnx.md lists them. Adding an op touches only its family's
// file.
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/ops/Common.h"

using namespace mlir;

namespace kiln::onnx_detail {

static llvm::ArrayRef<OpEntry> (*const kFamilies[])() = {
    elementwiseOps, contractionOps, normalizationOps, shapeOps, generatorOps,
    movementOps,    resizeOps,      reductionOps,     nnOps,    lossOps,
};

const OpEntry *findOp(StringRef op, int64_t opset) {
  for (auto family : kFamilies)
    for (const OpEntry &e : family())
      if (op == e.op && (opset < 0 || (opset >= e.since && opset <= e.until)))
        return &e;
  return nullptr;
}

} // namespace kiln::onnx_detail

std::vector<kiln::OnnxOpSupport> kiln::supportedOnnxOps() {
  std::vector<OnnxOpSupport> out;
  for (auto family : onnx_detail::kFamilies)
    for (const onnx_detail::OpEntry &e : family())
      out.push_back({e.op, e.since, e.until, e.note});
  return out;
}
