/*===- entry.c - the micro-kernel calls that generated code makes ----------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The CPU pipeline's kiln-cpu-lower-to-ukernels pass replaces f32
 * contractions and convolutions with calls to these functions, passing
 * each operand as an unranked memref (its rank and a pointer to the ranked
 * descriptor {allocated, aligned, offset, sizes[rank], strides[rank]}) and
 * saying which dimension of each operand plays which role. Shapes were
 * verified by the compiler; these functions trust them. Flags: bit 0,
 * accumulate into the output; bit 1, B (the filter) is a constant of the
 * model, whose packed form may be kept; bits 2-3, the number of addends of
 * the epilogue; bit 4, the epilogue clamps to [lo, hi].
 *
 * Every call ends with its epilogue (kiln-cpu-fuse-epilogues): two addend
 * operands (unused ones repeat the output), each with a layout word over
 * the output's dimensions (byte d: the addend's dimension indexed by output
 * dimension d, plus one; zero broadcasts along d), then lo and hi. The
 * output is c = clamp(sum + addend0 + addend1, lo, hi).
 *
 *===---------------------------------------------------------------------===*/

#include "gemm.h"


static int64_t sizeOf(int64_t rank, const kiln_uk_memref_t *m, int64_t d) {
  (void)rank;
  return m->sizesAndStrides[d];
}
static int64_t strideOf(int64_t rank, const kiln_uk_memref_t *m, int64_t d) {
  return m->sizesAndStrides[rank + d];
}

/* The dimension of an operand that plays role `r` (0, 1: the matrix
 * dimensions; 2, 3: batch dimensions) in a layout word: one byte per role,
 * the dimension plus one, zero when the operand lacks it. */
static int64_t roleDim(int64_t layout, int r) {
  return ((layout >> (8 * r)) & 0xFF) - 1;
}

static int64_t roleStride(int64_t rank, const kiln_uk_memref_t *m,
                          int64_t layout, int r) {
  int64_t d = roleDim(layout, r);
  return d < 0 ? 0 : strideOf(rank, m, d);
}

/* The epilogue operands of a call, each addend's stride along every
 * output dimension (0 where it broadcasts). */
typedef struct {
  kiln_epilogue_t e; /* add[] at the output's origin; strides unset */
  int64_t strides[2][8];
} kiln_uk_epilogue_args_t;

static void epilogueArgs(int64_t flags, int64_t rank0, kiln_uk_memref_t *e0,
                         int64_t layout0, int64_t rank1, kiln_uk_memref_t *e1,
                         int64_t layout1, int64_t outRank, float lo, float hi,
                         kiln_uk_epilogue_args_t *out) {
  kiln_uk_epilogue_args_t args = {{0}, {{0}}};
  args.e.count = (int)((flags >> 2) & 3);
  args.e.clamp = (flags & 16) != 0;
  args.e.lo = lo;
  args.e.hi = hi;
  int64_t ranks[2] = {rank0, rank1}, layouts[2] = {layout0, layout1};
  kiln_uk_memref_t *ms[2] = {e0, e1};
  for (int t = 0; t < args.e.count; ++t) {
    args.e.add[t] = ms[t]->aligned + ms[t]->offset;
    for (int64_t d = 0; d < outRank && d < 8; ++d) {
      int64_t dim = roleDim(layouts[t], (int)d);
      args.strides[t][d] = dim < 0 ? 0 : strideOf(ranks[t], ms[t], dim);
    }
  }
  *out = args;
}

/* C[b0, b1, m, n] (+)= sum_k A[b0, b1, m, k] * B[b0, b1, k, n], with up to
 * two batch dimensions, which A or B may lack (broadcast). */
KILN_UK_HIDDEN void kiln_uk_matmul_f32(int64_t rankA, kiln_uk_memref_t *a,
                                       int64_t rankB, kiln_uk_memref_t *b,
                                       int64_t rankC, kiln_uk_memref_t *c,
                                       int64_t layoutA, int64_t layoutB,
                                       int64_t layoutC, int64_t flags,
                                       int64_t rankE0, kiln_uk_memref_t *e0,
                                       int64_t rankE1, kiln_uk_memref_t *e1,
                                       int64_t layoutE0, int64_t layoutE1,
                                       float lo, float hi) {
  kiln_uk_epilogue_args_t ep;
  epilogueArgs(flags, rankE0, e0, layoutE0, rankE1, e1, layoutE1, rankC, lo,
               hi, &ep);
  kiln_gemm_t g = {0};
  g.m = sizeOf(rankC, c, roleDim(layoutC, 0));
  g.n = sizeOf(rankC, c, roleDim(layoutC, 1));
  g.k = sizeOf(rankA, a, roleDim(layoutA, 1));
  g.a.rowStride = roleStride(rankA, a, layoutA, 0);
  g.a.colStride = roleStride(rankA, a, layoutA, 1);
  g.rowStrideB = roleStride(rankB, b, layoutB, 0);
  g.colStrideB = roleStride(rankB, b, layoutB, 1);
  g.rowStrideC = roleStride(rankC, c, layoutC, 0);
  g.colStrideC = roleStride(rankC, c, layoutC, 1);
  g.accumulate = (int)(flags & 1);
  g.constantB = (flags & 2) != 0;
  g.epilogue = ep.e;
  for (int t = 0; t < ep.e.count; ++t) {
    g.epilogue.rowStride[t] = ep.strides[t][roleDim(layoutC, 0)];
    g.epilogue.colStride[t] = ep.strides[t][roleDim(layoutC, 1)];
  }
  int64_t batch[2] = {1, 1};
  for (int r = 0; r < 2; ++r) {
    int64_t d = roleDim(layoutC, 2 + r);
    if (d >= 0)
      batch[r] = sizeOf(rankC, c, d);
  }
  for (int64_t i = 0; i < batch[0]; ++i)
    for (int64_t j = 0; j < batch[1]; ++j) {
      g.a.data = a->aligned + a->offset +
                 i * roleStride(rankA, a, layoutA, 2) +
                 j * roleStride(rankA, a, layoutA, 3);
      g.b = b->aligned + b->offset + i * roleStride(rankB, b, layoutB, 2) +
            j * roleStride(rankB, b, layoutB, 3);
      g.c = c->aligned + c->offset + i * roleStride(rankC, c, layoutC, 2) +
            j * roleStride(rankC, c, layoutC, 3);
      for (int t = 0; t < ep.e.count; ++t) {
        int64_t d0 = roleDim(layoutC, 2), d1 = roleDim(layoutC, 3);
        g.epilogue.add[t] = ep.e.add[t] +
                            (d0 < 0 ? 0 : i * ep.strides[t][d0]) +
                            (d1 < 0 ? 0 : j * ep.strides[t][d1]);
      }
      kiln_gemm(&g);
    }
}

/* out[n, oh, ow, f] (+)= sum in[n, oh*sh + kh*dh - padTop,
 * ow*sw + kw*dw - padLeft, c] * filter[kh, kw, c, f], taps outside the input
 * reading zero: one product whose rows are output pixels and whose
 * reduction runs over (kh, kw, c). */
KILN_UK_HIDDEN void
kiln_uk_conv2d_nhwc_hwcf_f32(int64_t rankI, kiln_uk_memref_t *in,
                             int64_t rankF, kiln_uk_memref_t *filter,
                             int64_t rankO, kiln_uk_memref_t *out,
                             int64_t stepH, int64_t stepW, int64_t dilationH,
                             int64_t dilationW, int64_t padTop,
                             int64_t padLeft, int64_t flags, int64_t rankE0,
                             kiln_uk_memref_t *e0, int64_t rankE1,
                             kiln_uk_memref_t *e1, int64_t layoutE0,
                             int64_t layoutE1, float lo, float hi) {
  kiln_uk_epilogue_args_t ep;
  epilogueArgs(flags, rankE0, e0, layoutE0, rankE1, e1, layoutE1, 4, lo, hi,
               &ep);
  /* A reduction of at most 24 taps (a 3x3 filter over one channel) is
   * computed directly. */
  if (kiln_small_conv(in, rankI, filter, rankF, out, rankO, stepH, stepW,
                      dilationH, dilationW, padTop, padLeft, (int)(flags & 1),
                      &ep.e, (const int64_t(*)[8])ep.strides))
    return;
  int64_t N = sizeOf(rankO, out, 0), OH = sizeOf(rankO, out, 1),
          OW = sizeOf(rankO, out, 2), F = sizeOf(rankO, out, 3);
  int64_t KH = sizeOf(rankF, filter, 0), KW = sizeOf(rankF, filter, 1),
          C = sizeOf(rankF, filter, 2);
  kiln_gemm_t g = {0};
  g.k = KH * KW * C;
  g.n = F;
  g.a.conv = 1;
  g.a.outW = OW;
  g.a.kernelW = KW;
  g.a.channels = C;
  g.a.strideN = strideOf(rankI, in, 0);
  g.a.strideH = strideOf(rankI, in, 1);
  g.a.strideW = strideOf(rankI, in, 2);
  g.a.strideC = strideOf(rankI, in, 3);
  g.a.stepH = stepH;
  g.a.stepW = stepW;
  g.a.dilationH = dilationH;
  g.a.dilationW = dilationW;
  g.a.padTop = padTop;
  g.a.padLeft = padLeft;
  g.a.inH = sizeOf(rankI, in, 1);
  g.a.inW = sizeOf(rankI, in, 2);
  g.a.padded = padTop > 0 || padLeft > 0 ||
               (OH - 1) * stepH + (KH - 1) * dilationH - padTop >= g.a.inH ||
               (OW - 1) * stepW + (KW - 1) * dilationW - padLeft >= g.a.inW;
  g.accumulate = (int)(flags & 1);
  g.constantB = (flags & 2) != 0;
  int64_t fs0 = strideOf(rankF, filter, 0), fs1 = strideOf(rankF, filter, 1),
          fs2 = strideOf(rankF, filter, 2);
  int64_t os0 = strideOf(rankO, out, 0), os1 = strideOf(rankO, out, 1),
          os2 = strideOf(rankO, out, 2);
  const float *f = filter->aligned + filter->offset;
  const float *x = in->aligned + in->offset;
  float *y = out->aligned + out->offset;
  g.colStrideB = strideOf(rankF, filter, 3);
  g.colStrideC = strideOf(rankO, out, 3);
  g.rowStrideC = os2;
  if (fs1 == C * fs2 && fs0 == KW * fs1) {
    /* The filter is a [KH*KW*C, F] matrix. */
    g.b = f;
    g.rowStrideB = fs2;
    /* Addends take the one-product path when their pixels are one
     * stride apart too (a bias: all strides 0). */
    g.epilogue = ep.e;
    int flat = os1 == OW * os2 && os0 == OH * os1;
    for (int t = 0; t < ep.e.count; ++t) {
      const int64_t *es = ep.strides[t];
      flat = flat && es[1] == OW * es[2] && es[0] == OH * es[1];
      g.epilogue.rowStride[t] = es[2];
      g.epilogue.colStride[t] = es[3];
    }
    if (flat) {
      /* The output is an [N*OH*OW, F] matrix: one product. */
      g.m = N * OH * OW;
      g.a.outH = OH;
      g.a.data = x;
      g.c = y;
      /* A 1x1, stride-1, unpadded convolution over a dense image reads a
       * plain [N*H*W, C] matrix: it takes the matrix paths (A read in
       * place, the row kernel for few pixels). */
      if (KH == 1 && KW == 1 && stepH == 1 && stepW == 1 && !g.a.padded &&
          g.a.inH == OH && g.a.inW == OW &&
          g.a.strideH == OW * g.a.strideW && g.a.strideN == OH * g.a.strideH) {
        g.a.conv = 0;
        g.a.rowStride = g.a.strideW;
        g.a.colStride = g.a.strideC;
      }
      kiln_gemm(&g);
      return;
    }
    /* One product per output row (the row's input origin moves, so the
     * padding's top edge moves with it). */
    g.m = OW;
    g.a.outH = 1;
    for (int64_t n = 0; n < N; ++n)
      for (int64_t oh = 0; oh < OH; ++oh) {
        if (g.a.padded) {
          g.a.data = x + n * g.a.strideN;
          g.a.padTop = padTop - oh * stepH;
        } else {
          g.a.data = x + n * g.a.strideN + oh * stepH * g.a.strideH;
        }
        g.c = y + n * os0 + oh * os1;
        for (int t = 0; t < ep.e.count; ++t)
          g.epilogue.add[t] =
              ep.e.add[t] + n * ep.strides[t][0] + oh * ep.strides[t][1];
        kiln_gemm(&g);
      }
    return;
  }
  /* A filter with gaps between taps (no layout Kiln produces): direct
   * loops, taps in the padding skipped. */
  for (int64_t n = 0; n < N; ++n)
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow)
        for (int64_t co = 0; co < F; ++co) {
          float *o = y + n * os0 + oh * os1 + ow * os2 + co * g.colStrideC;
          float sum = (flags & 1) ? *o : 0.0f;
          for (int64_t kh = 0; kh < KH; ++kh)
            for (int64_t kw = 0; kw < KW; ++kw) {
              int64_t ih = oh * stepH + kh * dilationH - padTop;
              int64_t iw = ow * stepW + kw * dilationW - padLeft;
              if (ih < 0 || ih >= g.a.inH || iw < 0 || iw >= g.a.inW)
                continue;
              for (int64_t ci = 0; ci < C; ++ci)
                sum += x[n * g.a.strideN + ih * g.a.strideH +
                         iw * g.a.strideW + ci * g.a.strideC] *
                       f[kh * fs0 + kw * fs1 + ci * fs2 + co * g.colStrideB];
            }
          *o = sum;
          kiln_epilogue_t e = ep.e;
          for (int t = 0; t < e.count; ++t)
            e.add[t] += n * ep.strides[t][0] + oh * ep.strides[t][1] +
                        ow * ep.strides[t][2] + co * ep.strides[t][3];
          kiln_epilogue_tile(&e, 0, 0, o, 1, 1, 1, 1);
        }
}
