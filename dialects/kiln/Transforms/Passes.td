//===- Passes.td - kiln dialect passes -----------------------*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TRANSFORMS_PASSES_TD
#define KILN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def InferShapesPass : Pass<"kiln-infer-shapes", "mlir::func::FuncOp"> {
  let summary = "Refine result types with the shape rules and update signatures";
  let description = [{
    Walks each function in order and gives every kiln op the most static
    result type its shape rule can infer from its operands (a `?` becomes a
    size where the rule knows it). When the function's returned values get
    more static types, the function's result types follow. Run it after
    specializing a dynamic dimension, e.g. fixing the batch size:

    ```mlir
    // Before: the reshape result was written with a dynamic size.
    func.func @f(%x: tensor<4x8xf32>) -> tensor<?xf32> {
      %0 = kiln.reshape %x {shape = array<i64: -1>} : (tensor<4x8xf32>) -> tensor<?xf32>
      return %0 : tensor<?xf32>
    }
    // After --kiln-infer-shapes:
    func.func @f(%x: tensor<4x8xf32>) -> tensor<32xf32> {
      %0 = kiln.reshape %x {shape = array<i64: -1>} : (tensor<4x8xf32>) -> tensor<32xf32>
      return %0 : tensor<32xf32>
    }
    ```

    Ops of other dialects are left alone; when such an op uses a refined
    value, the pass inserts a `tensor.cast` back to the type it had, so the
    IR stays valid.
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect"];
  let options = [
    Option<"updateSignatures", "update-signatures", "bool", /*default=*/"true",
           "Refine the function's result types to the returned values' types">,
  ];
}

def AutodiffPass : Pass<"kiln-autodiff", "mlir::ModuleOp"> {
  let summary = "Build the vector-Jacobian product of a function";
  let description = [{
    For the function `function` (default: the module's only public
    function) adds `<function>_vjp`, which takes the function's arguments
    and then one cotangent per floating-point result, and returns the
    function's results and then one cotangent per floating-point argument
    (integer arguments such as labels get none). The backward code is built
    from kiln ops by each op's `DifferentiableOpInterface`, in reverse
    order, summing the cotangents of values used more than once; it is
    ordinary kiln IR and goes through the same pipeline as inference. An op
    on the path from an argument to a result that has no VJP rule is an
    error naming the op.

    ```mlir
    func.func @f(%x: tensor<3xf32>) -> tensor<3xf32> {
      %y = kiln.tanh %x : tensor<3xf32>
      return %y : tensor<3xf32>
    }
    // After --kiln-autodiff, besides @f:
    func.func @f_vjp(%x: tensor<3xf32>, %dy: tensor<3xf32>)
        -> (tensor<3xf32>, tensor<3xf32>) {
      %y = kiln.tanh %x : tensor<3xf32>
      // dx = dy * (1 - y * y)
      ...
      return %y, %dx : tensor<3xf32>, tensor<3xf32>
    }
    ```
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect"];
  let options = [
    Option<"function", "function", "std::string", /*default=*/"\"\"",
           "The function to differentiate (default: the only public one)">,
  ];
}

#endif // KILN_TRANSFORMS_PASSES_TD
