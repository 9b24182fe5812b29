//===- DialectTest.cpp - building kiln IR from C++ as a frontend does -----===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Frontends build ops without result types and rely on inference; these
// tests check that the builders infer what the shape rules say, and that a
// bad model reports through the layer's location instead of asserting.
//
//===----------------------------------------------------------------------===//

#include "compiler/Registration/Registration.h"
#include "dialects/kiln/IR/KilnOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

namespace {

constexpr int64_t D = mlir::ShapedType::kDynamic;

class DialectTest : public ::testing::Test {
protected:
  DialectTest() : builder(&ctx) {
    ctx.loadDialect<kiln::KilnDialect, mlir::func::FuncDialect>();
    module = mlir::ModuleOp::create(builder.getUnknownLoc());
    builder.setInsertionPointToEnd(module->getBody());
  }

  /// A block argument of the given type, inside a fresh function.
  mlir::Value arg(llvm::ArrayRef<int64_t> shape) {
    if (!body) {
      auto fn = mlir::func::FuncOp::create(
          builder, builder.getUnknownLoc(), "f",
          builder.getFunctionType({}, {}));
      body = fn.addEntryBlock();
      builder.setInsertionPointToStart(body);
    }
    return body->addArgument(
        mlir::RankedTensorType::get(shape, builder.getF32Type()),
        builder.getUnknownLoc());
  }

  mlir::Location layer(llvm::StringRef name) {
    return mlir::NameLoc::get(builder.getStringAttr(name));
  }

  mlir::MLIRContext ctx;
  mlir::OpBuilder builder;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  mlir::Block *body = nullptr;
};

TEST_F(DialectTest, BuildersInferDenseLayer) {
  mlir::Value x = arg({D, 784}), w = arg({784, 128}), b = arg({128});
  auto mm = kiln::MatmulOp::create(builder, layer("dense"), x, w);
  auto add = kiln::AddOp::create(builder, layer("dense"), mm, b);
  auto relu = kiln::ReluOp::create(builder, layer("dense"), add);
  EXPECT_EQ(relu.getType().getShape(), (llvm::ArrayRef<int64_t>{D, 128}));
}

TEST_F(DialectTest, InferReturnTypesReportsAtLayerLocation) {
  mlir::Value x = arg({D, 64}), w = arg({128, 10});
  std::string seen;
  mlir::ScopedDiagnosticHandler handler(&ctx, [&](mlir::Diagnostic &diag) {
    llvm::raw_string_ostream os(seen);
    os << diag.getLocation() << ": " << diag.str();
    return mlir::success();
  });
  llvm::SmallVector<mlir::Type> types;
  kiln::MatmulOp::Adaptor adaptor({x, w});
  EXPECT_TRUE(mlir::failed(kiln::MatmulOp::inferReturnTypes(
      &ctx, layer("dense_2"), adaptor, types)));
  EXPECT_EQ(seen, "loc(\"dense_2\"): contracting dimensions differ: lhs [?, "
                  "64] has 64, rhs [128, 10] has 128");
}

TEST_F(DialectTest, ParsedModelVerifiesAndFolds) {
  const char *src = R"mlir(
    func.func @f(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
      %0 = kiln.dropout %x {rate = 0.5 : f64, training = false}
          : (tensor<?x4xf32>) -> tensor<?x4xf32>
      return %0 : tensor<?x4xf32>
    })mlir";
  auto parsed = mlir::parseSourceString<mlir::ModuleOp>(src, &ctx);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(mlir::succeeded(mlir::verify(*parsed)));
  auto fn = *parsed->getOps<mlir::func::FuncOp>().begin();
  auto dropout = *fn.getOps<kiln::DropoutOp>().begin();
  llvm::SmallVector<mlir::OpFoldResult> folded;
  ASSERT_TRUE(mlir::succeeded(dropout->fold(folded)));
  ASSERT_EQ(folded.size(), 1u);
  EXPECT_EQ(llvm::dyn_cast<mlir::Value>(folded[0]), fn.getArgument(0));
}

} // namespace
