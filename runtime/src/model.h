/*===- model.h - model instances (runtime-internal) -----------------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 *===---------------------------------------------------------------------===*/

#ifndef KILN_RUNTIME_MODEL_H
#define KILN_RUNTIME_MODEL_H

#include "kiln/runtime.h"

#include "safetensors.h"

#define KILN_HIDDEN __attribute__((visibility("hidden")))

/* Where an entry's argument comes from or a result goes: an input, a
 * target, a state tensor, an output, or a loss/metric value. */
typedef struct {
  char kind; /* 'i', 't', 's', 'o', 'm', 'w' (per-example weights) */
  int32_t index;
} kiln_ref_t;

/* How a metric's batch results combine over an epoch: a scalar mean, or
 * counts that sum (see kiln_metric_value). */
typedef enum {
  KILN_METRIC_MEAN, KILN_METRIC_RATIO, KILN_METRIC_AUC
} kiln_metric_kind_t;

typedef enum { KILN_ENTRY_PREDICT, KILN_ENTRY_EVAL, KILN_ENTRY_TRAIN } kiln_entry_kind_t;

typedef struct {
  kiln_invoke_fn invoke;
  int32_t numArgs, numResults;
  kiln_ref_t *args, *results;
} kiln_entry_t;

typedef enum {
  KILN_ROLE_PARAM, KILN_ROLE_WEIGHT, KILN_ROLE_SLOT, KILN_ROLE_ITERATIONS,
  KILN_ROLE_LR
} kiln_role_t;

struct kiln_model_t {
  kiln_invoke_fn invoke;
  int32_t numInputs, numOutputs, numParams;
  kiln_tensor_info_t inputs[KILN_MAX_TENSORS];
  kiln_tensor_info_t outputs[KILN_MAX_TENSORS];
  kiln_tensor_info_t params[KILN_MAX_TENSORS];
  kiln_loaded_tensor_t weights[KILN_MAX_TENSORS]; /* when numParams > 0 */
  /* Input sizes that must be equal ("same" lines): input, dim, input, dim,
   * and the symbol that names them. */
  int32_t numSame;
  struct {
    int32_t input, dim, otherInput, otherDim;
    char symbol[64];
  } same[KILN_MAX_TENSORS];
  /* Trainable instances (numState > 0). */
  int32_t numTargets, numMetrics, numState;
  kiln_tensor_info_t targets[KILN_MAX_TENSORS];
  kiln_tensor_info_t metrics[KILN_MAX_TENSORS];
  kiln_metric_kind_t metricKind[KILN_MAX_TENSORS];
  /* Count metrics: the counts of the latest step (elements of the metric),
   * and the f32 buffer they are copied out through. */
  double *metricCounts[KILN_MAX_TENSORS];
  float *metricRaw[KILN_MAX_TENSORS];
  /* Unit sample weights for unweighted steps, numOnes of them. */
  float *ones;
  int64_t numOnes;
  kiln_tensor_info_t sampleWeight; /* f32 [batch], for 'w' references */
  kiln_tensor_info_t *state;   /* numState */
  kiln_role_t *role;
  double *fill;
  unsigned char *hasInitial;
  void **stateData;           /* 64-byte aligned, dense */
  kiln_entry_t entries[3];
  int32_t trainable;
};

/* Records a message for kiln_last_error() and returns `status`. */
KILN_HIDDEN kiln_status_t kiln_runtime_fail(kiln_status_t status,
                                            const char *fmt, ...);

/* Parses a description (description.c; the format is in docs/c-api.md)
 * into a new model without entry points. A description of another version
 * than KILN_DESCRIPTION_VERSION is refused, naming both. */
KILN_HIDDEN kiln_status_t kiln_model_parse(const char *description,
                                           kiln_model_t **out_model);

/* Frees a model and everything it owns (NULL is ignored). */
KILN_HIDDEN void kiln_model_free(kiln_model_t *model);

/* The names of an element type in files (KILN_DTYPE_FORMATS): the
 * .safetensors dtype ("F32", "BOOL") and the .npy descr ("<f4", "|b1"; NULL
 * for bf16). NULL for an unknown code. */
KILN_HIDDEN const char *kiln_dtype_safetensors_name(kiln_dtype_t dtype);
KILN_HIDDEN const char *kiln_dtype_npy_descr(kiln_dtype_t dtype);

/* Runs `entry` on `batch` examples: arguments from the inputs, targets,
 * per-example weights (NULL: ones) and state, results into the outputs,
 * the metrics (as doubles; a count metric's counts go to metricCounts and
 * its value is computed from them) and the state (committed only once every
 * result is copied). Results of kind 'o' are skipped when `outputs` is
 * NULL, 'm' when `metrics` is NULL. */
KILN_HIDDEN kiln_status_t kiln_model_call(kiln_model_t *model,
                                          kiln_entry_kind_t entry,
                                          int64_t batch,
                                          const void *const *inputs,
                                          const void *const *targets,
                                          const float *sampleWeights,
                                          void *const *outputs,
                                          double *metrics);

/* The value of a count metric from its (summed) counts. */
KILN_HIDDEN double kiln_metric_value(kiln_metric_kind_t kind,
                                     const double *counts, int64_t n);

/* Memref descriptors: the words of one of `rank`, filling one for a dense
 * tensor of `info` at `batch`, and copying a (strided) result into a dense
 * buffer. */
/* Frees a buffer that generated code allocated (a result): generated code
 * allocates through the runtime's caching heap (buffers.c). */
KILN_HIDDEN void kiln_buffer_free(void *ptr);

KILN_HIDDEN size_t kiln_descriptor_words(int32_t rank);
KILN_HIDDEN void kiln_fill_descriptor(int64_t *d, const kiln_tensor_info_t *info,
                                      int64_t batch, const void *data);
KILN_HIDDEN void kiln_fill_descriptor_dims(int64_t *d, int32_t rank,
                                           const int64_t *dims, const void *data);
KILN_HIDDEN void kiln_copy_out(const int64_t *d, const kiln_tensor_info_t *info,
                               void *dst, size_t elementSize);

/* Reads a whole file into a malloc'd buffer with one zero byte after its
 * end; `what` names the file's kind in messages ("weights", "dataset"). */
KILN_HIDDEN kiln_status_t kiln_read_file(const char *path, const char *what,
                                         unsigned char **data, size_t *size);

/* The bytes of one element, times the elements of `info` for `batch`. */
KILN_HIDDEN size_t kiln_tensor_bytes(const kiln_tensor_info_t *info,
                                     int64_t batch);

#endif /* KILN_RUNTIME_MODEL_H */
