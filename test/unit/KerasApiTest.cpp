//===- KerasApiTest.cpp - the Keras C++ API, end to end -------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Builds models with the Keras-like API, compiles them in process with
// Model::exportLibrary, runs the generated library through its C API and
// compares with a naive C++ reference written here, apart from the
// compiler, from the layers' own weights.
//
//===----------------------------------------------------------------------===//

#include "kiln/keras/Layers.h"
#include "KerasTestSupport.h"

#include "dialects/kiln/IR/KilnOps.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <cmath>
#include <dlfcn.h>
#include <random>

using namespace kiln;

namespace {

using kiln::test::run;

using Vec = std::vector<double>;

//===----------------------------------------------------------------------===//
// Running a generated library
//===----------------------------------------------------------------------===//

using kiln::test::randomInput;

double relativeError(const std::vector<float> &got, const Vec &want) {
  double num = 0, den = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    num += (got[i] - want[i]) * (got[i] - want[i]);
    den += want[i] * want[i];
  }
  return std::sqrt(num / std::max(den, 1e-30));
}

//===----------------------------------------------------------------------===//
// Naive references (row-major, NHWC, HWIO)
//===----------------------------------------------------------------------===//

Vec dense(const Vec &x, int64_t rows, const Layer &l) {
  const Vec &k = l.weights()[0].values;
  int64_t in = l.weights()[0].shape[0], out = l.weights()[0].shape[1];
  Vec y(rows * out);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t o = 0; o < out; ++o) {
      double s = l.weights().size() > 1 ? l.weights()[1].values[o] : 0;
      for (int64_t i = 0; i < in; ++i)
        s += x[r * in + i] * k[i * out + o];
      y[r * out + o] = s;
    }
  return y;
}

Vec relu(Vec x) {
  for (double &v : x)
    v = std::max(v, 0.0);
  return x;
}

Vec softmaxRows(Vec x, int64_t cols) {
  for (size_t r = 0; r < x.size() / cols; ++r) {
    double m = -1e300, s = 0;
    for (int64_t c = 0; c < cols; ++c)
      m = std::max(m, x[r * cols + c]);
    for (int64_t c = 0; c < cols; ++c)
      s += (x[r * cols + c] = std::exp(x[r * cols + c] - m));
    for (int64_t c = 0; c < cols; ++c)
      x[r * cols + c] /= s;
  }
  return x;
}

/// 2-D convolution, stride 1, `pad` zeros on each side, NHWC / HWIO.
Vec conv2d(const Vec &x, int64_t n, int64_t h, int64_t w, int64_t c,
           const Layer &l, int64_t pad) {
  const Weight &k = l.weights()[0];
  int64_t kh = k.shape[0], kw = k.shape[1], f = k.shape[3];
  int64_t oh = h + 2 * pad - kh + 1, ow = w + 2 * pad - kw + 1;
  Vec y(n * oh * ow * f);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j)
        for (int64_t o = 0; o < f; ++o) {
          double s = l.weights()[1].values[o];
          for (int64_t di = 0; di < kh; ++di)
            for (int64_t dj = 0; dj < kw; ++dj) {
              int64_t ii = i + di - pad, jj = j + dj - pad;
              if (ii < 0 || jj < 0 || ii >= h || jj >= w)
                continue;
              for (int64_t ci = 0; ci < c; ++ci)
                s += x[((b * h + ii) * w + jj) * c + ci] *
                     k.values[((di * kw + dj) * c + ci) * f + o];
            }
          y[((b * oh + i) * ow + j) * f + o] = s;
        }
  return y;
}

Vec maxPool2(const Vec &x, int64_t n, int64_t h, int64_t w, int64_t c) {
  Vec y(n * (h / 2) * (w / 2) * c);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t i = 0; i < h / 2; ++i)
      for (int64_t j = 0; j < w / 2; ++j)
        for (int64_t ci = 0; ci < c; ++ci) {
          double m = -1e300;
          for (int64_t di = 0; di < 2; ++di)
            for (int64_t dj = 0; dj < 2; ++dj)
              m = std::max(m, x[((b * h + 2 * i + di) * w + 2 * j + dj) * c + ci]);
          y[((b * (h / 2) + i) * (w / 2) + j) * c + ci] = m;
        }
  return y;
}

Vec batchNorm(Vec x, int64_t c, const Layer &l, double eps) {
  const auto &w = l.weights();
  for (size_t i = 0; i < x.size(); ++i) {
    int64_t ch = i % c;
    x[i] = w[0].values[ch] * (x[i] - w[2].values[ch]) /
               std::sqrt(w[3].values[ch] + eps) +
           w[1].values[ch];
  }
  return x;
}

Vec toVec(const std::vector<float> &v) { return Vec(v.begin(), v.end()); }

/// Random, non-trivial batch-norm statistics (fresh ones are identity).
void perturbBatchNorm(Layer &l, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> d(0.5, 1.5);
  std::vector<std::vector<double>> v;
  for (const Weight &w : l.weights()) {
    std::vector<double> vals(w.size());
    for (double &x : vals)
      x = w.name == "moving_mean" || w.name == "beta" ? d(rng) - 1.0 : d(rng);
    v.push_back(vals);
  }
  l.setWeights(v);
}

//===----------------------------------------------------------------------===//
// Tests
//===----------------------------------------------------------------------===//

TEST(KerasApi, SequentialMLP) {
  auto d1 = Dense(16, "relu"), d2 = Dense(4, "softmax");
  Sequential model({Input({8}), d1, d2});
  for (int64_t batch : {1, 3, 64}) {
    auto x = randomInput(batch * 8, 1);
    auto y = run(model, batch, {x});
    Vec ref = softmaxRows(dense(relu(dense(toVec(x), batch, *d1)), batch, *d2), 4);
    EXPECT_LT(relativeError(y[0], ref), 1e-5) << "batch " << batch;
  }
  EXPECT_EQ(model.countParams(), 8 * 16 + 16 + 16 * 4 + 4);
}

ConvOptions samePadding() {
  ConvOptions o;
  o.padding = "same";
  return o;
}

TEST(KerasApi, SmallCNN) {
  auto conv = Conv2D(4, {3, 3}, "relu", samePadding());
  auto pool = MaxPooling2D();
  auto out = Dense(3);
  Tensor x = Input({6, 6, 2});
  Tensor y = out(Flatten()(pool(conv(x))));
  Model model(x, y, "cnn");
  auto in = randomInput(3 * 6 * 6 * 2, 2);
  auto got = run(model, 3, {in});
  Vec h = relu(conv2d(toVec(in), 3, 6, 6, 2, *conv, 1));
  Vec ref = dense(maxPool2(h, 3, 6, 6, 4), 3, *out);
  EXPECT_LT(relativeError(got[0], ref), 1e-5);
}

TEST(KerasApi, ResidualBlock) {
  Tensor x = Input({5, 5, 3});
  auto c1 = Conv2D(3, {3, 3}, {}, samePadding());
  auto bn = BatchNormalization();
  Tensor h = ActivationLayer("relu")(bn(c1(x)));
  Tensor y = ReLU()(Add()({x, h}));
  Model model(x, y, "resblock");
  perturbBatchNorm(*bn, 3);
  auto in = randomInput(2 * 5 * 5 * 3, 4);
  auto got = run(model, 2, {in});
  Vec hr = relu(batchNorm(conv2d(toVec(in), 2, 5, 5, 3, *c1, 1), 3, *bn, 1e-3));
  Vec ref(hr.size());
  for (size_t i = 0; i < ref.size(); ++i)
    ref[i] = std::max(0.0, in[i] + hr[i]);
  EXPECT_LT(relativeError(got[0], ref), 1e-5);
}

TEST(KerasApi, TwoInputsTwoOutputs) {
  Tensor a = Input({4}, DType::Float32, "a"), b = Input({6}, DType::Float32, "b");
  auto da = Dense(5), db = Dense(5);
  Tensor sum = Add()({da(a), db(b)});
  auto head1 = Dense(2, "softmax"), head2 = Dense(1);
  Tensor both = Concatenate()({sum, a});
  Model model({a, b}, {head1(sum), head2(both)}, "two_heads");
  auto xa = randomInput(3 * 4, 5), xb = randomInput(3 * 6, 6);
  auto got = run(model, 3, {xa, xb});
  Vec s = dense(toVec(xa), 3, *da), t = dense(toVec(xb), 3, *db);
  for (size_t i = 0; i < s.size(); ++i)
    s[i] += t[i];
  Vec cat;
  for (int r = 0; r < 3; ++r) {
    cat.insert(cat.end(), s.begin() + r * 5, s.begin() + r * 5 + 5);
    cat.insert(cat.end(), xa.begin() + r * 4, xa.begin() + r * 4 + 4);
  }
  EXPECT_LT(relativeError(got[0], softmaxRows(dense(s, 3, *head1), 2)), 1e-5);
  EXPECT_LT(relativeError(got[1], dense(cat, 3, *head2)), 1e-5);
}

/// A custom layer: y = tanh(x * scale) with a trainable per-feature scale.
class ScaledTanh : public Layer {
public:
  ScaledTanh() : Layer("ScaledTanh", "") {}
  void build(const std::vector<Shape> &in) override {
    addWeight("scale", {in[0].back()}, Initializer::constant(0.5));
  }
  std::vector<Shape> computeOutputShapes(const std::vector<Shape> &in) override {
    return in;
  }
  std::vector<mlir::Value> call(CallContext &ctx,
                                const std::vector<mlir::Value> &in) override {
    mlir::OpBuilder &b = ctx.builder();
    mlir::Value scaled = MulOp::create(b, ctx.loc(), in[0], ctx.weight(0));
    return {TanhOp::create(b, ctx.loc(), scaled)};
  }
};

TEST(KerasApi, CustomLayer) {
  auto custom = std::make_shared<ScaledTanh>();
  auto d = Dense(3);
  Sequential model({Input({4}), d, custom});
  auto x = randomInput(2 * 4, 7);
  auto got = run(model, 2, {x});
  Vec ref = dense(toVec(x), 2, *d);
  for (double &v : ref)
    v = std::tanh(v * 0.5);
  EXPECT_LT(relativeError(got[0], ref), 1e-5);
  EXPECT_EQ(custom->countParams(), 3);
}

TEST(KerasApi, SummaryTable) {
  Sequential model({Input({8}), Dense(16, "relu"), Dense(4)}, "mlp");
  std::string s = model.summary();
  EXPECT_NE(s.find("Model: \"mlp\""), std::string::npos) << s;
  EXPECT_NE(s.find("(None, 16)"), std::string::npos) << s;
  EXPECT_NE(s.find("144"), std::string::npos) << s;
  EXPECT_NE(s.find("Total params: 212 (848.00 B)"), std::string::npos) << s;
  EXPECT_NE(s.find("Trainable params: 212"), std::string::npos) << s;
}

TEST(KerasApi, ShapeMismatchNamesTheLayer) {
  Tensor x = Input({64});
  auto d = Dense(10);
  d(Input({128}));
  try {
    d(x);
    FAIL() << "expected an error";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("expected input with last dimension "
                                         "128, got 64"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("(Dense)"), std::string::npos);
  }
}

TEST(KerasApi, UnknownActivationIsAnError) {
  EXPECT_THROW(Dense(4, "relu7"), Error);
}

} // namespace

//===----------------------------------------------------------------------===//
// Training: compile, fit, evaluate, predict
//===----------------------------------------------------------------------===//

TEST(KerasApi, CompileFitEvaluatePredict) {
  // A separable problem made here: the class is the argmax of a fixed
  // random linear map of the features.
  std::mt19937 gen(7);
  std::normal_distribution<double> normal;
  const int64_t n = 512, features = 8, classes = 4;
  std::vector<double> map(features * classes);
  for (double &v : map)
    v = normal(gen);
  std::vector<float> x(n * features);
  std::vector<double> y(n);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t f = 0; f < features; ++f)
      x[i * features + f] = static_cast<float>(normal(gen));
    int best = 0;
    double bestScore = -1e300;
    for (int c = 0; c < classes; ++c) {
      double s = 0;
      for (int64_t f = 0; f < features; ++f)
        s += x[i * features + f] * map[f * classes + c];
      if (s > bestScore)
        bestScore = s, best = c;
    }
    y[i] = best;
  }
  auto d1 = Dense(32, "relu"), d2 = Dense(classes);
  Sequential model({Input({features}), d1, d2});
  EXPECT_THROW(model.fit(x, y), Error); // not compiled
  model.compile(Adam(0.01), "sparse_categorical_crossentropy", {"accuracy"},
                /*fromLogits=*/true);
  std::map<std::string, double> before = model.evaluate(x, y);
  FitOptions options;
  options.epochs = 30;
  options.verbose = 0;
  options.validation_split = 0.25;
  History history = model.fit(x, y, options);
  ASSERT_EQ(history["loss"].size(), 30u);
  ASSERT_EQ(history["val_accuracy"].size(), 30u);
  std::map<std::string, double> after = model.evaluate(x, y);
  EXPECT_LT(after["loss"], 0.5 * before["loss"]);
  EXPECT_GT(after["accuracy"], 0.9);
  EXPECT_GT(history["val_accuracy"].back(), 0.85);

  // The trained weights are the layers' weights: predict agrees with the
  // naive reference from them, and an exported library agrees too.
  std::vector<float> logits = model.predict(x);
  Vec ref = dense(relu(dense(Vec(x.begin(), x.end()), n, *d1)), n, *d2);
  EXPECT_LT(relativeError(logits, ref), 1e-5);
  auto exported = run(model, 16, {std::vector<float>(x.begin(), x.begin() + 16 * features)});
  EXPECT_LT(relativeError(exported[0], Vec(ref.begin(), ref.begin() + 16 * classes)), 1e-5);

  // Bad data is an error naming what is wrong.
  try {
    model.fit(x, std::vector<double>(n - 1, 0.0));
    FAIL() << "expected an error";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("y has 511 values, expected 512"),
              std::string::npos)
        << e.what();
  }
}

TEST(KerasApi, FitClassWeights) {
  // One SGD step over one batch with class 1 weighing 4 moves the weights
  // by the gradient of mean(w * binary cross-entropy), computed here by
  // hand; the epoch's loss is that weighted mean.
  std::mt19937 gen(3);
  std::normal_distribution<double> normal;
  const int64_t n = 40, features = 3;
  std::vector<float> x(n * features);
  std::vector<double> y(n);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t f = 0; f < features; ++f)
      x[i * features + f] = static_cast<float>(normal(gen));
    y[i] = x[i * features] + 0.5 * x[i * features + 1] > 0.3 ? 1.0 : 0.0;
  }
  auto out = Dense(1, "sigmoid");
  Sequential model({Input({features}), out});
  model.compile(SGD(0.5), "binary_crossentropy", {});
  Vec k = out->weights()[0].values, b = out->weights()[1].values;
  FitOptions options;
  options.epochs = 1;
  options.batch_size = n;
  options.shuffle = false;
  options.verbose = 0;
  options.class_weight = {{1, 4.0}};
  History history = model.fit(x, y, options);

  Vec gk(features, 0.0);
  double gb = 0.0, loss = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    double z = b[0];
    for (int64_t f = 0; f < features; ++f)
      z += x[i * features + f] * k[f];
    double p = 1.0 / (1.0 + std::exp(-z)), w = y[i] == 1.0 ? 4.0 : 1.0;
    loss += -w * (y[i] * std::log(p) + (1 - y[i]) * std::log(1 - p)) / n;
    double g = w * (p - y[i]) / n;
    for (int64_t f = 0; f < features; ++f)
      gk[f] += x[i * features + f] * g;
    gb += g;
  }
  for (int64_t f = 0; f < features; ++f)
    EXPECT_NEAR(out->weights()[0].values[f], k[f] - 0.5 * gk[f], 1e-5) << f;
  EXPECT_NEAR(out->weights()[1].values[0], b[0] - 0.5 * gb, 1e-5);
  ASSERT_EQ(history["loss"].size(), 1u);
  EXPECT_NEAR(history["loss"][0], loss, 1e-5 * loss);

  options.class_weight = {{-1, 2.0}};
  EXPECT_THROW(model.fit(x, y, options), Error);
}
