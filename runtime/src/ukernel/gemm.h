/*===- gemm.h - the runtime's f32 matrix-multiply engine ------------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * C (+)= A x B in f32, for the micro-kernels that generated code calls
 * (ukernel/entry.c). The operands are strided views: any row and column
 * strides, so transposed operands need no copy. A is either such a matrix
 * or a convolution's input read as its implicit im2col matrix (one row per
 * output pixel, one column per filter tap and input channel), so that a
 * convolution is one matrix multiply with no im2col buffer.
 *
 * The engine is the classic blocked algorithm: B is packed into panels of
 * NR columns per KC-deep block, A into panels of MR rows, and a register-
 * blocked micro-kernel (one per instruction set, chosen once from the CPU)
 * computes each MR x NR tile of C with its accumulators in vector
 * registers. Products with few rows skip packing (gemm.c).
 *
 *===---------------------------------------------------------------------===*/

#ifndef KILN_RUNTIME_UKERNEL_GEMM_H
#define KILN_RUNTIME_UKERNEL_GEMM_H

#include <stdint.h>

#define KILN_UK_HIDDEN __attribute__((visibility("hidden")))

/* A ranked memref descriptor as generated code passes it (behind an
 * unranked memref): {allocated, aligned, offset, sizes[rank],
 * strides[rank]}. */
typedef struct {
  char *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizesAndStrides[];
} kiln_uk_memref_t;

/* The left operand: a strided matrix, or a convolution input (NHWC, any
 * strides) read through its window. */
typedef struct {
  const float *data;
  int64_t rowStride, colStride; /* matrix */
  int conv;                     /* nonzero: rows are output pixels */
  int64_t outH, outW;           /* conv: output height and width */
  int64_t kernelW, channels;    /* conv: columns are (kh, kw, c) */
  int64_t strideN, strideH, strideW, strideC; /* conv: input strides */
  int64_t stepH, stepW, dilationH, dilationW; /* conv: window */
  /* conv: implicit zero padding (top, left) of an input of inH x inW; a
   * tap outside the input reads zero. */
  int64_t padTop, padLeft, inH, inW;
  int padded; /* conv: some tap may fall outside the input */
} kiln_gemm_lhs_t;

/* What a product does to each element of C once its sum is complete, as
 * the tile is stored: c = clamp(c + add[0] + add[1], lo, hi). Addends are
 * strided over C's rows and columns (stride 0 broadcasts: a bias vector
 * has row stride 0); `add[t]` points at the element of C[0, 0]. The clamp
 * propagates NaN, as arith.maximumf and arith.minimumf do. */
typedef struct {
  int count; /* addends, 0 to 2 */
  int clamp; /* nonzero: clamp to [lo, hi] */
  float lo, hi;
  const float *add[2];
  int64_t rowStride[2], colStride[2];
} kiln_epilogue_t;

/* Whether `e` does anything. */
static inline int kiln_epilogue_active(const kiln_epilogue_t *e) {
  return e->count > 0 || e->clamp;
}

/* Applies `e` to C[i0:i0+mr, j0:j0+nr], stored at `c` (C[i0, j0]). */
KILN_UK_HIDDEN void kiln_epilogue_tile(const kiln_epilogue_t *e, int64_t i0,
                                       int64_t j0, float *c,
                                       int64_t rowStrideC, int64_t colStrideC,
                                       int64_t mr, int64_t nr);

/* 16 floats, loaded and stored at any 4-byte alignment. Under a target
 * attribute the vector operations become that instruction set's. */
typedef float kiln_v16 __attribute__((vector_size(64), aligned(4)));

/* The epilogue of the 16 values `v` at (n, oh, ow, c..c+15) of an NHWC
 * output, in registers, for a kernel `d` with fields `epilogue` (addends at
 * the output's origin) and `epilogueS[t][4]` (addend strides along n, oh,
 * ow, c; the channel stride 0 or 1). The clamp propagates NaN (IEEE
 * maximum and minimum). */
#define KILN_V16_EPILOGUE(d, v, n, oh, ow, c)                                  \
  do {                                                                         \
    for (int t_ = 0; t_ < (d)->epilogue.count; ++t_) {                         \
      const int64_t *s_ = (d)->epilogueS[t_];                                  \
      const float *a_ = (d)->epilogue.add[t_] + (n) * s_[0] + (oh) * s_[1] +   \
                        (ow) * s_[2] + (c) * s_[3];                            \
      if (s_[3] == 0)                                                          \
        v += *a_;                                                              \
      else                                                                     \
        v += *(const kiln_v16 *)a_;                                            \
    }                                                                          \
    if ((d)->epilogue.clamp) {                                                 \
      kiln_v16 lo_ = (kiln_v16){0} + (d)->epilogue.lo;                         \
      kiln_v16 hi_ = (kiln_v16){0} + (d)->epilogue.hi;                         \
      v = __builtin_elementwise_minimum(                                       \
          __builtin_elementwise_maximum(v, lo_), hi_);                         \
    }                                                                          \
  } while (0)

typedef struct {
  int64_t m, n, k;
  kiln_gemm_lhs_t a;
  const float *b;
  int64_t rowStrideB, colStrideB;
  float *c;
  int64_t rowStrideC, colStrideC;
  int accumulate; /* nonzero: C += A x B; zero: C = A x B */
  /* Nonzero when B never changes while the library is loaded (a constant
   * of the model, such as an inference weight): its packed panels are
   * built once and kept (gemm.c). */
  int constantB;
  /* Applied to each tile of C when its sum is complete. */
  kiln_epilogue_t epilogue;
} kiln_gemm_t;

/* Computes one product. */
KILN_UK_HIDDEN void kiln_gemm(const kiln_gemm_t *g);

/* A micro-kernel: C[0:mr, 0:nr] (+)= Ap x Bp over kc, where Ap holds MR
 * rows of kc columns, row i at Ap + i * lda (a packed panel, lda == kc, or
 * A itself when its rows are contiguous), and Bp kc rows of NR columns
 * (Bp[k * NR + j]), zero-padded past nr. All MR rows are read: rows past mr
 * must be readable (a packed panel pads them with zeros). When `ep` is not
 * NULL the sum is complete and the kernel applies the epilogue to the tile,
 * which is C[i0:i0+mr, j0:j0+nr] of the product. */
typedef void (*kiln_microkernel_fn)(int64_t kc, const float *ap, int64_t lda,
                                    const float *bp, float *c,
                                    int64_t rowStrideC, int64_t colStrideC,
                                    int accumulate, int64_t mr, int64_t nr,
                                    const kiln_epilogue_t *ep, int64_t i0,
                                    int64_t j0);

/* A row kernel for products with few rows: C[0:mr, 0:nr] (+)= A x B with
 * A read in place (mr <= 4 rows, unit column stride) and B row-major with
 * unit column stride, nr <= NR_ROWS columns. */
typedef void (*kiln_rowkernel_fn)(int64_t k, const float *a, int64_t rowStrideA,
                                  int64_t mr, const float *b,
                                  int64_t rowStrideB, float *c,
                                  int64_t rowStrideC, int accumulate,
                                  int64_t nr);

typedef struct {
  const char *name;
  int64_t mr, nr;          /* micro-kernel tile */
  kiln_microkernel_fn micro;
  int64_t rowsNr;          /* row-kernel columns per call */
  kiln_rowkernel_fn rows;
  /* Which instruction set, for the kernels outside this table (depthwise,
   * small convolutions, epilogues) to pick their own variant. */
  enum { KILN_ISA_GENERIC, KILN_ISA_AVX2, KILN_ISA_AVX512 } level;
} kiln_gemm_isa_t;

/* The kernels for this CPU (AVX-512, AVX2 + FMA, or portable C). */
KILN_UK_HIDDEN const kiln_gemm_isa_t *kiln_gemm_isa(void);

/* The kernels named "avx512", "avx2" or "generic", or NULL when this CPU
 * lacks them (tests run each set). */
KILN_UK_HIDDEN const kiln_gemm_isa_t *kiln_gemm_isa_named(const char *name);

/* kiln_gemm with the given kernels. */
KILN_UK_HIDDEN void kiln_gemm_with(const kiln_gemm_t *g,
                                   const kiln_gemm_isa_t *isa);

/* An NHWC convolution whose reduction has at most 24 taps, computed
 * directly (smallconv.c), with the epilogue `e` (addend strides along
 * (n, oh, ow, f) in `epilogueStrides`). Returns 0, having done nothing,
 * when the layout does not suit it. */
KILN_UK_HIDDEN int kiln_small_conv(
    const kiln_uk_memref_t *in, int64_t rankI, const kiln_uk_memref_t *filter,
    int64_t rankF, kiln_uk_memref_t *out, int64_t rankO, int64_t stepH,
    int64_t stepW, int64_t dilationH, int64_t dilationW, int64_t padTop,
    int64_t padLeft, int accumulate, const kiln_epilogue_t *e,
    const int64_t (*epilogueStrides)[8]);

#endif /* KILN_RUNTIME_UKERNEL_GEMM_H */
