//===- Passes.td - Kiln conversion passes --------------------*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#ifndef KILN_CONVERSION_PASSES_TD
#define KILN_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertKilnToLinalgPass : Pass<"kiln-convert-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower kiln ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Every kiln op becomes linalg named ops where they exist (matmul,
    batch_matmul, convolutions, pooling), `linalg.generic` otherwise, plus
    `tensor` ops for data movement. Dynamic dimensions stay dynamic: result
    sizes are read with `tensor.dim` from the operands. Broadcasting follows
    the static shapes: a dimension of static size 1 broadcasts; a dynamic
    dimension is assumed to match the result.

    ```mlir
    // Before:
    %0 = kiln.add %x, %b : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
    // After:
    %d = tensor.dim %x, %c0 : tensor<?x4xf32>
    %e = tensor.empty(%d) : tensor<?x4xf32>
    %0 = linalg.generic {indexing_maps = [(d0, d1) -> (d0, d1), (d0, d1) -> (d1),
                                          (d0, d1) -> (d0, d1)], ...}
        ins(%x, %b : ...) outs(%e : ...) { arith.addf ... }
    ```

    Any kiln op left over is an error naming the op.
  }];
  let dependentDialects = [
    "mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect",
    "mlir::arith::ArithDialect", "mlir::math::MathDialect",
    "mlir::func::FuncDialect",
  ];
}

#endif // KILN_CONVERSION_PASSES_TD
