/*===- dataset_internal.h - what the dataset readers share ----------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The dataset readers are split by format: dataset.c (the dataset object,
 * the checks every reader shares, loading parsed arrays, and the dispatch
 * by file extension), values.c (a value read from a file and its exact
 * conversion into a tensor's dtype), csv.c (CSV and .csv.gz), npy.c (the
 * one .npy parser and writer, also public through kiln/npy.h) and npz.c
 * (ZIP archives of .npy files). This header is what they share; nothing in
 * it is exported from a model library.
 *
 * A dataset's tensors are numbered by "slot" in reading order: the inputs,
 * then the targets.
 *
 *===---------------------------------------------------------------------===*/

#ifndef KILN_RUNTIME_DATASET_INTERNAL_H
#define KILN_RUNTIME_DATASET_INTERNAL_H

#include "dataset.h"
#include "model.h"

#include <stdint.h>
#include <string.h>

#define NUM_SLOTS (2 * KILN_MAX_TENSORS)
/* Room for "'<path>' array '<name>'", the prefix of a reader's messages. */
#define LABEL_SIZE 320
/* The highest .npy rank the parser takes (a tensor has at most
 * KILN_MAX_RANK; an array may carry more, flattened per example). */
#define NPY_MAX_RANK 32

/*===-- Slots and small helpers -----------------------------------------===*/

static inline int numSlots(const kiln_dataset_t *d) {
  return d->numInputs + d->numTargets;
}
static inline const kiln_tensor_info_t *slotInfo(const kiln_dataset_t *d,
                                                 int t) {
  return t < d->numInputs ? &d->inputs[t] : &d->targets[t - d->numInputs];
}
static inline void **slotData(kiln_dataset_t *d, int t) {
  return t < d->numInputs ? &d->inputData[t] : &d->targetData[t - d->numInputs];
}
static inline size_t slotBytes(const kiln_dataset_t *d, int t) {
  const kiln_tensor_info_t *info = slotInfo(d, t);
  return (size_t)kiln_elements_per_example(info) * kiln_dtype_size(info->dtype);
}

/* The per-example dims of `info`: all but a leading batch dimension. */
static inline int32_t exampleDims(const kiln_tensor_info_t *info,
                                  const int64_t **dims) {
  int batched = info->rank > 0 && info->dims[0] < 0;
  *dims = info->dims + batched;
  return info->rank - batched;
}

static inline uint16_t le16(const unsigned char *p) {
  return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t le32(const unsigned char *p) {
  return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

/* Whether `s` ends with `suffix` (lowercase), ignoring ASCII case. */
static inline int endsWith(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  if (m > n)
    return 0;
  for (size_t i = 0; i < m; ++i) {
    char c = s[n - m + i];
    if (c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    if (c != suffix[i])
      return 0;
  }
  return 1;
}

/* "input 'x'" or "target 'y'", written into `buf`. */
KILN_HIDDEN const char *kiln_slot_name(const kiln_dataset_t *d, int t,
                                       char *buf, size_t size);

/* Writes "[prefix d0, d1, ...]" into buf. */
KILN_HIDDEN void kiln_format_dims(char *buf, size_t size, const char *prefix,
                                  const int64_t *dims, int32_t rank);

/* Re-records the last error with `prefix` ("'file': ") in front. */
KILN_HIDDEN kiln_status_t kiln_prefix_error(kiln_status_t status,
                                            const char *prefix);

/* Allocates room for `count` examples of every tensor (64-byte aligned). */
KILN_HIDDEN kiln_status_t kiln_dataset_allocate(kiln_dataset_t *d,
                                                int64_t count);

/*===-- Values (values.c) -----------------------------------------------===*/

typedef enum { NUM_FLOAT, NUM_INT, NUM_UINT } kiln_num_kind_t;

/* A value read from a file, exact: integers are not squeezed through a
 * double, so int64 data keeps all its bits. */
typedef struct {
  kiln_num_kind_t kind;
  double f;
  int64_t i;
  uint64_t u;
} kiln_num_t;

KILN_HIDDEN void kiln_format_number(char *buf, size_t size, kiln_num_t v);

/* Stores `v` as element `index` of `dst` in dtype `dt`; NULL on success,
 * else why the value does not fit ("is out of range", ...). */
KILN_HIDDEN const char *kiln_store_number(kiln_num_t v, kiln_dtype_t dt,
                                          void *dst, size_t index);

/* The little-endian element at `p` of numpy kind `kind` ('f', 'i', 'u',
 * 'b') and `size` bytes. */
KILN_HIDDEN kiln_num_t kiln_load_number(const unsigned char *p, char kind,
                                        int size);

/*===-- .npy (npy.c) ----------------------------------------------------===*/

/* A parsed .npy array; `data` points into the buffer it was parsed from. */
typedef struct {
  char kind; /* 'f', 'i', 'u' or 'b' */
  int itemSize;
  char descr[16];
  int32_t rank;
  int64_t shape[NPY_MAX_RANK];
  const unsigned char *data;
  uint64_t elements;
} kiln_npy_array_t;

/* Parses the .npy file in `buf` (versions 1-3; little-endian or one-byte
 * numbers; C order, or Fortran order when that is the same layout), checking
 * the data size against the shape. Messages start with `label`, which names
 * the file ("'x.npy'", "'d.npz' array 'x'"). */
KILN_HIDDEN kiln_status_t kiln_npy_parse(const char *label,
                                         const unsigned char *buf, size_t size,
                                         kiln_npy_array_t *a);

/*===-- Parsed arrays into a dataset (dataset.c) ------------------------===*/

/* The state of one read of .npy or .npz files: a label and an array per
 * slot, and the buffers they point into (owned[NUM_SLOTS]: the archive). */
typedef struct {
  char labels[NUM_SLOTS][LABEL_SIZE];
  kiln_npy_array_t arrays[NUM_SLOTS];
  unsigned char *owned[NUM_SLOTS + 1];
} kiln_reader_t;

KILN_HIDDEN void kiln_reader_free(kiln_reader_t *r);

/* Checks arrays[t] against every slot's tensor and that all agree on the
 * number of examples, then fills the dataset, converting every value. */
KILN_HIDDEN kiln_status_t
kiln_dataset_load_arrays(kiln_dataset_t *d, const kiln_npy_array_t *arrays,
                         char (*labels)[LABEL_SIZE]);

/*===-- The readers, one per format -------------------------------------===*/

KILN_HIDDEN kiln_status_t kiln_dataset_read_csv(kiln_dataset_t *d,
                                                const char *path);
KILN_HIDDEN kiln_status_t kiln_dataset_read_npy(kiln_dataset_t *d,
                                                const char *path,
                                                const char *targetPath);
KILN_HIDDEN kiln_status_t kiln_dataset_read_npz(kiln_dataset_t *d,
                                                const char *path);

/*===-- inflate.c -------------------------------------------------------===*/

KILN_HIDDEN uint32_t kiln_crc32(const unsigned char *data, size_t size);
KILN_HIDDEN kiln_status_t kiln_gunzip(const unsigned char *in, size_t inSize,
                                      unsigned char **out, size_t *outSize);

#endif /* KILN_RUNTIME_DATASET_INTERNAL_H */
