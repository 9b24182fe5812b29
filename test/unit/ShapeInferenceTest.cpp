//===- ShapeInferenceTest.cpp - unit tests of the shared shape rules ------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Each rule is tested on plain shapes, the way the frontends call it: the
// inferred shape for valid input, and the exact diagnostic for each way the
// input can be wrong.
//
//===----------------------------------------------------------------------===//

#include "dialects/kiln/IR/ShapeInference.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeRange.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace kiln;
using mlir::failed;
using mlir::succeeded;

namespace {

constexpr int64_t D = mlir::ShapedType::kDynamic;

/// Runs shape rules with a location and records the diagnostics they emit.
class ShapeRuleTest : public ::testing::Test {
protected:
  ShapeRuleTest()
      : loc(mlir::NameLoc::get(mlir::StringAttr::get(&ctx, "layer"))),
        handler(&ctx, [this](mlir::Diagnostic &diag) {
          messages.push_back(diag.str());
          return mlir::success();
        }) {}

  /// The single message emitted so far.
  std::string message() const {
    EXPECT_EQ(messages.size(), 1u);
    return messages.empty() ? "" : messages.back();
  }

  mlir::MLIRContext ctx;
  mlir::Location loc;
  mlir::ScopedDiagnosticHandler handler;
  std::vector<std::string> messages;
  DimVector out;
};

//===----------------------------------------------------------------------===//
// Broadcasting
//===----------------------------------------------------------------------===//

TEST_F(ShapeRuleTest, BroadcastRightAligns) {
  ASSERT_TRUE(succeeded(inferBroadcastShape(loc, {{4, 1, 3}, {5, 1}}, out)));
  EXPECT_EQ(out, (DimVector{4, 5, 3}));
}

TEST_F(ShapeRuleTest, BroadcastScalar) {
  ASSERT_TRUE(succeeded(inferBroadcastShape(loc, {{}, {2, 3}}, out)));
  EXPECT_EQ(out, (DimVector{2, 3}));
}

TEST_F(ShapeRuleTest, BroadcastDynamicMeetsStatic) {
  // A dynamic size against a static non-1 size takes the static size; against
  // 1 it stays dynamic.
  ASSERT_TRUE(succeeded(inferBroadcastShape(loc, {{D, 4}, {7, 1}}, out)));
  EXPECT_EQ(out, (DimVector{7, 4}));
  ASSERT_TRUE(succeeded(inferBroadcastShape(loc, {{D, 4}, {1, 4}}, out)));
  EXPECT_EQ(out, (DimVector{D, 4}));
  ASSERT_TRUE(succeeded(inferBroadcastShape(loc, {{D}, {D}}, out)));
  EXPECT_EQ(out, (DimVector{D}));
}

TEST_F(ShapeRuleTest, BroadcastThreeShapes) {
  ASSERT_TRUE(succeeded(inferBroadcastShape(loc, {{2, 1}, {1, 3}, {1}}, out)));
  EXPECT_EQ(out, (DimVector{2, 3}));
}

TEST_F(ShapeRuleTest, BroadcastMismatchIsReported) {
  EXPECT_TRUE(failed(inferBroadcastShape(loc, {{2, 3}, {4}}, out)));
  EXPECT_EQ(message(), "shapes [2, 3] and [4] are not broadcast-compatible: "
                       "dimension 3 vs 4");
}

TEST_F(ShapeRuleTest, NoLocationMeansNoDiagnostic) {
  EXPECT_TRUE(failed(inferBroadcastShape(std::nullopt, {{2}, {3}}, out)));
  EXPECT_TRUE(messages.empty());
}

//===----------------------------------------------------------------------===//
// Axes
//===----------------------------------------------------------------------===//

TEST_F(ShapeRuleTest, NormalizeAxis) {
  int64_t axis = 0;
  ASSERT_TRUE(succeeded(normalizeAxis(loc, -1, 4, axis)));
  EXPECT_EQ(axis, 3);
  ASSERT_TRUE(succeeded(normalizeAxis(loc, 2, 4, axis)));
  EXPECT_EQ(axis, 2);
  EXPECT_TRUE(failed(normalizeAxis(loc, -5, 4, axis)));
  EXPECT_EQ(message(), "axis -5 is out of range for rank 4 (expected [-4, 4))");
}

TEST_F(ShapeRuleTest, RepeatedAxes) {
  EXPECT_TRUE(failed(verifyAxes(loc, {1, 1}, 3)));
  EXPECT_EQ(message(), "axes [1, 1] repeat axis 1");
}

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

TEST_F(ShapeRuleTest, MatmulBatchBroadcasts) {
  ASSERT_TRUE(succeeded(inferMatmulShape(loc, {D, 1, 4, 8}, {3, 8, 5}, out)));
  EXPECT_EQ(out, (DimVector{D, 3, 4, 5}));
}

TEST_F(ShapeRuleTest, MatmulDynamicContraction) {
  ASSERT_TRUE(succeeded(inferMatmulShape(loc, {D, D}, {784, 10}, out)));
  EXPECT_EQ(out, (DimVector{D, 10}));
}

TEST_F(ShapeRuleTest, MatmulContractionMismatch) {
  EXPECT_TRUE(failed(inferMatmulShape(loc, {D, 64}, {128, 10}, out)));
  EXPECT_EQ(message(), "contracting dimensions differ: lhs [?, 64] has 64, "
                       "rhs [128, 10] has 128");
}

TEST_F(ShapeRuleTest, MatmulRank) {
  EXPECT_TRUE(failed(inferMatmulShape(loc, {4}, {4, 2}, out)));
  EXPECT_EQ(message(),
            "matmul operands must have rank 2 or more, got [4] and [4, 2]");
}

//===----------------------------------------------------------------------===//
// Windows
//===----------------------------------------------------------------------===//

using Pad = std::pair<int64_t, int64_t>;

TEST_F(ShapeRuleTest, SamePaddingMatchesKeras) {
  // TensorFlow puts the odd padding element at the end.
  EXPECT_EQ(samePadding(8, 3, 1, 1), Pad(1, 1));
  EXPECT_EQ(samePadding(8, 2, 2, 1), Pad(0, 0));
  EXPECT_EQ(samePadding(7, 3, 2, 1), Pad(1, 1));
  EXPECT_EQ(samePadding(8, 4, 1, 1), Pad(1, 2));
  EXPECT_EQ(samePadding(5, 3, 1, 2), Pad(2, 2));
}

TEST_F(ShapeRuleTest, ConvValidAndSame) {
  WindowParams p;
  ASSERT_TRUE(succeeded(getWindowParams(loc, 2, std::nullopt, std::nullopt,
                                        std::nullopt, p)));
  ASSERT_TRUE(succeeded(inferConvShape(loc, {D, 8, 8, 1}, {3, 3, 1, 16}, p, 1,
                                       out)));
  EXPECT_EQ(out, (DimVector{D, 6, 6, 16}));
  DimVector padding = {1, 1, 1, 1}, strides = {2, 2};
  ASSERT_TRUE(succeeded(getWindowParams(loc, 2, llvm::ArrayRef(strides),
                                        std::nullopt, llvm::ArrayRef(padding),
                                        p)));
  ASSERT_TRUE(succeeded(inferConvShape(loc, {D, 8, 8, 1}, {3, 3, 1, 16}, p, 1,
                                       out)));
  EXPECT_EQ(out, (DimVector{D, 4, 4, 16}));
}

TEST_F(ShapeRuleTest, ConvDilatedAndGrouped) {
  WindowParams p;
  DimVector dilations = {2};
  ASSERT_TRUE(succeeded(getWindowParams(loc, 1, std::nullopt,
                                        llvm::ArrayRef(dilations), std::nullopt,
                                        p)));
  // Depthwise: 8 input channels, 8 groups, filter in-channels 1.
  ASSERT_TRUE(succeeded(inferConvShape(loc, {2, 10, 8}, {3, 1, 16}, p, 8, out)));
  EXPECT_EQ(out, (DimVector{2, 6, 16}));
}

TEST_F(ShapeRuleTest, ConvChannelMismatch) {
  WindowParams p;
  ASSERT_TRUE(succeeded(getWindowParams(loc, 2, std::nullopt, std::nullopt,
                                        std::nullopt, p)));
  EXPECT_TRUE(failed(inferConvShape(loc, {1, 8, 8, 3}, {3, 3, 1, 16}, p, 1,
                                    out)));
  EXPECT_EQ(message(),
            "input has 3 channels but the filter expects 1 x 1 groups = 1");
}

TEST_F(ShapeRuleTest, ConvWindowTooLarge) {
  WindowParams p;
  ASSERT_TRUE(succeeded(getWindowParams(loc, 2, std::nullopt, std::nullopt,
                                        std::nullopt, p)));
  EXPECT_TRUE(failed(inferConvShape(loc, {1, 2, 8, 1}, {3, 3, 1, 4}, p, 1,
                                    out)));
  EXPECT_EQ(message(), "window of size 3 with dilation 1 does not fit spatial "
                       "dimension 0 of size 2 with padding (0, 0)");
}

TEST_F(ShapeRuleTest, WindowAttrCount) {
  DimVector strides = {1, 1, 1};
  WindowParams p;
  EXPECT_TRUE(failed(getWindowParams(loc, 2, llvm::ArrayRef(strides),
                                     std::nullopt, std::nullopt, p)));
  EXPECT_EQ(message(),
            "expected 2 strides values (one per spatial dimension), got 3");
}

TEST_F(ShapeRuleTest, ConvTransposeUpsamples) {
  DimVector strides = {2, 2}, padding = {0, 1, 0, 1}, outPad = {0, 0};
  WindowParams p;
  ASSERT_TRUE(succeeded(getWindowParams(loc, 2, llvm::ArrayRef(strides),
                                        std::nullopt, llvm::ArrayRef(padding),
                                        p)));
  ASSERT_TRUE(succeeded(inferConvTransposeShape(loc, {D, 4, 4, 8},
                                                {3, 3, 4, 8}, p, outPad, 1,
                                                out)));
  EXPECT_EQ(out, (DimVector{D, 8, 8, 4}));
}

TEST_F(ShapeRuleTest, PoolShapes) {
  DimVector strides = {2, 2};
  WindowParams p;
  ASSERT_TRUE(succeeded(getWindowParams(loc, 2, llvm::ArrayRef(strides),
                                        std::nullopt, std::nullopt, p)));
  ASSERT_TRUE(succeeded(inferPoolShape(loc, {D, 7, 7, 3}, {2, 2}, p, out)));
  EXPECT_EQ(out, (DimVector{D, 3, 3, 3}));
}

//===----------------------------------------------------------------------===//
// Reductions and data movement
//===----------------------------------------------------------------------===//

TEST_F(ShapeRuleTest, Reduce) {
  ASSERT_TRUE(succeeded(inferReduceShape(loc, {D, 4, 5}, {2, 1}, false, out)));
  EXPECT_EQ(out, (DimVector{D}));
  ASSERT_TRUE(succeeded(inferReduceShape(loc, {D, 4, 5}, {1}, true, out)));
  EXPECT_EQ(out, (DimVector{D, 1, 5}));
  EXPECT_TRUE(failed(inferReduceShape(loc, {D, 4}, {2}, false, out)));
  EXPECT_EQ(message(), "axes 2 is out of range for rank 2 (expected [0, 2))");
}

TEST_F(ShapeRuleTest, ReshapeInfersOneDimension) {
  ASSERT_TRUE(succeeded(inferReshapeShape(loc, {2, 3, 4}, {-1, 4}, out)));
  EXPECT_EQ(out, (DimVector{6, 4}));
  ASSERT_TRUE(succeeded(inferReshapeShape(loc, {D, 8, 8}, {-1, 64}, out)));
  EXPECT_EQ(out, (DimVector{D, 64}));
}

TEST_F(ShapeRuleTest, ReshapeCountMismatch) {
  EXPECT_TRUE(failed(inferReshapeShape(loc, {2, 3}, {4, 2}, out)));
  EXPECT_EQ(message(), "cannot reshape [2, 3] (6 elements) to [4, 2] (8 "
                       "elements)");
}

TEST_F(ShapeRuleTest, ReshapeTwoInferred) {
  EXPECT_TRUE(failed(inferReshapeShape(loc, {2, 3}, {-1, -1}, out)));
  EXPECT_EQ(message(), "shape [-1, -1] has more than one -1");
}

TEST_F(ShapeRuleTest, TransposeAndBadPermutation) {
  ASSERT_TRUE(succeeded(inferTransposeShape(loc, {D, 3, 5}, {2, 0, 1}, out)));
  EXPECT_EQ(out, (DimVector{5, D, 3}));
  EXPECT_TRUE(failed(inferTransposeShape(loc, {2, 3}, {0, 0}, out)));
  EXPECT_EQ(message(), "permutation [0, 0] repeat axis 0");
}

TEST_F(ShapeRuleTest, Concat) {
  ASSERT_TRUE(succeeded(inferConcatShape(loc, {{D, 4}, {D, 6}}, 1, out)));
  EXPECT_EQ(out, (DimVector{D, 10}));
  ASSERT_TRUE(succeeded(inferConcatShape(loc, {{D, 4}, {3, 4}}, 0, out)));
  EXPECT_EQ(out, (DimVector{D, 4}));
  EXPECT_TRUE(failed(inferConcatShape(loc, {{2, 4}, {3, 5}}, 0, out)));
  EXPECT_EQ(message(), "input 1 [3, 5] differs from input 0 [2, 4] in dimension 1 "
                       "(only the concatenation axis 0 may differ)");
}

TEST_F(ShapeRuleTest, SliceFollowsPython) {
  // x[1:-1], x[::3], x[-100:100], x[5:2]
  EXPECT_EQ(sliceLength(10, 1, -1, 1), 8);
  EXPECT_EQ(sliceLength(10, 0, 10, 3), 4);
  EXPECT_EQ(sliceLength(10, -100, 100, 1), 10);
  EXPECT_EQ(sliceLength(10, 5, 2, 1), 0);
  ASSERT_TRUE(succeeded(
      inferSliceShape(loc, {D, 10}, {1}, {1}, {-1}, {2}, out)));
  EXPECT_EQ(out, (DimVector{D, 4}));
}

TEST_F(ShapeRuleTest, PadReflectBound) {
  ASSERT_TRUE(succeeded(inferPadShape(loc, {D, 4}, {0, 1}, {0, 2}, false, out)));
  EXPECT_EQ(out, (DimVector{D, 7}));
  EXPECT_TRUE(failed(inferPadShape(loc, {2, 4}, {0, 4}, {0, 0}, true, out)));
  EXPECT_EQ(message(), "reflect padding (4, 0) must be smaller than dimension "
                       "1 of size 4");
}

TEST_F(ShapeRuleTest, GatherLikeNumpyTake) {
  ASSERT_TRUE(succeeded(inferGatherShape(loc, {1000, 64}, {D, 16}, 0, out)));
  EXPECT_EQ(out, (DimVector{D, 16, 64}));
  ASSERT_TRUE(succeeded(inferGatherShape(loc, {2, 5, 3}, {4}, 1, out)));
  EXPECT_EQ(out, (DimVector{2, 4, 3}));
}

TEST_F(ShapeRuleTest, BroadcastTo) {
  DimVector like = {D, 10};
  ASSERT_TRUE(succeeded(inferBroadcastToShape(loc, {10}, {-1, 10},
                                              llvm::ArrayRef(like), out)));
  EXPECT_EQ(out, (DimVector{D, 10}));
  ASSERT_TRUE(succeeded(
      inferBroadcastToShape(loc, {D, 1}, {-1, 10}, std::nullopt, out)));
  EXPECT_EQ(out, (DimVector{D, 10}));
  EXPECT_TRUE(failed(
      inferBroadcastToShape(loc, {3}, {2, 4}, std::nullopt, out)));
  EXPECT_EQ(message(), "cannot broadcast [3] to [2, 4]: dimension 3 vs 4");
}

//===----------------------------------------------------------------------===//
// Normalizations and losses
//===----------------------------------------------------------------------===//

TEST_F(ShapeRuleTest, BatchNormParams) {
  EXPECT_TRUE(succeeded(
      verifyBatchNormShapes(loc, {D, 8, 8, 16}, 3, {{16}, {16}}, {"a", "b"})));
  EXPECT_TRUE(failed(
      verifyBatchNormShapes(loc, {D, 16}, 1, {{16}, {8}}, {"scale", "offset"})));
  EXPECT_EQ(message(),
            "offset has 8 elements but the input has 16 features on axis 1");
}

TEST_F(ShapeRuleTest, LayerNormParams) {
  EXPECT_TRUE(succeeded(verifyLayerNormShapes(loc, {D, 4, 6}, {1, 2}, {4, 6},
                                              {4, 6})));
  EXPECT_TRUE(failed(verifyLayerNormShapes(loc, {D, 4, 6}, {2}, {4}, {6})));
  EXPECT_EQ(message(),
            "scale has shape [4] but the normalized dimensions are [6]");
}

TEST_F(ShapeRuleTest, CrossEntropyShapes) {
  ASSERT_TRUE(succeeded(
      inferSoftmaxCrossEntropyShape(loc, {D, 10}, {D, 10}, 1, out)));
  EXPECT_EQ(out, (DimVector{D}));
  ASSERT_TRUE(succeeded(
      inferSparseSoftmaxCrossEntropyShape(loc, {D, 5, 10}, {D, 5}, out)));
  EXPECT_EQ(out, (DimVector{D, 5}));
  EXPECT_TRUE(failed(
      inferSparseSoftmaxCrossEntropyShape(loc, {D, 10}, {D, 10}, out)));
  EXPECT_EQ(message(), "labels [?, 10] must have the logits' shape [?, 10] "
                       "without the class axis");
}

TEST(ShapeRefinement, IsRefinableTo) {
  mlir::MLIRContext ctx;
  auto f32 = mlir::Float32Type::get(&ctx);
  auto dyn = mlir::RankedTensorType::get({D, 4}, f32);
  auto stat = mlir::RankedTensorType::get({2, 4}, f32);
  auto other = mlir::RankedTensorType::get({2, 5}, f32);
  EXPECT_TRUE(isRefinableTo(mlir::TypeRange{dyn}, mlir::TypeRange{stat}));
  EXPECT_FALSE(isRefinableTo(mlir::TypeRange{stat}, mlir::TypeRange{dyn}));
  EXPECT_FALSE(isRefinableTo(mlir::TypeRange{stat}, mlir::TypeRange{other}));
}

} // namespace
