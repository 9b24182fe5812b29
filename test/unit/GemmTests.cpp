//===- GemmTests.cpp - the runtime's matrix-multiply engine ---------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// kiln_gemm and the convolution entry points against naive double-precision
// loops written here, for every kernel set this CPU runs (AVX-512, AVX2,
// portable C), over edge sizes (tails of every tile, the row-kernel path,
// several KC blocks), transposed operands, strided outputs, both
// accumulate modes, and epilogues (bias, residual, clamp).
//
//===----------------------------------------------------------------------===//

extern "C" {
#include "ukernel/gemm.h"
// Operands, window, flags, then the epilogue: two addends with their
// layout words over the output's dimensions, lo and hi (ukernel/entry.c).
void kiln_uk_conv2d_nhwc_hwcf_f32(int64_t, void *, int64_t, void *, int64_t,
                                  void *, int64_t, int64_t, int64_t, int64_t,
                                  int64_t, int64_t, int64_t, int64_t, void *,
                                  int64_t, void *, int64_t, int64_t, float,
                                  float);
void kiln_uk_depthwise_conv2d_nhwc_hwcm_f32(int64_t, void *, int64_t, void *,
                                            int64_t, void *, int64_t, int64_t,
                                            int64_t, int64_t, int64_t, int64_t,
                                            int64_t, int64_t, void *, int64_t,
                                            void *, int64_t, int64_t, float,
                                            float);
}

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

std::vector<float> randomValues(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(gen);
  return v;
}

struct Case {
  int64_t m, n, k;
  bool transA, transB;
  int64_t colStrideC; // 1, or 2 (every other column)
  bool accumulate;
};

class GemmTest : public ::testing::TestWithParam<const char *> {};

TEST_P(GemmTest, MatchesNaiveProduct) {
  const kiln_gemm_isa_t *isa = kiln_gemm_isa_named(GetParam());
  if (!isa)
    GTEST_SKIP() << GetParam() << " is not supported on this CPU";
  const Case cases[] = {
      {1, 1, 1, false, false, 1, false},   {1, 10, 784, false, false, 1, false},
      {3, 70, 33, false, false, 1, true},  {4, 129, 5, false, false, 1, false},
      {8, 32, 256, false, false, 1, false}, {9, 33, 257, false, false, 1, true},
      {64, 512, 784, false, false, 1, false}, {100, 37, 300, true, false, 1, false},
      {61, 45, 530, false, true, 1, true}, {17, 23, 40, true, true, 2, false},
      {200, 600, 520, false, false, 1, false}, {2, 5, 3, false, false, 2, true},
  };
  unsigned seed = 1;
  for (const Case &c : cases) {
    SCOPED_TRACE(::testing::Message() << c.m << "x" << c.n << "x" << c.k
                                      << " transA " << c.transA << " transB "
                                      << c.transB << " csC " << c.colStrideC
                                      << " acc " << c.accumulate);
    std::vector<float> a = randomValues(c.m * c.k, seed++);
    std::vector<float> b = randomValues(c.k * c.n, seed++);
    int64_t ldc = c.n * c.colStrideC + 3;
    std::vector<float> out = randomValues(c.m * ldc, seed++);
    std::vector<float> before = out;
    kiln_gemm_t g = {};
    g.m = c.m, g.n = c.n, g.k = c.k;
    g.a.data = a.data();
    g.a.rowStride = c.transA ? 1 : c.k;
    g.a.colStride = c.transA ? c.m : 1;
    g.b = b.data();
    g.rowStrideB = c.transB ? 1 : c.n;
    g.colStrideB = c.transB ? c.k : 1;
    g.c = out.data();
    g.rowStrideC = ldc;
    g.colStrideC = c.colStrideC;
    g.accumulate = c.accumulate;
    kiln_gemm_with(&g, isa);
    for (int64_t i = 0; i < c.m; ++i)
      for (int64_t j = 0; j < ldc; ++j) {
        int64_t at = i * ldc + j;
        if (j % c.colStrideC != 0 || j / c.colStrideC >= c.n) {
          ASSERT_EQ(out[at], before[at]) << "wrote outside C at " << i << ","
                                         << j;
          continue;
        }
        int64_t col = j / c.colStrideC;
        double sum = c.accumulate ? before[at] : 0.0, scale = 1.0;
        for (int64_t p = 0; p < c.k; ++p) {
          double x = a[i * g.a.rowStride + p * g.a.colStride];
          double y = b[p * g.rowStrideB + col * g.colStrideB];
          sum += x * y;
          scale += std::fabs(x * y);
        }
        ASSERT_NEAR(out[at], sum, 1e-5 * scale) << "at " << i << "," << col;
      }
  }
}

// The epilogue c = clamp(sum + bias + residual, lo, hi) on every path: the
// in-register AVX-512 store (unit strides), edge tiles, several KC blocks,
// the row kernel (few rows), a strided C (the tile pass after the store),
// and a per-row bias (column stride 0).
TEST_P(GemmTest, AppliesEpilogue) {
  const kiln_gemm_isa_t *isa = kiln_gemm_isa_named(GetParam());
  if (!isa)
    GTEST_SKIP() << GetParam() << " is not supported on this CPU";
  struct EpiCase {
    int64_t m, n, k, colStrideC;
    bool perRowBias, accumulate;
  } cases[] = {
      {64, 96, 72, 1, false, false}, {37, 45, 600, 1, false, true},
      {3, 70, 50, 1, false, false},  {29, 33, 20, 2, false, false},
      {17, 40, 9, 1, true, true},
  };
  unsigned seed = 300;
  for (const EpiCase &c : cases) {
    SCOPED_TRACE(::testing::Message() << c.m << "x" << c.n << "x" << c.k
                                      << " csC " << c.colStrideC << " rowBias "
                                      << c.perRowBias);
    std::vector<float> a = randomValues(c.m * c.k, seed++);
    std::vector<float> b = randomValues(c.k * c.n, seed++);
    std::vector<float> bias = randomValues(c.perRowBias ? c.m : c.n, seed++);
    int64_t ldr = c.n + 7;
    std::vector<float> res = randomValues(c.m * ldr, seed++);
    int64_t ldc = c.n * c.colStrideC + 3;
    std::vector<float> out = randomValues(c.m * ldc, seed++);
    std::vector<float> before = out;
    kiln_gemm_t g = {};
    g.m = c.m, g.n = c.n, g.k = c.k;
    g.a.data = a.data();
    g.a.rowStride = c.k;
    g.a.colStride = 1;
    g.b = b.data();
    g.rowStrideB = c.n;
    g.colStrideB = 1;
    g.c = out.data();
    g.rowStrideC = ldc;
    g.colStrideC = c.colStrideC;
    g.accumulate = c.accumulate;
    g.epilogue.count = 2;
    g.epilogue.clamp = 1;
    g.epilogue.lo = -0.75f;
    g.epilogue.hi = 1.25f;
    g.epilogue.add[0] = bias.data();
    g.epilogue.rowStride[0] = c.perRowBias ? 1 : 0;
    g.epilogue.colStride[0] = c.perRowBias ? 0 : 1;
    g.epilogue.add[1] = res.data();
    g.epilogue.rowStride[1] = ldr;
    g.epilogue.colStride[1] = 1;
    kiln_gemm_with(&g, isa);
    for (int64_t i = 0; i < c.m; ++i)
      for (int64_t j = 0; j < c.n; ++j) {
        int64_t at = i * ldc + j * c.colStrideC;
        double sum = c.accumulate ? before[at] : 0.0, scale = 1.0;
        for (int64_t p = 0; p < c.k; ++p) {
          double x = a[i * c.k + p], y = b[p * c.n + j];
          sum += x * y;
          scale += std::fabs(x * y);
        }
        sum += bias[c.perRowBias ? i : j] + res[i * ldr + j];
        sum = std::min(std::max(sum, -0.75), 1.25);
        ASSERT_NEAR(out[at], sum, 1e-5 * scale) << "at " << i << "," << j;
      }
  }
}

// A constant B is packed once and kept: products with new A (and a
// transposed B, a second key) reuse it and stay exact.
TEST_P(GemmTest, ConstantBPackedOnce) {
  const kiln_gemm_isa_t *isa = kiln_gemm_isa_named(GetParam());
  if (!isa)
    GTEST_SKIP() << GetParam() << " is not supported on this CPU";
  const int64_t m = 70, n = 100, k = 1100; // two reduction blocks
  std::vector<float> b = randomValues(k * n, 7);
  for (int round = 0; round < 3; ++round)
    for (bool transB : {false, true}) {
      SCOPED_TRACE(::testing::Message() << "round " << round << " transB "
                                        << transB);
      std::vector<float> a = randomValues(m * k, 100 + round);
      std::vector<float> c(m * n, 0.0f);
      kiln_gemm_t g = {};
      g.m = m, g.n = n, g.k = k;
      g.a.data = a.data(), g.a.rowStride = k, g.a.colStride = 1;
      g.b = b.data();
      g.rowStrideB = transB ? 1 : n;
      g.colStrideB = transB ? k : 1;
      g.c = c.data(), g.rowStrideC = n, g.colStrideC = 1;
      g.constantB = 1;
      kiln_gemm_with(&g, isa);
      for (int64_t i = 0; i < m; i += 7)
        for (int64_t j = 0; j < n; ++j) {
          double sum = 0, scale = 1;
          for (int64_t p = 0; p < k; ++p) {
            double x = a[i * k + p] * (double)b[p * g.rowStrideB + j * g.colStrideB];
            sum += x;
            scale += std::fabs(x);
          }
          ASSERT_NEAR(c[i * n + j], sum, 1e-5 * scale) << "at " << i << "," << j;
        }
    }
}

// Products from short-lived threads (their packing buffers are freed at
// thread exit) give the same results as from the main thread.
TEST(GemmThreadsTest, ShortLivedThreads) {
  const int64_t m = 40, n = 70, k = 600;
  std::vector<float> a = randomValues(m * k, 11), b = randomValues(k * n, 12);
  auto product = [&](std::vector<float> &c) {
    kiln_gemm_t g = {};
    g.m = m, g.n = n, g.k = k;
    g.a.data = a.data(), g.a.rowStride = k, g.a.colStride = 1;
    g.b = b.data(), g.rowStrideB = n, g.colStrideB = 1;
    g.c = c.data(), g.rowStrideC = n, g.colStrideC = 1;
    kiln_gemm(&g);
  };
  std::vector<float> reference(m * n);
  product(reference);
  for (int t = 0; t < 8; ++t) {
    std::vector<float> c(m * n, -1.0f);
    std::thread worker([&] { product(c); });
    worker.join();
    ASSERT_EQ(c, reference) << "thread " << t;
  }
}

INSTANTIATE_TEST_SUITE_P(Kernels, GemmTest,
                         ::testing::Values("avx512", "avx2", "generic"),
                         [](const auto &info) {
                           return std::string(info.param);
                         });

// A ranked memref descriptor of rank 4 as generated code passes it.
struct Memref4 {
  void *allocated;
  float *aligned;
  int64_t offset, sizes[4], strides[4];
};

// A rank-1 descriptor (a bias vector).
struct Memref1 {
  void *allocated;
  float *aligned;
  int64_t offset, size, stride;
};

Memref4 contiguous(std::vector<float> &data, std::array<int64_t, 4> sizes) {
  Memref4 m{data.data(), data.data(), 0, {}, {}};
  int64_t stride = 1;
  for (int d = 3; d >= 0; --d) {
    m.sizes[d] = sizes[d];
    m.strides[d] = stride;
    stride *= sizes[d];
  }
  return m;
}

TEST(UKernelConvTest, MatchesNaiveConvolution) {
  struct ConvCase {
    int64_t n, h, w, c, kh, kw, f, sh, sw, dh, dw;
    bool stridedOut, accumulate;
    int64_t pt = 0, pb = 0, pl = 0, pr = 0; // implicit zero padding
  } cases[] = {
      {1, 8, 8, 3, 3, 3, 16, 1, 1, 1, 1, false, false},
      {2, 9, 7, 5, 3, 2, 33, 2, 1, 1, 2, false, true},
      {1, 6, 6, 64, 1, 1, 40, 1, 1, 1, 1, true, false},
      {1, 6, 6, 64, 1, 1, 40, 1, 1, 1, 1, false, false}, // 1x1: a matrix
      {2, 5, 7, 24, 1, 1, 16, 1, 1, 1, 1, false, true},
      {1, 1, 3, 20, 1, 1, 70, 1, 1, 1, 1, false, false}, // 3 pixels: rows
      {3, 11, 10, 7, 3, 3, 9, 2, 2, 2, 1, true, true},
      {1, 8, 8, 16, 3, 3, 32, 1, 1, 1, 1, false, false, 1, 1, 1, 1},
      {2, 7, 9, 5, 3, 3, 20, 2, 2, 1, 1, true, true, 0, 1, 0, 1},
      {1, 10, 6, 3, 7, 7, 8, 2, 2, 1, 1, false, false, 3, 3, 3, 3},
      // Kernel rows of at least 96 floats: A rows read in place where a
      // panel lies in one output row clear of the padding.
      {1, 12, 20, 32, 3, 3, 40, 1, 1, 1, 1, false, false, 1, 1, 1, 1},
      {2, 9, 17, 64, 3, 3, 24, 2, 1, 1, 1, true, true, 0, 1, 1, 0},
      {1, 5, 12, 256, 3, 3, 16, 1, 1, 1, 1, false, false, 1, 1, 1, 1},
      // At most 24 taps and whole 16-filter blocks: the direct path.
      {3, 14, 13, 1, 3, 3, 32, 1, 1, 1, 1, false, false, 1, 1, 1, 1},
      {2, 11, 9, 2, 3, 3, 16, 2, 2, 2, 1, true, true, 0, 2, 1, 0},
      {1, 9, 8, 3, 5, 1, 48, 1, 2, 1, 1, false, true, 2, 2, 0, 1},
  };
  unsigned seed = 100;
  for (int withEpilogue = 0; withEpilogue < 2; ++withEpilogue)
  for (const ConvCase &c : cases) {
    SCOPED_TRACE(::testing::Message() << "conv " << c.h << "x" << c.w << "x"
                                      << c.c << " k" << c.kh << "x" << c.kw
                                      << " f" << c.f << " s" << c.sh << c.sw
                                      << " d" << c.dh << c.dw
                                      << " epilogue " << withEpilogue);
    int64_t oh = (c.h + c.pt + c.pb - (c.kh - 1) * c.dh - 1) / c.sh + 1;
    int64_t ow = (c.w + c.pl + c.pr - (c.kw - 1) * c.dw - 1) / c.sw + 1;
    std::vector<float> in = randomValues(c.n * c.h * c.w * c.c, seed++);
    std::vector<float> filter = randomValues(c.kh * c.kw * c.c * c.f, seed++);
    // The epilogue: a bias per filter (output dimension 3 is its dimension
    // 0: layout 1 << 24), a dense residual (layout 0x04030201), a clamp.
    std::vector<float> bias = randomValues(c.f, seed++);
    std::vector<float> res = randomValues(c.n * oh * ow * c.f, seed++);
    Memref1 mb{bias.data(), bias.data(), 0, c.f, 1};
    Memref4 mr = contiguous(res, {c.n, oh, ow, c.f});
    int64_t epiFlags = withEpilogue ? (2 << 2) | 16 : 0;
    // A strided output: each row padded by 5 floats.
    int64_t rowPad = c.stridedOut ? 5 : 0;
    int64_t rowStride = ow * c.f + rowPad;
    std::vector<float> out = randomValues(c.n * oh * rowStride, seed++);
    std::vector<float> before = out;
    Memref4 mi = contiguous(in, {c.n, c.h, c.w, c.c});
    Memref4 mf = contiguous(filter, {c.kh, c.kw, c.c, c.f});
    Memref4 mo{out.data(), out.data(), 0, {c.n, oh, ow, c.f},
               {oh * rowStride, rowStride, c.f, 1}};
    kiln_uk_conv2d_nhwc_hwcf_f32(4, &mi, 4, &mf, 4, &mo, c.sh, c.sw, c.dh,
                                 c.dw, c.pt, c.pl, c.accumulate | epiFlags, 1,
                                 &mb, 4, &mr, int64_t(1) << 24, 0x04030201,
                                 -0.5f, 0.75f);
    for (int64_t b = 0; b < c.n; ++b)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t x = 0; x < ow; ++x)
          for (int64_t f = 0; f < c.f; ++f) {
            int64_t at = b * oh * rowStride + y * rowStride + x * c.f + f;
            double sum = c.accumulate ? before[at] : 0.0, scale = 1.0;
            for (int64_t i = 0; i < c.kh; ++i)
              for (int64_t j = 0; j < c.kw; ++j)
                for (int64_t ch = 0; ch < c.c; ++ch) {
                  int64_t ih = y * c.sh + i * c.dh - c.pt;
                  int64_t iw = x * c.sw + j * c.dw - c.pl;
                  if (ih < 0 || ih >= c.h || iw < 0 || iw >= c.w)
                    continue;
                  double v = in[((b * c.h + ih) * c.w + iw) * c.c + ch];
                  double w = filter[((i * c.kw + j) * c.c + ch) * c.f + f];
                  sum += v * w;
                  scale += std::fabs(v * w);
                }
            if (withEpilogue) {
              sum += bias[f] + res[((b * oh + y) * ow + x) * c.f + f];
              sum = std::min(std::max(sum, -0.5), 0.75);
            }
            ASSERT_NEAR(out[at], sum, 1e-5 * scale)
                << "at " << b << "," << y << "," << x << "," << f;
          }
  }
}

// A rank-5 descriptor (the depthwise output [n, oh, ow, c, m]).
struct Memref5 {
  void *allocated;
  float *aligned;
  int64_t offset, sizes[5], strides[5];
};

TEST(UKernelDepthwiseTest, MatchesNaiveConvolution) {
  struct DwCase {
    int64_t n, h, w, c, m, kh, kw, sh, sw, dh, dw;
    bool accumulate;
    int64_t pt = 0, pb = 0, pl = 0, pr = 0; // implicit zero padding
  } cases[] = {
      {1, 9, 9, 32, 1, 3, 3, 1, 1, 1, 1, false},
      {2, 11, 8, 37, 1, 3, 3, 2, 2, 1, 1, true},
      {1, 7, 7, 600, 1, 3, 3, 1, 1, 2, 2, false}, // channels past one block
      {1, 6, 5, 5, 3, 2, 3, 1, 2, 1, 1, true},    // multiplier 3
      {1, 8, 8, 24, 1, 3, 3, 1, 1, 1, 1, false, 1, 1, 1, 1},
      {2, 9, 9, 19, 1, 3, 3, 2, 2, 1, 1, true, 0, 1, 0, 1},
      // 3x3 over whole 16-channel blocks: the filter-in-registers path,
      // with padding, strides and dilations.
      {2, 10, 9, 48, 1, 3, 3, 2, 2, 1, 1, true, 1, 1, 1, 1},
      {1, 9, 11, 16, 1, 3, 3, 1, 2, 2, 1, false, 2, 0, 1, 2},
      {1, 4, 3, 32, 1, 3, 3, 1, 1, 1, 1, false, 1, 1, 1, 1},
  };
  unsigned seed = 200;
  for (int withEpilogue = 0; withEpilogue < 2; ++withEpilogue)
  for (const DwCase &c : cases) {
    // The compiler fuses epilogues only with multiplier 1.
    if (withEpilogue && c.m != 1)
      continue;
    SCOPED_TRACE(::testing::Message() << "depthwise c" << c.c << " m" << c.m
                                      << " s" << c.sh << c.sw << " d" << c.dh
                                      << c.dw << " epilogue "
                                      << withEpilogue);
    int64_t oh = (c.h + c.pt + c.pb - (c.kh - 1) * c.dh - 1) / c.sh + 1;
    int64_t ow = (c.w + c.pl + c.pr - (c.kw - 1) * c.dw - 1) / c.sw + 1;
    std::vector<float> in = randomValues(c.n * c.h * c.w * c.c, seed++);
    std::vector<float> filter = randomValues(c.kh * c.kw * c.c * c.m, seed++);
    // Epilogue over [n, oh, ow, c]: a bias per channel, a residual, a clamp.
    std::vector<float> bias = randomValues(c.c, seed++);
    std::vector<float> res = randomValues(c.n * oh * ow * c.c, seed++);
    Memref1 mb{bias.data(), bias.data(), 0, c.c, 1};
    Memref4 mr = contiguous(res, {c.n, oh, ow, c.c});
    int64_t epiFlags = withEpilogue ? (2 << 2) | 16 : 0;
    std::vector<float> out = randomValues(c.n * oh * ow * c.c * c.m, seed++);
    std::vector<float> before = out;
    Memref4 mi = contiguous(in, {c.n, c.h, c.w, c.c});
    Memref4 mf = contiguous(filter, {c.kh, c.kw, c.c, c.m});
    Memref5 mo{out.data(), out.data(), 0, {c.n, oh, ow, c.c, c.m},
               {oh * ow * c.c * c.m, ow * c.c * c.m, c.c * c.m, c.m, 1}};
    kiln_uk_depthwise_conv2d_nhwc_hwcm_f32(4, &mi, 4, &mf, 5, &mo, c.sh, c.sw,
                                           c.dh, c.dw, c.pt, c.pl,
                                           c.accumulate | epiFlags, 1, &mb, 4,
                                           &mr, int64_t(1) << 24, 0x04030201,
                                           -0.5f, 0.75f);
    for (int64_t b = 0; b < c.n; ++b)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t x = 0; x < ow; ++x)
          for (int64_t ch = 0; ch < c.c; ++ch)
            for (int64_t m = 0; m < c.m; ++m) {
              int64_t at = (((b * oh + y) * ow + x) * c.c + ch) * c.m + m;
              double sum = c.accumulate ? before[at] : 0.0, scale = 1.0;
              for (int64_t i = 0; i < c.kh; ++i)
                for (int64_t j = 0; j < c.kw; ++j) {
                  int64_t ih = y * c.sh + i * c.dh - c.pt;
                  int64_t iw = x * c.sw + j * c.dw - c.pl;
                  if (ih < 0 || ih >= c.h || iw < 0 || iw >= c.w)
                    continue;
                  double v = in[((b * c.h + ih) * c.w + iw) * c.c + ch];
                  double w = filter[((i * c.kw + j) * c.c + ch) * c.m + m];
                  sum += v * w;
                  scale += std::fabs(v * w);
                }
              if (withEpilogue) {
                sum += bias[ch] + res[((b * oh + y) * ow + x) * c.c + ch];
                sum = std::min(std::max(sum, -0.5), 0.75);
              }
              ASSERT_NEAR(out[at], sum, 1e-5 * scale)
                  << "at " << b << "," << y << "," << x << "," << ch << ","
                  << m;
            }
  }
}

} // namespace
