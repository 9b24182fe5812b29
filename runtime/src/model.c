/*===- model.c - model instances and generic inference --------------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Instances of a model from the description a generated library embeds:
 * checks the caller's buffers against it, builds MLIR memref descriptors for
 * the inputs, calls the generated entry point and copies the results (which
 * the compiled code allocates with malloc and hands over) into the caller's
 * buffers.
 *
 * The description itself is parsed in description.c.
 *
 *===---------------------------------------------------------------------===*/

#include "model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local char lastError[512];

kiln_status_t kiln_runtime_fail(kiln_status_t status, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vsnprintf(lastError, sizeof lastError, fmt, args);
  va_end(args);
  return status;
}
#define fail kiln_runtime_fail

const char *kiln_last_error(void) { return lastError; }

static kiln_status_t createModel(const char *description,
                                 kiln_invoke_fn invoke,
                                 kiln_model_t **out_model) {
  if (!description || !invoke || !out_model)
    return fail(KILN_INVALID_ARGUMENT, "kiln_model_create: null argument");
  kiln_status_t status = kiln_model_parse(description, out_model);
  if (status == KILN_OK)
    (*out_model)->invoke = invoke;
  return status;
}

kiln_status_t kiln_model_create(const char *description, kiln_invoke_fn invoke,
                                kiln_model_t **out_model) {
  kiln_status_t status = createModel(description, invoke, out_model);
  if (status == KILN_OK && (*out_model)->numParams > 0) {
    kiln_model_free(*out_model);
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
    kiln_model_free(model);
    *out_model = NULL;
    return fail(KILN_INVALID_ARGUMENT,
                "the model's weights are embedded; it takes no weights file");
  }
  status = kiln_safetensors_read(weights_path, model->params,
                                 (size_t)model->numParams, model->weights);
  if (status != KILN_OK) {
    kiln_model_free(model);
    *out_model = NULL;
  }
  return status;
}

void kiln_model_destroy(kiln_model_t *model) { kiln_model_free(model); }

int32_t kiln_model_num_inputs(const kiln_model_t *m) { return m ? m->numInputs : 0; }
int32_t kiln_model_num_outputs(const kiln_model_t *m) { return m ? m->numOutputs : 0; }

const kiln_tensor_info_t *kiln_model_input(const kiln_model_t *m, int32_t i) {
  return m && i >= 0 && i < m->numInputs ? &m->inputs[i] : NULL;
}
const kiln_tensor_info_t *kiln_model_output(const kiln_model_t *m, int32_t i) {
  return m && i >= 0 && i < m->numOutputs ? &m->outputs[i] : NULL;
}

int32_t kiln_model_num_params(const kiln_model_t *m) {
  return m ? m->numParams : 0;
}
const kiln_tensor_info_t *kiln_model_param(const kiln_model_t *m, int32_t i) {
  return m && i >= 0 && i < m->numParams ? &m->params[i] : NULL;
}

int64_t kiln_tensor_elements(const kiln_tensor_info_t *info, int64_t batch) {
  int64_t n = 1;
  for (int32_t i = 0; i < info->rank; ++i)
    n *= info->dims[i] < 0 ? batch : info->dims[i];
  return n;
}

/* A ranked memref descriptor: {allocated, aligned, offset, sizes[r],
 * strides[r]}, laid out as MLIR's LLVM lowering expects. */
size_t kiln_descriptor_words(int32_t rank) { return 3 + 2 * (size_t)rank; }

void kiln_fill_descriptor_dims(int64_t *d, int32_t rank, const int64_t *dims,
                                const void *data) {
  void *p = (void *)(uintptr_t)data; /* the compiled code only reads inputs */
  memcpy(&d[0], &p, sizeof p);
  memcpy(&d[1], &p, sizeof p);
  d[2] = 0;
  int64_t stride = 1;
  for (int32_t i = rank - 1; i >= 0; --i) {
    d[3 + i] = dims[i];
    d[3 + rank + i] = stride;
    stride *= dims[i];
  }
}

void kiln_fill_descriptor(int64_t *d, const kiln_tensor_info_t *info,
                          int64_t batch, const void *data) {
  int64_t dims[KILN_MAX_RANK];
  for (int32_t i = 0; i < info->rank; ++i)
    dims[i] = info->dims[i] < 0 ? batch : info->dims[i];
  kiln_fill_descriptor_dims(d, info->rank, dims, data);
}

/* Copies a (possibly strided) result into the caller's dense buffer: one
 * memcpy when the result is dense (the usual case), else row by row over
 * the innermost dimension. */
void kiln_copy_out(const int64_t *d, const kiln_tensor_info_t *info,
                    void *dst, size_t elementSize) {
  char *base;
  memcpy(&base, &d[1], sizeof base);
  int32_t rank = info->rank;
  const int64_t *sizes = &d[3], *strides = &d[3 + rank];
  int64_t total = 1, dense = 1;
  for (int32_t i = rank - 1; i >= 0; --i) {
    if (sizes[i] != 1 && strides[i] != dense)
      dense = -1;
    if (dense > 0)
      dense *= sizes[i];
    total *= sizes[i];
  }
  if (total == 0)
    return;
  if (dense > 0 || rank == 0) {
    memcpy(dst, base + d[2] * (int64_t)elementSize,
           (size_t)total * elementSize);
    return;
  }
  int32_t inner = rank - 1;
  int64_t rowLength = sizes[inner], rowStride = strides[inner];
  int64_t index[KILN_MAX_RANK] = {0};
  char *out = dst;
  for (int64_t n = 0; n < total; n += rowLength) {
    int64_t offset = d[2];
    for (int32_t i = 0; i < inner; ++i)
      offset += index[i] * strides[i];
    const char *src = base + offset * (int64_t)elementSize;
    if (rowStride == 1) {
      memcpy(out, src, (size_t)rowLength * elementSize);
    } else {
      for (int64_t j = 0; j < rowLength; ++j)
        memcpy(out + j * (int64_t)elementSize,
               src + j * rowStride * (int64_t)elementSize, elementSize);
    }
    out += rowLength * (int64_t)elementSize;
    for (int32_t i = inner - 1; i >= 0; --i) {
      if (++index[i] < sizes[i])
        break;
      index[i] = 0;
    }
  }
}

KILN_HIDDEN kiln_status_t kiln_model_predict_trainable(
    kiln_model_t *model, int64_t batch, const void *const *inputs,
    const size_t *input_counts, void *const *outputs,
    const size_t *output_counts);

/* Whether `info`'s only dynamic dimension, if any, is its leading one. */
static int batchOnly(const kiln_tensor_info_t *info) {
  for (int32_t d = 1; d < info->rank; ++d)
    if (info->dims[d] < 0)
      return 0;
  return 1;
}

/* Invokes the inference entry on `inputs` (shapes already checked). On
 * success `*outBlock` holds the result descriptors first, one per output;
 * release them with releaseResults. */
static kiln_status_t invokeShaped(kiln_model_t *model, const kiln_tensor_t *inputs,
                                  int64_t **outBlock) {
  if (!model->invoke)
    return fail(KILN_INVALID_ARGUMENT,
                "the model is a library's description, without entry points");
  size_t words = 0, resultWords = 0;
  for (int32_t i = 0; i < model->numInputs; ++i)
    words += kiln_descriptor_words(model->inputs[i].rank);
  for (int32_t i = 0; i < model->numParams; ++i)
    words += kiln_descriptor_words(model->params[i].rank);
  for (int32_t i = 0; i < model->numOutputs; ++i)
    resultWords += kiln_descriptor_words(model->outputs[i].rank);
  int64_t *block = calloc(words + resultWords + 1, sizeof(int64_t));
  void **args = calloc((size_t)(model->numInputs + model->numParams) + 1,
                       sizeof(void *));
  if (!block || !args) {
    free(block);
    free(args);
    return fail(KILN_OUT_OF_MEMORY, "predict: out of memory");
  }
  int64_t *cursor = block + resultWords;
  args[0] = block;
  for (int32_t i = 0; i < model->numInputs; ++i) {
    kiln_fill_descriptor_dims(cursor, inputs[i].rank, inputs[i].dims,
                              inputs[i].data);
    args[1 + i] = cursor;
    cursor += kiln_descriptor_words(model->inputs[i].rank);
  }
  for (int32_t i = 0; i < model->numParams; ++i) {
    kiln_fill_descriptor(cursor, &model->params[i], 1, model->weights[i].data);
    args[1 + model->numInputs + i] = cursor;
    cursor += kiln_descriptor_words(model->params[i].rank);
  }
  model->invoke(args);
  free(args);
  *outBlock = block;
  return KILN_OK;
}

/* The allocation a result descriptor owns. */
static void *resultAllocation(const int64_t *d) {
  void *allocated;
  memcpy(&allocated, &d[0], sizeof allocated);
  return allocated;
}

/* Frees the buffers the entry point returned (each once: two results may
 * share one) and the descriptor block. */
static void releaseResults(const kiln_model_t *model, int64_t *block) {
  const int64_t *cursor;
  void *seen[KILN_MAX_TENSORS];
  int32_t numSeen = 0;
  cursor = block;
  for (int32_t i = 0; i < model->numOutputs; ++i) {
    void *allocated = resultAllocation(cursor);
    int shared = 0;
    for (int32_t j = 0; j < numSeen; ++j)
      shared |= seen[j] == allocated;
    if (!shared) {
      seen[numSeen++] = allocated;
      kiln_buffer_free(allocated); /* results are the caller's */
    }
    cursor += kiln_descriptor_words(model->outputs[i].rank);
  }
  free(block);
}

kiln_status_t kiln_model_predict(kiln_model_t *model, int64_t batch,
                                 const void *const *inputs,
                                 const size_t *input_counts,
                                 void *const *outputs,
                                 const size_t *output_counts) {
  if (!model)
    return fail(KILN_INVALID_ARGUMENT, "predict: model is null");
  if (model->trainable)
    return kiln_model_predict_trainable(model, batch, inputs, input_counts,
                                        outputs, output_counts);
  if (batch < 1)
    return fail(KILN_INVALID_ARGUMENT, "predict: batch must be at least 1, got %lld",
                (long long)batch);
  if ((model->numInputs && (!inputs || !input_counts)) ||
      (model->numOutputs && (!outputs || !output_counts)))
    return fail(KILN_INVALID_ARGUMENT, "predict: null buffer array");
  kiln_tensor_t shaped[KILN_MAX_TENSORS];
  for (int32_t i = 0; i < model->numInputs; ++i) {
    const kiln_tensor_info_t *info = &model->inputs[i];
    if (!batchOnly(info))
      return fail(KILN_INVALID_ARGUMENT,
                  "predict: input '%s' has a dynamic dimension other than the "
                  "batch; run the model with kiln_model_run",
                  info->name);
    int64_t expected = kiln_tensor_elements(info, batch);
    if (!inputs[i])
      return fail(KILN_INVALID_ARGUMENT, "predict: input '%s' is null", info->name);
    if ((int64_t)input_counts[i] != expected)
      return fail(KILN_INVALID_ARGUMENT,
                  "predict: input '%s' has %zu elements, expected %lld for batch %lld",
                  info->name, input_counts[i], (long long)expected, (long long)batch);
    shaped[i].dtype = info->dtype;
    shaped[i].rank = info->rank;
    for (int32_t d = 0; d < info->rank; ++d)
      shaped[i].dims[d] = info->dims[d] < 0 ? batch : info->dims[d];
    shaped[i].data = (void *)(uintptr_t)inputs[i];
  }
  for (int32_t i = 0; i < model->numOutputs; ++i) {
    const kiln_tensor_info_t *info = &model->outputs[i];
    if (!batchOnly(info))
      return fail(KILN_INVALID_ARGUMENT,
                  "predict: output '%s' has a dynamic dimension other than the "
                  "batch; run the model with kiln_model_run",
                  info->name);
    int64_t expected = kiln_tensor_elements(info, batch);
    if (!outputs[i])
      return fail(KILN_INVALID_ARGUMENT, "predict: output '%s' is null", info->name);
    if ((int64_t)output_counts[i] != expected)
      return fail(KILN_INVALID_ARGUMENT,
                  "predict: output '%s' has room for %zu elements, expected %lld for batch %lld",
                  info->name, output_counts[i], (long long)expected, (long long)batch);
  }
  int64_t *block;
  kiln_status_t status = invokeShaped(model, shaped, &block);
  if (status != KILN_OK)
    return status;
  const int64_t *cursor = block;
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
      kiln_copy_out(cursor, info, outputs[i], kiln_dtype_size(info->dtype));
    cursor += kiln_descriptor_words(info->rank);
  }
  releaseResults(model, block);
  return status;
}

/* Checks `inputs` against the model's inputs: dtype, rank, fixed dims. */
static kiln_status_t checkShaped(const kiln_model_t *model,
                                 const kiln_tensor_t *inputs) {
  for (int32_t i = 0; i < model->numInputs; ++i) {
    const kiln_tensor_info_t *info = &model->inputs[i];
    const kiln_tensor_t *t = &inputs[i];
    if (t->dtype != (int32_t)info->dtype) {
      const char *given = kiln_dtype_name((kiln_dtype_t)t->dtype);
      if (!given)
        return fail(KILN_INVALID_ARGUMENT,
                    "run: input '%s' has an unknown dtype code %d", info->name,
                    (int)t->dtype);
      return fail(KILN_INVALID_ARGUMENT,
                  "run: input '%s' has dtype %s, the model expects %s",
                  info->name, given, kiln_dtype_name(info->dtype));
    }
    if (t->rank != info->rank)
      return fail(KILN_INVALID_ARGUMENT,
                  "run: input '%s' has rank %d, the model expects %d",
                  info->name, (int)t->rank, (int)info->rank);
    int64_t elements = 1;
    for (int32_t d = 0; d < info->rank; ++d) {
      if (t->dims[d] < 0)
        return fail(KILN_INVALID_ARGUMENT,
                    "run: input '%s' has dimension %d of size %lld",
                    info->name, (int)d, (long long)t->dims[d]);
      if (info->dims[d] >= 0 && t->dims[d] != info->dims[d])
        return fail(KILN_INVALID_ARGUMENT,
                    "run: input '%s' has dimension %d of size %lld, the model "
                    "expects %lld",
                    info->name, (int)d, (long long)t->dims[d],
                    (long long)info->dims[d]);
      elements *= t->dims[d];
    }
    if (!t->data && elements)
      return fail(KILN_INVALID_ARGUMENT, "run: input '%s' is null", info->name);
  }
  for (int32_t k = 0; k < model->numSame; ++k) {
    int32_t i = model->same[k].input, d = model->same[k].dim;
    int32_t j = model->same[k].otherInput, e = model->same[k].otherDim;
    if (inputs[i].dims[d] != inputs[j].dims[e])
      return fail(KILN_INVALID_ARGUMENT,
                  "run: input '%s' dimension %d (size %lld) and input '%s' "
                  "dimension %d (size %lld) must be equal: the model names "
                  "both '%s'",
                  model->inputs[i].name, (int)d, (long long)inputs[i].dims[d],
                  model->inputs[j].name, (int)e, (long long)inputs[j].dims[e],
                  model->same[k].symbol);
  }
  return KILN_OK;
}

/* kiln_model_run for trainable instances, whose inputs share one batch. */
static kiln_status_t runTrainable(kiln_model_t *model, const kiln_tensor_t *inputs,
                                  kiln_tensor_t *outputs) {
  int64_t batch = -1;
  const void *data[KILN_MAX_TENSORS];
  size_t counts[KILN_MAX_TENSORS];
  for (int32_t i = 0; i < model->numInputs; ++i) {
    const kiln_tensor_info_t *info = &model->inputs[i];
    if (info->rank && info->dims[0] < 0) {
      if (batch >= 0 && inputs[i].dims[0] != batch)
        return fail(KILN_INVALID_ARGUMENT,
                    "run: input '%s' has batch %lld, an earlier input %lld",
                    info->name, (long long)inputs[i].dims[0], (long long)batch);
      batch = inputs[i].dims[0];
    }
  }
  if (batch < 0)
    batch = 1;
  for (int32_t i = 0; i < model->numInputs; ++i) {
    data[i] = inputs[i].data;
    counts[i] = (size_t)kiln_tensor_elements(&model->inputs[i], batch);
  }
  void *buffers[KILN_MAX_TENSORS];
  size_t outCounts[KILN_MAX_TENSORS];
  for (int32_t i = 0; i < model->numOutputs; ++i) {
    outCounts[i] = (size_t)kiln_tensor_elements(&model->outputs[i], batch);
    buffers[i] = malloc(kiln_tensor_bytes(&model->outputs[i], batch) + 1);
    if (!buffers[i]) {
      while (i-- > 0)
        free(buffers[i]);
      return fail(KILN_OUT_OF_MEMORY, "run: out of memory");
    }
  }
  kiln_status_t status = kiln_model_predict_trainable(model, batch, data, counts,
                                                      buffers, outCounts);
  for (int32_t i = 0; i < model->numOutputs; ++i) {
    if (status != KILN_OK) {
      free(buffers[i]);
      continue;
    }
    const kiln_tensor_info_t *info = &model->outputs[i];
    outputs[i].dtype = info->dtype;
    outputs[i].rank = info->rank;
    for (int32_t d = 0; d < info->rank; ++d)
      outputs[i].dims[d] = info->dims[d] < 0 ? batch : info->dims[d];
    outputs[i].data = buffers[i];
  }
  return status;
}

kiln_status_t kiln_model_run(kiln_model_t *model, const kiln_tensor_t *inputs,
                             kiln_tensor_t *outputs) {
  if (!model)
    return fail(KILN_INVALID_ARGUMENT, "run: model is null");
  if ((model->numInputs && !inputs) || !outputs)
    return fail(KILN_INVALID_ARGUMENT, "run: null tensor array");
  kiln_status_t status = checkShaped(model, inputs);
  if (status != KILN_OK)
    return status;
  if (model->trainable)
    return runTrainable(model, inputs, outputs);
  int64_t *block;
  status = invokeShaped(model, inputs, &block);
  if (status != KILN_OK)
    return status;
  const int64_t *cursor = block;
  int32_t filled = 0;
  for (; filled < model->numOutputs; ++filled) {
    const kiln_tensor_info_t *info = &model->outputs[filled];
    kiln_tensor_t *out = &outputs[filled];
    size_t size = kiln_dtype_size(info->dtype), bytes = size;
    out->dtype = info->dtype;
    out->rank = info->rank;
    for (int32_t d = 0; d < info->rank; ++d) {
      out->dims[d] = cursor[3 + d];
      bytes *= (size_t)cursor[3 + d];
    }
    out->data = malloc(bytes ? bytes : 1);
    if (!out->data) {
      status = fail(KILN_OUT_OF_MEMORY, "run: out of memory");
      break;
    }
    kiln_copy_out(cursor, info, out->data, size);
    cursor += kiln_descriptor_words(info->rank);
  }
  if (status != KILN_OK)
    while (filled-- > 0) {
      free(outputs[filled].data);
      outputs[filled].data = NULL;
    }
  releaseResults(model, block);
  return status;
}
