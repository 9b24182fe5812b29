/*===- model.c - model instances and generic inference --------------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Parses the description string a generated library embeds, checks the
 * caller's buffers against it, builds MLIR memref descriptors for the inputs,
 * calls the generated entry point and copies the results (which the compiled
 * code allocates with malloc and hands over) into the caller's buffers.
 *
 * Description format, one line per tensor after a header:
 *   kiln-model 1
 *   in <name> <dtype> <rank> <dim>...
 *   out <name> <dtype> <rank> <dim>...
 *   param <name> <dtype> <rank> <dim>...   (external weights, passed after
 *                                          the inputs, loaded from a file)
 *
 *===---------------------------------------------------------------------===*/

#include "kiln/runtime.h"

#include "safetensors.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local char lastError[512];

/* Records a message for kiln_last_error() and returns `status`. */
__attribute__((visibility("hidden"))) kiln_status_t
kiln_runtime_fail(kiln_status_t status, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vsnprintf(lastError, sizeof lastError, fmt, args);
  va_end(args);
  return status;
}
#define fail kiln_runtime_fail

const char *kiln_last_error(void) { return lastError; }

struct kiln_model_t {
  kiln_invoke_fn invoke;
  int32_t numInputs, numOutputs, numParams;
  kiln_tensor_info_t inputs[KILN_MAX_TENSORS];
  kiln_tensor_info_t outputs[KILN_MAX_TENSORS];
  kiln_tensor_info_t params[KILN_MAX_TENSORS];
  kiln_loaded_tensor_t weights[KILN_MAX_TENSORS]; /* when numParams > 0 */
};

static const char *const dtypeNames[] = {"f32", "f64", "f16", "bf16", "i1",
                                         "i8",  "i16", "i32", "i64"};
static const size_t dtypeSizes[] = {4, 8, 2, 2, 1, 1, 2, 4, 8};

size_t kiln_dtype_size(kiln_dtype_t dtype) {
  return (unsigned)dtype < sizeof dtypeSizes / sizeof *dtypeSizes
             ? dtypeSizes[dtype]
             : 0;
}

static int parseDtype(const char *s, kiln_dtype_t *out) {
  for (size_t i = 0; i < sizeof dtypeNames / sizeof *dtypeNames; ++i)
    if (strcmp(s, dtypeNames[i]) == 0) {
      *out = (kiln_dtype_t)i;
      return 1;
    }
  return 0;
}

/* Parses one "in/out" line into `info`; returns 0 on a malformed line. */
static int parseTensor(char *line, kiln_tensor_info_t *info) {
  char *save = NULL;
  char *tok = strtok_r(line, " ", &save); /* in / out */
  char *name = strtok_r(NULL, " ", &save);
  char *dtype = strtok_r(NULL, " ", &save);
  char *rank = strtok_r(NULL, " ", &save);
  if (!tok || !name || !dtype || !rank || strlen(name) >= sizeof info->name ||
      !parseDtype(dtype, &info->dtype))
    return 0;
  strcpy(info->name, name);
  info->rank = (int32_t)strtol(rank, NULL, 10);
  if (info->rank < 0 || info->rank > KILN_MAX_RANK)
    return 0;
  for (int32_t i = 0; i < info->rank; ++i) {
    char *dim = strtok_r(NULL, " ", &save);
    if (!dim)
      return 0;
    info->dims[i] = strtoll(dim, NULL, 10);
    if (info->dims[i] < -1)
      return 0;
  }
  return 1;
}

static kiln_status_t createModel(const char *description,
                                 kiln_invoke_fn invoke,
                                 kiln_model_t **out_model) {
  if (!description || !invoke || !out_model)
    return fail(KILN_INVALID_ARGUMENT, "kiln_model_create: null argument");
  *out_model = NULL;
  kiln_model_t *model = calloc(1, sizeof *model);
  char *copy = strdup(description);
  if (!model || !copy) {
    free(model);
    free(copy);
    return fail(KILN_OUT_OF_MEMORY, "kiln_model_create: out of memory");
  }
  model->invoke = invoke;
  int ok = strncmp(copy, "kiln-model 1\n", 13) == 0;
  char *save = NULL;
  for (char *line = ok ? strtok_r(copy + 13, "\n", &save) : NULL; ok && line;
       line = strtok_r(NULL, "\n", &save)) {
    int isInput = strncmp(line, "in ", 3) == 0;
    int isOutput = strncmp(line, "out ", 4) == 0;
    int isParam = strncmp(line, "param ", 6) == 0;
    int32_t *count = isInput    ? &model->numInputs
                     : isOutput ? &model->numOutputs
                                : &model->numParams;
    kiln_tensor_info_t *infos = isInput    ? model->inputs
                                : isOutput ? model->outputs
                                           : model->params;
    ok = (isInput || isOutput || isParam) && *count < KILN_MAX_TENSORS &&
         parseTensor(line, &infos[*count]);
    if (ok)
      ++*count;
  }
  free(copy);
  if (!ok) {
    free(model);
    return fail(KILN_INTERNAL, "kiln_model_create: malformed model description");
  }
  *out_model = model;
  return KILN_OK;
}

kiln_status_t kiln_model_create(const char *description, kiln_invoke_fn invoke,
                                kiln_model_t **out_model) {
  kiln_status_t status = createModel(description, invoke, out_model);
  if (status == KILN_OK && (*out_model)->numParams > 0) {
    free(*out_model);
    *out_model = NULL;
    return fail(KILN_INVALID_ARGUMENT,
                "the model's weights are external: create it from its "
                ".safetensors file");
  }
  return status;
}

kiln_status_t kiln_model_create_from_file(const char *description,
                                          kiln_invoke_fn invoke,
                                          const char *weights_path,
                                          kiln_model_t **out_model) {
  if (!weights_path)
    return fail(KILN_INVALID_ARGUMENT, "create: weights path is null");
  kiln_status_t status = createModel(description, invoke, out_model);
  if (status != KILN_OK)
    return status;
  kiln_model_t *model = *out_model;
  if (model->numParams == 0) {
    free(model);
    *out_model = NULL;
    return fail(KILN_INVALID_ARGUMENT,
                "the model's weights are embedded; it takes no weights file");
  }
  status = kiln_safetensors_read(weights_path, model->params,
                                 (size_t)model->numParams, model->weights);
  if (status != KILN_OK) {
    free(model);
    *out_model = NULL;
  }
  return status;
}

void kiln_model_destroy(kiln_model_t *model) {
  if (!model)
    return;
  for (int32_t i = 0; i < model->numParams; ++i)
    free(model->weights[i].data);
  free(model);
}

int32_t kiln_model_num_inputs(const kiln_model_t *m) { return m ? m->numInputs : 0; }
int32_t kiln_model_num_outputs(const kiln_model_t *m) { return m ? m->numOutputs : 0; }

const kiln_tensor_info_t *kiln_model_input(const kiln_model_t *m, int32_t i) {
  return m && i >= 0 && i < m->numInputs ? &m->inputs[i] : NULL;
}
const kiln_tensor_info_t *kiln_model_output(const kiln_model_t *m, int32_t i) {
  return m && i >= 0 && i < m->numOutputs ? &m->outputs[i] : NULL;
}

int64_t kiln_tensor_elements(const kiln_tensor_info_t *info, int64_t batch) {
  int64_t n = 1;
  for (int32_t i = 0; i < info->rank; ++i)
    n *= info->dims[i] < 0 ? batch : info->dims[i];
  return n;
}

/* A ranked memref descriptor: {allocated, aligned, offset, sizes[r],
 * strides[r]}, laid out as MLIR's LLVM lowering expects. */
static size_t descriptorWords(int32_t rank) { return 3 + 2 * (size_t)rank; }

static void fillDescriptor(int64_t *d, const kiln_tensor_info_t *info,
                           int64_t batch, const void *data) {
  void *p = (void *)(uintptr_t)data; /* the compiled code only reads inputs */
  memcpy(&d[0], &p, sizeof p);
  memcpy(&d[1], &p, sizeof p);
  d[2] = 0;
  int64_t stride = 1;
  for (int32_t i = info->rank - 1; i >= 0; --i) {
    int64_t size = info->dims[i] < 0 ? batch : info->dims[i];
    d[3 + i] = size;
    d[3 + info->rank + i] = stride;
    stride *= size;
  }
}

/* Copies a (possibly strided) result into the caller's dense buffer. */
static void copyOut(const int64_t *d, const kiln_tensor_info_t *info,
                    void *dst, size_t elementSize) {
  char *base;
  memcpy(&base, &d[1], sizeof base);
  const int64_t *sizes = &d[3], *strides = &d[3 + info->rank];
  int64_t total = 1;
  for (int32_t i = 0; i < info->rank; ++i)
    total *= sizes[i];
  int64_t index[KILN_MAX_RANK] = {0};
  for (int64_t n = 0; n < total; ++n) {
    int64_t offset = d[2];
    for (int32_t i = 0; i < info->rank; ++i)
      offset += index[i] * strides[i];
    memcpy((char *)dst + n * elementSize, base + offset * elementSize,
           elementSize);
    for (int32_t i = info->rank - 1; i >= 0; --i) {
      if (++index[i] < sizes[i])
        break;
      index[i] = 0;
    }
  }
}

kiln_status_t kiln_model_predict(kiln_model_t *model, int64_t batch,
                                 const void *const *inputs,
                                 const size_t *input_counts,
                                 void *const *outputs,
                                 const size_t *output_counts) {
  if (!model)
    return fail(KILN_INVALID_ARGUMENT, "predict: model is null");
  if (batch < 1)
    return fail(KILN_INVALID_ARGUMENT, "predict: batch must be at least 1, got %lld",
                (long long)batch);
  if ((model->numInputs && (!inputs || !input_counts)) ||
      (model->numOutputs && (!outputs || !output_counts)))
    return fail(KILN_INVALID_ARGUMENT, "predict: null buffer array");
  size_t words = 0;
  for (int32_t i = 0; i < model->numInputs; ++i) {
    const kiln_tensor_info_t *info = &model->inputs[i];
    int64_t expected = kiln_tensor_elements(info, batch);
    if (!inputs[i])
      return fail(KILN_INVALID_ARGUMENT, "predict: input '%s' is null", info->name);
    if ((int64_t)input_counts[i] != expected)
      return fail(KILN_INVALID_ARGUMENT,
                  "predict: input '%s' has %zu elements, expected %lld for batch %lld",
                  info->name, input_counts[i], (long long)expected, (long long)batch);
    words += descriptorWords(info->rank);
  }
  size_t resultWords = 0;
  for (int32_t i = 0; i < model->numOutputs; ++i) {
    const kiln_tensor_info_t *info = &model->outputs[i];
    int64_t expected = kiln_tensor_elements(info, batch);
    if (!outputs[i])
      return fail(KILN_INVALID_ARGUMENT, "predict: output '%s' is null", info->name);
    if ((int64_t)output_counts[i] != expected)
      return fail(KILN_INVALID_ARGUMENT,
                  "predict: output '%s' has room for %zu elements, expected %lld for batch %lld",
                  info->name, output_counts[i], (long long)expected, (long long)batch);
    resultWords += descriptorWords(info->rank);
  }
  for (int32_t i = 0; i < model->numParams; ++i)
    words += descriptorWords(model->params[i].rank);
  int64_t *block = calloc(words + resultWords + 1, sizeof(int64_t));
  void **args = calloc((size_t)(model->numInputs + model->numParams) + 1,
                       sizeof(void *));
  if (!block || !args) {
    free(block);
    free(args);
    return fail(KILN_OUT_OF_MEMORY, "predict: out of memory");
  }
  int64_t *results = block, *cursor = block + resultWords;
  args[0] = results;
  for (int32_t i = 0; i < model->numInputs; ++i) {
    fillDescriptor(cursor, &model->inputs[i], batch, inputs[i]);
    args[1 + i] = cursor;
    cursor += descriptorWords(model->inputs[i].rank);
  }
  for (int32_t i = 0; i < model->numParams; ++i) {
    fillDescriptor(cursor, &model->params[i], batch, model->weights[i].data);
    args[1 + model->numInputs + i] = cursor;
    cursor += descriptorWords(model->params[i].rank);
  }
  model->invoke(args);
  kiln_status_t status = KILN_OK;
  cursor = results;
  for (int32_t i = 0; i < model->numOutputs; ++i) {
    const kiln_tensor_info_t *info = &model->outputs[i];
    int64_t produced = 1;
    for (int32_t d = 0; d < info->rank; ++d)
      produced *= cursor[3 + d];
    if (status == KILN_OK && produced != (int64_t)output_counts[i])
      status = fail(KILN_INTERNAL,
                    "predict: output '%s' came out with %lld elements, expected %zu",
                    info->name, (long long)produced, output_counts[i]);
    if (status == KILN_OK)
      copyOut(cursor, info, outputs[i], kiln_dtype_size(info->dtype));
    void *allocated;
    memcpy(&allocated, &cursor[0], sizeof allocated);
    free(allocated); /* results are owned by the caller of the entry point */
    cursor += descriptorWords(info->rank);
  }
  free(block);
  free(args);
  return status;
}
