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

def ConvertScanToSCFPass : Pass<"kiln-convert-scan-to-scf", "mlir::func::FuncOp"> {
  let summary = "Lower kiln.scan, whose body is already on tensors, to scf.for";
  let description = [{
    Runs after `kiln-convert-to-linalg`, which converts the scan's body and
    leaves the scan. Each scan becomes one `scf.for` over the sequence
    length whose iteration arguments are the carries and one buffer per
    stacked output: a step extracts its slice of every sequence, runs the
    body, and inserts each per-step output at its position (counted from
    the end for a reverse scan). The stacked buffers are allocated before
    the loop; a dynamic size of a per-step output is traced back through the
    body to a size of a carry (carries keep their shape), of a sequence
    slice, or of a value defined outside the scan, and a size that cannot
    be traced is an error naming the scan.

    ```mlir
    // Before:
    %h, %seq = kiln.scan (%h0) over (%xw) axis = 1 : ... {
    ^bb0(%hp: tensor<?x8xf32>, %x: tensor<?x8xf32>): ... kiln.yield %hn, %hn
    }
    // After:
    %e = tensor.empty(%b) : tensor<?x5x8xf32>
    %r:2 = scf.for %t = %c0 to %c5 step %c1 iter_args(%hp = %h0, %acc = %e) {
      %x = tensor.extract_slice %xw[0, %t, 0] [%b, 1, 8] [1, 1, 1]
          : tensor<?x5x8xf32> to tensor<?x8xf32>
      ...
      %acc2 = tensor.insert_slice %hn into %acc[0, %t, 0] [%b, 1, 8] [1, 1, 1]
      scf.yield %hn, %acc2
    }
    ```
  }];
  let dependentDialects = [
    "mlir::scf::SCFDialect", "mlir::tensor::TensorDialect",
    "mlir::arith::ArithDialect",
  ];
}

#endif // KILN_CONVERSION_PASSES_TD
