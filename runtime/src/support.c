/*===- support.c - functions that compiled model code calls ---------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * MLIR lowers a `memref.copy` between non-contiguous buffers to a call of
 * `memrefCopy` (upstream it lives in libmlir_c_runner_utils, which generated
 * libraries must not depend on). This is Kiln's own implementation: a
 * strided, row-major element copy.
 *
 *===---------------------------------------------------------------------===*/

#include <stdint.h>
#include <string.h>

/* An unranked memref: the rank and a pointer to the ranked descriptor
 * {allocated, aligned, offset, sizes[rank], strides[rank]}. */
typedef struct {
  int64_t rank;
  void *descriptor;
} kiln_unranked_memref_t;

typedef struct {
  char *allocated;
  char *aligned;
  int64_t offset;
  int64_t sizesAndStrides[];
} kiln_memref_header_t;

__attribute__((visibility("hidden"))) void
memrefCopy(int64_t elementSize, kiln_unranked_memref_t *src,
           kiln_unranked_memref_t *dst) {
  const kiln_memref_header_t *s = src->descriptor;
  const kiln_memref_header_t *d = dst->descriptor;
  int64_t rank = src->rank;
  const int64_t *sizes = s->sizesAndStrides;
  const int64_t *sStrides = s->sizesAndStrides + rank;
  const int64_t *dStrides = d->sizesAndStrides + rank;
  int64_t total = 1;
  for (int64_t i = 0; i < rank; ++i)
    total *= sizes[i];
  if (total == 0)
    return;
  int64_t index[16] = {0};
  if (rank > 16)
    return; /* kiln tensors have rank 8 at most */
  for (int64_t n = 0; n < total; ++n) {
    int64_t so = s->offset, dOff = d->offset;
    for (int64_t i = 0; i < rank; ++i) {
      so += index[i] * sStrides[i];
      dOff += index[i] * dStrides[i];
    }
    memcpy(d->aligned + dOff * elementSize, s->aligned + so * elementSize,
           (size_t)elementSize);
    for (int64_t i = rank - 1; i >= 0; --i) {
      if (++index[i] < sizes[i])
        break;
      index[i] = 0;
    }
  }
}
