/*===- kiln/npy.h - NumPy .npy files --------------------------------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The runtime's one reader and writer of NumPy's .npy format (magic
 * "\x93NUMPY", a version, a little-endian header length, a Python dict
 * literal with 'descr', 'fortran_order' and 'shape', then the raw data).
 * The dataset readers (kiln_model_dataset_read) use the same parser; `kiln
 * run` reads its inputs and writes its outputs through these two calls.
 *
 * The element types are those of kiln/dtype.h that numpy has:
 *   f32 '<f4'  f64 '<f8'  f16 '<f2'  i1 '|b1' (bool)
 *   i8 '|i1'   i16 '<i2'  i32 '<i4'  i64 '<i8'
 * bf16 has no numpy dtype, and numpy's unsigned integers have no Kiln
 * element type: both are refused with a message.
 *
 *===---------------------------------------------------------------------===*/

#ifndef KILN_NPY_H
#define KILN_NPY_H

#include "kiln/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Reads the .npy file at `path` (format version 1, 2 or 3; little-endian
 * or one-byte elements; C order, or Fortran order when that is the same
 * layout, i.e. at most one dimension over 1) into `out`: its dtype, rank
 * (at most KILN_MAX_RANK), dims and `data`, the dense row-major elements in
 * a buffer allocated with malloc that the caller frees with free() (never
 * NULL on success, also for an empty array). Every size in the file is
 * checked against the file; an error names `path` and what is wrong. On
 * failure `out->data` is NULL. */
KILN_API kiln_status_t kiln_npy_read(const char *path, kiln_tensor_t *out);

/** Writes `t` (dtype, rank, dims, dense row-major data) to `path` as a
 * version 1.0 .npy file with the header numpy.save writes. The write is
 * atomic: a temporary file in the same directory, renamed over `path` once
 * complete; on failure `path` is untouched and nothing is left behind. */
KILN_API kiln_status_t kiln_npy_write(const char *path, const kiln_tensor_t *t);

#ifdef __cplusplus
}
#endif

#endif /* KILN_NPY_H */
