/*===- safetensors.h - reading .safetensors files --------------------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The format: an 8-byte little-endian header length N, N bytes of JSON
 * mapping each tensor name to {"dtype", "shape", "data_offsets": [b, e]}
 * (offsets relative to the end of the header), then the data.
 *
 *===---------------------------------------------------------------------===*/

#ifndef KILN_RUNTIME_SAFETENSORS_H
#define KILN_RUNTIME_SAFETENSORS_H

#include "kiln/runtime.h"

/* A tensor read from a file: its own 64-byte aligned copy of the data. */
typedef struct {
  kiln_tensor_info_t info;
  void *data;
  size_t bytes;
} kiln_loaded_tensor_t;

/* Reads the tensors named by `wanted` (count `n`) from `path`, checking each
 * one's dtype and dims (no batch dimension allowed) against `wanted`; the
 * data lands in `out[i].data`, which the caller frees with free(). */
__attribute__((visibility("hidden"))) kiln_status_t
kiln_safetensors_read(const char *path, const kiln_tensor_info_t *wanted,
                      size_t n, kiln_loaded_tensor_t *out);

#endif /* KILN_RUNTIME_SAFETENSORS_H */
