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

/* As kiln_safetensors_read; a wanted tensor with `optional[i]` set may be
 * absent (its `out[i].data` stays NULL). `optional` may be NULL. */
__attribute__((visibility("hidden"))) kiln_status_t
kiln_safetensors_read_optional(const char *path,
                               const kiln_tensor_info_t *wanted, size_t n,
                               const unsigned char *optional,
                               kiln_loaded_tensor_t *out);

/* The same from the bytes of a file in memory; `path` names it in
 * messages. */
__attribute__((visibility("hidden"))) kiln_status_t
kiln_safetensors_parse(const char *path, const char *bytes, size_t size,
                       const kiln_tensor_info_t *wanted, size_t n,
                       const unsigned char *optional,
                       kiln_loaded_tensor_t *out);

/* Writes `n` tensors (dims without a batch dimension) to `path`
 * atomically: a temporary file in the same directory, flushed to disk,
 * then renamed over `path`; on failure `path` is untouched. */
__attribute__((visibility("hidden"))) kiln_status_t
kiln_safetensors_write(const char *path, const kiln_tensor_info_t *infos,
                       const void *const *data, size_t n);

#endif /* KILN_RUNTIME_SAFETENSORS_H */
