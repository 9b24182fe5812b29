/*===- support.c - functions that compiled model code calls ---------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * MLIR lowers a `memref.copy` between non-contiguous buffers to a call of
 * `memrefCopy` (upstream it lives in libmlir_c_runner_utils, which generated
 * libraries must not depend on). This is Kiln's own implementation: a
 * strided, row-major element copy. Also the runtime's one file reader.
 *
 *===---------------------------------------------------------------------===*/

#include "model.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Copies `count` elements of `elementSize` bytes between strided rows. */
static void copyRow(char *dst, int64_t dStride, const char *src,
                    int64_t sStride, int64_t count, int64_t elementSize) {
  if (sStride == 1 && dStride == 1) {
    memcpy(dst, src, (size_t)(count * elementSize));
    return;
  }
  if (elementSize == 4) {
    for (int64_t i = 0; i < count; ++i)
      memcpy(dst + i * dStride * 4, src + i * sStride * 4, 4);
    return;
  }
  for (int64_t i = 0; i < count; ++i)
    memcpy(dst + i * dStride * elementSize, src + i * sStride * elementSize,
           (size_t)elementSize);
}

__attribute__((visibility("hidden"))) void
memrefCopy(int64_t elementSize, kiln_unranked_memref_t *src,
           kiln_unranked_memref_t *dst) {
  const kiln_memref_header_t *s = src->descriptor;
  const kiln_memref_header_t *d = dst->descriptor;
  int64_t rank = src->rank;
  const int64_t *sizes = s->sizesAndStrides;
  const int64_t *sStrides = s->sizesAndStrides + rank;
  const int64_t *dStrides = d->sizesAndStrides + rank;
  if (rank > 16)
    return; /* kiln tensors have rank 8 at most */
  for (int64_t i = 0; i < rank; ++i)
    if (sizes[i] == 0)
      return;
  if (rank == 0) {
    memcpy(d->aligned + d->offset * elementSize,
           s->aligned + s->offset * elementSize, (size_t)elementSize);
    return;
  }
  /* Drop unit dimensions (they do not move the address) and merge a
   * dimension into the next one when both sides are contiguous across
   * them, so rows are as long as possible (a [..., 64, 1] copy is one row
   * of 64, not 64 rows of 1). */
  int64_t dims[16], ss[16], ds[16], n = 0;
  for (int64_t i = 0; i < rank; ++i) {
    if (sizes[i] == 1)
      continue;
    if (n > 0 && ss[n - 1] == sizes[i] * sStrides[i] &&
        ds[n - 1] == sizes[i] * dStrides[i]) {
      dims[n - 1] *= sizes[i];
      ss[n - 1] = sStrides[i];
      ds[n - 1] = dStrides[i];
      continue;
    }
    dims[n] = sizes[i], ss[n] = sStrides[i], ds[n] = dStrides[i];
    ++n;
  }
  if (n == 0) {
    dims[0] = 1, ss[0] = 1, ds[0] = 1;
    n = 1;
  }
  sizes = dims, sStrides = ss, dStrides = ds, rank = n;
  /* Row by row over the innermost dimension (memcpy when both rows are
   * contiguous), the outer dimensions as an odometer. */
  int64_t inner = rank - 1, rows = 1;
  for (int64_t i = 0; i < inner; ++i)
    rows *= sizes[i];
  int64_t index[16] = {0};
  for (int64_t r = 0; r < rows; ++r) {
    int64_t so = s->offset, dOff = d->offset;
    for (int64_t i = 0; i < inner; ++i) {
      so += index[i] * sStrides[i];
      dOff += index[i] * dStrides[i];
    }
    copyRow(d->aligned + dOff * elementSize, dStrides[inner],
            s->aligned + so * elementSize, sStrides[inner], sizes[inner],
            elementSize);
    for (int64_t i = inner - 1; i >= 0; --i) {
      if (++index[i] < sizes[i])
        break;
      index[i] = 0;
    }
  }
}

kiln_status_t kiln_read_file(const char *path, const char *what,
                             unsigned char **data, size_t *size) {
  *data = NULL;
  *size = 0;
  FILE *f = fopen(path, "rb");
  if (!f)
    return kiln_runtime_fail(KILN_IO_ERROR, "cannot open %s '%s': %s", what,
                             path, strerror(errno));
  long end = -1;
  if (fseek(f, 0, SEEK_END) == 0)
    end = ftell(f);
  if (end < 0 || fseek(f, 0, SEEK_SET) != 0 || (unsigned long)end >= SIZE_MAX) {
    fclose(f);
    return kiln_runtime_fail(KILN_IO_ERROR, "cannot determine the size of '%s'",
                             path);
  }
  unsigned char *buf = malloc((size_t)end + 1);
  if (!buf) {
    fclose(f);
    return kiln_runtime_fail(KILN_OUT_OF_MEMORY,
                             "out of memory reading '%s' (%ld bytes)", path, end);
  }
  size_t got = fread(buf, 1, (size_t)end, f);
  fclose(f);
  if (got != (size_t)end) {
    free(buf);
    return kiln_runtime_fail(KILN_IO_ERROR, "cannot read '%s'", path);
  }
  buf[got] = 0;
  *data = buf;
  *size = got;
  return KILN_OK;
}
