/*===- trainable.c - trainable instances: state, steps, save and load -----===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * A trainable library compiles three functions (predict, eval, train) that
 * share the instance's state: the weights, the optimizer slots, the step
 * count and the learning rate. The description says where each function's
 * arguments come from and its results go; kiln_model_call does the
 * plumbing. The train function returns fresh buffers for the new state,
 * which are copied into the instance only once every result is in hand.
 *
 *===---------------------------------------------------------------------===*/

#include "model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define fail kiln_runtime_fail

size_t kiln_tensor_bytes(const kiln_tensor_info_t *info, int64_t batch) {
  return (size_t)kiln_tensor_elements(info, batch) * kiln_dtype_size(info->dtype);
}

static void *alignedAlloc(size_t bytes) {
  return aligned_alloc(64, (bytes + 63) / 64 * 64 + 64);
}

/* Fills state tensor k with its `fill` value in its dtype. */
static void fillState(kiln_model_t *m, int32_t k) {
  const kiln_tensor_info_t *t = &m->state[k];
  int64_t n = kiln_tensor_elements(t, 1);
  double v = m->fill[k];
  for (int64_t i = 0; i < n; ++i) {
    switch (t->dtype) {
    case KILN_F32: ((float *)m->stateData[k])[i] = (float)v; break;
    case KILN_F64: ((double *)m->stateData[k])[i] = v; break;
    case KILN_I32: ((int32_t *)m->stateData[k])[i] = (int32_t)v; break;
    case KILN_I64: ((int64_t *)m->stateData[k])[i] = (int64_t)v; break;
    default: memset(m->stateData[k], 0, kiln_tensor_bytes(t, 1)); return;
    }
  }
}

kiln_status_t kiln_model_create_trainable(const char *description,
                                          kiln_invoke_fn predict,
                                          kiln_invoke_fn eval,
                                          kiln_invoke_fn train,
                                          const void *initial,
                                          int64_t initial_size,
                                          kiln_model_t **out_model) {
  if (!description || !predict || !eval || !train || !out_model)
    return fail(KILN_INVALID_ARGUMENT, "create: null argument");
  kiln_model_t *m;
  kiln_status_t status = kiln_model_parse(description, &m);
  if (status != KILN_OK)
    return status;
  if (!m->trainable) {
    kiln_model_destroy(m);
    return fail(KILN_INTERNAL, "create: the description has no training state");
  }
  m->entries[KILN_ENTRY_PREDICT].invoke = predict;
  m->entries[KILN_ENTRY_EVAL].invoke = eval;
  m->entries[KILN_ENTRY_TRAIN].invoke = train;
  m->invoke = predict;
  for (int32_t k = 0; k < m->numState; ++k) {
    m->stateData[k] = alignedAlloc(kiln_tensor_bytes(&m->state[k], 1));
    if (!m->stateData[k]) {
      kiln_model_destroy(m);
      return fail(KILN_OUT_OF_MEMORY, "create: out of memory");
    }
    fillState(m, k);
  }
  /* The initial weights, from the safetensors bytes the library embeds. */
  int32_t withInitial = 0;
  for (int32_t k = 0; k < m->numState; ++k)
    withInitial += m->hasInitial[k];
  if (withInitial) {
    kiln_tensor_info_t *wanted = calloc((size_t)withInitial, sizeof *wanted);
    kiln_loaded_tensor_t *loaded = calloc((size_t)withInitial, sizeof *loaded);
    int32_t *which = calloc((size_t)withInitial, sizeof *which);
    status = wanted && loaded && which ? KILN_OK
                                       : fail(KILN_OUT_OF_MEMORY, "create: out of memory");
    for (int32_t k = 0, j = 0; status == KILN_OK && k < m->numState; ++k)
      if (m->hasInitial[k]) {
        wanted[j] = m->state[k];
        which[j++] = k;
      }
    if (status == KILN_OK)
      status = kiln_safetensors_parse("<initial state>", initial,
                                      (size_t)initial_size, wanted,
                                      (size_t)withInitial, NULL, loaded);
    for (int32_t j = 0; status == KILN_OK && j < withInitial; ++j) {
      memcpy(m->stateData[which[j]], loaded[j].data, loaded[j].bytes);
      free(loaded[j].data);
    }
    free(wanted);
    free(loaded);
    free(which);
    if (status != KILN_OK) {
      kiln_model_destroy(m);
      return status;
    }
  }
  *out_model = m;
  return KILN_OK;
}

static const kiln_tensor_info_t *refInfo(const kiln_model_t *m, kiln_ref_t r) {
  switch (r.kind) {
  case 'i': return &m->inputs[r.index];
  case 't': return &m->targets[r.index];
  case 's': return &m->state[r.index];
  case 'o': return &m->outputs[r.index];
  case 'w': return &m->sampleWeight;
  default: return &m->metrics[r.index];
  }
}

kiln_status_t kiln_model_call(kiln_model_t *m, kiln_entry_kind_t which,
                              int64_t batch, const void *const *inputs,
                              const void *const *targets,
                              const float *sampleWeights, void *const *outputs,
                              double *metrics) {
  const kiln_entry_t *e = &m->entries[which];
  if (!e->invoke)
    return fail(KILN_INVALID_ARGUMENT,
                "the model is a library's description, without entry points");
  for (int32_t i = 0; !sampleWeights && i < e->numArgs; ++i)
    if (e->args[i].kind == 'w') {
      /* Unweighted: ones, kept for the largest batch seen. */
      if (m->numOnes < batch) {
        float *grown = realloc(m->ones, (size_t)batch * sizeof *grown);
        if (!grown)
          return fail(KILN_OUT_OF_MEMORY, "out of memory");
        for (int64_t k = m->numOnes; k < batch; ++k)
          grown[k] = 1.0f;
        m->ones = grown;
        m->numOnes = batch;
      }
      sampleWeights = m->ones;
    }
  size_t words = 0, resultWords = 0;
  for (int32_t i = 0; i < e->numArgs; ++i)
    words += kiln_descriptor_words(refInfo(m, e->args[i])->rank);
  for (int32_t i = 0; i < e->numResults; ++i)
    resultWords += kiln_descriptor_words(refInfo(m, e->results[i])->rank);
  int64_t *block = calloc(words + resultWords + 1, sizeof(int64_t));
  void **args = calloc((size_t)e->numArgs + 1, sizeof(void *));
  const void **argData = calloc((size_t)e->numArgs + 1, sizeof(void *));
  void **staged = calloc((size_t)m->numState + 1, sizeof(void *));
  void **freed = calloc((size_t)e->numResults + 1, sizeof(void *));
  if (!block || !args || !argData || !staged || !freed) {
    free(block), free(args), free(argData), free(staged), free(freed);
    return fail(KILN_OUT_OF_MEMORY, "out of memory");
  }
  int64_t *results = block, *cursor = block + resultWords;
  args[0] = results;
  for (int32_t i = 0; i < e->numArgs; ++i) {
    kiln_ref_t r = e->args[i];
    const void *data = r.kind == 'i'   ? inputs[r.index]
                       : r.kind == 't' ? targets[r.index]
                       : r.kind == 'w' ? (const void *)sampleWeights
                                       : m->stateData[r.index];
    argData[i] = data;
    kiln_fill_descriptor(cursor, refInfo(m, r), batch, data);
    args[1 + i] = cursor;
    cursor += kiln_descriptor_words(refInfo(m, r)->rank);
  }
  e->invoke(args);
  kiln_status_t status = KILN_OK;
  int32_t numFreed = 0;
  cursor = results;
  for (int32_t i = 0; i < e->numResults; ++i) {
    kiln_ref_t r = e->results[i];
    const kiln_tensor_info_t *info = refInfo(m, r);
    size_t elementSize = kiln_dtype_size(info->dtype);
    int64_t produced = 1;
    for (int32_t d = 0; d < info->rank; ++d)
      produced *= cursor[3 + d];
    if (status == KILN_OK && produced != kiln_tensor_elements(info, batch))
      status = fail(KILN_INTERNAL, "'%s' came out with %lld elements, expected %lld",
                    info->name, (long long)produced,
                    (long long)kiln_tensor_elements(info, batch));
    if (status == KILN_OK && r.kind == 'o' && outputs)
      kiln_copy_out(cursor, info, outputs[r.index], elementSize);
    if (status == KILN_OK && r.kind == 'm' && metrics &&
        m->metricKind[r.index] == KILN_METRIC_MEAN) {
      char value[8];
      kiln_copy_out(cursor, info, value, elementSize);
      metrics[r.index] = info->dtype == KILN_F64 ? *(double *)value
                                                 : (double)*(float *)value;
    } else if (status == KILN_OK && r.kind == 'm' && metrics) {
      int64_t n = info->dims[0];
      double *counts = m->metricCounts[r.index];
      float *raw = m->metricRaw[r.index];
      kiln_copy_out(cursor, info, raw, elementSize);
      for (int64_t k = 0; k < n; ++k)
        counts[k] = raw[k];
      metrics[r.index] = kiln_metric_value(m->metricKind[r.index], counts, n);
    }
    if (status == KILN_OK && r.kind == 's') {
      staged[r.index] = alignedAlloc(kiln_tensor_bytes(info, 1));
      if (!staged[r.index])
        status = fail(KILN_OUT_OF_MEMORY, "out of memory");
      else
        kiln_copy_out(cursor, info, staged[r.index], elementSize);
    }
    /* Results are the caller's to free, except a buffer the function
     * returned as is (one of its arguments), and each buffer once. */
    void *allocated;
    memcpy(&allocated, &cursor[0], sizeof allocated);
    int skip = allocated == NULL;
    for (int32_t a = 0; !skip && a < e->numArgs; ++a)
      skip = allocated == argData[a];
    for (int32_t f = 0; !skip && f < numFreed; ++f)
      skip = allocated == freed[f];
    if (!skip) {
      kiln_buffer_free(allocated);
      freed[numFreed++] = allocated;
    }
    cursor += kiln_descriptor_words(info->rank);
  }
  for (int32_t k = 0; k < m->numState; ++k) {
    if (!staged[k])
      continue;
    if (status == KILN_OK) {
      free(m->stateData[k]);
      m->stateData[k] = staged[k];
    } else {
      free(staged[k]);
    }
  }
  free(block), free(args), free(argData), free(staged), free(freed);
  return status;
}

double kiln_metric_value(kiln_metric_kind_t kind, const double *c, int64_t n) {
  /* Keras divides with divide_no_nan: 0 where the denominator is 0. */
#define KILN_RATIO(a, b) ((b) != 0.0 ? (a) / (b) : 0.0)
  if (kind == KILN_METRIC_RATIO)
    return KILN_RATIO(c[0], c[1]);
  if (kind != KILN_METRIC_AUC)
    return NAN;
  /* ROC AUC as Keras's interpolated Riemann sum over the thresholds:
   * counts are tp, fp, tn, fn, each at t thresholds in increasing order. */
  int64_t t = n / 4;
  const double *tp = c, *fp = c + t, *tn = c + 2 * t, *fn = c + 3 * t;
  double auc = 0.0;
  for (int64_t i = 0; i + 1 < t; ++i) {
    double tpr0 = KILN_RATIO(tp[i], tp[i] + fn[i]);
    double tpr1 = KILN_RATIO(tp[i + 1], tp[i + 1] + fn[i + 1]);
    double fpr0 = KILN_RATIO(fp[i], fp[i] + tn[i]);
    double fpr1 = KILN_RATIO(fp[i + 1], fp[i + 1] + tn[i + 1]);
    auc += (fpr0 - fpr1) * (tpr0 + tpr1) / 2.0;
  }
#undef KILN_RATIO
  return auc;
}

/* Checks a group of caller buffers against `infos` for `batch`. */
static kiln_status_t checkBuffers(const char *what, const char *kind,
                                  const kiln_tensor_info_t *infos, int32_t n,
                                  int64_t batch, const void *const *data,
                                  const size_t *counts) {
  if (n && (!data || !counts))
    return fail(KILN_INVALID_ARGUMENT, "%s: null %s array", what, kind);
  for (int32_t i = 0; i < n; ++i) {
    int64_t expected = kiln_tensor_elements(&infos[i], batch);
    if (!data[i])
      return fail(KILN_INVALID_ARGUMENT, "%s: %s '%s' is null", what, kind,
                  infos[i].name);
    if ((int64_t)counts[i] != expected)
      return fail(KILN_INVALID_ARGUMENT,
                  "%s: %s '%s' has %zu elements, expected %lld for batch %lld",
                  what, kind, infos[i].name, counts[i], (long long)expected,
                  (long long)batch);
  }
  return KILN_OK;
}

kiln_status_t kiln_model_predict_trainable(kiln_model_t *m, int64_t batch,
                                           const void *const *inputs,
                                           const size_t *input_counts,
                                           void *const *outputs,
                                           const size_t *output_counts) {
  if (batch < 1)
    return fail(KILN_INVALID_ARGUMENT, "predict: batch must be at least 1, got %lld",
                (long long)batch);
  kiln_status_t s = checkBuffers("predict", "input", m->inputs, m->numInputs,
                                 batch, inputs, input_counts);
  if (s == KILN_OK)
    s = checkBuffers("predict", "output", m->outputs, m->numOutputs, batch,
                     (const void *const *)outputs, output_counts);
  if (s != KILN_OK)
    return s;
  return kiln_model_call(m, KILN_ENTRY_PREDICT, batch, inputs, NULL, NULL,
                         outputs, NULL);
}

static kiln_status_t step(kiln_model_t *m, kiln_entry_kind_t which,
                          const char *what, int64_t batch,
                          const void *const *inputs, const size_t *input_counts,
                          const void *const *targets,
                          const size_t *target_counts,
                          const float *sample_weights, double *metrics) {
  if (!m)
    return fail(KILN_INVALID_ARGUMENT, "%s: model is null", what);
  if (!m->trainable)
    return fail(KILN_INVALID_ARGUMENT,
                "%s: the library was compiled for inference only", what);
  if (batch < 1)
    return fail(KILN_INVALID_ARGUMENT, "%s: batch must be at least 1, got %lld",
                what, (long long)batch);
  kiln_status_t s = checkBuffers(what, "input", m->inputs, m->numInputs, batch,
                                 inputs, input_counts);
  if (s == KILN_OK)
    s = checkBuffers(what, "target", m->targets, m->numTargets, batch, targets,
                     target_counts);
  if (s != KILN_OK)
    return s;
  return kiln_model_call(m, which, batch, inputs, targets, sample_weights,
                         NULL, metrics);
}

kiln_status_t kiln_model_train_step_weighted(
    kiln_model_t *m, int64_t batch, const void *const *inputs,
    const size_t *input_counts, const void *const *targets,
    const size_t *target_counts, const float *sample_weights, double *metrics) {
  return step(m, KILN_ENTRY_TRAIN, "train_step", batch, inputs, input_counts,
              targets, target_counts, sample_weights, metrics);
}

kiln_status_t kiln_model_eval_step_weighted(
    kiln_model_t *m, int64_t batch, const void *const *inputs,
    const size_t *input_counts, const void *const *targets,
    const size_t *target_counts, const float *sample_weights, double *metrics) {
  return step(m, KILN_ENTRY_EVAL, "eval_step", batch, inputs, input_counts,
              targets, target_counts, sample_weights, metrics);
}

kiln_status_t kiln_model_train_step(kiln_model_t *m, int64_t batch,
                                    const void *const *inputs,
                                    const size_t *input_counts,
                                    const void *const *targets,
                                    const size_t *target_counts,
                                    double *metrics) {
  return kiln_model_train_step_weighted(m, batch, inputs, input_counts, targets,
                                        target_counts, NULL, metrics);
}

kiln_status_t kiln_model_eval_step(kiln_model_t *m, int64_t batch,
                                   const void *const *inputs,
                                   const size_t *input_counts,
                                   const void *const *targets,
                                   const size_t *target_counts,
                                   double *metrics) {
  return kiln_model_eval_step_weighted(m, batch, inputs, input_counts, targets,
                                       target_counts, NULL, metrics);
}

int32_t kiln_model_num_state(const kiln_model_t *m) { return m ? m->numState : 0; }
int32_t kiln_model_num_targets(const kiln_model_t *m) { return m ? m->numTargets : 0; }
int32_t kiln_model_num_metrics(const kiln_model_t *m) { return m ? m->numMetrics : 0; }

const kiln_tensor_info_t *kiln_model_state_info(const kiln_model_t *m, int32_t i) {
  return m && i >= 0 && i < m->numState ? &m->state[i] : NULL;
}
const kiln_tensor_info_t *kiln_model_target(const kiln_model_t *m, int32_t i) {
  return m && i >= 0 && i < m->numTargets ? &m->targets[i] : NULL;
}
const kiln_tensor_info_t *kiln_model_metric(const kiln_model_t *m, int32_t i) {
  return m && i >= 0 && i < m->numMetrics ? &m->metrics[i] : NULL;
}

static kiln_status_t checkState(const kiln_model_t *m, int32_t i, int64_t count,
                                const void *data, const char *what) {
  if (!m || !data)
    return fail(KILN_INVALID_ARGUMENT, "%s: null argument", what);
  if (i < 0 || i >= m->numState)
    return fail(KILN_INVALID_ARGUMENT, "%s: no state tensor %d (the model has %d)",
                what, (int)i, (int)m->numState);
  if (!m->stateData || !m->stateData[i])
    return fail(KILN_INVALID_ARGUMENT,
                "%s: the model is a library's description, without state",
                what);
  if (count != kiln_tensor_elements(&m->state[i], 1))
    return fail(KILN_INVALID_ARGUMENT, "%s: '%s' has %lld elements, got %lld", what,
                m->state[i].name, (long long)kiln_tensor_elements(&m->state[i], 1),
                (long long)count);
  return KILN_OK;
}

kiln_status_t kiln_model_get_state(const kiln_model_t *m, int32_t i, void *data,
                                   int64_t count) {
  kiln_status_t s = checkState(m, i, count, data, "get_state");
  if (s == KILN_OK)
    memcpy(data, m->stateData[i], kiln_tensor_bytes(&m->state[i], 1));
  return s;
}

kiln_status_t kiln_model_set_state(kiln_model_t *m, int32_t i, const void *data,
                                   int64_t count) {
  kiln_status_t s = checkState(m, i, count, data, "set_state");
  if (s == KILN_OK)
    memcpy(m->stateData[i], data, kiln_tensor_bytes(&m->state[i], 1));
  return s;
}

static int32_t lrIndex(const kiln_model_t *m) {
  for (int32_t k = 0; m && k < m->numState; ++k)
    if (m->role[k] == KILN_ROLE_LR)
      return k;
  return -1;
}

double kiln_model_learning_rate(const kiln_model_t *m) {
  int32_t k = lrIndex(m);
  if (k < 0 || !m->stateData || !m->stateData[k])
    return 0.0;
  return m->state[k].dtype == KILN_F64 ? *(double *)m->stateData[k]
                                       : (double)*(float *)m->stateData[k];
}

kiln_status_t kiln_model_set_learning_rate(kiln_model_t *m, double lr) {
  int32_t k = lrIndex(m);
  if (k < 0)
    return fail(KILN_INVALID_ARGUMENT, "set_learning_rate: the model is not trainable");
  if (!(lr >= 0.0) || isinf(lr))
    return fail(KILN_INVALID_ARGUMENT, "set_learning_rate: %g is not a learning rate", lr);
  if (m->state[k].dtype == KILN_F64)
    *(double *)m->stateData[k] = lr;
  else
    *(float *)m->stateData[k] = (float)lr;
  return KILN_OK;
}

kiln_status_t kiln_model_save(const kiln_model_t *m, const char *path) {
  if (!m || !path)
    return fail(KILN_INVALID_ARGUMENT, "save: null argument");
  if (!m->trainable)
    return fail(KILN_INVALID_ARGUMENT, "save: the model is not trainable");
  return kiln_safetensors_write(path, m->state, (const void *const *)m->stateData,
                                (size_t)m->numState);
}

kiln_status_t kiln_model_load(kiln_model_t *m, const char *path) {
  if (!m || !path)
    return fail(KILN_INVALID_ARGUMENT, "load: null argument");
  if (!m->trainable)
    return fail(KILN_INVALID_ARGUMENT, "load: the model is not trainable");
  /* Weights are required; optimizer state is loaded when present. */
  unsigned char *optional = calloc((size_t)m->numState, 1);
  kiln_loaded_tensor_t *loaded = calloc((size_t)m->numState, sizeof *loaded);
  if (!optional || !loaded) {
    free(optional), free(loaded);
    return fail(KILN_OUT_OF_MEMORY, "load: out of memory");
  }
  for (int32_t k = 0; k < m->numState; ++k)
    optional[k] = m->role[k] != KILN_ROLE_PARAM && m->role[k] != KILN_ROLE_WEIGHT;
  kiln_status_t s = kiln_safetensors_read_optional(
      path, m->state, (size_t)m->numState, optional, loaded);
  for (int32_t k = 0; k < m->numState; ++k) {
    if (s == KILN_OK && loaded[k].data)
      memcpy(m->stateData[k], loaded[k].data, loaded[k].bytes);
    free(loaded[k].data);
  }
  free(optional), free(loaded);
  return s;
}
