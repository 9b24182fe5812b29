/*===- fit.c - fit, evaluate, predict over datasets; callbacks; history ---===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Keras's training loop over a trainable instance. Shuffling is a
 * Fisher-Yates permutation from a generator seeded by (seed, epoch), so an
 * epoch's order does not depend on the epochs before it: resuming at
 * `initial_epoch` from a checkpoint replays exactly the uninterrupted run.
 *
 *===---------------------------------------------------------------------===*/

#include "dataset.h"
#include "model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define fail kiln_runtime_fail

/*===-- History --------------------------------------------------------===*/

#define MAX_KEYS (2 * KILN_MAX_TENSORS + 2)

struct kiln_history_t {
  int32_t epochs, capacity, numKeys;
  char keys[MAX_KEYS][72];
  double *values[MAX_KEYS];
};

int32_t kiln_history_epochs(const kiln_history_t *h) { return h ? h->epochs : 0; }
int32_t kiln_history_num_keys(const kiln_history_t *h) { return h ? h->numKeys : 0; }
const char *kiln_history_key(const kiln_history_t *h, int32_t i) {
  return h && i >= 0 && i < h->numKeys ? h->keys[i] : NULL;
}
const double *kiln_history_values(const kiln_history_t *h, const char *key) {
  for (int32_t i = 0; h && key && i < h->numKeys; ++i)
    if (strcmp(h->keys[i], key) == 0)
      return h->values[i];
  return NULL;
}
void kiln_history_destroy(kiln_history_t *h) {
  if (!h)
    return;
  for (int32_t i = 0; i < h->numKeys; ++i)
    free(h->values[i]);
  free(h);
}

/* Appends one epoch's logs (keys in the same order every epoch). */
static kiln_status_t historyAppend(kiln_history_t *h, char keys[][72],
                                   const double *values, int32_t n) {
  if (h->epochs == h->capacity) {
    int32_t cap = h->capacity ? 2 * h->capacity : 16;
    for (int32_t i = 0; i < n; ++i) {
      double *grown = realloc(h->values[i], (size_t)cap * sizeof(double));
      if (!grown)
        return fail(KILN_OUT_OF_MEMORY, "fit: out of memory");
      h->values[i] = grown;
    }
    h->capacity = cap;
  }
  h->numKeys = n;
  for (int32_t i = 0; i < n; ++i) {
    memcpy(h->keys[i], keys[i], sizeof h->keys[i]);
    h->values[i][h->epochs] = values[i];
  }
  ++h->epochs;
  return KILN_OK;
}

/*===-- Datasets of a model -------------------------------------------===*/

kiln_status_t kiln_model_dataset_read(const kiln_model_t *m, const char *path,
                                      const char *targetPath,
                                      kiln_dataset_t **out) {
  if (!m || !path || !out)
    return fail(KILN_INVALID_ARGUMENT, "dataset_read: null argument");
  return kiln_dataset_read(m->inputs, m->numInputs, m->targets, m->numTargets,
                           path, targetPath, out);
}

kiln_status_t kiln_model_dataset_from_arrays(const kiln_model_t *m, int64_t count,
                                             const void *const *inputs,
                                             const void *const *targets,
                                             kiln_dataset_t **out) {
  if (!m || !out || (m->numInputs && !inputs) || (m->numTargets && !targets))
    return fail(KILN_INVALID_ARGUMENT, "dataset_from_arrays: null argument");
  return kiln_dataset_from_arrays(m->inputs, m->numInputs, m->targets,
                                  m->numTargets, count, inputs, targets, out);
}

static int sameTensor(const kiln_tensor_info_t *a, const kiln_tensor_info_t *b) {
  if (a->dtype != b->dtype || a->rank != b->rank)
    return 0;
  for (int32_t i = 0; i < a->rank; ++i)
    if (a->dims[i] != b->dims[i])
      return 0;
  return 1;
}

/* Whether `d` holds this model's inputs (and targets when `needTargets`). */
static kiln_status_t checkDataset(const kiln_model_t *m, const kiln_dataset_t *d,
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
                "targets differ in number, dtype or shape)", what);
  return KILN_OK;
}

/* Batch buffers: one per input and target, for `capacity` examples. */
typedef struct {
  void *inputs[KILN_MAX_TENSORS], *targets[KILN_MAX_TENSORS];
  size_t inputCounts[KILN_MAX_TENSORS], targetCounts[KILN_MAX_TENSORS];
  float *weights; /* per example, with class weights */
} batch_t;

static void batchFree(batch_t *b) {
  for (int32_t i = 0; i < KILN_MAX_TENSORS; ++i)
    free(b->inputs[i]), free(b->targets[i]);
  free(b->weights);
}

/*===-- class weights ----------------------------------------------------===*/

/* Keras's class_weight: each example weighs class_weights[its class] (1
 * for a class beyond the table), its class being the target's value
 * (integer ids, or a float rounded), or the argmax of a one-hot target. */
static kiln_status_t checkClassWeights(const kiln_model_t *m,
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
  case KILN_F32: return ((const float *)data)[k];
  case KILN_F64: return ((const double *)data)[k];
  case KILN_I32: return ((const int32_t *)data)[k];
  case KILN_I64: return (double)((const int64_t *)data)[k];
  case KILN_I16: return ((const int16_t *)data)[k];
  case KILN_I8: return ((const int8_t *)data)[k];
  case KILN_I1: return ((const unsigned char *)data)[k];
  default: return NAN;
  }
}

/* Fills b->weights for the n examples gathered. */
static void classWeights(batch_t *b, const kiln_model_t *m,
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

/* The loss weighs each batch by its size (Keras's loss tracker), mean
 * metrics by the batch's total sample weight; count metrics sum their
 * counts. */
typedef struct {
  double sums[KILN_MAX_TENSORS], weights[KILN_MAX_TENSORS];
  double *counts[KILN_MAX_TENSORS];
} accum_t;

static void accumFree(accum_t *a) {
  for (int32_t i = 0; i < KILN_MAX_TENSORS; ++i)
    free(a->counts[i]);
}

static kiln_status_t accumInit(accum_t *a, const kiln_model_t *m) {
  memset(a, 0, sizeof *a);
  for (int32_t i = 0; i < m->numMetrics; ++i)
    if (m->metricKind[i] != KILN_METRIC_MEAN &&
        !(a->counts[i] = calloc((size_t)m->metrics[i].dims[0], sizeof(double)))) {
      accumFree(a);
      return fail(KILN_OUT_OF_MEMORY, "out of memory");
    }
  return KILN_OK;
}

static void accumReset(accum_t *a, const kiln_model_t *m) {
  for (int32_t i = 0; i < m->numMetrics; ++i) {
    a->sums[i] = a->weights[i] = 0.0;
    if (a->counts[i])
      memset(a->counts[i], 0, (size_t)m->metrics[i].dims[0] * sizeof(double));
  }
}

/* Adds the step just run on n examples (weights: NULL for ones). */
static void accumAdd(accum_t *a, const kiln_model_t *m, const double *values,
                     int64_t n, const float *weights) {
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

static void accumValues(const accum_t *a, const kiln_model_t *m, double *out) {
  for (int32_t i = 0; i < m->numMetrics; ++i)
    out[i] = a->counts[i]
                 ? kiln_metric_value(m->metricKind[i], a->counts[i],
                                     m->metrics[i].dims[0])
                 : a->weights[i] > 0.0 ? a->sums[i] / a->weights[i] : 0.0;
}

static kiln_status_t batchAlloc(batch_t *b, const kiln_dataset_t *d,
                                int64_t capacity) {
  memset(b, 0, sizeof *b);
  for (int32_t i = 0; i < d->numInputs; ++i)
    if (!(b->inputs[i] = malloc(kiln_tensor_bytes(&d->inputs[i], capacity) + 1)))
      return fail(KILN_OUT_OF_MEMORY, "out of memory");
  for (int32_t i = 0; i < d->numTargets; ++i)
    if (!(b->targets[i] = malloc(kiln_tensor_bytes(&d->targets[i], capacity) + 1)))
      return fail(KILN_OUT_OF_MEMORY, "out of memory");
  return KILN_OK;
}

/* Gathers examples order[begin..begin+n) (or begin.. in order when `order`
 * is NULL) into the batch. */
static void gather(batch_t *b, const kiln_dataset_t *d, const int64_t *order,
                   int64_t begin, int64_t n) {
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
  kiln_status_t s = checkDataset(m, d, 1, "evaluate");
  if (s != KILN_OK)
    return s;
  if (batchSize < 1)
    batchSize = 32;
  batch_t b;
  accum_t acc;
  s = batchAlloc(&b, d, batchSize);
  if (s == KILN_OK)
    s = accumInit(&acc, m);
  else
    memset(&acc, 0, sizeof acc);
  double values[KILN_MAX_TENSORS];
  for (int64_t at = 0; s == KILN_OK && at < d->count; at += batchSize) {
    int64_t n = d->count - at < batchSize ? d->count - at : batchSize;
    gather(&b, d, NULL, at, n);
    s = kiln_model_eval_step(m, n, (const void *const *)b.inputs, b.inputCounts,
                             (const void *const *)b.targets, b.targetCounts,
                             values);
    if (s == KILN_OK)
      accumAdd(&acc, m, values, n, NULL);
  }
  if (s == KILN_OK)
    accumValues(&acc, m, metrics);
  batchFree(&b);
  accumFree(&acc);
  return s;
}

kiln_status_t kiln_model_predict_dataset(kiln_model_t *m, const kiln_dataset_t *d,
                                         int64_t batchSize, void *const *outputs,
                                         const size_t *outputCounts) {
  if (!m || !outputs || !outputCounts)
    return fail(KILN_INVALID_ARGUMENT, "predict_dataset: null argument");
  kiln_status_t s = checkDataset(m, d, 0, "predict_dataset");
  if (s != KILN_OK)
    return s;
  for (int32_t i = 0; i < m->numOutputs; ++i)
    if (!outputs[i] ||
        (int64_t)outputCounts[i] != kiln_tensor_elements(&m->outputs[i], d->count))
      return fail(KILN_INVALID_ARGUMENT,
                  "predict_dataset: output '%s' needs room for %lld elements",
                  m->outputs[i].name,
                  (long long)kiln_tensor_elements(&m->outputs[i], d->count));
  if (batchSize < 1)
    batchSize = 32;
  batch_t b;
  s = batchAlloc(&b, d, batchSize);
  void *outs[KILN_MAX_TENSORS];
  size_t counts[KILN_MAX_TENSORS];
  for (int64_t at = 0; s == KILN_OK && at < d->count; at += batchSize) {
    int64_t n = d->count - at < batchSize ? d->count - at : batchSize;
    gather(&b, d, NULL, at, n);
    for (int32_t i = 0; i < m->numOutputs; ++i) {
      outs[i] = (char *)outputs[i] + kiln_tensor_bytes(&m->outputs[i], at);
      counts[i] = (size_t)kiln_tensor_elements(&m->outputs[i], n);
    }
    s = kiln_model_predict(m, n, (const void *const *)b.inputs, b.inputCounts,
                           outs, counts);
  }
  batchFree(&b);
  return s;
}

/*===-- fit -------------------------------------------------------------===*/

void kiln_fit_options_init(kiln_fit_options_t *o) {
  if (!o)
    return;
  memset(o, 0, sizeof *o);
  o->epochs = 1;
  o->batch_size = 32;
  o->shuffle = 1;
  o->verbose = 1;
  o->callbacks.reduce_lr_factor = 0.1;
  o->callbacks.reduce_lr_patience = 10;
  o->callbacks.reduce_lr_min_delta = 1e-4;
}

/* splitmix64: the shuffling generator. */
static uint64_t nextRandom(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Keras's "auto" mode: accuracies (and AUC) grow, everything else falls. */
static int maximized(const char *key) {
  return strstr(key, "acc") != NULL || strstr(key, "auc") != NULL;
}

static int improved(const char *key, double current, double best,
                    double minDelta) {
  if (isnan(best))
    return !isnan(current);
  return maximized(key) ? current - fabs(minDelta) > best
                        : current + fabs(minDelta) < best;
}

static int findKey(char keys[][72], int32_t n, const char *key) {
  for (int32_t i = 0; key && i < n; ++i)
    if (strcmp(keys[i], key) == 0)
      return i;
  return -1;
}

/* The progress line: "12/45 ━━━━━━────── 1s 3ms/step - accuracy: 0.9 - ...". */
static void progress(FILE *log, int verbose, int live, int64_t done,
                     int64_t total, double elapsed, char keys[][72],
                     const double *values, int32_t n) {
  if (verbose == 1) {
    fprintf(log, "%s%lld/%lld ", live ? "\r" : "", (long long)done,
            (long long)total);
    int width = 20, filled = total ? (int)(width * done / total) : width;
    for (int i = 0; i < width; ++i)
      fputs(i < filled ? "\u2501" : "\u2500", log);
  } else {
    fprintf(log, "%lld/%lld -", (long long)done, (long long)total);
  }
  double perStep = done ? elapsed / (double)done : 0.0;
  fprintf(log, " %.0fs %.0f%s/step", elapsed,
          perStep >= 1.0 ? perStep : perStep * 1e3, perStep >= 1.0 ? "s" : "ms");
  /* Alphabetical, as Keras prints them. */
  int32_t order[MAX_KEYS];
  for (int32_t i = 0; i < n; ++i)
    order[i] = i;
  for (int32_t i = 1; i < n; ++i)
    for (int32_t j = i; j > 0 && strcmp(keys[order[j - 1]], keys[order[j]]) > 0; --j) {
      int32_t t = order[j];
      order[j] = order[j - 1];
      order[j - 1] = t;
    }
  for (int32_t i = 0; i < n; ++i) {
    double v = values[order[i]];
    if (fabs(v) >= 1e-3 || v == 0.0)
      fprintf(log, " - %s: %.4f", keys[order[i]], v);
    else
      fprintf(log, " - %s: %.4e", keys[order[i]], v);
  }
  if (!live)
    fputc('\n', log);
  fflush(log);
}

/* "{epoch}" or "{epoch:02d}" in a checkpoint path, 1-based. */
static void formatPath(char *out, size_t size, const char *pattern, int32_t epoch) {
  const char *at = strstr(pattern, "{epoch");
  const char *close = at ? strchr(at, '}') : NULL;
  if (!at || !close) {
    snprintf(out, size, "%s", pattern);
    return;
  }
  int width = 0;
  if (at[6] == ':' && at[7] == '0')
    width = atoi(at + 8);
  snprintf(out, size, "%.*s%0*d%s", (int)(at - pattern), pattern, width,
           (int)epoch, close + 1);
}

kiln_status_t kiln_model_fit(kiln_model_t *m, const kiln_dataset_t *train,
                             const kiln_dataset_t *validation,
                             const kiln_fit_options_t *options,
                             kiln_history_t **historyOut) {
  if (historyOut)
    *historyOut = NULL;
  if (!m)
    return fail(KILN_INVALID_ARGUMENT, "fit: model is null");
  if (!m->trainable)
    return fail(KILN_INVALID_ARGUMENT,
                "fit: the library was compiled for inference only");
  kiln_fit_options_t o;
  if (options)
    o = *options;
  else
    kiln_fit_options_init(&o);
  kiln_status_t s = checkDataset(m, train, 1, "fit");
  if (s == KILN_OK && validation)
    s = checkDataset(m, validation, 1, "fit (validation data)");
  if (s != KILN_OK)
    return s;
  if (o.epochs < 0 || o.initial_epoch < 0 || o.batch_size < 1 ||
      !(o.validation_split >= 0.0 && o.validation_split < 1.0))
    return fail(KILN_INVALID_ARGUMENT,
                "fit: invalid options (epochs %d, initial_epoch %d, batch_size "
                "%lld, validation_split %g)",
                (int)o.epochs, (int)o.initial_epoch, (long long)o.batch_size,
                o.validation_split);
  kiln_status_t cw = checkClassWeights(m, &o);
  if (cw != KILN_OK)
    return cw;
  const kiln_callbacks_t *cb = &o.callbacks;
  FILE *log = o.log ? o.log : stdout;
  int live = o.verbose == 1 && isatty(fileno(log));

  /* The validation split: the last examples, before shuffling (Keras). */
  kiln_dataset_t *trainPart = NULL, *valPart = NULL;
  const kiln_dataset_t *data = train, *val = validation;
  if (!validation && o.validation_split > 0.0) {
    int64_t split = (int64_t)((double)train->count * (1.0 - o.validation_split));
    if (split < 1 || split >= train->count)
      return fail(KILN_INVALID_ARGUMENT,
                  "fit: validation_split %g of %lld examples leaves an empty part",
                  o.validation_split, (long long)train->count);
    s = kiln_dataset_slice(train, 0, split, &trainPart);
    if (s == KILN_OK)
      s = kiln_dataset_slice(train, split, train->count, &valPart);
    if (s != KILN_OK) {
      kiln_dataset_destroy(trainPart);
      return s;
    }
    data = trainPart;
    val = valPart;
  }

  kiln_history_t *history = calloc(1, sizeof *history);
  int64_t *order = malloc((size_t)data->count * sizeof *order);
  batch_t b;
  memset(&b, 0, sizeof b);
  if (!history || !order)
    s = fail(KILN_OUT_OF_MEMORY, "fit: out of memory");
  if (s == KILN_OK)
    s = batchAlloc(&b, data, o.batch_size);

  /* The epoch's log keys: the metrics, the validation ones, the rate. */
  char keys[MAX_KEYS][72];
  int32_t numKeys = 0;
  for (int32_t i = 0; i < m->numMetrics; ++i)
    snprintf(keys[numKeys++], 72, "%s", m->metrics[i].name);
  if (val)
    for (int32_t i = 0; i < m->numMetrics; ++i)
      snprintf(keys[numKeys++], 72, "val_%s", m->metrics[i].name);
  int logLR = cb->reduce_lr_monitor || cb->lr_schedule;
  if (logLR)
    snprintf(keys[numKeys++], 72, "learning_rate");
  int esKey = -1, rlKey = -1, ckKey = -1;
  if (s == KILN_OK && cb->early_stopping_monitor &&
      (esKey = findKey(keys, numKeys, cb->early_stopping_monitor)) < 0)
    s = fail(KILN_INVALID_ARGUMENT, "EarlyStopping: no quantity '%s' to monitor",
             cb->early_stopping_monitor);
  if (s == KILN_OK && cb->reduce_lr_monitor &&
      (rlKey = findKey(keys, numKeys, cb->reduce_lr_monitor)) < 0)
    s = fail(KILN_INVALID_ARGUMENT, "ReduceLROnPlateau: no quantity '%s' to monitor",
             cb->reduce_lr_monitor);
  if (s == KILN_OK && cb->checkpoint_path && cb->checkpoint_save_best_only &&
      (ckKey = findKey(keys, numKeys,
                       cb->checkpoint_monitor ? cb->checkpoint_monitor
                                              : (val ? "val_loss" : "loss"))) < 0)
    s = fail(KILN_INVALID_ARGUMENT, "ModelCheckpoint: no quantity '%s' to monitor",
             cb->checkpoint_monitor);
  FILE *csv = NULL;
  if (s == KILN_OK && cb->csv_log_path) {
    int append = cb->csv_log_append && access(cb->csv_log_path, F_OK) == 0;
    csv = fopen(cb->csv_log_path, append ? "a" : "w");
    if (!csv)
      s = fail(KILN_IO_ERROR, "CSVLogger: cannot open '%s'", cb->csv_log_path);
    else if (!append) {
      fputs("epoch", csv);
      for (int32_t i = 0; i < numKeys; ++i)
        fprintf(csv, ",%s", keys[i]);
      fputc('\n', csv);
    }
  }

  double esBest = NAN, rlBest = NAN, ckBest = NAN;
  int32_t esWait = 0, rlWait = 0;
  void **best = NULL; /* EarlyStopping's best weights */
  if (s == KILN_OK && cb->early_stopping_monitor &&
      cb->early_stopping_restore_best_weights) {
    best = calloc((size_t)m->numState, sizeof *best);
    for (int32_t k = 0; best && k < m->numState; ++k)
      if (!(best[k] = malloc(kiln_tensor_bytes(&m->state[k], 1))))
        s = fail(KILN_OUT_OF_MEMORY, "fit: out of memory");
    if (!best)
      s = fail(KILN_OUT_OF_MEMORY, "fit: out of memory");
  }
  int haveBest = 0, stop = 0;
  int64_t steps = (data->count + o.batch_size - 1) / o.batch_size;
  double values[MAX_KEYS], batchValues[KILN_MAX_TENSORS];
  accum_t acc;
  memset(&acc, 0, sizeof acc);
  if (s == KILN_OK)
    s = accumInit(&acc, m);
  if (s == KILN_OK && o.class_weights &&
      !(b.weights = malloc((size_t)o.batch_size * sizeof *b.weights)))
    s = fail(KILN_OUT_OF_MEMORY, "fit: out of memory");

  for (int32_t epoch = o.initial_epoch; s == KILN_OK && !stop && epoch < o.epochs;
       ++epoch) {
    if (cb->lr_schedule) {
      double lr = cb->lr_schedule(epoch, kiln_model_learning_rate(m),
                                  cb->lr_schedule_user);
      s = kiln_model_set_learning_rate(m, lr);
      if (s != KILN_OK)
        break;
    }
    for (int64_t i = 0; i < data->count; ++i)
      order[i] = i;
    if (o.shuffle) {
      uint64_t rng = o.seed * 0x2545f4914f6cdd1dull + (uint64_t)epoch + 1;
      for (int64_t i = data->count - 1; i > 0; --i) {
        int64_t j = (int64_t)(nextRandom(&rng) % (uint64_t)(i + 1));
        int64_t t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    if (o.verbose)
      fprintf(log, "Epoch %d/%d\n", (int)epoch + 1, (int)o.epochs);
    double start = now(), lastPrint = 0.0;
    accumReset(&acc, m);
    for (int64_t st = 0; s == KILN_OK && st < steps; ++st) {
      int64_t at = st * o.batch_size;
      int64_t n = data->count - at < o.batch_size ? data->count - at : o.batch_size;
      gather(&b, data, order, at, n);
      if (b.weights)
        classWeights(&b, m, &o, n);
      s = kiln_model_train_step_weighted(
          m, n, (const void *const *)b.inputs, b.inputCounts,
          (const void *const *)b.targets, b.targetCounts, b.weights, batchValues);
      if (s != KILN_OK)
        break;
      if (cb->terminate_on_nan && !isfinite(batchValues[0])) {
        if (o.verbose)
          fprintf(log, "%sBatch %lld: Invalid loss, terminating training\n",
                  live ? "\n" : "", (long long)st);
        s = fail(KILN_STOPPED_ON_NAN,
                 "TerminateOnNaN: the loss is %g at epoch %d, batch %lld; "
                 "training stopped",
                 batchValues[0], (int)epoch + 1, (long long)st + 1);
        break;
      }
      accumAdd(&acc, m, batchValues, n, b.weights);
      accumValues(&acc, m, values);
      double t = now() - start;
      if (live && (t - lastPrint > 0.05 || st + 1 == steps)) {
        progress(log, 1, 1, st + 1, steps, t, keys, values, m->numMetrics);
        lastPrint = t;
      }
    }
    if (s != KILN_OK)
      break;
    if (val)
      s = kiln_model_evaluate(m, val, o.batch_size, values + m->numMetrics);
    if (s != KILN_OK)
      break;
    if (logLR)
      values[numKeys - 1] = kiln_model_learning_rate(m);
    if (o.verbose) {
      if (live)
        fputc('\r', log);
      progress(log, o.verbose, 0, steps, steps, now() - start, keys, values,
               numKeys);
    }
    s = historyAppend(history, keys, values, numKeys);
    if (s != KILN_OK)
      break;
    if (csv) {
      fprintf(csv, "%d", (int)epoch);
      for (int32_t i = 0; i < numKeys; ++i)
        fprintf(csv, ",%.17g", values[i]);
      fputc('\n', csv);
      fflush(csv);
    }
    /* ModelCheckpoint */
    if (cb->checkpoint_path &&
        (!cb->checkpoint_save_best_only ||
         improved(keys[ckKey], values[ckKey], ckBest, 0.0))) {
      if (cb->checkpoint_save_best_only)
        ckBest = values[ckKey];
      char path[4096];
      formatPath(path, sizeof path, cb->checkpoint_path, epoch + 1);
      s = kiln_model_save(m, path);
      if (s != KILN_OK)
        break;
    }
    /* ReduceLROnPlateau */
    if (cb->reduce_lr_monitor) {
      if (improved(keys[rlKey], values[rlKey], rlBest, cb->reduce_lr_min_delta)) {
        rlBest = values[rlKey];
        rlWait = 0;
      } else if (++rlWait >= cb->reduce_lr_patience) {
        double lr = kiln_model_learning_rate(m);
        double reduced = lr * cb->reduce_lr_factor;
        if (reduced < cb->reduce_lr_min_lr)
          reduced = cb->reduce_lr_min_lr;
        if (reduced < lr) {
          kiln_model_set_learning_rate(m, reduced);
          if (o.verbose)
            fprintf(log, "Epoch %d: ReduceLROnPlateau reducing learning rate to %g.\n",
                    (int)epoch + 1, reduced);
        }
        rlWait = 0;
      }
    }
    /* EarlyStopping */
    if (cb->early_stopping_monitor) {
      if (improved(keys[esKey], values[esKey], esBest,
                   cb->early_stopping_min_delta)) {
        esBest = values[esKey];
        esWait = 0;
        if (best) {
          for (int32_t k = 0; k < m->numState; ++k)
            memcpy(best[k], m->stateData[k], kiln_tensor_bytes(&m->state[k], 1));
          haveBest = 1;
        }
      } else if (++esWait >= cb->early_stopping_patience &&
                 epoch > o.initial_epoch) {
        stop = 1;
        if (o.verbose)
          fprintf(log, "Epoch %d: early stopping\n", (int)epoch + 1);
      }
    }
    if (cb->on_epoch_end) {
      const char *names[MAX_KEYS];
      for (int32_t i = 0; i < numKeys; ++i)
        names[i] = keys[i];
      if (cb->on_epoch_end(epoch, names, values, numKeys, cb->on_epoch_end_user))
        stop = 1;
    }
  }
  if (s == KILN_OK && best && haveBest) {
    for (int32_t k = 0; k < m->numState; ++k)
      if (m->role[k] == KILN_ROLE_PARAM || m->role[k] == KILN_ROLE_WEIGHT)
        memcpy(m->stateData[k], best[k], kiln_tensor_bytes(&m->state[k], 1));
    if (o.verbose)
      fprintf(log, "Restoring model weights from the end of the best epoch.\n");
  }
  for (int32_t k = 0; best && k < m->numState; ++k)
    free(best[k]);
  free(best);
  if (csv)
    fclose(csv);
  batchFree(&b);
  accumFree(&acc);
  free(order);
  kiln_dataset_destroy(trainPart);
  kiln_dataset_destroy(valPart);
  if (historyOut && history && (s == KILN_OK || s == KILN_STOPPED_ON_NAN))
    *historyOut = history;
  else
    kiln_history_destroy(history);
  return s;
}
