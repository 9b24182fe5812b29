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
  /* Applied to each finished output row (multiplier 1): addends at the
   * output's origin, their strides along (n, oh, ow, c). */
  kiln_epilogue_t epilogue;
  int64_t epilogueS[2][4];
  /* Nonzero: the vector blocks apply the epilogue in registers (its
   * addends have channel stride 0 or 1); the rest of a row's channels get
   * it after the row. */
  int epilogueInBlocks;
} kiln_depthwise_t;

/* Channels [first, ...) of pixel (n, oh, ow) of a dense layout with
 * multiplier 1, in blocks of B vectors of 16 (the accumulators stay in
 * registers across the window), while whole blocks remain; `first` moves
 * past them. `o0` is the pixel's output. */
#define DEPTHWISE_BLOCKS(d, n, oh, ow, o0, first, B)                           \
  for (; (first) + 16 * (B) <= (d)->C; (first) += 16 * (B)) {                  \
    kiln_v16 v[B];                                                             \
    for (int j = 0; j < (B); ++j)                                              \
      v[j] = (d)->accumulate ? *(const kiln_v16 *)((o0) + (first) + 16 * j)    \
                             : (kiln_v16){0};                                  \
    for (int64_t kh = 0; kh < (d)->KH; ++kh) {                                 \
      int64_t ih = (oh) * (d)->stepH + kh * (d)->dilationH - (d)->padTop;      \
      if (ih < 0 || ih >= (d)->inH)                                            \
        continue;                                                              \
      for (int64_t kw = 0; kw < (d)->KW; ++kw) {                               \
        int64_t iw = (ow) * (d)->stepW + kw * (d)->dilationW - (d)->padLeft;   \
        if (iw < 0 || iw >= (d)->inW)                                          \
          continue;                                                            \
        const float *x = (d)->in + (n) * (d)->inS[0] + ih * (d)->inS[1] +      \
                         iw * (d)->inS[2] + (first);                           \
        const float *f =                                                       \
            (d)->filter + kh * (d)->fS[0] + kw * (d)->fS[1] + (first);         \
        for (int j = 0; j < (B); ++j)                                          \
          v[j] += *(const kiln_v16 *)(x + 16 * j) *                            \
                  *(const kiln_v16 *)(f + 16 * j);                             \
      }                                                                        \
    }                                                                          \
    for (int j = 0; j < (B); ++j) {                                            \
      if ((d)->epilogueInBlocks)                                               \
        KILN_V16_EPILOGUE(d, v[j], n, oh, ow, (first) + 16 * j);               \
      *(kiln_v16 *)((o0) + (first) + 16 * j) = v[j];                           \
    }                                                                          \
  }

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
          DEPTHWISE_BLOCKS(d, n, oh, ow, o0, first, 4);                        \
          DEPTHWISE_BLOCKS(d, n, oh, ow, o0, first, 1);                        \
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

/* One output row of a 3x3 filter, multiplier 1, dense layout and channels
 * a multiple of 16 (every depthwise layer of the MobileNets): 16 channels
 * at a time, the nine filter vectors held in registers across the row, so
 * each tap is one load and one multiply-add; the pixels whose window lies
 * inside the input run without bounds checks. */
#define DEPTHWISE3X3_ROW(NAME, ATTR)                                           \
  ATTR static void NAME(const kiln_depthwise_t *d, int64_t row) {              \
    int64_t n = row / d->OH, oh = row % d->OH;                                 \
    const float *image = d->in + n * d->inS[0];                                \
    float *out = d->out + n * d->outS[0] + oh * d->outS[1];                    \
    int64_t sw = d->stepW, dw = d->dilationW;                                  \
    /* Input rows of the three kernel rows, NULL in the padding. */            \
    const float *rows[3];                                                      \
    for (int kh = 0; kh < 3; ++kh) {                                           \
      int64_t ih = oh * d->stepH + kh * d->dilationH - d->padTop;              \
      rows[kh] = ih >= 0 && ih < d->inH ? image + ih * d->inS[1] : NULL;       \
    }                                                                          \
    /* Pixels [inner0, inner1) read no padding horizontally. */                \
    int64_t inner0 = (d->padLeft + sw - 1) / sw;                               \
    int64_t inner1 = d->inW - 2 * dw + d->padLeft;                             \
    inner1 = inner1 <= 0 ? 0 : (inner1 - 1) / sw + 1;                          \
    if (inner1 > d->OW)                                                        \
      inner1 = d->OW;                                                          \
    if (inner0 > inner1)                                                       \
      inner0 = inner1;                                                         \
    int allRows = rows[0] && rows[1] && rows[2];                               \
    for (int64_t c = 0; c < d->C; c += 16) {                                   \
      kiln_v16 w[9];                                                           \
      for (int t = 0; t < 9; ++t)                                              \
        w[t] = *(const kiln_v16 *)(d->filter + (t / 3) * d->fS[0] +           \
                                   (t % 3) * d->fS[1] + c);                    \
      for (int64_t ow = 0; ow < d->OW; ++ow) {                                 \
        float *o = out + ow * d->outS[2] + c;                                  \
        kiln_v16 v = d->accumulate ? *(const kiln_v16 *)o : (kiln_v16){0};     \
        int64_t iw0 = ow * sw - d->padLeft;                                    \
        if (allRows && ow >= inner0 && ow < inner1) {                          \
          const float *x = image + iw0 * d->inS[2] + c;                        \
          for (int kh = 0; kh < 3; ++kh) {                                     \
            const float *r = rows[kh] - image + x;                             \
            v += *(const kiln_v16 *)r * w[kh * 3];                             \
            v += *(const kiln_v16 *)(r + dw * d->inS[2]) * w[kh * 3 + 1];      \
            v += *(const kiln_v16 *)(r + 2 * dw * d->inS[2]) * w[kh * 3 + 2];  \
          }                                                                    \
        } else {                                                               \
          for (int kh = 0; kh < 3; ++kh) {                                     \
            if (!rows[kh])                                                     \
              continue;                                                        \
            for (int kw = 0; kw < 3; ++kw) {                                   \
              int64_t iw = iw0 + kw * dw;                                      \
              if (iw >= 0 && iw < d->inW)                                      \
                v += *(const kiln_v16 *)(rows[kh] + iw * d->inS[2] + c) *      \
                     w[kh * 3 + kw];                                           \
            }                                                                  \
          }                                                                    \
        }                                                                      \
        if (d->epilogueInBlocks)                                               \
          KILN_V16_EPILOGUE(d, v, n, oh, ow, c);                              \
        *(kiln_v16 *)o = v;                                                    \
      }                                                                        \
    }                                                                          \
  }

DEPTHWISE3X3_ROW(row3x3Generic, )
#if defined(__x86_64__)
DEPTHWISE3X3_ROW(row3x3Avx512, __attribute__((target("avx512f,avx512vl,fma"))))
DEPTHWISE3X3_ROW(row3x3Avx2, __attribute__((target("avx2,fma"))))
#endif

typedef void (*row_fn)(const kiln_depthwise_t *, int64_t);

typedef struct {
  const kiln_depthwise_t *d;
  row_fn row;
} kiln_depthwise_task_t;

static void runRow(void *ctx, int64_t row) {
  kiln_depthwise_task_t *t = ctx;
  const kiln_depthwise_t *d = t->d;
  t->row(d, row);
  if (!kiln_epilogue_active(&d->epilogue))
    return;
  /* The channels that the vector blocks did not finish, for the row's OW
   * pixels, as one tile still in cache. */
  int64_t first = d->epilogueInBlocks ? d->C / 16 * 16 : 0;
  if (first >= d->C)
    return;
  int64_t n = row / d->OH, oh = row % d->OH;
  kiln_epilogue_t e = d->epilogue;
  for (int i = 0; i < e.count; ++i) {
    e.add[i] += n * d->epilogueS[i][0] + oh * d->epilogueS[i][1];
    e.rowStride[i] = d->epilogueS[i][2];
    e.colStride[i] = d->epilogueS[i][3];
  }
  kiln_epilogue_tile(&e, 0, first,
                     d->out + n * d->outS[0] + oh * d->outS[1] +
                         first * d->outS[3],
                     d->outS[2], d->outS[3], d->OW, d->C - first);
}


KILN_UK_HIDDEN void kiln_uk_depthwise_conv2d_nhwc_hwcm_f32(
    int64_t rankI, kiln_uk_memref_t *in, int64_t rankF,
    kiln_uk_memref_t *filter, int64_t rankO, kiln_uk_memref_t *out,
    int64_t stepH, int64_t stepW, int64_t dilationH, int64_t dilationW,
    int64_t padTop, int64_t padLeft, int64_t flags, int64_t rankE0,
    kiln_uk_memref_t *e0, int64_t rankE1, kiln_uk_memref_t *e1,
    int64_t layoutE0, int64_t layoutE1, float lo, float hi) {
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
  /* The epilogue indexes the output without its multiplier dimension
   * (the compiler fuses one only when the multiplier is 1). */
  d.epilogue.count = (int)((flags >> 2) & 3);
  d.epilogue.clamp = (flags & 16) != 0;
  d.epilogue.lo = lo, d.epilogue.hi = hi;
  int64_t ranks[2] = {rankE0, rankE1}, layouts[2] = {layoutE0, layoutE1};
  kiln_uk_memref_t *es[2] = {e0, e1};
  for (int t = 0; t < d.epilogue.count; ++t) {
    d.epilogue.add[t] = es[t]->aligned + es[t]->offset;
    for (int i = 0; i < 4; ++i) {
      int64_t dim = ((layouts[t] >> (8 * i)) & 0xFF) - 1;
      d.epilogueS[t][i] =
          dim < 0 ? 0 : es[t]->sizesAndStrides[ranks[t] + dim];
    }
  }
  /* The vector blocks run for dense layouts with multiplier 1; they then
   * apply an epilogue whose addends are contiguous or broadcast along the
   * channels. */
  d.epilogueInBlocks = d.M == 1 && d.inS[3] == 1 && d.fS[2] == 1 &&
                       d.outS[3] == 1 && kiln_epilogue_active(&d.epilogue);
  for (int t = 0; t < d.epilogue.count; ++t)
    if (d.epilogueS[t][3] != 0 && d.epilogueS[t][3] != 1)
      d.epilogueInBlocks = 0;
  /* 3x3, multiplier 1, dense, 16-channel blocks: filter in registers. */
  int threeByThree = d.KH == 3 && d.KW == 3 && d.M == 1 && d.C % 16 == 0 &&
                     d.inS[3] == 1 && d.fS[2] == 1 && d.outS[3] == 1;
  kiln_depthwise_task_t task = {&d, threeByThree ? row3x3Generic : rowGeneric};
#if defined(__x86_64__)
  if (kiln_gemm_isa()->level == KILN_ISA_AVX512)
    task.row = threeByThree ? row3x3Avx512 : rowAvx512;
  else if (kiln_gemm_isa()->level == KILN_ISA_AVX2)
    task.row = threeByThree ? row3x3Avx2 : rowAvx2;
#endif
  int64_t rows = d.N * d.OH;
  if (rows * d.OW * d.C * d.M * d.KH * d.KW < (1 << 15))
    for (int64_t r = 0; r < rows; ++r)
      runRow(&task, r);
  else
    kiln_parallel_for(rows, runRow, &task);
}
