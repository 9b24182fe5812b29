/*===- smallconv.c - convolutions with a short reduction, computed directly -===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * A convolution whose reduction (KH x KW x C) has at most 24 taps, such as
 * a 3x3 filter over a single-channel image, makes a poor matrix product:
 * each 8 x 32 tile of the output does 24 steps or fewer between loading
 * and storing its accumulators, and packing the rows of the implicit
 * im2col matrix costs as much as the product. Here each 16-channel block of
 * filters stays in vector registers, and each output pixel is its taps
 * times those vectors, read straight from the image (padding skipped), with
 * the epilogue applied before the store. Output rows are split among the
 * threads.
 *
 *===---------------------------------------------------------------------===*/

#include "gemm.h"
#include "../threads.h"

#include <string.h>

enum { SMALL_TAPS = 24 };

typedef struct {
  const float *in, *filter;
  float *out;
  int64_t N, OH, OW, F, KH, KW, C;
  int64_t inS[4], fS[4], outS[4];
  int64_t stepH, stepW, dilationH, dilationW, padTop, padLeft, inH, inW;
  int accumulate;
  kiln_epilogue_t epilogue; /* add[] at the output's origin */
  int64_t epilogueS[2][4];  /* addend strides along (n, oh, ow, f) */
} kiln_small_conv_t;

/* One output row (n, oh), every pixel and filter. */
#define SMALL_CONV_ROW(NAME, ATTR)                                             \
  ATTR static void NAME(const kiln_small_conv_t *d, int64_t row) {             \
    int64_t n = row / d->OH, oh = row % d->OH;                                 \
    int64_t taps = d->KH * d->KW * d->C;                                       \
    for (int64_t f0 = 0; f0 < d->F; f0 += 16) {                                \
      kiln_v16 w[SMALL_TAPS];                                                  \
      for (int64_t t = 0; t < taps; ++t) {                                     \
        int64_t c = t % d->C, kw = (t / d->C) % d->KW, kh = t / (d->C * d->KW); \
        w[t] = *(const kiln_v16 *)(d->filter + kh * d->fS[0] +                 \
                                   kw * d->fS[1] + c * d->fS[2] + f0);         \
      }                                                                        \
      /* Offsets of the taps from a pixel's window origin, and the pixels  \
       * whose window lies inside the input (no bounds checks there). */     \
      int64_t off[SMALL_TAPS];                                                 \
      for (int64_t t = 0; t < taps; ++t) {                                     \
        int64_t c = t % d->C, kw = (t / d->C) % d->KW, kh = t / (d->C * d->KW); \
        off[t] = kh * d->dilationH * d->inS[1] +                               \
                 kw * d->dilationW * d->inS[2] + c * d->inS[3];                \
      }                                                                        \
      int64_t ih0 = oh * d->stepH - d->padTop;                                 \
      int rowInside =                                                          \
          ih0 >= 0 && ih0 + (d->KH - 1) * d->dilationH < d->inH;               \
      for (int64_t ow = 0; ow < d->OW; ++ow) {                                 \
        float *o = d->out + n * d->outS[0] + oh * d->outS[1] +                 \
                   ow * d->outS[2] + f0;                                       \
        kiln_v16 v = d->accumulate ? *(const kiln_v16 *)o : (kiln_v16){0};     \
        int64_t iw0 = ow * d->stepW - d->padLeft;                              \
        if (rowInside && iw0 >= 0 &&                                           \
            iw0 + (d->KW - 1) * d->dilationW < d->inW) {                       \
          const float *x = d->in + n * d->inS[0] + ih0 * d->inS[1] +           \
                           iw0 * d->inS[2];                                    \
          if (taps == 9) {                                                     \
            for (int t = 0; t < 9; ++t)                                        \
              v += x[off[t]] * w[t];                                           \
          } else {                                                             \
            for (int64_t t = 0; t < taps; ++t)                                 \
              v += x[off[t]] * w[t];                                           \
          }                                                                    \
        } else                                                                 \
        for (int64_t kh = 0, t = 0; kh < d->KH; ++kh) {                        \
          int64_t ih = oh * d->stepH + kh * d->dilationH - d->padTop;          \
          if (ih < 0 || ih >= d->inH) {                                        \
            t += d->KW * d->C;                                                 \
            continue;                                                          \
          }                                                                    \
          for (int64_t kw = 0; kw < d->KW; ++kw, t += d->C) {                  \
            int64_t iw = ow * d->stepW + kw * d->dilationW - d->padLeft;       \
            if (iw < 0 || iw >= d->inW)                                        \
              continue;                                                        \
            const float *x = d->in + n * d->inS[0] + ih * d->inS[1] +          \
                             iw * d->inS[2];                                   \
            for (int64_t c = 0; c < d->C; ++c)                                 \
              v += x[c * d->inS[3]] * w[t + c];                                \
          }                                                                    \
        }                                                                      \
        KILN_V16_EPILOGUE(d, v, n, oh, ow, f0);                                \
        *(kiln_v16 *)o = v;                                                    \
      }                                                                        \
    }                                                                          \
  }

SMALL_CONV_ROW(smallRowGeneric, )
#if defined(__x86_64__)
SMALL_CONV_ROW(smallRowAvx512, __attribute__((target("avx512f,avx512vl,fma"))))
SMALL_CONV_ROW(smallRowAvx2, __attribute__((target("avx2,fma"))))
#endif

typedef struct {
  const kiln_small_conv_t *d;
  void (*row)(const kiln_small_conv_t *, int64_t);
} kiln_small_conv_task_t;

static void runRow(void *ctx, int64_t row) {
  kiln_small_conv_task_t *t = ctx;
  t->row(t->d, row);
}

int kiln_small_conv(const kiln_uk_memref_t *in, int64_t rankI,
                    const kiln_uk_memref_t *filter, int64_t rankF,
                    kiln_uk_memref_t *out, int64_t rankO, int64_t stepH,
                    int64_t stepW, int64_t dilationH, int64_t dilationW,
                    int64_t padTop, int64_t padLeft, int accumulate,
                    const kiln_epilogue_t *epilogue,
                    const int64_t (*epilogueStrides)[8]) {
  kiln_small_conv_t d;
  memset(&d, 0, sizeof d);
  const int64_t *os = out->sizesAndStrides, *fs = filter->sizesAndStrides;
  d.N = os[0], d.OH = os[1], d.OW = os[2], d.F = os[3];
  d.KH = fs[0], d.KW = fs[1], d.C = fs[2];
  for (int i = 0; i < 4; ++i) {
    d.inS[i] = in->sizesAndStrides[rankI + i];
    d.fS[i] = fs[rankF + i];
    d.outS[i] = os[rankO + i];
  }
  /* Whole 16-filter blocks, contiguous filters and outputs, and addends
   * contiguous or broadcast along the filters. */
  if (d.KH * d.KW * d.C > SMALL_TAPS || d.F % 16 != 0 || d.fS[3] != 1 ||
      d.outS[3] != 1)
    return 0;
  for (int t = 0; t < epilogue->count; ++t)
    if (epilogueStrides[t][3] != 0 && epilogueStrides[t][3] != 1)
      return 0;
  d.in = in->aligned + in->offset;
  d.filter = filter->aligned + filter->offset;
  d.out = out->aligned + out->offset;
  d.stepH = stepH, d.stepW = stepW;
  d.dilationH = dilationH, d.dilationW = dilationW;
  d.padTop = padTop, d.padLeft = padLeft;
  d.inH = in->sizesAndStrides[1], d.inW = in->sizesAndStrides[2];
  d.accumulate = accumulate;
  d.epilogue = *epilogue;
  for (int t = 0; t < epilogue->count; ++t)
    for (int i = 0; i < 4; ++i)
      d.epilogueS[t][i] = epilogueStrides[t][i];
  kiln_small_conv_task_t task = {&d, smallRowGeneric};
#if defined(__x86_64__)
  if (kiln_gemm_isa()->level == KILN_ISA_AVX512)
    task.row = smallRowAvx512;
  else if (kiln_gemm_isa()->level == KILN_ISA_AVX2)
    task.row = smallRowAvx2;
#endif
  int64_t rows = d.N * d.OH;
  if (rows * d.OW * d.F * d.KH * d.KW * d.C < (1 << 15))
    for (int64_t r = 0; r < rows; ++r)
      runRow(&task, r);
  else
    kiln_parallel_for(rows, runRow, &task);
  return 1;
}
