//===- KilnBase.td - kiln dialect, base op class, type constraints -*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The `kiln` dialect: the high-level tensor IR that every Kiln frontend
// produces and every backend consumes. This file defines the dialect, the
// `Kiln_Op` base class and the element-type constraints shared by all ops.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_BASE_TD
#define KILN_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

def Kiln_Dialect : Dialect {
  let name = "kiln";
  let cppNamespace = "::kiln";
  let summary = "Neural-network ops on ranked tensors with value semantics";
  let description = [{
    The `kiln` dialect models neural networks as pure functions on ranked
    tensors. Every op has value semantics, explicit attributes (strides,
    padding, axes) and infers its result type from its operands through the
    shared shape rules in `ShapeInference.cpp`, the same functions the Keras
    frontend and the ONNX importer call, so that every path reports the same
    error for the same mistake.

    Conventions:

    * Layout is NHWC (channels last), as in Keras. Convolution filters are
      stored as Keras stores them: `[spatial..., in_channels / groups,
      out_channels]` (HWIO).
    * Any dimension may be dynamic (`?`); in practice it is the batch.
    * Axes are non-negative and less than the rank; frontends normalize
      negative Keras/ONNX axes with the shared `normalizeAxis` rule.
    * A result type may be less static than the inferred one (a `?` where
      the rule knows the size); the `kiln-infer-shapes` pass refines it.
  }];
  let hasConstantMaterializer = 1;
  let usePropertiesForAttributes = 1;
}

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

def Kiln_Float : AnyTypeOf<[F16, BF16, F32, F64], "floating-point">;
def Kiln_Int : AnyTypeOf<[I1, I8, I16, I32, I64], "signless integer">;
def Kiln_IndexInt : AnyTypeOf<[I32, I64], "32/64-bit signless integer">;
def Kiln_Numeric : AnyTypeOf<[Kiln_Float, I8, I16, I32, I64], "numeric">;
def Kiln_Any : AnyTypeOf<[Kiln_Float, Kiln_Int], "floating-point or integer">;

def Kiln_FloatTensor : RankedTensorOf<[Kiln_Float]>;
def Kiln_NumericTensor : RankedTensorOf<[Kiln_Numeric]>;
def Kiln_BoolTensor : RankedTensorOf<[I1]>;
def Kiln_IndexTensor : RankedTensorOf<[Kiln_IndexInt]>;
def Kiln_IntTensor : RankedTensorOf<[Kiln_Int]>;
def Kiln_AnyTensor : RankedTensorOf<[Kiln_Any]>;
def Kiln_I64ScalarTensor : 0DTensorOf<[I64]>;

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Kiln_CompareEQ : I32EnumAttrCase<"eq", 0>;
def Kiln_CompareNE : I32EnumAttrCase<"ne", 1>;
def Kiln_CompareLT : I32EnumAttrCase<"lt", 2>;
def Kiln_CompareLE : I32EnumAttrCase<"le", 3>;
def Kiln_CompareGT : I32EnumAttrCase<"gt", 4>;
def Kiln_CompareGE : I32EnumAttrCase<"ge", 5>;
def Kiln_CompareDirection : I32EnumAttr<"CompareDirection",
    "comparison direction",
    [Kiln_CompareEQ, Kiln_CompareNE, Kiln_CompareLT, Kiln_CompareLE,
     Kiln_CompareGT, Kiln_CompareGE]> {
  let cppNamespace = "::kiln";
}

def Kiln_PadConstant : I32EnumAttrCase<"constant", 0>;
def Kiln_PadReflect : I32EnumAttrCase<"reflect", 1>;
def Kiln_PadEdge : I32EnumAttrCase<"edge", 2>;
def Kiln_PadMode : I32EnumAttr<"PadMode", "padding mode",
    [Kiln_PadConstant, Kiln_PadReflect, Kiln_PadEdge]> {
  let cppNamespace = "::kiln";
}

//===----------------------------------------------------------------------===//
// Base op class
//===----------------------------------------------------------------------===//

/// Every kiln op is side-effect free and infers its result types through the
/// shared shape rules (`inferReturnTypes` in the op's C++ file).
class Kiln_Op<string mnemonic, list<Trait> traits = []>
    : Op<Kiln_Dialect, mnemonic, !listconcat([Pure], traits)>;

defvar Kiln_IsCompatibleReturnTypesDef = [{
  bool $cppClass::isCompatibleReturnTypes(::mlir::TypeRange inferred,
                                          ::mlir::TypeRange actual) {
    return ::kiln::isRefinableTo(actual, inferred);
  }
}];

/// An op whose result types come from the shape rules. The result type
/// written in the IR may be less static than the inferred one.
class Kiln_InferOp<string mnemonic, list<Trait> traits = []>
    : Kiln_Op<mnemonic, !listconcat(traits, [InferTypeOpAdaptorWithIsCompatible])> {
  let extraClassDefinition = Kiln_IsCompatibleReturnTypesDef;
}

/// An op whose single result's shape is one shape rule of
/// ShapeInference.h over its operands' shapes, with the first operand's
/// element type. `rule` is the call, in terms of `loc`, `adaptor` (the
/// attributes), `shapes` (each operand's shape, in order) and `result`; ODS
/// generates `inferReturnTypes` from it, so the op's C++ file holds no copy
/// of the shape-to-type glue. For example
/// `Kiln_RuleOp<"transpose", "inferTransposeShape(loc, shapes[0], adaptor.getPermutation(), result)">`.
class Kiln_RuleOp<string mnemonic, string rule, list<Trait> traits = []>
    : Kiln_InferOp<mnemonic, traits> {
  let extraClassDefinition = Kiln_IsCompatibleReturnTypesDef # [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *, std::optional<::mlir::Location> loc,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      return ::kiln::applyShapeRule(loc, adaptor.getOperands(), inferred,
          [&](::llvm::ArrayRef<::llvm::ArrayRef<int64_t>> shapes,
              ::kiln::DimVector &result) { return }] # rule # [{; });
    }
  }];
}

#endif // KILN_BASE_TD
