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
 * and for trainable libraries (see trainable.c):
 *   target <name> <dtype> <rank> <dim>...  (training targets)
 *   metric <name> <dtype> 0                (the loss, then the metrics)
 *   metric <name> f32 1 <n> ratio|auc      (a metric whose counts sum)
 *   state <name> <dtype> <rank> <dim>... <role> <fill> <has-initial>
 *   same <i> <d> <j> <e> <symbol>         (dimension d of input i equals
 *                                          dimension e of input j)
 *   call predict|eval|train <ref>... -> <ref>...
 *     (ref: i<k> input, t<k> target, s<k> state, o<k> output, m<k> metric,
 *      w0 per-example weights)
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

/* Parses one tensor line ("in", "out", ...) into `info`; returns 0 on a
 * malformed line. `*rest` is left at the words after the dims. */
static int parseTensor(char *line, kiln_tensor_info_t *info, char **rest) {
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
  *rest = save;
  return 1;
}

static const char *const roleNames[] = {"param", "weight", "slot",
                                        "iterations", "lr"};

/* Parses "call <kind> <ref>... -> <ref>..." into the model's entries. */
static int parseCall(char *line, kiln_model_t *model) {
  char *save = NULL;
  strtok_r(line, " ", &save); /* call */
  char *kind = strtok_r(NULL, " ", &save);
  int e = !kind                          ? -1
          : strcmp(kind, "predict") == 0 ? KILN_ENTRY_PREDICT
          : strcmp(kind, "eval") == 0    ? KILN_ENTRY_EVAL
          : strcmp(kind, "train") == 0   ? KILN_ENTRY_TRAIN
                                         : -1;
  if (e < 0 || model->entries[e].args)
    return 0;
  kiln_entry_t *entry = &model->entries[e];
  size_t cap = 16 + strlen(save ? save : "") / 2;
  entry->args = calloc(cap, sizeof *entry->args);
  entry->results = calloc(cap, sizeof *entry->results);
  if (!entry->args || !entry->results)
    return 0;
  int results = 0;
  for (char *tok = strtok_r(NULL, " ", &save); tok;
       tok = strtok_r(NULL, " ", &save)) {
    if (strcmp(tok, "->") == 0) {
      if (results)
        return 0;
      results = 1;
      continue;
    }
    char k = tok[0];
    char *end = NULL;
    long index = strtol(tok + 1, &end, 10);
    int32_t limit = k == 'i'   ? model->numInputs
                    : k == 't' ? model->numTargets
                    : k == 's' ? model->numState
                    : k == 'o' ? model->numOutputs
                    : k == 'm' ? model->numMetrics
                    : k == 'w' ? 1
                               : 0;
    if (!end || *end || index < 0 || index >= limit)
      return 0;
    if (results ? (k == 'i' || k == 't' || k == 'w') : (k == 'o' || k == 'm'))
      return 0;
    kiln_ref_t ref = {k, (int32_t)index};
    int32_t *count = results ? &entry->numResults : &entry->numArgs;
    if ((size_t)*count >= cap)
      return 0;
    (results ? entry->results : entry->args)[(*count)++] = ref;
  }
  return results;
}

static void freeModel(kiln_model_t *model) {
  if (!model)
    return;
  for (int32_t i = 0; i < model->numParams; ++i)
    free(model->weights[i].data);
  for (int32_t i = 0; model->stateData && i < model->numState; ++i)
    free(model->stateData[i]);
  for (int e = 0; e < 3; ++e) {
    free(model->entries[e].args);
    free(model->entries[e].results);
  }
  for (int32_t i = 0; i < KILN_MAX_TENSORS; ++i)
    free(model->metricCounts[i]), free(model->metricRaw[i]);
  free(model->ones);
  free(model->state);
  free(model->role);
  free(model->fill);
  free(model->hasInitial);
  free(model->stateData);
  free(model);
}

kiln_status_t kiln_model_parse(const char *description,
                               kiln_model_t **out_model) {
  *out_model = NULL;
  kiln_model_t *model = calloc(1, sizeof *model);
  if (model) {
    snprintf(model->sampleWeight.name, sizeof model->sampleWeight.name,
             "sample_weight");
    model->sampleWeight.dtype = KILN_F32;
    model->sampleWeight.rank = 1;
    model->sampleWeight.dims[0] = -1;
  }
  char *copy = strdup(description);
  if (!model || !copy) {
    free(model);
    free(copy);
    return fail(KILN_OUT_OF_MEMORY, "kiln_model_create: out of memory");
  }
  int ok = strncmp(copy, "kiln-model 1\n", 13) == 0;
  /* State tensors are counted first: there may be many. */
  int32_t stateLines = 0;
  for (const char *p = strstr(copy, "\nstate "); p; p = strstr(p + 1, "\nstate "))
    ++stateLines;
  if (ok && stateLines) {
    model->state = calloc((size_t)stateLines, sizeof *model->state);
    model->role = calloc((size_t)stateLines, sizeof *model->role);
    model->fill = calloc((size_t)stateLines, sizeof *model->fill);
    model->hasInitial = calloc((size_t)stateLines, 1);
    model->stateData = calloc((size_t)stateLines, sizeof *model->stateData);
    ok = model->state && model->role && model->fill && model->hasInitial &&
         model->stateData;
  }
  char *save = NULL;
  for (char *line = ok ? strtok_r(copy + 13, "\n", &save) : NULL; ok && line;
       line = strtok_r(NULL, "\n", &save)) {
    if (strncmp(line, "call ", 5) == 0) {
      ok = parseCall(line, model);
      continue;
    }
    if (strncmp(line, "same ", 5) == 0) {
      ok = model->numSame < KILN_MAX_TENSORS;
      if (!ok)
        break;
      int i, d, j, e, used = 0;
      char *symbol = model->same[model->numSame].symbol;
      ok = sscanf(line + 5, "%d %d %d %d %63s%n", &i, &d, &j, &e, symbol, &used) == 5 &&
           line[5 + used] == '\0' && i >= 0 && j >= 0 && d >= 0 && e >= 0;
      if (ok) {
        model->same[model->numSame].input = i;
        model->same[model->numSame].dim = d;
        model->same[model->numSame].otherInput = j;
        model->same[model->numSame].otherDim = e;
        ++model->numSame;
      }
      continue;
    }
    if (strncmp(line, "state ", 6) == 0) {
      ok = model->numState < stateLines;
      if (!ok)
        break;
      int32_t k = model->numState;
      char *rest = NULL;
      ok = parseTensor(line, &model->state[k], &rest);
      char *role = ok ? strtok_r(NULL, " ", &rest) : NULL;
      char *fillText = role ? strtok_r(NULL, " ", &rest) : NULL;
      char *initial = fillText ? strtok_r(NULL, " ", &rest) : NULL;
      int r = -1;
      for (int i = 0; initial && i < 5; ++i)
        if (strcmp(role, roleNames[i]) == 0)
          r = i;
      ok = r >= 0;
      if (ok) {
        model->role[k] = (kiln_role_t)r;
        model->fill[k] = strtod(fillText, NULL);
        model->hasInitial[k] = initial[0] == '1';
      }
      if (ok)
        ++model->numState;
      continue;
    }
    char *rest = NULL;
    int isInput = strncmp(line, "in ", 3) == 0;
    int isOutput = strncmp(line, "out ", 4) == 0;
    int isParam = strncmp(line, "param ", 6) == 0;
    int isTarget = strncmp(line, "target ", 7) == 0;
    int isMetric = strncmp(line, "metric ", 7) == 0;
    int32_t *count = isInput    ? &model->numInputs
                     : isOutput ? &model->numOutputs
                     : isTarget ? &model->numTargets
                     : isMetric ? &model->numMetrics
                                : &model->numParams;
    kiln_tensor_info_t *infos = isInput    ? model->inputs
                                : isOutput ? model->outputs
                                : isTarget ? model->targets
                                : isMetric ? model->metrics
                                           : model->params;
    ok = (isInput || isOutput || isParam || isTarget || isMetric) &&
         *count < KILN_MAX_TENSORS && parseTensor(line, &infos[*count], &rest);
    if (ok && isMetric) {
      /* A count metric names its kind after the dimensions. */
      kiln_tensor_info_t *info = &infos[*count];
      char *kind = strtok_r(NULL, " ", &rest);
      kiln_metric_kind_t k = KILN_METRIC_MEAN;
      if (kind && strcmp(kind, "ratio") == 0)
        k = KILN_METRIC_RATIO;
      else if (kind && strcmp(kind, "auc") == 0)
        k = KILN_METRIC_AUC;
      else if (kind)
        ok = 0;
      ok = ok && (k == KILN_METRIC_MEAN ? info->rank == 0
                                        : info->rank == 1 && info->dims[0] > 0 &&
                                              info->dtype == KILN_F32 &&
                                              (k != KILN_METRIC_AUC ||
                                               info->dims[0] % 4 == 0));
      model->metricKind[*count] = k;
      if (ok && k != KILN_METRIC_MEAN) {
        model->metricCounts[*count] = calloc((size_t)info->dims[0], sizeof(double));
        model->metricRaw[*count] = calloc((size_t)info->dims[0], sizeof(float));
        ok = model->metricCounts[*count] && model->metricRaw[*count];
      }
    }
    if (ok)
      ++*count;
  }
  free(copy);
  for (int32_t k = 0; ok && k < model->numSame; ++k)
    ok = model->same[k].input < model->numInputs &&
         model->same[k].otherInput < model->numInputs &&
         model->same[k].dim < model->inputs[model->same[k].input].rank &&
         model->same[k].otherDim < model->inputs[model->same[k].otherInput].rank;
  if (ok && model->numState)
    ok = model->entries[0].args && model->entries[1].args &&
         model->entries[2].args && model->numState == stateLines;
  if (!ok) {
    freeModel(model);
    return fail(KILN_INTERNAL, "kiln_model_create: malformed model description");
  }
  model->trainable = model->numState > 0;
  *out_model = model;
  return KILN_OK;
}

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

void kiln_model_destroy(kiln_model_t *model) { freeModel(model); }

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

/* Copies a (possibly strided) result into the caller's dense buffer. */
void kiln_copy_out(const int64_t *d, const kiln_tensor_info_t *info,
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
      free(allocated); /* results are owned by the caller of the entry point */
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
      if (t->dtype < 0 || t->dtype >= (int32_t)(sizeof dtypeNames / sizeof *dtypeNames))
        return fail(KILN_INVALID_ARGUMENT,
                    "run: input '%s' has an unknown dtype code %d", info->name,
                    (int)t->dtype);
      return fail(KILN_INVALID_ARGUMENT,
                  "run: input '%s' has dtype %s, the model expects %s",
                  info->name, dtypeNames[t->dtype], dtypeNames[info->dtype]);
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
