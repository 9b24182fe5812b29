//===- KilnToLinalg.cpp - the kiln -> linalg conversion pass --------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Applies the per-family patterns as a partial conversion with the kiln
// dialect illegal, so a kiln op without a lowering is reported by name.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/KilnToLinalg/KilnToLinalg.h"
#include "compiler/Conversion/Passes.h"
#include "dialects/kiln/IR/KilnOps.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

namespace kiln {
#define GEN_PASS_DEF_CONVERTKILNTOLINALGPASS
#include "compiler/Conversion/Passes.h.inc"

void populateKilnToLinalgConversionPatterns(TypeConverter &converter,
                                            RewritePatternSet &patterns) {
  populateElementwiseToLinalgPatterns(converter, patterns);
  populateContractionToLinalgPatterns(converter, patterns);
  populateReductionToLinalgPatterns(converter, patterns);
  populateNNToLinalgPatterns(converter, patterns);
  populateShapeToLinalgPatterns(converter, patterns);
}

namespace {
struct ConvertKilnToLinalgPass
    : impl::ConvertKilnToLinalgPassBase<ConvertKilnToLinalgPass> {
  using ConvertKilnToLinalgPassBase::ConvertKilnToLinalgPassBase;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    // kiln uses builtin tensors, so types map to themselves.
    TypeConverter converter;
    converter.addConversion([](Type type) { return type; });
    RewritePatternSet patterns(ctx);
    populateKilnToLinalgConversionPatterns(converter, patterns);

    ConversionTarget target(*ctx);
    target.addIllegalDialect<KilnDialect>();
    // The scan stays, with its body converted; kiln-convert-scan-to-scf
    // turns it into a loop next.
    target.addLegalOp<ScanOp, YieldOp>();
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                           arith::ArithDialect, math::MathDialect,
                           func::FuncDialect>();
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      return signalPassFailure();
    // The elementwise lowering has read the arguments' independent dynamic
    // sizes; later stages know no kiln attributes.
    getOperation().walk([](func::FuncOp fn) {
      for (unsigned i = 0; i < fn.getNumArguments(); ++i)
        fn.removeArgAttr(i, "kiln.dim_symbols");
    });
  }
};
} // namespace
} // namespace kiln
