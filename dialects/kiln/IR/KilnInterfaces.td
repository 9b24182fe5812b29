//===- KilnInterfaces.td - kiln op interfaces --------------*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#ifndef KILN_INTERFACES_TD
#define KILN_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Kiln_DifferentiableOpInterface : OpInterface<"DifferentiableOpInterface"> {
  let cppNamespace = "::kiln";
  let description = [{
    An op that can build its vector-Jacobian product from kiln ops: given
    the cotangents of its results, the cotangents of its operands. The
    kiln-autodiff pass calls it on every op between the differentiated
    arguments and the results, in reverse order. The rules live in
    `dialects/kiln/IR/VJP/*.cpp`, one file per op family, attached to the
    ops as external models when the dialect loads.
  }];
  let methods = [
    InterfaceMethod<[{
        Builds, at the builder's insertion point, the cotangent of each
        operand from `resultCotangents` (one per result; a null value is a
        zero cotangent). Pushes one value per operand onto
        `operandCotangents`: null for an operand that is not
        differentiable (integer labels, indices, shapes-only operands).
        Each cotangent has its operand's type, up to dynamic dimensions.
        Fails, with a diagnostic, for a configuration the rule cannot
        differentiate.
      }], "::llvm::LogicalResult", "buildVJP",
      (ins "::mlir::OpBuilder &":$builder,
           "::llvm::ArrayRef<::mlir::Value>":$resultCotangents,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$operandCotangents)>,
  ];
}

#endif // KILN_INTERFACES_TD
