/*===- gemm.c - blocked f32 matrix multiply over packed panels ------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The loop nest (Goto and van de Geijn's): for each NC-wide block of
 * columns and KC-deep block of the reduction, B's block is packed into
 * NR-wide panels (kept in L2); for each MC-high block of rows, A's block is
 * packed into MR-high panels (kept in L1/L2); the micro-kernel then sweeps
 * the MR x NR tiles. Products with at most 8 rows and unit column strides
 * skip packing: the row kernel streams B once per 4 rows.
 *
 *===---------------------------------------------------------------------===*/

#include "gemm.h"
#include "../threads.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#ifndef KILN_GEMM_KC
#define KILN_GEMM_KC 512
#define KILN_GEMM_PANELS_M 16
#define KILN_GEMM_PANELS_N 64
#endif
enum {
  KC = KILN_GEMM_KC,                 /* reduction depth of a packed block */
  PANELS_M = KILN_GEMM_PANELS_M,     /* MC = MR * PANELS_M rows per A block */
  PANELS_N = KILN_GEMM_PANELS_N,     /* NC = NR * PANELS_N columns per B block */
  ROWS_LIMIT = 8,  /* products with at most this many rows skip packing */
  PARALLEL_MACS = 1 << 17, /* smaller products run on one thread */
};

/* Per-thread packing buffers, grown on first use and kept: a product
 * allocates nothing once the largest block has been seen. They are freed
 * when their thread exits (a thread-specific key's destructor), so
 * applications that call models from short-lived threads lose nothing. */
typedef struct {
  float *a, *b;
  int64_t *offsets;
  size_t aSize, bSize;
} kiln_pack_buffers_t;

static pthread_key_t buffersKey;
static pthread_once_t buffersOnce = PTHREAD_ONCE_INIT;

static void freeBuffers(void *p) {
  kiln_pack_buffers_t *b = p;
  free(b->a);
  free(b->b);
  free(b->offsets);
  free(b);
}

static void createBuffersKey(void) {
  (void)pthread_key_create(&buffersKey, freeBuffers);
}

/* This thread's buffers, or NULL when memory is short. */
static kiln_pack_buffers_t *threadBuffers(void) {
  pthread_once(&buffersOnce, createBuffersKey);
  kiln_pack_buffers_t *b = pthread_getspecific(buffersKey);
  if (!b) {
    b = calloc(1, sizeof *b);
    if (b && pthread_setspecific(buffersKey, b) != 0) {
      free(b);
      b = NULL;
    }
  }
  return b;
}

static float *grow(float **p, size_t *size, size_t want) {
  if (*size >= want)
    return *p;
  free(*p);
  /* 64-byte aligned for full-vector loads of packed panels. */
  size_t bytes = (want * sizeof(float) + 63) & ~(size_t)63;
  *p = aligned_alloc(64, bytes);
  *size = *p ? want : 0;
  return *p;
}

/* The address of row `r` of A (its first column). */
static const float *rowBase(const kiln_gemm_lhs_t *a, int64_t r) {
  if (!a->conv)
    return a->data + r * a->rowStride;
  int64_t pixels = a->outH * a->outW;
  int64_t n = r / pixels, rem = r % pixels;
  int64_t oh = rem / a->outW, ow = rem % a->outW;
  return a->data + n * a->strideN + oh * a->stepH * a->strideH +
         ow * a->stepW * a->strideW;
}

/* The columns [p0, p0 + kc) of A as runs of consecutive elements: run r
 * covers columns [starts[r], starts[r + 1]) at offsets offsets[r] + 0, 1,
 * ... from the row base. A row-major matrix is one run; a convolution with
 * unit channel stride one run per kernel row (kw and c are consecutive in
 * NHWC) or per tap. Returns the number of runs; starts[runs] == kc. */
static int64_t columnRuns(const kiln_gemm_lhs_t *a, int64_t p0, int64_t kc,
                          int64_t *starts, int64_t *offsets) {
  int64_t runs = 0, prev = 0;
  int64_t c = 0, kw = 0, kh = 0;
  if (a->conv) {
    c = p0 % a->channels;
    int64_t tap = p0 / a->channels;
    kw = tap % a->kernelW, kh = tap / a->kernelW;
  }
  for (int64_t p = 0; p < kc; ++p) {
    int64_t o;
    if (!a->conv) {
      o = (p0 + p) * a->colStride;
    } else {
      o = kh * a->dilationH * a->strideH + kw * a->dilationW * a->strideW +
          c * a->strideC;
      if (++c == a->channels) {
        c = 0;
        if (++kw == a->kernelW) {
          kw = 0;
          ++kh;
        }
      }
    }
    if (runs == 0 || o != prev + 1) {
      starts[runs] = p;
      offsets[runs++] = o;
    }
    prev = o;
  }
  starts[runs] = kc;
  return runs;
}

/* Packs columns [p0, p0 + kc) of row `r` of a padded convolution's
 * implicit matrix into dst: tap by tap, the tap's channels copied, or zero
 * where the tap falls in the padding. */
static void packPaddedConvRow(const kiln_gemm_lhs_t *a, int64_t r, int64_t p0,
                              int64_t kc, float *dst) {
  int64_t pixels = a->outH * a->outW;
  int64_t n = r / pixels, rem = r % pixels;
  int64_t ih0 = (rem / a->outW) * a->stepH - a->padTop;
  int64_t iw0 = (rem % a->outW) * a->stepW - a->padLeft;
  const float *image = a->data + n * a->strideN;
  int64_t C = a->channels;
  if (a->strideC == 1 && a->strideW == C && a->dilationW == 1) {
    /* Dense NHWC, no horizontal dilation: a kernel row's taps are KW * C
     * consecutive floats of the image; the part inside the image is one
     * copy, the taps left and right of it zeros. */
    int64_t rowLen = a->kernelW * C;
    int64_t lo = (iw0 < 0 ? -iw0 : 0) * C;
    int64_t hi = (a->inW - iw0 < a->kernelW ? a->inW - iw0 : a->kernelW) * C;
    for (int64_t p = 0; p < kc;) {
      int64_t q = (p0 + p) % rowLen, kh = (p0 + p) / rowLen;
      int64_t count = rowLen - q < kc - p ? rowLen - q : kc - p;
      int64_t ih = ih0 + kh * a->dilationH;
      int64_t from = q, to = q + count; /* row elements copied: [from, to) */
      if (ih < 0 || ih >= a->inH) {
        from = to;
      } else {
        from = from < lo ? lo : from;
        to = to > hi ? hi : to;
      }
      if (from >= to) {
        memset(dst + p, 0, (size_t)count * sizeof(float));
      } else {
        memset(dst + p, 0, (size_t)(from - q) * sizeof(float));
        memcpy(dst + p + (from - q), image + ih * a->strideH + iw0 * C + from,
               (size_t)(to - from) * sizeof(float));
        memset(dst + p + (to - q), 0, (size_t)(q + count - to) * sizeof(float));
      }
      p += count;
    }
    return;
  }
  int64_t p = 0, tap = p0 / C, c = p0 % C;
  while (p < kc) {
    int64_t count = C - c < kc - p ? C - c : kc - p;
    int64_t ih = ih0 + (tap / a->kernelW) * a->dilationH;
    int64_t iw = iw0 + (tap % a->kernelW) * a->dilationW;
    if (ih < 0 || ih >= a->inH || iw < 0 || iw >= a->inW) {
      memset(dst + p, 0, (size_t)count * sizeof(float));
    } else {
      const float *src = image + ih * a->strideH + iw * a->strideW +
                         c * a->strideC;
      if (a->strideC == 1)
        memcpy(dst + p, src, (size_t)count * sizeof(float));
      else
        for (int64_t j = 0; j < count; ++j)
          dst[p + j] = src[j * a->strideC];
    }
    p += count;
    c = 0;
    ++tap;
  }
}

/* Packs rows [r0, r0 + mr) of A's current block, each row contiguous:
 * ap[i * kc + p]; rows past mr are zero. */
static void packA(const kiln_gemm_lhs_t *a, const int64_t *starts,
                  const int64_t *offsets, int64_t runs, int64_t kc,
                  int64_t p0, int64_t r0, int64_t mr, int64_t MR,
                  float *ap) {
  if (a->conv && a->padded) {
    for (int64_t i = 0; i < mr; ++i)
      packPaddedConvRow(a, r0 + i, p0, kc, ap + i * kc);
    for (int64_t i = mr; i < MR; ++i)
      memset(ap + i * kc, 0, (size_t)kc * sizeof(float));
    return;
  }
  for (int64_t i = 0; i < mr; ++i) {
    const float *row = rowBase(a, r0 + i);
    float *dst = ap + i * kc;
    if (runs == kc) { /* single elements: a strided row */
      for (int64_t p = 0; p < kc; ++p)
        dst[p] = row[offsets[p]];
      continue;
    }
    for (int64_t r = 0; r < runs; ++r)
      memcpy(dst + starts[r], row + offsets[r],
             (size_t)(starts[r + 1] - starts[r]) * sizeof(float));
  }
  for (int64_t i = mr; i < MR; ++i)
    memset(ap + i * kc, 0, (size_t)kc * sizeof(float));
}

/* Copies n floats; n is a small constant in the common calls, so the
 * compiler inlines it as vector moves (a memcpy call per 128-byte row
 * costs more than the copy). */
static inline void copyRow(float *restrict dst, const float *restrict src,
                           int64_t n) {
  for (int64_t j = 0; j < n; ++j)
    dst[j] = src[j];
}

/* Packs columns [j0, j0 + nr) of B's rows [p0, p0 + kc): bp[p * NR + j]. */
static void packB(const kiln_gemm_t *g, int64_t p0, int64_t kc, int64_t j0,
                  int64_t nr, int64_t NR, float *bp) {
  const float *src = g->b + p0 * g->rowStrideB + j0 * g->colStrideB;
  if (g->colStrideB == 1 && nr == NR && (NR == 32 || NR == 16)) {
    for (int64_t p = 0; p < kc; ++p, src += g->rowStrideB, bp += NR) {
      if (NR == 32)
        copyRow(bp, src, 32);
      else
        copyRow(bp, src, 16);
    }
    return;
  }
  for (int64_t p = 0; p < kc; ++p, src += g->rowStrideB, bp += NR) {
    if (g->colStrideB == 1) {
      copyRow(bp, src, nr);
    } else {
      for (int64_t j = 0; j < nr; ++j)
        bp[j] = src[j * g->colStrideB];
    }
    for (int64_t j = nr; j < NR; ++j)
      bp[j] = 0.0f;
  }
}

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
static int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/* The reduction depth of B's blocks: equal blocks of at most KC
 * (784 = 4 x 196, not 3 x 256 + 16). */
static int64_t reductionBlock(int64_t k) { return ceilDiv(k, ceilDiv(k, KC)); }

/* The reduction depth of a convolution whose A rows are read in place: a
 * kernel row (KW * C consecutive floats of a dense NHWC image) or an equal
 * part of one, so that no block spans two kernel rows; 0 when the layout
 * does not allow it or a kernel row is too short for the micro-kernel to
 * run well on it. */
static int64_t inPlaceConvBlock(const kiln_gemm_lhs_t *a) {
  if (!a->conv || a->strideC != 1 || a->strideW != a->channels ||
      a->dilationW != 1)
    return 0;
  int64_t rowLen = a->kernelW * a->channels, parts = ceilDiv(rowLen, KC);
  if (rowLen < 96 || rowLen % parts != 0)
    return 0;
  return rowLen / parts;
}

/* The reduction depth of B's blocks for `g` (its packed layout too). */
static int64_t blockDepth(const kiln_gemm_t *g) {
  int64_t inPlace = inPlaceConvBlock(&g->a);
  return inPlace ? inPlace : reductionBlock(g->k);
}

/* Rows [r0, r0 + MR) of a convolution's implicit matrix, columns [p0, p0 +
 * kc) within one kernel row, read in place: the address of row r0's first
 * column (the next rows follow stepW pixels apart), or NULL when the rows
 * span two output rows or some tap of theirs falls in the padding. */
static const float *convRowsInPlace(const kiln_gemm_lhs_t *a, int64_t r0,
                                    int64_t MR, int64_t p0) {
  int64_t pixels = a->outH * a->outW;
  int64_t n = r0 / pixels, rem = r0 % pixels;
  int64_t oh = rem / a->outW, ow = rem % a->outW;
  if (ow + MR > a->outW)
    return NULL;
  int64_t rowLen = a->kernelW * a->channels;
  int64_t ih = oh * a->stepH - a->padTop + (p0 / rowLen) * a->dilationH;
  int64_t iw0 = ow * a->stepW - a->padLeft;
  int64_t iwLast = (ow + MR - 1) * a->stepW - a->padLeft + a->kernelW - 1;
  if (ih < 0 || ih >= a->inH || iw0 < 0 || iwLast >= a->inW)
    return NULL;
  return a->data + n * a->strideN + ih * a->strideH + iw0 * a->strideW +
         p0 % rowLen;
}

/*===----------------------------------------------------------------------===*
 * Constant B, packed once
 *
 * A constant B (a weight of an inference library) is packed whole the first
 * time it is used and kept for the life of the library: panel jp of
 * reduction block p lives at data + (p * panels + jp) * NR * kBlock. The
 * table is small and fixed; when it is full, products pack per call.
 *===----------------------------------------------------------------------===*/

enum { PACKED_ENTRIES = 1024 };

typedef struct {
  const float *b;
  int64_t k, n, rowStride, colStride, nr, kBlock;
  float *data;
} kiln_packed_b_t;

static struct {
  pthread_mutex_t lock;
  int count;
  kiln_packed_b_t entries[PACKED_ENTRIES];
} packedB = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void packB(const kiln_gemm_t *g, int64_t p0, int64_t kc, int64_t j0,
                  int64_t nr, int64_t NR, float *bp);

/* B's whole packed form, built on first use; NULL when the table is full
 * or memory is short (the caller then packs per call). */
static const float *constantPackedB(const kiln_gemm_t *g, int64_t NR) {
  const float *found = NULL;
  int64_t kBlock = blockDepth(g);
  pthread_mutex_lock(&packedB.lock);
  for (int i = 0; i < packedB.count && !found; ++i) {
    kiln_packed_b_t *e = &packedB.entries[i];
    if (e->b == g->b && e->k == g->k && e->n == g->n &&
        e->rowStride == g->rowStrideB && e->colStride == g->colStrideB &&
        e->nr == NR && e->kBlock == kBlock)
      found = e->data;
  }
  if (!found && packedB.count < PACKED_ENTRIES) {
    int64_t blocks = ceilDiv(g->k, kBlock);
    int64_t panels = ceilDiv(g->n, NR);
    size_t bytes = ((size_t)(blocks * panels * NR * kBlock) * sizeof(float) +
                    63) & ~(size_t)63;
    float *data = aligned_alloc(64, bytes);
    if (data) {
      for (int64_t p = 0; p < blocks; ++p) {
        int64_t kc = min64(kBlock, g->k - p * kBlock);
        for (int64_t jp = 0; jp < panels; ++jp)
          packB(g, p * kBlock, kc, jp * NR, min64(NR, g->n - jp * NR), NR,
                data + (p * panels + jp) * NR * kBlock);
      }
      packedB.entries[packedB.count++] =
          (kiln_packed_b_t){g->b, g->k, g->n, g->rowStrideB, g->colStrideB,
                            NR, kBlock, data};
      found = data;
    }
  }
  pthread_mutex_unlock(&packedB.lock);
  return found;
}

__attribute__((destructor)) static void freePackedB(void) {
  for (int i = 0; i < packedB.count; ++i)
    free(packedB.entries[i].data);
  packedB.count = 0;
}

/* C[m0:m1, n0:n1] through packed panels. Returns nonzero when the packing
 * buffers cannot be allocated. */
static int blocked(const kiln_gemm_t *g, const kiln_gemm_isa_t *isa,
                   int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
  const int64_t MR = isa->mr, NR = isa->nr;
  const int64_t MC = MR * PANELS_M, NC = NR * PANELS_N;
  kiln_pack_buffers_t *buffers = threadBuffers();
  if (!buffers)
    return 1;
  float *ap = grow(&buffers->a, &buffers->aSize, (size_t)(MC * KC));
  float *bp = grow(&buffers->b, &buffers->bSize, (size_t)(NC * KC));
  if (!buffers->offsets)
    buffers->offsets = malloc(2 * (KC + 1) * sizeof(int64_t));
  int64_t *starts = buffers->offsets, *offsets = buffers->offsets + KC + 1;
  if (!ap || !bp || !starts)
    return 1;
  const float *packed = g->constantB ? constantPackedB(g, NR) : NULL;
  /* A row-major A (unit column stride) needs no packing. */
  int directA = !g->a.conv && g->a.colStride == 1;
  int64_t kBlock = blockDepth(g), panels = ceilDiv(g->n, NR);
  int inPlaceConv = inPlaceConvBlock(&g->a) != 0;
  /* Where each MR-row panel of the current A block is read, and its row
   * stride: in place, or the packed copy. */
  const float *panelA[PANELS_M];
  int64_t panelLda[PANELS_M];
  for (int64_t jc = n0; jc < n1; jc += NC) {
    int64_t nc = min64(NC, n1 - jc);
    for (int64_t pc = 0; pc < g->k; pc += kBlock) {
      int64_t kc = min64(kBlock, g->k - pc);
      int accumulate = g->accumulate || pc > 0;
      int last = pc + kc >= g->k && kiln_epilogue_active(&g->epilogue);
      int64_t runs = columnRuns(&g->a, pc, kc, starts, offsets);
      /* Panel jr / NR of this block: packed now, or from the kept form
       * (jc is a multiple of NR: tasks split columns in whole panels). */
      const float *panel0 = bp;
      int64_t panelStride = NR * kc;
      if (packed) {
        panel0 = packed + ((pc / kBlock) * panels + jc / NR) * NR * kBlock;
        panelStride = NR * kBlock;
      } else {
        for (int64_t jr = 0; jr < nc; jr += NR)
          packB(g, pc, kc, jc + jr, min64(NR, nc - jr), NR, bp + jr * kc);
      }
      for (int64_t ic = m0; ic < m1; ic += MC) {
        int64_t mc = min64(MC, m1 - ic);
        /* Full panels of a row-major A are read in place, and those of a
         * convolution whose rows lie in one output row, clear of the
         * padding; the rest are packed. */
        for (int64_t ir = 0; ir < mc; ir += MR) {
          const float *in = NULL;
          int64_t lda = kc;
          if (directA && ir + MR <= mc) {
            in = g->a.data + (ic + ir) * g->a.rowStride + pc;
            lda = g->a.rowStride;
          } else if (inPlaceConv && ir + MR <= mc) {
            in = convRowsInPlace(&g->a, ic + ir, MR, pc);
            lda = g->a.stepW * g->a.strideW;
          }
          if (!in) {
            packA(&g->a, starts, offsets, runs, kc, pc, ic + ir,
                  min64(MR, mc - ir), MR, ap + ir * kc);
            in = ap + ir * kc;
            lda = kc;
          }
          panelA[ir / MR] = in;
          panelLda[ir / MR] = lda;
        }
        for (int64_t jr = 0; jr < nc; jr += NR)
          for (int64_t ir = 0; ir < mc; ir += MR) {
            float *tile =
                g->c + (ic + ir) * g->rowStrideC + (jc + jr) * g->colStrideC;
            int64_t mr = min64(MR, mc - ir), nr = min64(NR, nc - jr);
            isa->micro(kc, panelA[ir / MR], panelLda[ir / MR],
                       panel0 + (jr / NR) * panelStride, tile, g->rowStrideC,
                       g->colStrideC, accumulate, mr, nr,
                       /* The sum is complete: finish the tile in place. */
                       last ? &g->epilogue : NULL, ic + ir, jc + jr);
          }
      }
    }
  }
  return 0;
}

/* C[m0:m1, n0:n1] with the row kernel: A and B read in place. */
static void rows(const kiln_gemm_t *g, const kiln_gemm_isa_t *isa, int64_t m0,
                 int64_t m1, int64_t n0, int64_t n1) {
  for (int64_t i = m0; i < m1; i += 4)
    for (int64_t j = n0; j < n1; j += isa->rowsNr) {
      float *tile = g->c + i * g->rowStrideC + j;
      int64_t mr = min64(4, m1 - i), nr = min64(isa->rowsNr, n1 - j);
      isa->rows(g->k, g->a.data + i * g->a.rowStride, g->a.rowStride, mr,
                g->b + j, g->rowStrideB, tile, g->rowStrideC, g->accumulate,
                nr);
      kiln_epilogue_tile(&g->epilogue, i, j, tile, g->rowStrideC, 1, mr, nr);
    }
}

/* The plain triple loop over C[m0:m1, n0:n1]: the fallback when no
 * packing buffer could be allocated (before any work was done). */
static void naive(const kiln_gemm_t *g, int64_t m0, int64_t m1, int64_t n0,
                  int64_t n1) {
  int64_t starts[2], offsets[2];
  int padded = g->a.conv && g->a.padded;
  for (int64_t i = m0; i < m1; ++i) {
    const float *row = padded ? NULL : rowBase(&g->a, i);
    for (int64_t j = n0; j < n1; ++j) {
      float sum = 0.0f;
      for (int64_t p = 0; p < g->k; ++p) {
        float x;
        if (padded) {
          packPaddedConvRow(&g->a, i, p, 1, &x);
        } else {
          columnRuns(&g->a, p, 1, starts, offsets);
          x = row[offsets[0]];
        }
        sum += x * g->b[p * g->rowStrideB + j * g->colStrideB];
      }
      float *c = g->c + i * g->rowStrideC + j * g->colStrideC;
      *c = g->accumulate ? *c + sum : sum;
    }
  }
  kiln_epilogue_tile(&g->epilogue, m0, n0,
                     g->c + m0 * g->rowStrideC + n0 * g->colStrideC,
                     g->rowStrideC, g->colStrideC, m1 - m0, n1 - n0);
}

void kiln_gemm(const kiln_gemm_t *g) { kiln_gemm_with(g, kiln_gemm_isa()); }

/* One thread's share of a product: rows or columns [begin, end). */
typedef struct {
  const kiln_gemm_t *g;
  const kiln_gemm_isa_t *isa;
  int useRows, splitRows;
  int64_t chunk; /* rows or columns per task */
} kiln_gemm_task_t;

static void runTask(void *ctx, int64_t index) {
  kiln_gemm_task_t *t = ctx;
  const kiln_gemm_t *g = t->g;
  int64_t total = t->splitRows ? g->m : g->n;
  int64_t begin = index * t->chunk, end = min64(total, begin + t->chunk);
  if (begin >= end)
    return;
  int64_t m0 = 0, m1 = g->m, n0 = 0, n1 = g->n;
  if (t->splitRows)
    m0 = begin, m1 = end;
  else
    n0 = begin, n1 = end;
  if (t->useRows)
    rows(g, t->isa, m0, m1, n0, n1);
  else if (blocked(g, t->isa, m0, m1, n0, n1))
    naive(g, m0, m1, n0, n1);
}

void kiln_gemm_with(const kiln_gemm_t *g, const kiln_gemm_isa_t *isa) {
  if (g->m <= 0 || g->n <= 0)
    return;
  if (g->k <= 0) {
    if (!g->accumulate)
      for (int64_t i = 0; i < g->m; ++i)
        for (int64_t j = 0; j < g->n; ++j)
          g->c[i * g->rowStrideC + j * g->colStrideC] = 0.0f;
    kiln_epilogue_tile(&g->epilogue, 0, 0, g->c, g->rowStrideC, g->colStrideC,
                       g->m, g->n);
    return;
  }
  kiln_gemm_task_t task = {g, isa, 0, 0, 0};
  task.useRows = g->m <= ROWS_LIMIT && !g->a.conv && g->a.colStride == 1 &&
                 g->colStrideB == 1 && g->colStrideC == 1;
  /* Split among the threads in whole tiles. Each thread packs the whole of
   * the operand the split does not divide, so split the side whose other
   * operand is smaller: the columns when B (often the weights) is the
   * larger, so that each thread streams only its share of it and keeps it
   * in its own cache; the rows otherwise (convolutions: many pixels, few
   * channels). */
  int threads = g->m * g->n * g->k < PARALLEL_MACS ? 1 : kiln_num_threads();
  int64_t tileM = task.useRows ? 4 : isa->mr;
  int64_t tileN = task.useRows ? isa->rowsNr : isa->nr;
  task.splitRows = !task.useRows && g->m > g->n &&
                   ceilDiv(g->m, tileM) >= 2 * threads;
  if (!task.useRows && ceilDiv(g->n, tileN) < threads)
    task.splitRows = 1;
  int64_t tile = task.splitRows ? tileM : tileN;
  int64_t tiles = ceilDiv(task.splitRows ? g->m : g->n, tile);
  int64_t tasks = threads < tiles ? threads : tiles;
  task.chunk = ceilDiv(tiles, tasks) * tile;
  tasks = ceilDiv(task.splitRows ? g->m : g->n, task.chunk);
  if (tasks <= 1)
    runTask(&task, 0);
  else
    kiln_parallel_for(tasks, runTask, &task);
}
