/*===- batch.c - evaluate and predict over datasets; batches; metrics -----===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * A model's datasets, evaluate and predict batch by batch, and the pieces
 * the training loop (fit.c) shares with them: checking a dataset against
 * the model, gathering examples into batch buffers, class weights, and the
 * epoch's running loss and metrics, weighted as Keras weighs them.
 *
 *===---------------------------------------------------------------------===*/

#include "batch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define fail kiln_runtime_fail

/*===-- Datasets of a model -------------------------------------------===*/

kiln_status_t kiln_model_dataset_read(const kiln_model_t *m, const char *path,
                                      const char *targetPath,
                                      kiln_dataset_t **out) {
  if (!m || !path || !out)
    return fail(KILN_INVALID_ARGUMENT, "dataset_read: null argument");
  return kiln_dataset_read(m->inputs, m->numInputs, m->targets, m->numTargets,
                           path, targetPath, out);
}

kiln_status_t kiln_model_dataset_from_arrays(const kiln_model_t *m,
                                             int64_t count,
                                             const void *const *inputs,
                                             const void *const *targets,
                                             kiln_dataset_t **out) {
  if (!m || !out || (m->numInputs && !inputs) || (m->numTargets && !targets))
    return fail(KILN_INVALID_ARGUMENT, "dataset_from_arrays: null argument");
  return kiln_dataset_from_arrays(m->inputs, m->numInputs, m->targets,
                                  m->numTargets, count, inputs, targets, out);
}

static int sameTensor(const kiln_tensor_info_t *a,
                      const kiln_tensor_info_t *b) {
  if (a->dtype != b->dtype || a->rank != b->rank)
    return 0;
  for (int32_t i = 0; i < a->rank; ++i)
    if (a->dims[i] != b->dims[i])
      return 0;
  return 1;
}

/* Whether `d` holds this model's inputs (and targets when `needTargets`). */
kiln_status_t kiln_check_dataset(const kiln_model_t *m, const kiln_dataset_t *d,
                                 int needTargets, const char *what) {
  if (!d)
    return fail(KILN_INVALID_ARGUMENT, "%s: the dataset is null", what);
  if (d->count < 1)
    return fail(KILN_INVALID_ARGUMENT, "%s: the dataset is empty", what);
  int ok = d->numInputs == m->numInputs &&
           (!needTargets || d->numTargets == m->numTargets);
  for (int32_t i = 0; ok && i < m->numInputs; ++i)
    ok = sameTensor(&d->inputs[i], &m->inputs[i]);
  for (int32_t i = 0; ok && needTargets && i < m->numTargets; ++i)
    ok = sameTensor(&d->targets[i], &m->targets[i]);
  if (!ok)
    return fail(KILN_INVALID_ARGUMENT,
                "%s: the dataset was made for another model (its inputs or "
                "targets differ in number, dtype or shape)",
                what);
  return KILN_OK;
}

void kiln_batch_free(kiln_batch_t *b) {
  for (int32_t i = 0; i < KILN_MAX_TENSORS; ++i)
    free(b->inputs[i]), free(b->targets[i]);
  free(b->weights);
}

/*===-- class weights ----------------------------------------------------===*/

/* Keras's class_weight: each example weighs class_weights[its class] (1
 * for a class beyond the table), its class being the target's value
 * (integer ids, or a float rounded), or the argmax of a one-hot target. */
kiln_status_t kiln_check_class_weights(const kiln_model_t *m,
                                       const kiln_fit_options_t *o) {
  if (!o->class_weights)
    return KILN_OK;
  if (o->num_class_weights < 1)
    return fail(KILN_INVALID_ARGUMENT,
                "fit: class_weights is set but num_class_weights is %d",
                (int)o->num_class_weights);
  for (int32_t c = 0; c < o->num_class_weights; ++c)
    if (!(o->class_weights[c] >= 0.0) || !isfinite(o->class_weights[c]))
      return fail(KILN_INVALID_ARGUMENT,
                  "fit: class weight %d is %g; weights must be finite and >= 0",
                  (int)c, o->class_weights[c]);
  const kiln_tensor_info_t *t = &m->targets[0];
  if (m->numTargets != 1 || t->rank > 2)
    return fail(KILN_INVALID_ARGUMENT,
                "fit: class weights need one target of shape [batch], "
                "[batch, 1] or [batch, classes]; the model has %d target(s), "
                "the first of rank %d",
                (int)m->numTargets, (int)t->rank);
  return KILN_OK;
}

static double targetValue(const kiln_tensor_info_t *t, const void *data,
                          int64_t k) {
  switch (t->dtype) {
  case KILN_F32:
    return ((const float *)data)[k];
  case KILN_F64:
    return ((const double *)data)[k];
  case KILN_I32:
    return ((const int32_t *)data)[k];
  case KILN_I64:
    return (double)((const int64_t *)data)[k];
  case KILN_I16:
    return ((const int16_t *)data)[k];
  case KILN_I8:
    return ((const int8_t *)data)[k];
  case KILN_I1:
    return ((const unsigned char *)data)[k];
  default:
    return NAN;
  }
}

/* Fills b->weights for the n examples gathered. */
void kiln_batch_class_weights(kiln_batch_t *b, const kiln_model_t *m,
                              const kiln_fit_options_t *o, int64_t n) {
  const kiln_tensor_info_t *t = &m->targets[0];
  int64_t classes = t->rank == 2 ? t->dims[1] : 1;
  for (int64_t e = 0; e < n; ++e) {
    double id;
    if (classes > 1) {
      int64_t best = 0;
      for (int64_t c = 1; c < classes; ++c)
        if (targetValue(t, b->targets[0], e * classes + c) >
            targetValue(t, b->targets[0], e * classes + best))
          best = c;
      id = (double)best;
    } else {
      id = nearbyint(targetValue(t, b->targets[0], e));
    }
    b->weights[e] = id >= 0.0 && id < (double)o->num_class_weights
                        ? (float)o->class_weights[(int64_t)id]
                        : 1.0f;
  }
}

/*===-- metrics over an epoch --------------------------------------------===*/

void kiln_accum_free(kiln_accum_t *a) {
  for (int32_t i = 0; i < KILN_MAX_TENSORS; ++i)
    free(a->counts[i]);
}

kiln_status_t kiln_accum_init(kiln_accum_t *a, const kiln_model_t *m) {
  memset(a, 0, sizeof *a);
  for (int32_t i = 0; i < m->numMetrics; ++i)
    if (m->metricKind[i] != KILN_METRIC_MEAN &&
        !(a->counts[i] =
              calloc((size_t)m->metrics[i].dims[0], sizeof(double)))) {
      kiln_accum_free(a);
      return fail(KILN_OUT_OF_MEMORY, "out of memory");
    }
  return KILN_OK;
}

void kiln_accum_reset(kiln_accum_t *a, const kiln_model_t *m) {
  for (int32_t i = 0; i < m->numMetrics; ++i) {
    a->sums[i] = a->weights[i] = 0.0;
    if (a->counts[i])
      memset(a->counts[i], 0, (size_t)m->metrics[i].dims[0] * sizeof(double));
  }
}

/* Adds the step just run on n examples (weights: NULL for ones). */
void kiln_accum_add(kiln_accum_t *a, const kiln_model_t *m,
                    const double *values, int64_t n, const float *weights) {
  double total = (double)n;
  if (weights) {
    total = 0.0;
    for (int64_t e = 0; e < n; ++e)
      total += weights[e];
  }
  for (int32_t i = 0; i < m->numMetrics; ++i) {
    if (a->counts[i]) {
      for (int64_t k = 0; k < m->metrics[i].dims[0]; ++k)
        a->counts[i][k] += m->metricCounts[i][k];
      continue;
    }
    double w = i == 0 ? (double)n : total;
    a->sums[i] += values[i] * w;
    a->weights[i] += w;
  }
}

void kiln_accum_values(const kiln_accum_t *a, const kiln_model_t *m,
                       double *out) {
  for (int32_t i = 0; i < m->numMetrics; ++i)
    out[i] = a->counts[i] ? kiln_metric_value(m->metricKind[i], a->counts[i],
                                              m->metrics[i].dims[0])
             : a->weights[i] > 0.0 ? a->sums[i] / a->weights[i]
                                   : 0.0;
}

kiln_status_t kiln_batch_alloc(kiln_batch_t *b, const kiln_dataset_t *d,
                               int64_t capacity) {
  memset(b, 0, sizeof *b);
  for (int32_t i = 0; i < d->numInputs; ++i)
    if (!(b->inputs[i] =
              malloc(kiln_tensor_bytes(&d->inputs[i], capacity) + 1)))
      return fail(KILN_OUT_OF_MEMORY, "out of memory");
  for (int32_t i = 0; i < d->numTargets; ++i)
    if (!(b->targets[i] =
              malloc(kiln_tensor_bytes(&d->targets[i], capacity) + 1)))
      return fail(KILN_OUT_OF_MEMORY, "out of memory");
  return KILN_OK;
}

/* Gathers examples order[begin..begin+n) (or begin.. in order when `order`
 * is NULL) into the batch. */
void kiln_batch_gather(kiln_batch_t *b, const kiln_dataset_t *d,
                       const int64_t *order, int64_t begin, int64_t n) {
  for (int g = 0; g < 2; ++g) {
    int32_t count = g ? d->numTargets : d->numInputs;
    for (int32_t i = 0; i < count; ++i) {
      const kiln_tensor_info_t *info = g ? &d->targets[i] : &d->inputs[i];
      size_t row = kiln_tensor_bytes(info, 1);
      const char *src = g ? d->targetData[i] : d->inputData[i];
      char *dst = g ? b->targets[i] : b->inputs[i];
      for (int64_t k = 0; k < n; ++k) {
        int64_t e = order ? order[begin + k] : begin + k;
        memcpy(dst + (size_t)k * row, src + (size_t)e * row, row);
      }
      (g ? b->targetCounts : b->inputCounts)[i] =
          (size_t)kiln_tensor_elements(info, n);
    }
  }
}

/*===-- evaluate, predict ----------------------------------------------===*/

kiln_status_t kiln_model_evaluate(kiln_model_t *m, const kiln_dataset_t *d,
                                  int64_t batchSize, double *metrics) {
  if (!m || !metrics)
    return fail(KILN_INVALID_ARGUMENT, "evaluate: null argument");
  if (!m->trainable)
    return fail(KILN_INVALID_ARGUMENT, "evaluate: the model is not trainable");
  kiln_status_t s = kiln_check_dataset(m, d, 1, "evaluate");
  if (s != KILN_OK)
    return s;
  if (batchSize < 1)
    batchSize = 32;
  kiln_batch_t b;
  kiln_accum_t acc;
  s = kiln_batch_alloc(&b, d, batchSize);
  if (s == KILN_OK)
    s = kiln_accum_init(&acc, m);
  else
    memset(&acc, 0, sizeof acc);
  double values[KILN_MAX_TENSORS];
  for (int64_t at = 0; s == KILN_OK && at < d->count; at += batchSize) {
    int64_t n = d->count - at < batchSize ? d->count - at : batchSize;
    kiln_batch_gather(&b, d, NULL, at, n);
    s = kiln_model_eval_step(m, n, (const void *const *)b.inputs, b.inputCounts,
                             (const void *const *)b.targets, b.targetCounts,
                             values);
    if (s == KILN_OK)
      kiln_accum_add(&acc, m, values, n, NULL);
  }
  if (s == KILN_OK)
    kiln_accum_values(&acc, m, metrics);
  kiln_batch_free(&b);
  kiln_accum_free(&acc);
  return s;
}

kiln_status_t kiln_model_predict_dataset(kiln_model_t *m,
                                         const kiln_dataset_t *d,
                                         int64_t batchSize,
                                         void *const *outputs,
                                         const size_t *outputCounts) {
  if (!m || !outputs || !outputCounts)
    return fail(KILN_INVALID_ARGUMENT, "predict_dataset: null argument");
  kiln_status_t s = kiln_check_dataset(m, d, 0, "predict_dataset");
  if (s != KILN_OK)
    return s;
  for (int32_t i = 0; i < m->numOutputs; ++i)
    if (!outputs[i] || (int64_t)outputCounts[i] !=
                           kiln_tensor_elements(&m->outputs[i], d->count))
      return fail(KILN_INVALID_ARGUMENT,
                  "predict_dataset: output '%s' needs room for %lld elements",
                  m->outputs[i].name,
                  (long long)kiln_tensor_elements(&m->outputs[i], d->count));
  if (batchSize < 1)
    batchSize = 32;
  kiln_batch_t b;
  s = kiln_batch_alloc(&b, d, batchSize);
  void *outs[KILN_MAX_TENSORS];
  size_t counts[KILN_MAX_TENSORS];
  for (int64_t at = 0; s == KILN_OK && at < d->count; at += batchSize) {
    int64_t n = d->count - at < batchSize ? d->count - at : batchSize;
    kiln_batch_gather(&b, d, NULL, at, n);
    for (int32_t i = 0; i < m->numOutputs; ++i) {
      outs[i] = (char *)outputs[i] + kiln_tensor_bytes(&m->outputs[i], at);
      counts[i] = (size_t)kiln_tensor_elements(&m->outputs[i], n);
    }
    s = kiln_model_predict(m, n, (const void *const *)b.inputs, b.inputCounts,
                           outs, counts);
  }
  kiln_batch_free(&b);
  return s;
}
