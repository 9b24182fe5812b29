/*===- kernels.c - register-blocked f32 micro-kernels per instruction set -===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Each instruction set has a micro-kernel (packed operands, an MR x NR tile
 * of accumulators held in vector registers, one broadcast of A times a row
 * of B per step) and a row kernel (at most 4 rows of A read in place times
 * unpacked B, for matrix-vector-like products where packing B would cost
 * as much as the product). The x86 kernels are compiled for their
 * instruction set with target attributes, so the archive itself runs on any
 * x86-64 machine; kiln_gemm_isa picks one once from the CPU.
 *
 *===---------------------------------------------------------------------===*/

#include "gemm.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Adds or stores a finished tile held in `tile` (row-major, `ld` floats per
 * row) into C: the path for edge tiles and non-unit column strides. */
static void storeTile(const float *tile, int64_t ld, float *c,
                      int64_t rowStrideC, int64_t colStrideC, int accumulate,
                      int64_t mr, int64_t nr) {
  for (int64_t i = 0; i < mr; ++i)
    for (int64_t j = 0; j < nr; ++j) {
      float *p = c + i * rowStrideC + j * colStrideC;
      *p = accumulate ? *p + tile[i * ld + j] : tile[i * ld + j];
    }
}

/*===----------------------------------------------------------------------===*
 * Portable C
 *===----------------------------------------------------------------------===*/

enum { GEN_MR = 4, GEN_NR = 16, GEN_ROWS_NR = 64 };

static void microGeneric(int64_t kc, const float *ap, int64_t lda,
                         const float *bp,
                         float *c, int64_t rowStrideC, int64_t colStrideC,
                         int accumulate, int64_t mr, int64_t nr,
                         const kiln_epilogue_t *ep, int64_t i0, int64_t j0) {
  float acc[GEN_MR][GEN_NR];
  memset(acc, 0, sizeof acc);
  for (int64_t k = 0; k < kc; ++k)
    for (int i = 0; i < GEN_MR; ++i)
      for (int j = 0; j < GEN_NR; ++j)
        acc[i][j] += ap[i * lda + k] * bp[k * GEN_NR + j];
  storeTile(&acc[0][0], GEN_NR, c, rowStrideC, colStrideC, accumulate, mr, nr);
  if (ep)
    kiln_epilogue_tile(ep, i0, j0, c, rowStrideC, colStrideC, mr, nr);
}

static void rowsGeneric(int64_t k, const float *a, int64_t rowStrideA,
                        int64_t mr, const float *b, int64_t rowStrideB,
                        float *c, int64_t rowStrideC, int accumulate,
                        int64_t nr) {
  float acc[4][GEN_ROWS_NR];
  memset(acc, 0, sizeof acc);
  for (int64_t p = 0; p < k; ++p)
    for (int64_t i = 0; i < mr; ++i) {
      float x = a[i * rowStrideA + p];
      for (int64_t j = 0; j < nr; ++j)
        acc[i][j] += x * b[p * rowStrideB + j];
    }
  storeTile(&acc[0][0], GEN_ROWS_NR, c, rowStrideC, 1, accumulate, mr, nr);
}

static const kiln_gemm_isa_t kGeneric = {"generic", GEN_MR, GEN_NR,
                                         microGeneric, GEN_ROWS_NR,
                                         rowsGeneric, KILN_ISA_GENERIC};

#if defined(__x86_64__)
#include <immintrin.h>

/*===----------------------------------------------------------------------===*
 * AVX-512: 8 x 32 tile (16 zmm accumulators), rows of 64 columns
 *===----------------------------------------------------------------------===*/

#ifndef MR512
#define MR512 8
#endif
#define AVX512 __attribute__((target("avx512f,avx512vl,fma")))

AVX512 static inline __mmask16 laneMask(int64_t n) {
  return n >= 16 ? (__mmask16)0xFFFF : n <= 0 ? 0 : (__mmask16)((1u << n) - 1);
}

/* Whether the AVX-512 kernel applies `ep` in registers: unit column
 * strides, or broadcast addends (column stride 0). */
static int epilogueInRegisters(const kiln_epilogue_t *ep, int64_t colStrideC) {
  if (colStrideC != 1)
    return 0;
  for (int t = 0; t < ep->count; ++t)
    if (ep->colStride[t] != 0 && ep->colStride[t] != 1)
      return 0;
  return 1;
}

AVX512 static void microAvx512(int64_t kc, const float *ap, int64_t lda,
                               const float *bp, float *c, int64_t rowStrideC,
                               int64_t colStrideC, int accumulate, int64_t mr,
                               int64_t nr, const kiln_epilogue_t *ep,
                               int64_t i0, int64_t j0) {
  __m512 acc[MR512][2];
#pragma clang loop unroll(full)
  for (int i = 0; i < MR512; ++i)
    acc[i][0] = acc[i][1] = _mm512_setzero_ps();
  for (int64_t k = 0; k < kc; ++k) {
    __m512 b0 = _mm512_load_ps(bp + k * 32);
    __m512 b1 = _mm512_load_ps(bp + k * 32 + 16);
#pragma clang loop unroll(full)
    for (int i = 0; i < MR512; ++i) {
      __m512 a = _mm512_set1_ps(ap[i * lda + k]);
      acc[i][0] = _mm512_fmadd_ps(a, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(a, b1, acc[i][1]);
    }
  }
  if (colStrideC == 1 && (!ep || epilogueInRegisters(ep, colStrideC))) {
    __mmask16 m0 = laneMask(nr), m1 = laneMask(nr - 16);
    int addends = ep ? ep->count : 0, clamp = ep && ep->clamp;
    __m512 lo = _mm512_set1_ps(ep ? ep->lo : 0.0f);
    __m512 hi = _mm512_set1_ps(ep ? ep->hi : 0.0f);
#pragma clang loop unroll(full)
    for (int i = 0; i < MR512; ++i) {
      if (i >= mr)
        break;
      float *row = c + i * rowStrideC;
      __m512 v0 = acc[i][0], v1 = acc[i][1];
      if (accumulate) {
        v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(m0, row));
        v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(m1, row + 16));
      }
      for (int t = 0; t < addends; ++t) {
        const float *a =
            ep->add[t] + (i0 + i) * ep->rowStride[t] + j0 * ep->colStride[t];
        if (ep->colStride[t] == 0) {
          __m512 b = _mm512_set1_ps(*a);
          v0 = _mm512_add_ps(v0, b);
          v1 = _mm512_add_ps(v1, b);
        } else {
          v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(m0, a));
          v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(m1, a + 16));
        }
      }
      if (clamp) { /* NaN propagates: max/min return their second operand */
        v0 = _mm512_min_ps(hi, _mm512_max_ps(lo, v0));
        v1 = _mm512_min_ps(hi, _mm512_max_ps(lo, v1));
      }
      _mm512_mask_storeu_ps(row, m0, v0);
      _mm512_mask_storeu_ps(row + 16, m1, v1);
    }
    return;
  }
  float tile[MR512 * 32];
#pragma clang loop unroll(full)
  for (int i = 0; i < MR512; ++i) {
    _mm512_storeu_ps(tile + i * 32, acc[i][0]);
    _mm512_storeu_ps(tile + i * 32 + 16, acc[i][1]);
  }
  storeTile(tile, 32, c, rowStrideC, colStrideC, accumulate, mr, nr);
  if (ep)
    kiln_epilogue_tile(ep, i0, j0, c, rowStrideC, colStrideC, mr, nr);
}

AVX512 static void rowsAvx512(int64_t k, const float *a, int64_t rowStrideA,
                              int64_t mr, const float *b, int64_t rowStrideB,
                              float *c, int64_t rowStrideC, int accumulate,
                              int64_t nr) {
  __mmask16 m[4] = {laneMask(nr), laneMask(nr - 16), laneMask(nr - 32),
                    laneMask(nr - 48)};
  /* Rows past mr repeat the last row; their results are dropped. */
  const float *rows[4];
  for (int i = 0; i < 4; ++i)
    rows[i] = a + (i < mr ? i : mr - 1) * rowStrideA;
  __m512 acc[4][4];
#pragma clang loop unroll(full)
  for (int i = 0; i < 4; ++i)
#pragma clang loop unroll(full)
    for (int v = 0; v < 4; ++v)
      acc[i][v] = _mm512_setzero_ps();
  if (nr == 64) {
    for (int64_t p = 0; p < k; ++p) {
      const float *brow = b + p * rowStrideB;
      __m512 bv[4];
#pragma clang loop unroll(full)
      for (int v = 0; v < 4; ++v)
        bv[v] = _mm512_loadu_ps(brow + 16 * v);
#pragma clang loop unroll(full)
      for (int i = 0; i < 4; ++i) {
        __m512 x = _mm512_set1_ps(rows[i][p]);
#pragma clang loop unroll(full)
        for (int v = 0; v < 4; ++v)
          acc[i][v] = _mm512_fmadd_ps(x, bv[v], acc[i][v]);
      }
    }
  } else {
    for (int64_t p = 0; p < k; ++p) {
      const float *brow = b + p * rowStrideB;
      __m512 bv[4];
#pragma clang loop unroll(full)
      for (int v = 0; v < 4; ++v)
        bv[v] = _mm512_maskz_loadu_ps(m[v], brow + 16 * v);
#pragma clang loop unroll(full)
      for (int i = 0; i < 4; ++i) {
        __m512 x = _mm512_set1_ps(rows[i][p]);
#pragma clang loop unroll(full)
        for (int v = 0; v < 4; ++v)
          acc[i][v] = _mm512_fmadd_ps(x, bv[v], acc[i][v]);
      }
    }
  }
#pragma clang loop unroll(full)
  for (int i = 0; i < 4; ++i) {
    if (i >= mr)
      break;
    float *row = c + i * rowStrideC;
#pragma clang loop unroll(full)
    for (int v = 0; v < 4; ++v) {
      __m512 r = acc[i][v];
      if (accumulate)
        r = _mm512_add_ps(r, _mm512_maskz_loadu_ps(m[v], row + 16 * v));
      _mm512_mask_storeu_ps(row + 16 * v, m[v], r);
    }
  }
}

static const kiln_gemm_isa_t kAvx512 = {"avx512", MR512, 32, microAvx512, 64,
                                        rowsAvx512, KILN_ISA_AVX512};

/*===----------------------------------------------------------------------===*
 * AVX2 + FMA: 6 x 16 tile (12 ymm accumulators), rows of 32 columns
 *===----------------------------------------------------------------------===*/

#define AVX2 __attribute__((target("avx2,fma")))

AVX2 static void microAvx2(int64_t kc, const float *ap, int64_t lda,
                           const float *bp, float *c, int64_t rowStrideC,
                           int64_t colStrideC, int accumulate, int64_t mr,
                           int64_t nr, const kiln_epilogue_t *ep, int64_t i0,
                           int64_t j0) {
  __m256 acc[6][2];
#pragma clang loop unroll(full)
  for (int i = 0; i < 6; ++i)
    acc[i][0] = acc[i][1] = _mm256_setzero_ps();
  for (int64_t k = 0; k < kc; ++k) {
    __m256 b0 = _mm256_load_ps(bp + k * 16);
    __m256 b1 = _mm256_load_ps(bp + k * 16 + 8);
#pragma clang loop unroll(full)
    for (int i = 0; i < 6; ++i) {
      __m256 a = _mm256_broadcast_ss(ap + i * lda + k);
      acc[i][0] = _mm256_fmadd_ps(a, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(a, b1, acc[i][1]);
    }
  }
  if (colStrideC == 1 && nr == 16) {
#pragma clang loop unroll(full)
    for (int i = 0; i < 6; ++i) {
      if (i >= mr)
        break;
      float *row = c + i * rowStrideC;
      __m256 v0 = acc[i][0], v1 = acc[i][1];
      if (accumulate) {
        v0 = _mm256_add_ps(v0, _mm256_loadu_ps(row));
        v1 = _mm256_add_ps(v1, _mm256_loadu_ps(row + 8));
      }
      _mm256_storeu_ps(row, v0);
      _mm256_storeu_ps(row + 8, v1);
    }
    if (ep)
      kiln_epilogue_tile(ep, i0, j0, c, rowStrideC, colStrideC, mr, nr);
    return;
  }
  float tile[6 * 16];
#pragma clang loop unroll(full)
  for (int i = 0; i < 6; ++i) {
    _mm256_storeu_ps(tile + i * 16, acc[i][0]);
    _mm256_storeu_ps(tile + i * 16 + 8, acc[i][1]);
  }
  storeTile(tile, 16, c, rowStrideC, colStrideC, accumulate, mr, nr);
  if (ep)
    kiln_epilogue_tile(ep, i0, j0, c, rowStrideC, colStrideC, mr, nr);
}

AVX2 static __m256i laneMask8(int64_t n) {
  int32_t lanes[8];
  for (int i = 0; i < 8; ++i)
    lanes[i] = i < n ? -1 : 0;
  return _mm256_loadu_si256((const __m256i *)lanes);
}

AVX2 static void rowsAvx2(int64_t k, const float *a, int64_t rowStrideA,
                          int64_t mr, const float *b, int64_t rowStrideB,
                          float *c, int64_t rowStrideC, int accumulate,
                          int64_t nr) {
  __m256i m[4] = {laneMask8(nr), laneMask8(nr - 8), laneMask8(nr - 16),
                  laneMask8(nr - 24)};
  const float *rows[4];
  for (int i = 0; i < 4; ++i)
    rows[i] = a + (i < mr ? i : mr - 1) * rowStrideA;
  __m256 acc[4][4];
#pragma clang loop unroll(full)
  for (int i = 0; i < 4; ++i)
#pragma clang loop unroll(full)
    for (int v = 0; v < 4; ++v)
      acc[i][v] = _mm256_setzero_ps();
  for (int64_t p = 0; p < k; ++p) {
    const float *brow = b + p * rowStrideB;
    __m256 bv[4];
#pragma clang loop unroll(full)
    for (int v = 0; v < 4; ++v)
      bv[v] = _mm256_maskload_ps(brow + 8 * v, m[v]);
#pragma clang loop unroll(full)
    for (int i = 0; i < 4; ++i) {
      __m256 x = _mm256_broadcast_ss(rows[i] + p);
#pragma clang loop unroll(full)
      for (int v = 0; v < 4; ++v)
        acc[i][v] = _mm256_fmadd_ps(x, bv[v], acc[i][v]);
    }
  }
  for (int i = 0; i < 4 && i < mr; ++i) {
    float *row = c + i * rowStrideC;
#pragma clang loop unroll(full)
    for (int v = 0; v < 4; ++v) {
      __m256 r = acc[i][v];
      if (accumulate)
        r = _mm256_add_ps(r, _mm256_maskload_ps(row + 8 * v, m[v]));
      _mm256_maskstore_ps(row + 8 * v, m[v], r);
    }
  }
}

static const kiln_gemm_isa_t kAvx2 = {"avx2",   6,        16, microAvx2, 32,
                                      rowsAvx2, KILN_ISA_AVX2};
#endif

/* Whether this CPU runs the kernels named `name`. */
static const kiln_gemm_isa_t *supported(const char *name) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (strcmp(name, "avx512") == 0)
    return __builtin_cpu_supports("avx512f") &&
                   __builtin_cpu_supports("avx512vl")
               ? &kAvx512
               : NULL;
  if (strcmp(name, "avx2") == 0)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")
               ? &kAvx2
               : NULL;
#endif
  return strcmp(name, "generic") == 0 ? &kGeneric : NULL;
}

const kiln_gemm_isa_t *kiln_gemm_isa_named(const char *name) {
  return supported(name);
}

const kiln_gemm_isa_t *kiln_gemm_isa(void) {
  static const kiln_gemm_isa_t *chosen;
  const kiln_gemm_isa_t *isa = __atomic_load_n(&chosen, __ATOMIC_ACQUIRE);
  if (isa)
    return isa;
  /* KILN_GEMM_ISA=avx2|generic selects a narrower set than the CPU has. */
  const char *want = getenv("KILN_GEMM_ISA");
  isa = want ? supported(want) : NULL;
  if (!isa)
    isa = supported("avx512");
  if (!isa)
    isa = supported("avx2");
  if (!isa)
    isa = &kGeneric;
  __atomic_store_n(&chosen, isa, __ATOMIC_RELEASE);
  return isa;
}
