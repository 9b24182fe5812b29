/*===- dataset.c - datasets, shared checks, dispatch by format -------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * A dataset holds, for each model input and target, `count` examples
 * stored densely in the tensor's dtype. This file owns the object (creation,
 * checks of the tensor infos, slices), loads arrays parsed from .npy and .npz
 * files into it, and picks the reader by the file's extension: csv.c,
 * npy.c, npz.c. Every shape, count and value is checked against the tensor
 * infos before training starts, and every size read from a file is checked
 * against the file; a mismatch is an error naming the file, the line or
 * array, the tensor, and what was expected.
 *
 *===---------------------------------------------------------------------===*/

#include "dataset_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define fail kiln_runtime_fail

/* No tensor in a dataset has more elements per example. */
#define MAX_EXAMPLE_ELEMENTS ((int64_t)1 << 40)

kiln_status_t kiln_prefix_error(kiln_status_t status, const char *prefix) {
  char message[512];
  snprintf(message, sizeof message, "%s", kiln_last_error());
  return fail(status, "%s%s", prefix, message);
}

/*===---------------------------------------------------------------------===*
 * Tensors and datasets
 *===---------------------------------------------------------------------===*/

int64_t kiln_elements_per_example(const kiln_tensor_info_t *info) {
  if (!info)
    return 0;
  int64_t n = 1;
  for (int32_t i = 0; i < info->rank && i < KILN_MAX_RANK; ++i)
    if (info->dims[i] >= 0)
      n *= info->dims[i];
  return n;
}

int64_t kiln_dataset_count(const kiln_dataset_t *dataset) {
  return dataset ? dataset->count : 0;
}

const char *kiln_slot_name(const kiln_dataset_t *d, int t, char *buf,
                           size_t size) {
  snprintf(buf, size, "%s '%s'", t < d->numInputs ? "input" : "target",
           slotInfo(d, t)->name);
  return buf;
}

void kiln_format_dims(char *buf, size_t size, const char *prefix,
                      const int64_t *dims, int32_t rank) {
  size_t used = (size_t)snprintf(buf, size, "[%s", prefix);
  for (int32_t i = 0; i < rank && used < size; ++i)
    used += (size_t)snprintf(buf + used, size - used, "%s%lld",
                             i || *prefix ? ", " : "", (long long)dims[i]);
  if (used < size)
    snprintf(buf + used, size - used, "]");
}

static kiln_status_t checkInfo(const kiln_tensor_info_t *info,
                               const char *kind) {
  if (!memchr(info->name, 0, sizeof info->name))
    return fail(KILN_INVALID_ARGUMENT, "dataset: %s name is not terminated",
                kind);
  if (kiln_dtype_size(info->dtype) == 0)
    return fail(KILN_INVALID_ARGUMENT, "dataset: %s '%s' has unknown dtype %d",
                kind, info->name, (int)info->dtype);
  if (info->rank < 0 || info->rank > KILN_MAX_RANK)
    return fail(KILN_INVALID_ARGUMENT, "dataset: %s '%s' has rank %d", kind,
                info->name, (int)info->rank);
  int64_t elements = 1;
  for (int32_t i = 0; i < info->rank; ++i) {
    int64_t d = info->dims[i];
    if (d < 0 && !(i == 0 && d == -1))
      return fail(KILN_INVALID_ARGUMENT,
                  "dataset: %s '%s' has dimension %d of size %lld; only the "
                  "first (batch) dimension may be dynamic",
                  kind, info->name, (int)i, (long long)d);
    if (d > 0 && elements > MAX_EXAMPLE_ELEMENTS / d)
      return fail(KILN_INVALID_ARGUMENT,
                  "dataset: %s '%s' has too many elements per example", kind,
                  info->name);
    if (d >= 0)
      elements *= d;
  }
  return KILN_OK;
}

/* A dataset with copies of the infos and no data yet. */
static kiln_status_t newDataset(const kiln_tensor_info_t *inputs,
                                int32_t numInputs,
                                const kiln_tensor_info_t *targets,
                                int32_t numTargets, kiln_dataset_t **out) {
  if (numInputs < 0 || numInputs > KILN_MAX_TENSORS || numTargets < 0 ||
      numTargets > KILN_MAX_TENSORS)
    return fail(KILN_INVALID_ARGUMENT,
                "dataset: %d inputs and %d targets (at most %d each)",
                (int)numInputs, (int)numTargets, KILN_MAX_TENSORS);
  if ((numInputs && !inputs) || (numTargets && !targets))
    return fail(KILN_INVALID_ARGUMENT, "dataset: null tensor infos");
  if (numInputs + numTargets == 0)
    return fail(KILN_INVALID_ARGUMENT, "dataset: no inputs and no targets");
  for (int32_t i = 0; i < numInputs; ++i) {
    kiln_status_t status = checkInfo(&inputs[i], "input");
    if (status != KILN_OK)
      return status;
  }
  for (int32_t i = 0; i < numTargets; ++i) {
    kiln_status_t status = checkInfo(&targets[i], "target");
    if (status != KILN_OK)
      return status;
  }
  kiln_dataset_t *d = calloc(1, sizeof *d);
  if (!d)
    return fail(KILN_OUT_OF_MEMORY, "dataset: out of memory");
  d->numInputs = numInputs;
  d->numTargets = numTargets;
  if (numInputs)
    memcpy(d->inputs, inputs, (size_t)numInputs * sizeof *inputs);
  if (numTargets)
    memcpy(d->targets, targets, (size_t)numTargets * sizeof *targets);
  *out = d;
  return KILN_OK;
}

kiln_status_t kiln_dataset_allocate(kiln_dataset_t *d, int64_t count) {
  for (int t = 0; t < numSlots(d); ++t) {
    size_t perExample = slotBytes(d, t);
    if (count < 0 || (perExample && (uint64_t)count > SIZE_MAX / perExample))
      return fail(KILN_OUT_OF_MEMORY,
                  "dataset: %lld examples of %zu bytes overflow the address "
                  "space",
                  (long long)count, perExample);
    size_t bytes = perExample * (size_t)count;
    if (bytes > SIZE_MAX - 64)
      return fail(KILN_OUT_OF_MEMORY, "dataset: out of memory");
    void **data = slotData(d, t);
    free(*data);
    *data = aligned_alloc(64, bytes ? (bytes + 63) / 64 * 64 : 64);
    if (!*data)
      return fail(KILN_OUT_OF_MEMORY,
                  "dataset: out of memory allocating %zu bytes for %lld "
                  "examples",
                  bytes, (long long)count);
  }
  d->count = count;
  return KILN_OK;
}

void kiln_dataset_destroy(kiln_dataset_t *dataset) {
  if (!dataset)
    return;
  for (int t = 0; t < numSlots(dataset); ++t)
    free(*slotData(dataset, t));
  free(dataset);
}

kiln_status_t
kiln_dataset_from_arrays(const kiln_tensor_info_t *inputs, int32_t numInputs,
                         const kiln_tensor_info_t *targets, int32_t numTargets,
                         int64_t count, const void *const *inputData,
                         const void *const *targetData, kiln_dataset_t **out) {
  if (!out)
    return fail(KILN_INVALID_ARGUMENT, "dataset: null output");
  *out = NULL;
  if (count <= 0)
    return fail(KILN_INVALID_ARGUMENT,
                "dataset: %lld examples (a dataset needs at least one)",
                (long long)count);
  kiln_dataset_t *d;
  kiln_status_t status = newDataset(inputs, numInputs, targets, numTargets, &d);
  if (status != KILN_OK)
    return status;
  for (int t = 0; t < numSlots(d); ++t) {
    const void *const *src = t < numInputs ? inputData : targetData;
    if (!src || !src[t < numInputs ? t : t - numInputs]) {
      char name[96];
      status = fail(KILN_INVALID_ARGUMENT, "dataset: no data for %s",
                    kiln_slot_name(d, t, name, sizeof name));
      kiln_dataset_destroy(d);
      return status;
    }
  }
  if ((status = kiln_dataset_allocate(d, count)) != KILN_OK) {
    kiln_dataset_destroy(d);
    return status;
  }
  for (int t = 0; t < numSlots(d); ++t) {
    const void *src = t < numInputs ? inputData[t] : targetData[t - numInputs];
    memcpy(*slotData(d, t), src, slotBytes(d, t) * (size_t)count);
  }
  *out = d;
  return KILN_OK;
}

kiln_status_t kiln_dataset_slice(const kiln_dataset_t *source, int64_t begin,
                                 int64_t end, kiln_dataset_t **out) {
  if (!out)
    return fail(KILN_INVALID_ARGUMENT, "dataset slice: null output");
  *out = NULL;
  if (!source)
    return fail(KILN_INVALID_ARGUMENT, "dataset slice: null dataset");
  if (begin < 0 || begin >= end || end > source->count)
    return fail(KILN_INVALID_ARGUMENT,
                "dataset slice: [%lld, %lld) is not a non-empty range of the "
                "%lld examples",
                (long long)begin, (long long)end, (long long)source->count);
  kiln_dataset_t *d;
  kiln_status_t status = newDataset(source->inputs, source->numInputs,
                                    source->targets, source->numTargets, &d);
  if (status == KILN_OK &&
      (status = kiln_dataset_allocate(d, end - begin)) != KILN_OK)
    kiln_dataset_destroy(d);
  if (status != KILN_OK)
    return status;
  for (int t = 0; t < numSlots(d); ++t) {
    size_t bytes = slotBytes(d, t);
    const void *src = t < source->numInputs
                          ? source->inputData[t]
                          : source->targetData[t - source->numInputs];
    memcpy(*slotData(d, t), (const char *)src + bytes * (size_t)begin,
           bytes * (size_t)(end - begin));
  }
  *out = d;
  return KILN_OK;
}

/*===---------------------------------------------------------------------===*
 * Parsed arrays into a dataset (.npy and .npz)
 *===---------------------------------------------------------------------===*/

/* The number of examples if `a` fits tensor `t`: [count, dims...], or
 * [count, elements] flattened, or [count] for one element per example. */
static kiln_status_t matchShape(const kiln_dataset_t *d, int t,
                                const char *label, const kiln_npy_array_t *a,
                                int64_t *count) {
  const kiln_tensor_info_t *info = slotInfo(d, t);
  const int64_t *dims;
  int32_t rank = exampleDims(info, &dims);
  int64_t elements = kiln_elements_per_example(info);
  int ok = a->rank == rank + 1;
  for (int32_t i = 0; ok && i < rank; ++i)
    ok = a->shape[i + 1] == dims[i];
  ok = ok || (a->rank == 2 && a->shape[1] == elements) ||
       (a->rank == 1 && elements == 1);
  if (ok) {
    *count = a->shape[0];
    return KILN_OK;
  }
  char actual[256], expected[200], name[96];
  kiln_format_dims(actual, sizeof actual, "", a->shape, a->rank);
  if (elements == 1)
    snprintf(expected, sizeof expected, "[count] or [count, 1]");
  else if (rank <= 1)
    snprintf(expected, sizeof expected, "[count, %lld]", (long long)elements);
  else {
    char full[128];
    kiln_format_dims(full, sizeof full, "count", dims, rank);
    snprintf(expected, sizeof expected, "%s (or [count, %lld])", full,
             (long long)elements);
  }
  return fail(KILN_INVALID_ARGUMENT, "%s: shape %s, expected %s for %s", label,
              actual, expected, kiln_slot_name(d, t, name, sizeof name));
}

/* Converts the elements of `a` into tensor `t`'s buffer. */
static kiln_status_t convertArray(kiln_dataset_t *d, int t, const char *label,
                                  const kiln_npy_array_t *a) {
  const kiln_tensor_info_t *info = slotInfo(d, t);
  void *dst = *slotData(d, t);
  const uint16_t one = 1;
  int littleHost = *(const unsigned char *)&one == 1;
  /* The same numpy kind and size: the bytes are the values (bools are
   * checked to be 0 or 1 element by element). */
  const char *descr = kiln_dtype_npy_descr(info->dtype);
  if (littleHost && descr && descr[1] == a->kind && a->kind != 'b' &&
      (size_t)a->itemSize == kiln_dtype_size(info->dtype)) {
    memcpy(dst, a->data, (size_t)a->elements * (size_t)a->itemSize);
    return KILN_OK;
  }
  if (littleHost && a->kind == 'f' && a->itemSize == 8 &&
      info->dtype == KILN_F32) {
    for (size_t i = 0; i < a->elements; ++i) {
      double x;
      memcpy(&x, a->data + 8 * i, sizeof x);
      ((float *)dst)[i] = (float)x;
    }
    return KILN_OK;
  }
  for (size_t i = 0; i < a->elements; ++i) {
    kiln_num_t v = kiln_load_number(a->data + i * (size_t)a->itemSize, a->kind,
                                    a->itemSize);
    const char *why = kiln_store_number(v, info->dtype, dst, i);
    if (!why)
      continue;
    /* Name the element by its index in the file's own shape. */
    char index[256], value[48], name[96];
    int64_t at[NPY_MAX_RANK];
    uint64_t rest = i;
    for (int32_t k = a->rank; k-- > 0;) {
      at[k] = a->shape[k] ? (int64_t)(rest % (uint64_t)a->shape[k]) : 0;
      rest = a->shape[k] ? rest / (uint64_t)a->shape[k] : 0;
    }
    kiln_format_dims(index, sizeof index, "", at, a->rank);
    kiln_format_number(value, sizeof value, v);
    return fail(KILN_INVALID_ARGUMENT, "%s element %s: %s %s (%s is %s)", label,
                index, value, why, kiln_slot_name(d, t, name, sizeof name),
                kiln_dtype_name(info->dtype));
  }
  return KILN_OK;
}

kiln_status_t kiln_dataset_load_arrays(kiln_dataset_t *d,
                                       const kiln_npy_array_t *arrays,
                                       char (*labels)[LABEL_SIZE]) {
  int64_t count = -1;
  for (int t = 0; t < numSlots(d); ++t) {
    int64_t n;
    kiln_status_t status = matchShape(d, t, labels[t], &arrays[t], &n);
    if (status != KILN_OK)
      return status;
    if (count >= 0 && n != count)
      return fail(KILN_INVALID_ARGUMENT, "%s has %lld examples but %s has %lld",
                  labels[t], (long long)n, labels[0], (long long)count);
    count = n;
  }
  if (count == 0)
    return fail(KILN_INVALID_ARGUMENT, "%s holds no examples", labels[0]);
  kiln_status_t status = kiln_dataset_allocate(d, count);
  for (int t = 0; status == KILN_OK && t < numSlots(d); ++t)
    status = convertArray(d, t, labels[t], &arrays[t]);
  return status;
}

void kiln_reader_free(kiln_reader_t *r) {
  if (!r)
    return;
  for (int i = 0; i <= NUM_SLOTS; ++i)
    free(r->owned[i]);
  free(r);
}

/*===---------------------------------------------------------------------===*
 * Entry point
 *===---------------------------------------------------------------------===*/

kiln_status_t kiln_dataset_read(const kiln_tensor_info_t *inputs,
                                int32_t numInputs,
                                const kiln_tensor_info_t *targets,
                                int32_t numTargets, const char *path,
                                const char *targetPath, kiln_dataset_t **out) {
  if (!out)
    return fail(KILN_INVALID_ARGUMENT, "dataset: null output");
  *out = NULL;
  if (!path)
    return fail(KILN_INVALID_ARGUMENT, "dataset: null path");
  int csv = endsWith(path, ".csv") || endsWith(path, ".csv.gz");
  int npy = endsWith(path, ".npy"), npz = endsWith(path, ".npz");
  if (!csv && !npy && !npz)
    return fail(KILN_INVALID_ARGUMENT,
                "'%s': unknown dataset format (expected .csv, .csv.gz, .npy "
                "or .npz)",
                path);
  if (targetPath && !npy)
    return fail(KILN_INVALID_ARGUMENT,
                "'%s' holds the targets too; no target file is taken (got "
                "'%s')",
                path, targetPath);
  kiln_dataset_t *d;
  kiln_status_t status = newDataset(inputs, numInputs, targets, numTargets, &d);
  if (status != KILN_OK)
    return status;
  status = csv   ? kiln_dataset_read_csv(d, path)
           : npy ? kiln_dataset_read_npy(d, path, targetPath)
                 : kiln_dataset_read_npz(d, path);
  if (status != KILN_OK) {
    kiln_dataset_destroy(d);
    return status;
  }
  *out = d;
  return KILN_OK;
}
