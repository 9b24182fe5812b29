//===- KerasLayersTest.cpp - MoreLayers.h layers, end to end --------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Builds small models with the recurrent, attention and convolution-variant
// layers, compiles them with Model::exportLibrary, runs the generated
// library through its C API, and compares with an independent float64
// reference: reference/keras_layers.py, which converts the layers' Keras
// weights to PyTorch modules and functional ops (or spells out the Keras
// formulas where PyTorch has no equivalent). Tests skip when python3 with
// torch is not available.
//
//===----------------------------------------------------------------------===//

#include "kiln/keras/MoreLayers.h"
#include "KerasTestSupport.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <fstream>
#include <random>
#include <sstream>

using namespace kiln;

namespace {

using kiln::test::run;

using Vec = std::vector<double>;

/// Relative L2 error allowed against the float64 reference. Recurrences
/// over 6-8 steps stay well inside it in float32.
constexpr double kTolerance = 1e-5;

//===----------------------------------------------------------------------===//
// Running a generated library (as in KerasApiTest.cpp)
//===----------------------------------------------------------------------===//

using kiln::test::randomInput;

/// Replaces every weight of `layer` with uniform values in [-scale, scale]
/// (fresh biases are zeros, which would hide bias mistakes).
void randomizeWeights(Layer &layer, unsigned seed, double scale = 0.5) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> d(-scale, scale);
  std::vector<std::vector<double>> values;
  for (const Weight &w : layer.weights()) {
    std::vector<double> v(w.size());
    for (double &x : v)
      x = d(rng);
    values.push_back(v);
  }
  layer.setWeights(values);
}

/// The relative L2 error of `got`, also printed (and recorded as a test
/// property) so that runs show how close each layer comes.
double relativeError(const std::vector<float> &got, const Vec &want) {
  if (got.size() != want.size())
    return INFINITY;
  double num = 0, den = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    num += (got[i] - want[i]) * (got[i] - want[i]);
    den += want[i] * want[i];
  }
  double err = std::sqrt(num / std::max(den, 1e-30));
  std::printf("  relative error %.3g over %zu values\n", err, want.size());
  ::testing::Test::RecordProperty("relative_error", std::to_string(err));
  return err;
}

//===----------------------------------------------------------------------===//
// The Python reference
//===----------------------------------------------------------------------===//

bool referenceAvailable() {
  static const bool available =
      std::system(KILN_TEST_PYTHON " -c 'import torch, numpy' >/dev/null 2>&1") ==
      0;
  return available;
}

#define REQUIRE_REFERENCE()                                                    \
  do {                                                                         \
    if (!referenceAvailable())                                                 \
      GTEST_SKIP() << KILN_TEST_PYTHON " with torch and numpy is needed";      \
  } while (0)

std::string jsonShape(const Shape &s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i)
    out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

std::string jsonShapes(const std::vector<Shape> &shapes) {
  std::string out = "[";
  for (size_t i = 0; i < shapes.size(); ++i)
    out += (i ? ", " : "") + jsonShape(shapes[i]);
  return out + "]";
}

void writeDoubles(const std::string &path, const Vec &v) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char *>(v.data()), v.size() * sizeof(double));
}

/// Runs the reference script on `inputs` (with their shapes, batch
/// included) and `layer`'s weights; `params` holds the JSON members that
/// describe the layer, `kind` first. Returns one vector per output.
std::vector<Vec> reference(const std::string &params,
                           const std::vector<std::vector<float>> &inputs,
                           const std::vector<Shape> &shapes, const Layer &layer,
                           size_t numOutputs = 1) {
  llvm::SmallString<128> dir;
  llvm::sys::fs::createUniqueDirectory("kiln-keras-ref", dir);
  std::string d(dir);
  std::vector<Shape> weightShapes;
  for (size_t i = 0; i < layer.weights().size(); ++i) {
    const Weight &w = layer.weights()[i];
    weightShapes.push_back(w.shape);
    writeDoubles(d + "/w" + std::to_string(i) + ".bin", w.values);
  }
  for (size_t i = 0; i < inputs.size(); ++i)
    writeDoubles(d + "/in" + std::to_string(i) + ".bin",
                 Vec(inputs[i].begin(), inputs[i].end()));
  {
    std::ofstream f(d + "/params.json");
    f << "{" << params << ", \"inputs\": " << jsonShapes(shapes)
      << ", \"weights\": " << jsonShapes(weightShapes) << "}\n";
  }
  std::string cmd = std::string(KILN_TEST_PYTHON " " KILN_REFERENCE_SCRIPT " ") +
                    d;
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::vector<Vec> outs;
  for (size_t i = 0; i < numOutputs; ++i) {
    std::string name =
        numOutputs == 1 ? "/out.bin" : "/out" + std::to_string(i) + ".bin";
    std::ifstream f(d + name, std::ios::binary | std::ios::ate);
    Vec v(f ? static_cast<size_t>(f.tellg()) / sizeof(double) : 0);
    f.seekg(0);
    f.read(reinterpret_cast<char *>(v.data()), v.size() * sizeof(double));
    outs.push_back(v);
  }
  llvm::sys::fs::remove_directories(dir);
  return outs;
}

/// Builds Input(shape) -> layer, randomizes the layer's weights, runs the
/// compiled model on a random batch and returns the relative error against
/// the reference.
double checkLayer(const std::shared_ptr<Layer> &layer, const Shape &inShape,
                  int64_t batch, const std::string &params, unsigned seed,
                  const std::function<void(std::vector<float> &)> &edit = {}) {
  Tensor x = Input(inShape);
  Model model(x, (*layer)(x));
  randomizeWeights(*layer, seed);
  Shape full = {batch};
  full.insert(full.end(), inShape.begin(), inShape.end());
  size_t n = 1;
  for (int64_t d : full)
    n *= d;
  std::vector<float> in = randomInput(n, seed + 1);
  if (edit)
    edit(in);
  auto got = run(model, batch, {in});
  Vec want = reference(params, {in}, {full}, *layer).front();
  EXPECT_FALSE(want.empty());
  return relativeError(got[0], want);
}

/// The JSON parameters of a recurrent layer.
std::string rnnParams(const layers::Recurrent &l, const std::string &kind =
                                                      "recurrent") {
  const RecurrentOptions &o = l.options();
  const char *cell = l.cell() == layers::Recurrent::Cell::LSTM  ? "LSTM"
                     : l.cell() == layers::Recurrent::Cell::GRU ? "GRU"
                                                                : "SimpleRNN";
  std::ostringstream s;
  s << "\"kind\": \"" << kind << "\", \"cell\": \"" << cell
    << "\", \"units\": " << l.units() << ", \"activation\": \""
    << o.activation.name << "\", \"recurrent_activation\": \""
    << o.recurrentActivation.name
    << "\", \"keras_major\": " << o.recurrentActivation.kerasMajor
    << ", \"use_bias\": " << (o.useBias ? "true" : "false")
    << ", \"return_sequences\": " << (o.returnSequences ? "true" : "false")
    << ", \"go_backwards\": " << (o.goBackwards ? "true" : "false")
    << ", \"reset_after\": " << (o.resetAfter ? "true" : "false");
  return s.str();
}

RecurrentOptions sequences(RecurrentOptions o = {}) {
  o.returnSequences = true;
  return o;
}

//===----------------------------------------------------------------------===//
// Recurrent layers
//===----------------------------------------------------------------------===//

TEST(KerasLayers, LSTMLastOutput) {
  REQUIRE_REFERENCE();
  auto lstm = LSTM(4);
  EXPECT_LT(checkLayer(lstm.get(), {6, 5}, 3, rnnParams(*lstm), 10),
            kTolerance);
  // Keras shapes: kernel (in, 4u), recurrent_kernel (u, 4u), bias (4u,).
  ASSERT_EQ(lstm->weights().size(), 3u);
  EXPECT_EQ(lstm->weights()[0].shape, (Shape{5, 16}));
  EXPECT_EQ(lstm->weights()[1].shape, (Shape{4, 16}));
  EXPECT_EQ(lstm->weights()[2].shape, (Shape{16}));
}

TEST(KerasLayers, LSTMSequences) {
  REQUIRE_REFERENCE();
  auto lstm = LSTM(4, sequences());
  EXPECT_LT(checkLayer(lstm.get(), {6, 5}, 2, rnnParams(*lstm), 11),
            kTolerance);
}

TEST(KerasLayers, LSTMGoBackwards) {
  REQUIRE_REFERENCE();
  RecurrentOptions o = sequences();
  o.goBackwards = true;
  auto lstm = LSTM(3, o);
  EXPECT_LT(checkLayer(lstm.get(), {7, 4}, 2, rnnParams(*lstm), 12),
            kTolerance);
}

TEST(KerasLayers, LSTMHardSigmoidKeras2) {
  REQUIRE_REFERENCE();
  RecurrentOptions o;
  o.recurrentActivation = "hard_sigmoid";
  o.recurrentActivation.kerasMajor = 2;
  auto lstm = LSTM(4, o);
  EXPECT_LT(checkLayer(lstm.get(), {6, 3}, 2, rnnParams(*lstm), 13),
            kTolerance);
}

TEST(KerasLayers, GRUResetAfter) {
  REQUIRE_REFERENCE();
  auto gru = GRU(5, sequences());
  EXPECT_LT(checkLayer(gru.get(), {6, 4}, 3, rnnParams(*gru), 14), kTolerance);
  EXPECT_EQ(gru->weights()[2].shape, (Shape{2, 15}));
}

TEST(KerasLayers, GRUResetBefore) {
  REQUIRE_REFERENCE();
  RecurrentOptions o;
  o.resetAfter = false;
  auto gru = GRU(5, o);
  EXPECT_LT(checkLayer(gru.get(), {6, 4}, 3, rnnParams(*gru), 15), kTolerance);
  EXPECT_EQ(gru->weights()[2].shape, (Shape{15}));
}

TEST(KerasLayers, GRUHardSigmoidKeras3) {
  REQUIRE_REFERENCE();
  RecurrentOptions o = sequences();
  o.recurrentActivation = "hard_sigmoid";
  o.goBackwards = true;
  auto gru = GRU(3, o);
  EXPECT_LT(checkLayer(gru.get(), {5, 4}, 2, rnnParams(*gru), 16), kTolerance);
}

TEST(KerasLayers, SimpleRNN) {
  REQUIRE_REFERENCE();
  auto rnn = SimpleRNN(6, sequences());
  EXPECT_LT(checkLayer(rnn.get(), {8, 3}, 2, rnnParams(*rnn), 17), kTolerance);
  auto last = SimpleRNN(4);
  EXPECT_LT(checkLayer(last.get(), {5, 3}, 1, rnnParams(*last), 18),
            kTolerance);
}

TEST(KerasLayers, BidirectionalLSTMConcat) {
  REQUIRE_REFERENCE();
  auto lstm = LSTM(4, sequences());
  auto bi = Bidirectional(lstm, "concat");
  std::string params =
      rnnParams(*lstm, "bidirectional") + ", \"merge_mode\": \"concat\"";
  EXPECT_LT(checkLayer(bi.get(), {6, 3}, 2, params, 19), kTolerance);
  // Forward then backward weights.
  ASSERT_EQ(bi->weights().size(), 6u);
  EXPECT_EQ(bi->weights()[0].name, "forward_kernel");
  EXPECT_EQ(bi->weights()[3].name, "backward_kernel");
  EXPECT_EQ(bi->countParams(), 2 * (3 * 16 + 4 * 16 + 16));
}

TEST(KerasLayers, BidirectionalGRUAverage) {
  REQUIRE_REFERENCE();
  auto gru = GRU(4);
  auto bi = Bidirectional(gru, "ave");
  std::string params =
      rnnParams(*gru, "bidirectional") + ", \"merge_mode\": \"ave\"";
  EXPECT_LT(checkLayer(bi.get(), {5, 3}, 3, params, 20), kTolerance);
}

/// Zeros some timesteps (mask value 0): row 0 is post-padded, row 1 has a
/// hole in the middle and at the start.
void maskSomeSteps(std::vector<float> &x, int64_t steps, int64_t features) {
  auto clear = [&](int64_t b, int64_t t) {
    for (int64_t f = 0; f < features; ++f)
      x[(b * steps + t) * features + f] = 0.f;
  };
  clear(0, steps - 1);
  clear(0, steps - 2);
  clear(1, 0);
  clear(1, 3);
}

TEST(KerasLayers, MaskingLSTM) {
  REQUIRE_REFERENCE();
  auto masking = Masking(0.0);
  auto lstm = LSTM(4, sequences());
  Tensor x = Input({6, 3});
  Model model(x, lstm(masking(x)));
  randomizeWeights(*lstm, 21);
  auto in = randomInput(3 * 6 * 3, 22);
  maskSomeSteps(in, 6, 3);
  auto got = run(model, 3, {in});
  Vec want = reference(rnnParams(*lstm) + ", \"mask_value\": 0.0", {in},
                       {{3, 6, 3}}, *lstm)
                 .front();
  EXPECT_LT(relativeError(got[0], want), kTolerance);
}

TEST(KerasLayers, MaskingStackedGRU) {
  REQUIRE_REFERENCE();
  // The mask reaches the second GRU through the first one's sequences;
  // checked against the first GRU alone and then the masked reference of
  // the second on its output.
  auto masking = Masking(0.0);
  RecurrentOptions o = sequences();
  o.goBackwards = true;
  auto gru1 = GRU(4, sequences()), gru2 = GRU(3, o);
  Tensor x = Input({6, 3});
  Tensor h = gru1(masking(x));
  Model model({x}, {h, gru2(h)});
  randomizeWeights(*gru1, 23);
  randomizeWeights(*gru2, 24);
  auto in = randomInput(2 * 6 * 3, 25);
  maskSomeSteps(in, 6, 3);
  auto got = run(model, 2, {in});
  Vec h1 = reference(rnnParams(*gru1) + ", \"mask_value\": 0.0", {in},
                     {{2, 6, 3}}, *gru1)
               .front();
  EXPECT_LT(relativeError(got[0], h1), kTolerance);
  // Masked steps of the first GRU's output repeat the previous output, so
  // recompute the mask from the input and pass it as a mask column.
  std::vector<float> h1f(h1.begin(), h1.end()), withMask;
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t t = 0; t < 6; ++t) {
      bool any = false;
      for (int64_t f = 0; f < 3; ++f)
        any |= in[(b * 6 + t) * 3 + f] != 0.f;
      for (int64_t f = 0; f < 4; ++f)
        withMask.push_back(any ? h1f[(b * 6 + t) * 4 + f] : 0.f);
    }
  Vec want = reference(rnnParams(*gru2) + ", \"mask_value\": 0.0", {withMask},
                       {{2, 6, 4}}, *gru2)
                 .front();
  EXPECT_LT(relativeError(got[1], want), kTolerance);
}

TEST(KerasLayers, MaskingBidirectionalLSTM) {
  REQUIRE_REFERENCE();
  auto masking = Masking(0.0);
  auto lstm = LSTM(3, sequences());
  auto bi = Bidirectional(lstm, "concat");
  Tensor x = Input({6, 4});
  Model model(x, bi(masking(x)));
  randomizeWeights(*bi, 26);
  auto in = randomInput(2 * 6 * 4, 27);
  maskSomeSteps(in, 6, 4);
  auto got = run(model, 2, {in});
  Vec want = reference(rnnParams(*lstm, "bidirectional") +
                           ", \"merge_mode\": \"concat\", \"mask_value\": 0.0",
                       {in}, {{2, 6, 4}}, *bi)
                 .front();
  EXPECT_LT(relativeError(got[0], want), kTolerance);
}

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

TEST(KerasLayers, MultiHeadSelfAttention) {
  REQUIRE_REFERENCE();
  auto mha = MultiHeadAttention(2, 3);
  Tensor x = Input({5, 8});
  Model model(x, mha({x, x}));
  randomizeWeights(*mha, 30);
  auto in = randomInput(3 * 5 * 8, 31);
  auto got = run(model, 3, {in});
  Vec want = reference("\"kind\": \"multi_head_attention\", \"key_dim\": 3, "
                       "\"use_bias\": true",
                       {in, in}, {{3, 5, 8}, {3, 5, 8}}, *mha)
                 .front();
  EXPECT_LT(relativeError(got[0], want), kTolerance);
  const auto &w = mha->weights();
  ASSERT_EQ(w.size(), 8u);
  EXPECT_EQ(w[0].shape, (Shape{8, 2, 3}));
  EXPECT_EQ(w[1].shape, (Shape{2, 3}));
  EXPECT_EQ(w[6].shape, (Shape{2, 3, 8}));
  EXPECT_EQ(w[7].shape, (Shape{8}));
}

TEST(KerasLayers, MultiHeadCrossAttentionWithKey) {
  REQUIRE_REFERENCE();
  layers::MultiHeadAttention::Options o;
  o.valueDim = 5;
  o.useBias = false;
  auto mha = MultiHeadAttention(3, 4, o);
  Tensor q = Input({4, 6}), v = Input({7, 3}), k = Input({7, 2});
  Model model({q, v, k}, {mha({q, v, k})});
  randomizeWeights(*mha, 32);
  auto qi = randomInput(2 * 4 * 6, 33), vi = randomInput(2 * 7 * 3, 34),
       ki = randomInput(2 * 7 * 2, 35);
  auto got = run(model, 2, {qi, vi, ki});
  Vec want = reference("\"kind\": \"multi_head_attention\", \"key_dim\": 4, "
                       "\"use_bias\": false",
                       {qi, vi, ki}, {{2, 4, 6}, {2, 7, 3}, {2, 7, 2}}, *mha)
                 .front();
  EXPECT_LT(relativeError(got[0], want), kTolerance);
  EXPECT_EQ(mha->weights().size(), 4u);
}

TEST(KerasLayers, MultiHeadAttentionOver2DPositions) {
  REQUIRE_REFERENCE();
  auto mha = MultiHeadAttention(2, 4);
  Tensor x = Input({3, 4, 6});
  Tensor y = mha({x, x});
  EXPECT_EQ(y.shape(), (Shape{-1, 3, 4, 6}));
  Model model(x, y);
  randomizeWeights(*mha, 36);
  auto in = randomInput(2 * 3 * 4 * 6, 37);
  auto got = run(model, 2, {in});
  Vec want = reference("\"kind\": \"multi_head_attention\", \"key_dim\": 4, "
                       "\"use_bias\": true",
                       {in, in}, {{2, 3, 4, 6}, {2, 3, 4, 6}}, *mha)
                 .front();
  EXPECT_LT(relativeError(got[0], want), kTolerance);
}

//===----------------------------------------------------------------------===//
// Convolution variants and upsampling
//===----------------------------------------------------------------------===//

std::string convParams(const char *kind, const std::vector<int64_t> &strides,
                       const std::vector<int64_t> &dilation,
                       const std::string &padding, bool useBias = true) {
  std::ostringstream s;
  s << "\"kind\": \"" << kind << "\", \"strides\": " << jsonShape(strides)
    << ", \"dilation\": " << jsonShape(dilation) << ", \"padding\": \""
    << padding << "\", \"use_bias\": " << (useBias ? "true" : "false");
  return s.str();
}

TEST(KerasLayers, DepthwiseConv2DMultiplier2) {
  REQUIRE_REFERENCE();
  DepthwiseConvOptions o;
  o.depthMultiplier = 2;
  o.padding = "same";
  auto dw = DepthwiseConv2D({3, 3}, o);
  EXPECT_LT(checkLayer(dw.get(), {6, 7, 3}, 2,
                       convParams("depthwise_conv", {1, 1}, {1, 1}, "same"),
                       40),
            kTolerance);
  EXPECT_EQ(dw->weights()[0].shape, (Shape{3, 3, 3, 2}));
  EXPECT_EQ(dw->weights()[1].shape, (Shape{6}));
}

TEST(KerasLayers, DepthwiseConv2DStridedDilated) {
  REQUIRE_REFERENCE();
  DepthwiseConvOptions o;
  o.depthMultiplier = 3;
  o.strides = {2, 1};
  o.padding = "same";
  auto dw = DepthwiseConv2D({3, 2}, o);
  EXPECT_LT(checkLayer(dw.get(), {7, 6, 2}, 2,
                       convParams("depthwise_conv", {2, 1}, {1, 1}, "same"),
                       41),
            kTolerance);
  DepthwiseConvOptions d;
  d.dilationRate = {2};
  auto dilated = DepthwiseConv2D({3, 3}, d);
  EXPECT_LT(checkLayer(dilated.get(), {8, 8, 2}, 1,
                       convParams("depthwise_conv", {1, 1}, {2, 2}, "valid"),
                       42),
            kTolerance);
}

TEST(KerasLayers, SeparableConv2D) {
  REQUIRE_REFERENCE();
  DepthwiseConvOptions o;
  o.depthMultiplier = 2;
  o.padding = "same";
  o.strides = {2};
  auto sep = SeparableConv2D(5, {3, 3}, o);
  EXPECT_LT(checkLayer(sep.get(), {7, 6, 3}, 2,
                       convParams("separable_conv", {2, 2}, {1, 1}, "same"),
                       43),
            kTolerance);
  const auto &w = sep->weights();
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].shape, (Shape{3, 3, 3, 2}));
  EXPECT_EQ(w[1].shape, (Shape{1, 1, 6, 5}));
  EXPECT_EQ(w[2].shape, (Shape{5}));
}

TEST(KerasLayers, Conv2DTransposeStride2Same) {
  REQUIRE_REFERENCE();
  ConvOptions o;
  o.strides = {2};
  o.padding = "same";
  auto ct = Conv2DTranspose(4, {3, 3}, {}, o);
  Tensor x = Input({5, 4, 3});
  EXPECT_EQ(ct(x).shape(), (Shape{-1, 10, 8, 4}));
  EXPECT_LT(checkLayer(ct.get(), {5, 4, 3}, 2,
                       convParams("conv_transpose", {2, 2}, {1, 1}, "same"),
                       44),
            kTolerance);
  EXPECT_EQ(ct->weights()[0].shape, (Shape{3, 3, 4, 3}));
}

TEST(KerasLayers, Conv2DTransposeStride2Valid) {
  REQUIRE_REFERENCE();
  ConvOptions o;
  o.strides = {2};
  auto ct = Conv2DTranspose(3, {3, 3}, {}, o);
  Tensor x = Input({4, 5, 2});
  EXPECT_EQ(ct(x).shape(), (Shape{-1, 9, 11, 3}));
  EXPECT_LT(checkLayer(ct.get(), {4, 5, 2}, 2,
                       convParams("conv_transpose", {2, 2}, {1, 1}, "valid"),
                       45),
            kTolerance);
}

TEST(KerasLayers, ConvTransposeKernelShorterThanStride) {
  REQUIRE_REFERENCE();
  // k_eff < stride: Keras still gives in * stride; the tail is bias only.
  ConvOptions o;
  o.strides = {3, 2};
  o.padding = "same";
  auto same = Conv2DTranspose(2, {2, 1}, {}, o);
  EXPECT_LT(checkLayer(same.get(), {3, 4, 2}, 2,
                       convParams("conv_transpose", {3, 2}, {1, 1}, "same"),
                       46),
            kTolerance);
  ConvOptions v;
  v.strides = {3};
  auto valid = Conv1DTranspose(3, 2, {}, v);
  EXPECT_LT(checkLayer(valid.get(), {5, 2}, 2,
                       convParams("conv_transpose", {3}, {1}, "valid"), 47),
            kTolerance);
  ConvOptions s4;
  s4.strides = {2};
  s4.padding = "same";
  auto odd = Conv1DTranspose(2, 4, {}, s4);
  EXPECT_LT(checkLayer(odd.get(), {5, 3}, 2,
                       convParams("conv_transpose", {2}, {1}, "same"), 48),
            kTolerance);
}

TEST(KerasLayers, UpSampling2D) {
  REQUIRE_REFERENCE();
  auto up = UpSampling2D({2, 3});
  EXPECT_LT(checkLayer(up.get(), {3, 4, 2}, 2,
                       "\"kind\": \"upsampling\", \"size\": [2, 3]", 50),
            1e-12);
  auto up1 = UpSampling1D(3);
  EXPECT_LT(checkLayer(up1.get(), {4, 2}, 2,
                       "\"kind\": \"upsampling\", \"size\": [3]", 51),
            1e-12);
}

TEST(KerasLayers, SummaryCountsWrappedWeights) {
  Sequential model({Input({6, 3}), Bidirectional(LSTM(4), "sum"), Dense(2)},
                   "bilstm");
  // Two LSTMs of 3*16 + 4*16 + 16 weights, then 4*2 + 2.
  EXPECT_EQ(model.countParams(), 2 * 128 + 10);
  std::string s = model.summary();
  EXPECT_NE(s.find("Bidirectional"), std::string::npos) << s;
  EXPECT_NE(s.find("(None, 4)"), std::string::npos) << s;
}

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

/// Expects `fn` to throw kiln::Error whose message contains `what`.
void expectError(const std::function<void()> &fn, const std::string &what) {
  try {
    fn();
    ADD_FAILURE() << "expected an error containing '" << what << "'";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
  }
}

TEST(KerasLayers, Errors) {
  expectError([] { LSTM(4)(Input({0, 3})); },
              "needs at least one timestep");
  expectError([] { GRU(4)(Input({3})); }, "expects an input of rank 3");
  expectError(
      [] {
        RecurrentOptions o;
        o.returnState = true;
        LSTM(4, o);
      },
      "return_state is not supported");
  expectError([] { Bidirectional(LSTM(2), "max"); }, "unknown merge_mode");
  expectError([] { UpSampling2D({2, 2}, "bilinear"); },
              "interpolation 'bilinear' is not supported");
  expectError([] { MultiHeadAttention(2, 4)(Input({5, 8})); },
              "expects [query, value] or [query, value, key]");
  expectError(
      [] {
        Tensor q = Input({5, 8}), v = Input({6, 8}), k = Input({7, 8});
        MultiHeadAttention(2, 4)({q, v, k});
      },
      "must have the same positions");
  expectError(
      [] {
        ConvOptions o;
        o.padding = "causal";
        Conv2DTranspose(2, {3, 3}, {}, o);
      },
      "unknown padding 'causal'");
}

} // namespace
