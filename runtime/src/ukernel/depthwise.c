/*===- depthwise.c - depthwise convolutions, vectorized over channels -----===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * out[n, oh, ow, c, m] (+)= sum in[n, oh*sh + kh*dh, ow*sw + kw*dw, c] *
 * filter[kh, kw, c, m], taps outside the input (its implicit zero padding,
 * padTop and padLeft before it) skipped. Each output pixel's
 * channels are one vector loop (channels are contiguous in NHWC), compiled
 * for AVX-512, AVX2 and portable C and picked with the matrix kernels' ISA;
 * output rows are split among the threads.
 *
 *===---------------------------------------------------------------------===*/

#include "gemm.h"
#include "../threads.h"

#include <string.h>

typedef struct {
  const float *in, *filter;
  float *out;
  int64_t N, OH, OW, C, M, KH, KW;
  int64_t inS[4], fS[4], outS[5];
  int64_t stepH, stepW, dilationH, dilationW;
  int64_t padTop, padLeft, inH, inW;
  int accumulate;
} kiln_depthwise_t;

/* 16 floats, loaded and stored at any 4-byte alignment. Under a target
 * attribute the vector operations become that instruction set's. */
typedef float kiln_v16 __attribute__((vector_size(64), aligned(4)));

/* One output row (n, oh): every pixel, channel and multiplier. Dense
 * layouts with multiplier 1 (every depthwise layer Kiln imports) go 64
 * channels at a time with the accumulators in four vector registers across
 * the window, then 16 at a time; the rest (and the last channels) take the
 * general loop, whose
 * channel loop is innermost for the compiler to vectorize. */
#define DEPTHWISE_ROW(NAME, ATTR)                                              \
  ATTR static void NAME(const kiln_depthwise_t *d, int64_t row) {              \
    int64_t n = row / d->OH, oh = row % d->OH;                                 \
    float acc[512];                                                            \
    int dense = d->M == 1 && d->inS[3] == 1 && d->fS[2] == 1 &&                \
                d->outS[3] == 1;                                               \
    for (int64_t ow = 0; ow < d->OW; ++ow)                                     \
      for (int64_t m = 0; m < d->M; ++m) {                                     \
        int64_t first = 0;                                                     \
        if (dense) {                                                           \
          float *o0 = d->out + n * d->outS[0] + oh * d->outS[1] +              \
                      ow * d->outS[2];                                         \
          for (; first + 64 <= d->C; first += 64) {                            \
            kiln_v16 v[4];                                                     \
            for (int j = 0; j < 4; ++j)                                        \
              v[j] = d->accumulate ? *(const kiln_v16 *)(o0 + first + 16 * j)  \
                                   : (kiln_v16){0};                            \
            for (int64_t kh = 0; kh < d->KH; ++kh) {                           \
              int64_t ih = oh * d->stepH + kh * d->dilationH - d->padTop;      \
              if (ih < 0 || ih >= d->inH)                                      \
                continue;                                                      \
              for (int64_t kw = 0; kw < d->KW; ++kw) {                         \
                int64_t iw = ow * d->stepW + kw * d->dilationW - d->padLeft;   \
                if (iw < 0 || iw >= d->inW)                                    \
                  continue;                                                    \
                const float *x = d->in + n * d->inS[0] + ih * d->inS[1] +      \
                                 iw * d->inS[2] + first;                       \
                const float *f = d->filter + kh * d->fS[0] + kw * d->fS[1] +   \
                                 first;                                        \
                for (int j = 0; j < 4; ++j)                                    \
                  v[j] += *(const kiln_v16 *)(x + 16 * j) *                    \
                          *(const kiln_v16 *)(f + 16 * j);                     \
              }                                                                \
            }                                                                  \
            for (int j = 0; j < 4; ++j)                                        \
              *(kiln_v16 *)(o0 + first + 16 * j) = v[j];                       \
          }                                                                    \
          for (; first + 16 <= d->C; first += 16) {                            \
            kiln_v16 v = d->accumulate ? *(const kiln_v16 *)(o0 + first)       \
                                       : (kiln_v16){0};                        \
            for (int64_t kh = 0; kh < d->KH; ++kh) {                           \
              int64_t ih = oh * d->stepH + kh * d->dilationH - d->padTop;      \
              if (ih < 0 || ih >= d->inH)                                      \
                continue;                                                      \
              for (int64_t kw = 0; kw < d->KW; ++kw) {                         \
                int64_t iw = ow * d->stepW + kw * d->dilationW - d->padLeft;   \
                if (iw < 0 || iw >= d->inW)                                    \
                  continue;                                                    \
                v += *(const kiln_v16 *)(d->in + n * d->inS[0] +               \
                                         ih * d->inS[1] + iw * d->inS[2] +     \
                                         first) *                              \
                     *(const kiln_v16 *)(d->filter + kh * d->fS[0] +           \
                                         kw * d->fS[1] + first);               \
              }                                                                \
            }                                                                  \
            *(kiln_v16 *)(o0 + first) = v;                                     \
          }                                                                    \
        }                                                                      \
        for (int64_t c0 = first; c0 < d->C; c0 += 512) {                       \
          int64_t cn = d->C - c0 < 512 ? d->C - c0 : 512;                      \
          float *restrict a = acc;                                             \
          float *o = d->out + n * d->outS[0] + oh * d->outS[1] +               \
                     ow * d->outS[2] + c0 * d->outS[3] + m * d->outS[4];       \
          for (int64_t c = 0; c < cn; ++c)                                     \
            a[c] = d->accumulate ? o[c * d->outS[3]] : 0.0f;                   \
          for (int64_t kh = 0; kh < d->KH; ++kh)                               \
            for (int64_t kw = 0; kw < d->KW; ++kw) {                           \
              int64_t ih = oh * d->stepH + kh * d->dilationH - d->padTop;      \
              int64_t iw = ow * d->stepW + kw * d->dilationW - d->padLeft;     \
              if (ih < 0 || ih >= d->inH || iw < 0 || iw >= d->inW)            \
                continue;                                                      \
              const float *restrict x = d->in + n * d->inS[0] +                \
                                        ih * d->inS[1] + iw * d->inS[2] +      \
                                        c0 * d->inS[3];                        \
              const float *restrict f = d->filter + kh * d->fS[0] +            \
                                        kw * d->fS[1] + c0 * d->fS[2] +        \
                                        m * d->fS[3];                          \
              if (d->inS[3] == 1 && d->fS[2] == 1) {                           \
                for (int64_t c = 0; c < cn; ++c)                               \
                  a[c] += x[c] * f[c];                                         \
              } else {                                                         \
                for (int64_t c = 0; c < cn; ++c)                               \
                  a[c] += x[c * d->inS[3]] * f[c * d->fS[2]];                  \
              }                                                                \
            }                                                                  \
          for (int64_t c = 0; c < cn; ++c)                                     \
            o[c * d->outS[3]] = a[c];                                          \
        }                                                                      \
      }                                                                        \
  }

DEPTHWISE_ROW(rowGeneric, )
#if defined(__x86_64__)
DEPTHWISE_ROW(rowAvx512, __attribute__((target("avx512f,avx512vl,fma"))))
DEPTHWISE_ROW(rowAvx2, __attribute__((target("avx2,fma"))))
#endif

typedef void (*row_fn)(const kiln_depthwise_t *, int64_t);

typedef struct {
  const kiln_depthwise_t *d;
  row_fn row;
} kiln_depthwise_task_t;

static void runRow(void *ctx, int64_t row) {
  kiln_depthwise_task_t *t = ctx;
  t->row(t->d, row);
}


KILN_UK_HIDDEN void kiln_uk_depthwise_conv2d_nhwc_hwcm_f32(
    int64_t rankI, kiln_uk_memref_t *in, int64_t rankF,
    kiln_uk_memref_t *filter, int64_t rankO, kiln_uk_memref_t *out,
    int64_t stepH, int64_t stepW, int64_t dilationH, int64_t dilationW,
    int64_t padTop, int64_t padLeft, int64_t flags) {
  kiln_depthwise_t d;
  memset(&d, 0, sizeof d);
  d.in = in->aligned + in->offset;
  d.filter = filter->aligned + filter->offset;
  d.out = out->aligned + out->offset;
  const int64_t *os = out->sizesAndStrides, *fs = filter->sizesAndStrides;
  d.N = os[0], d.OH = os[1], d.OW = os[2], d.C = os[3], d.M = os[4];
  d.KH = fs[0], d.KW = fs[1];
  for (int i = 0; i < 4; ++i) {
    d.inS[i] = in->sizesAndStrides[rankI + i];
    d.fS[i] = fs[rankF + i];
  }
  for (int i = 0; i < 5; ++i)
    d.outS[i] = os[rankO + i];
  d.stepH = stepH, d.stepW = stepW;
  d.dilationH = dilationH, d.dilationW = dilationW;
  d.padTop = padTop, d.padLeft = padLeft;
  d.inH = in->sizesAndStrides[1], d.inW = in->sizesAndStrides[2];
  d.accumulate = (int)(flags & 1);
  kiln_depthwise_task_t task = {&d, rowGeneric};
#if defined(__x86_64__)
  const char *isa = kiln_gemm_isa()->name;
  if (strcmp(isa, "avx512") == 0)
    task.row = rowAvx512;
  else if (strcmp(isa, "avx2") == 0)
    task.row = rowAvx2;
#endif
  int64_t rows = d.N * d.OH;
  if (rows * d.OW * d.C * d.M * d.KH * d.KW < (1 << 15))
    for (int64_t r = 0; r < rows; ++r)
      task.row(&d, r);
  else
    kiln_parallel_for(rows, runRow, &task);
}
