//===- Contraction.cpp - ONNX contraction ops ----------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Contractions: MatMul (batched, broadcasting) and Gemm.
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/ops/Common.h"

#include <cmath>
#include <numeric>

using namespace mlir;

namespace kiln::onnx_detail {
namespace {

LogicalResult matmul(NodeContext &c) {
  if (failed(needInputs(c, 2)))
    return failure();
  return done(c, c.make<MatmulOp>(c.in(0), c.in(1)));
}

LogicalResult gemm(NodeContext &c) {
  if (failed(needInputs(c, 2)))
    return failure();
  Value a = c.in(0), bm = c.in(1);
  if (c.typeOf(0).getRank() != 2 || c.typeOf(1).getRank() != 2)
    return c.fail("A and B must be matrices");
  V ta = c.attrInt("transA", 0) ? c.make<TransposeOp>(a, c.b.getDenseI64ArrayAttr({1, 0})) : V(a);
  V tb = c.attrInt("transB", 0) ? c.make<TransposeOp>(bm, c.b.getDenseI64ArrayAttr({1, 0})) : V(bm);
  if (failed(ta) || failed(tb))
    return failure();
  V y = c.make<MatmulOp>(*ta, *tb);
  double alpha = c.attrFloat("alpha", 1.0), beta = c.attrFloat("beta", 1.0);
  if (succeeded(y) && alpha != 1.0)
    y = c.make<MulOp>(*y, scalarLike(c, *y, alpha));
  if (succeeded(y) && c.has(2)) {
    V bias = c.in(2);
    if (beta != 1.0)
      bias = c.make<MulOp>(*bias, scalarLike(c, *bias, beta));
    if (failed(bias))
      return failure();
    y = c.make<AddOp>(*y, *bias);
  }
  return done(c, y);
}

} // namespace

ArrayRef<OpEntry> contractionOps() {
  static const OpEntry ops[] = {
    {"Gemm", 1, 17, gemm, "2-D A and B"},
    {"MatMul", 1, 17, matmul, ""},
  };
  return ops;
}

} // namespace kiln::onnx_detail
