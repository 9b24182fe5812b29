/*===- epilogue.c - bias, residual and clamp applied as tiles are stored --===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The elementwise ops that follow a matrix multiply or a convolution in
 * most models (a bias, a residual add, ReLU or ReLU6) run on each tile of
 * the output right after the engine has finished it, while it is still in
 * L1, instead of as a second pass over the whole output
 * (kiln-cpu-fuse-epilogues picks them). Unit-stride rows take a vector
 * loop, AVX-512 where the CPU has it; other layouts take a scalar loop.
 *
 *===---------------------------------------------------------------------===*/

#include "gemm.h"


/* x clamped to [lo, hi]; NaN stays NaN (arith.maximumf/minimumf). */
static inline float clampOne(float x, float lo, float hi) {
  x = x < lo ? lo : x;
  return x > hi ? hi : x;
}

/* One row of the tile, any strides. */
static void rowScalar(const kiln_epilogue_t *e, const float *a0,
                      const float *a1, float *c, int64_t colStrideC,
                      int64_t nr) {
  for (int64_t j = 0; j < nr; ++j) {
    float *p = c + j * colStrideC;
    float x = *p;
    if (e->count > 0)
      x += a0[j * e->colStride[0]];
    if (e->count > 1)
      x += a1[j * e->colStride[1]];
    if (e->clamp)
      x = clampOne(x, e->lo, e->hi);
    *p = x;
  }
}

/* One row with unit column strides everywhere (addends of column stride 0
 * are broadcast scalars). */
typedef void (*row_fn)(const kiln_epilogue_t *e, const float *a0,
                       const float *a1, float *c, int64_t nr);

static void rowUnitGeneric(const kiln_epilogue_t *e, const float *a0,
                           const float *a1, float *c, int64_t nr) {
  rowScalar(e, a0, a1, c, 1, nr);
}

#if defined(__x86_64__)
#include <immintrin.h>

/* Loads 16 (or the `mask`ed first) floats of an addend: a vector when its
 * column stride is 1, a broadcast when it is 0. */
__attribute__((target("avx512f"))) static inline __m512
loadAddend(const float *a, int64_t colStride, __mmask16 mask) {
  if (colStride == 0)
    return _mm512_set1_ps(*a);
  return _mm512_maskz_loadu_ps(mask, a);
}

__attribute__((target("avx512f"))) static void
rowUnitAvx512(const kiln_epilogue_t *e, const float *a0, const float *a1,
              float *c, int64_t nr) {
  __m512 lo = _mm512_set1_ps(e->lo), hi = _mm512_set1_ps(e->hi);
  int64_t s0 = e->colStride[0], s1 = e->colStride[1];
  for (int64_t j = 0; j < nr; j += 16) {
    __mmask16 mask =
        nr - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (nr - j)) - 1);
    __m512 x = _mm512_maskz_loadu_ps(mask, c + j);
    if (e->count > 0)
      x = _mm512_add_ps(x, loadAddend(a0 + j * s0, s0, mask));
    if (e->count > 1)
      x = _mm512_add_ps(x, loadAddend(a1 + j * s1, s1, mask));
    if (e->clamp) {
      /* max/min return their second operand when either is NaN. */
      x = _mm512_max_ps(lo, x);
      x = _mm512_min_ps(hi, x);
    }
    _mm512_mask_storeu_ps(c + j, mask, x);
  }
}
#endif

static row_fn unitRow(void) {
#if defined(__x86_64__)
  if (kiln_gemm_isa()->level == KILN_ISA_AVX512)
    return rowUnitAvx512;
#endif
  return rowUnitGeneric;
}

void kiln_epilogue_tile(const kiln_epilogue_t *e, int64_t i0, int64_t j0,
                        float *c, int64_t rowStrideC, int64_t colStrideC,
                        int64_t mr, int64_t nr) {
  if (!kiln_epilogue_active(e) || mr <= 0 || nr <= 0)
    return;
  int unit = colStrideC == 1;
  for (int t = 0; t < e->count; ++t)
    unit = unit && (e->colStride[t] == 0 || e->colStride[t] == 1);
  row_fn row = unit ? unitRow() : NULL;
  for (int64_t i = 0; i < mr; ++i) {
    const float *a[2] = {NULL, NULL};
    for (int t = 0; t < e->count; ++t)
      a[t] = e->add[t] + (i0 + i) * e->rowStride[t] + j0 * e->colStride[t];
    float *ci = c + i * rowStrideC;
    if (row)
      row(e, a[0], a[1], ci, nr);
    else
      rowScalar(e, a[0], a[1], ci, colStrideC, nr);
  }
}
