/*===- dataset.h - datasets and their readers (runtime-internal) ----------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * A dataset holds, for each of a model's inputs and training targets,
 * `count` examples stored densely (row-major, example-major) in that
 * tensor's dtype. Readers check every example against the tensor infos they
 * are given (dims[0] == -1 is the batch dimension) and reject a mismatch
 * before any training starts, naming the file, the tensor, the expected and
 * the actual shape.
 *
 *===---------------------------------------------------------------------===*/

#ifndef KILN_RUNTIME_DATASET_H
#define KILN_RUNTIME_DATASET_H

#include "kiln/runtime.h"
#include "kiln/train.h"

#define KILN_HIDDEN __attribute__((visibility("hidden")))

struct kiln_dataset_t {
  int64_t count;
  int32_t numInputs, numTargets;
  kiln_tensor_info_t inputs[KILN_MAX_TENSORS];
  kiln_tensor_info_t targets[KILN_MAX_TENSORS];
  void *inputData[KILN_MAX_TENSORS];  /* count * per-example elements */
  void *targetData[KILN_MAX_TENSORS];
};

/* Reads a dataset for a model with the given inputs and targets.
 *  - `path` ending in .csv or .csv.gz (gzip, inflated by the runtime):
 *    each row holds, in order, every input's per-example elements, then
 *    every target's (a sparse integer target is one column). A first row
 *    with a non-numeric field is a header and skipped. Empty lines are
 *    skipped. `targetPath` must be NULL.
 *  - `.npy`: the array of the single input, [count, per-example dims...]
 *    (or flattened per example to the same element count); `targetPath`
 *    is the .npy of the single target ([count] for a target of dims
 *    [-1] or [-1, 1]).
 *  - `.npz` (numpy.savez or savez_compressed): arrays named after the
 *    model's inputs and targets, else "x" and "y", else arr_0, arr_1, ...
 *    in input-then-target order. `targetPath` must be NULL.
 * Values are converted to each tensor's dtype (floats to integer targets
 * only when integral). */
KILN_HIDDEN kiln_status_t kiln_dataset_read(const kiln_tensor_info_t *inputs,
                                            int32_t numInputs,
                                            const kiln_tensor_info_t *targets,
                                            int32_t numTargets,
                                            const char *path,
                                            const char *targetPath,
                                            kiln_dataset_t **out);

/* A dataset copied from dense arrays: inputs[i] and targets[j] hold `count`
 * examples each, in the tensors' dtypes. */
KILN_HIDDEN kiln_status_t kiln_dataset_from_arrays(
    const kiln_tensor_info_t *inputs, int32_t numInputs,
    const kiln_tensor_info_t *targets, int32_t numTargets, int64_t count,
    const void *const *inputData, const void *const *targetData,
    kiln_dataset_t **out);

/* The examples [begin, end) of `source`, copied (begin < end <= count). */
KILN_HIDDEN kiln_status_t kiln_dataset_slice(const kiln_dataset_t *source,
                                             int64_t begin, int64_t end,
                                             kiln_dataset_t **out);

KILN_HIDDEN void kiln_dataset_destroy(kiln_dataset_t *dataset);

/* Elements per example of `info` (the product of its non-batch dims). */
KILN_HIDDEN int64_t kiln_elements_per_example(const kiln_tensor_info_t *info);

/* Inflates a raw DEFLATE stream (RFC 1951) into a malloc'd buffer. */
KILN_HIDDEN kiln_status_t kiln_inflate(const unsigned char *in, size_t inSize,
                                       unsigned char **out, size_t *outSize);

#endif /* KILN_RUNTIME_DATASET_H */
