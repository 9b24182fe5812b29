/*===- fit.c - the training loop: fit, its callbacks, the history --------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Keras's training loop over a trainable instance. Shuffling is a
 * Fisher-Yates permutation from a generator seeded by (seed, epoch), so an
 * epoch's order does not depend on the epochs before it: resuming at
 * `initial_epoch` from a checkpoint replays exactly the uninterrupted run.
 *
 *===---------------------------------------------------------------------===*/

#include "batch.h"

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

/*===-- fit, step by step ------------------------------------------------===*
 * kiln_model_fit reads as Keras's Model.fit: check the arguments, split off
 * the validation data, set up the logs and callbacks, then for each epoch
 * train over shuffled batches, validate, log, and run the callbacks
 * (ModelCheckpoint, ReduceLROnPlateau, EarlyStopping, the user's
 * on_epoch_end), and finally restore the best weights. */

/* Everything one fit call holds. */
typedef struct {
  kiln_model_t *m;
  kiln_fit_options_t o;
  const kiln_callbacks_t *cb;
  FILE *log;
  int live; /* the progress bar is redrawn in place on a terminal */
  /* The training and validation data; the parts split off when
   * validation_split applies (else NULL). */
  const kiln_dataset_t *data, *val;
  kiln_dataset_t *trainPart, *valPart;
  kiln_history_t *history;
  int64_t *order; /* the epoch's example order */
  int64_t steps;  /* batches per epoch */
  kiln_batch_t b;
  kiln_accum_t acc;
  /* The epoch's log: the metrics, the validation ones, the rate. */
  char keys[MAX_KEYS][72];
  double values[MAX_KEYS];
  int32_t numKeys;
  int logLR;
  FILE *csv; /* CSVLogger */
  /* The monitored keys and the callbacks' state. */
  int esKey, rlKey, ckKey;
  double esBest, rlBest, ckBest;
  int32_t esWait, rlWait;
  void **best; /* EarlyStopping's best weights */
  int haveBest, stop;
} fit_t;

/* Checks the model, the datasets and the options; copies the options (or
 * Keras's defaults) into f->o. */
static kiln_status_t checkFit(fit_t *f, const kiln_dataset_t *train,
                              const kiln_dataset_t *validation,
                              const kiln_fit_options_t *options) {
  kiln_model_t *m = f->m;
  if (!m)
    return fail(KILN_INVALID_ARGUMENT, "fit: model is null");
  if (!m->trainable)
    return fail(KILN_INVALID_ARGUMENT,
                "fit: the library was compiled for inference only");
  if (options)
    f->o = *options;
  else
    kiln_fit_options_init(&f->o);
  kiln_status_t s = kiln_check_dataset(m, train, 1, "fit");
  if (s == KILN_OK && validation)
    s = kiln_check_dataset(m, validation, 1, "fit (validation data)");
  if (s != KILN_OK)
    return s;
  const kiln_fit_options_t *o = &f->o;
  if (o->epochs < 0 || o->initial_epoch < 0 || o->batch_size < 1 ||
      !(o->validation_split >= 0.0 && o->validation_split < 1.0))
    return fail(KILN_INVALID_ARGUMENT,
                "fit: invalid options (epochs %d, initial_epoch %d, batch_size "
                "%lld, validation_split %g)",
                (int)o->epochs, (int)o->initial_epoch, (long long)o->batch_size,
                o->validation_split);
  return kiln_check_class_weights(m, o);
}

/* The validation data: `validation`, else the last examples of `train`
 * split off before shuffling (Keras's validation_split). */
static kiln_status_t splitValidation(fit_t *f, const kiln_dataset_t *train,
                                     const kiln_dataset_t *validation) {
  f->data = train;
  f->val = validation;
  if (validation || f->o.validation_split <= 0.0)
    return KILN_OK;
  int64_t split =
      (int64_t)((double)train->count * (1.0 - f->o.validation_split));
  if (split < 1 || split >= train->count)
    return fail(
        KILN_INVALID_ARGUMENT,
        "fit: validation_split %g of %lld examples leaves an empty part",
        f->o.validation_split, (long long)train->count);
  kiln_status_t s = kiln_dataset_slice(train, 0, split, &f->trainPart);
  if (s == KILN_OK)
    s = kiln_dataset_slice(train, split, train->count, &f->valPart);
  if (s != KILN_OK)
    return s;
  f->data = f->trainPart;
  f->val = f->valPart;
  return KILN_OK;
}

/* Names the epoch's log keys and finds each callback's monitored key. */
static kiln_status_t setUpKeys(fit_t *f) {
  const kiln_model_t *m = f->m;
  const kiln_callbacks_t *cb = f->cb;
  for (int32_t i = 0; i < m->numMetrics; ++i)
    snprintf(f->keys[f->numKeys++], 72, "%s", m->metrics[i].name);
  if (f->val)
    for (int32_t i = 0; i < m->numMetrics; ++i)
      snprintf(f->keys[f->numKeys++], 72, "val_%s", m->metrics[i].name);
  f->logLR = cb->reduce_lr_monitor || cb->lr_schedule;
  if (f->logLR)
    snprintf(f->keys[f->numKeys++], 72, "learning_rate");
  if (cb->early_stopping_monitor &&
      (f->esKey = findKey(f->keys, f->numKeys, cb->early_stopping_monitor)) < 0)
    return fail(KILN_INVALID_ARGUMENT,
                "EarlyStopping: no quantity '%s' to monitor",
                cb->early_stopping_monitor);
  if (cb->reduce_lr_monitor &&
      (f->rlKey = findKey(f->keys, f->numKeys, cb->reduce_lr_monitor)) < 0)
    return fail(KILN_INVALID_ARGUMENT,
                "ReduceLROnPlateau: no quantity '%s' to monitor",
                cb->reduce_lr_monitor);
  const char *ckMonitor = cb->checkpoint_monitor ? cb->checkpoint_monitor
                          : f->val               ? "val_loss"
                                                 : "loss";
  if (cb->checkpoint_path && cb->checkpoint_save_best_only &&
      (f->ckKey = findKey(f->keys, f->numKeys, ckMonitor)) < 0)
    return fail(KILN_INVALID_ARGUMENT,
                "ModelCheckpoint: no quantity '%s' to monitor", ckMonitor);
  return KILN_OK;
}

/* CSVLogger: opens the log, writing the header unless appending. */
static kiln_status_t openCsvLog(fit_t *f) {
  const kiln_callbacks_t *cb = f->cb;
  if (!cb->csv_log_path)
    return KILN_OK;
  int append = cb->csv_log_append && access(cb->csv_log_path, F_OK) == 0;
  f->csv = fopen(cb->csv_log_path, append ? "a" : "w");
  if (!f->csv)
    return fail(KILN_IO_ERROR, "CSVLogger: cannot open '%s'", cb->csv_log_path);
  if (!append) {
    fputs("epoch", f->csv);
    for (int32_t i = 0; i < f->numKeys; ++i)
      fprintf(f->csv, ",%s", f->keys[i]);
    fputc('\n', f->csv);
  }
  return KILN_OK;
}

/* Allocates the loop's buffers, the keys, the CSV log and the copy of the
 * best weights (EarlyStopping with restore_best_weights). */
static kiln_status_t setUp(fit_t *f) {
  kiln_model_t *m = f->m;
  kiln_status_t s = KILN_OK;
  f->history = calloc(1, sizeof *f->history);
  f->order = malloc((size_t)f->data->count * sizeof *f->order);
  if (!f->history || !f->order)
    s = fail(KILN_OUT_OF_MEMORY, "fit: out of memory");
  if (s == KILN_OK)
    s = kiln_batch_alloc(&f->b, f->data, f->o.batch_size);
  if (s == KILN_OK)
    s = setUpKeys(f);
  if (s == KILN_OK)
    s = openCsvLog(f);
  if (s == KILN_OK && f->cb->early_stopping_monitor &&
      f->cb->early_stopping_restore_best_weights) {
    f->best = calloc((size_t)m->numState, sizeof *f->best);
    for (int32_t k = 0; f->best && k < m->numState; ++k)
      if (!(f->best[k] = malloc(kiln_tensor_bytes(&m->state[k], 1))))
        s = fail(KILN_OUT_OF_MEMORY, "fit: out of memory");
    if (!f->best)
      s = fail(KILN_OUT_OF_MEMORY, "fit: out of memory");
  }
  f->steps = (f->data->count + f->o.batch_size - 1) / f->o.batch_size;
  if (s == KILN_OK)
    s = kiln_accum_init(&f->acc, m);
  if (s == KILN_OK && f->o.class_weights &&
      !(f->b.weights = malloc((size_t)f->o.batch_size * sizeof *f->b.weights)))
    s = fail(KILN_OUT_OF_MEMORY, "fit: out of memory");
  return s;
}

/* The epoch's order: a Fisher-Yates shuffle seeded by (seed, epoch), so
 * that it does not depend on the epochs before. */
static void shuffle(fit_t *f, int32_t epoch) {
  int64_t count = f->data->count;
  for (int64_t i = 0; i < count; ++i)
    f->order[i] = i;
  if (!f->o.shuffle)
    return;
  uint64_t rng = f->o.seed * 0x2545f4914f6cdd1dull + (uint64_t)epoch + 1;
  for (int64_t i = count - 1; i > 0; --i) {
    int64_t j = (int64_t)(nextRandom(&rng) % (uint64_t)(i + 1));
    int64_t t = f->order[i];
    f->order[i] = f->order[j];
    f->order[j] = t;
  }
}

/* One epoch of training steps; the running metrics land in f->values.
 * TerminateOnNaN stops at the first batch whose loss is not finite. */
static kiln_status_t trainEpoch(fit_t *f, int32_t epoch, double start) {
  kiln_model_t *m = f->m;
  const kiln_dataset_t *data = f->data;
  int64_t batchSize = f->o.batch_size;
  double batchValues[KILN_MAX_TENSORS], lastPrint = 0.0;
  kiln_accum_reset(&f->acc, m);
  for (int64_t st = 0; st < f->steps; ++st) {
    int64_t at = st * batchSize;
    int64_t n = data->count - at < batchSize ? data->count - at : batchSize;
    kiln_batch_gather(&f->b, data, f->order, at, n);
    if (f->b.weights)
      kiln_batch_class_weights(&f->b, m, &f->o, n);
    kiln_status_t s = kiln_model_train_step_weighted(
        m, n, (const void *const *)f->b.inputs, f->b.inputCounts,
        (const void *const *)f->b.targets, f->b.targetCounts, f->b.weights,
        batchValues);
    if (s != KILN_OK)
      return s;
    if (f->cb->terminate_on_nan && !isfinite(batchValues[0])) {
      if (f->o.verbose)
        fprintf(f->log, "%sBatch %lld: Invalid loss, terminating training\n",
                f->live ? "\n" : "", (long long)st);
      return fail(KILN_STOPPED_ON_NAN,
                  "TerminateOnNaN: the loss is %g at epoch %d, batch %lld; "
                  "training stopped",
                  batchValues[0], (int)epoch + 1, (long long)st + 1);
    }
    kiln_accum_add(&f->acc, m, batchValues, n, f->b.weights);
    kiln_accum_values(&f->acc, m, f->values);
    double t = now() - start;
    if (f->live && (t - lastPrint > 0.05 || st + 1 == f->steps)) {
      progress(f->log, 1, 1, st + 1, f->steps, t, f->keys, f->values,
               m->numMetrics);
      lastPrint = t;
    }
  }
  return KILN_OK;
}

/* Completes the epoch's log: validation metrics and the learning rate;
 * prints the epoch's line and records it in the history and the CSV log. */
static kiln_status_t logEpoch(fit_t *f, int32_t epoch, double start) {
  kiln_model_t *m = f->m;
  kiln_status_t s = KILN_OK;
  if (f->val)
    s = kiln_model_evaluate(m, f->val, f->o.batch_size,
                            f->values + m->numMetrics);
  if (s != KILN_OK)
    return s;
  if (f->logLR)
    f->values[f->numKeys - 1] = kiln_model_learning_rate(m);
  if (f->o.verbose) {
    if (f->live)
      fputc('\r', f->log);
    progress(f->log, f->o.verbose, 0, f->steps, f->steps, now() - start,
             f->keys, f->values, f->numKeys);
  }
  s = historyAppend(f->history, f->keys, f->values, f->numKeys);
  if (s != KILN_OK)
    return s;
  if (f->csv) {
    fprintf(f->csv, "%d", (int)epoch);
    for (int32_t i = 0; i < f->numKeys; ++i)
      fprintf(f->csv, ",%.17g", f->values[i]);
    fputc('\n', f->csv);
    fflush(f->csv);
  }
  return KILN_OK;
}

/* ModelCheckpoint: saves every epoch, or when the monitored key improved. */
static kiln_status_t checkpoint(fit_t *f, int32_t epoch) {
  const kiln_callbacks_t *cb = f->cb;
  if (!cb->checkpoint_path)
    return KILN_OK;
  if (cb->checkpoint_save_best_only) {
    if (!improved(f->keys[f->ckKey], f->values[f->ckKey], f->ckBest, 0.0))
      return KILN_OK;
    f->ckBest = f->values[f->ckKey];
  }
  char path[4096];
  formatPath(path, sizeof path, cb->checkpoint_path, epoch + 1);
  return kiln_model_save(f->m, path);
}

/* ReduceLROnPlateau: multiplies the rate by the factor (down to min_lr)
 * after `patience` epochs without improvement. */
static void reduceLROnPlateau(fit_t *f, int32_t epoch) {
  const kiln_callbacks_t *cb = f->cb;
  if (!cb->reduce_lr_monitor)
    return;
  double current = f->values[f->rlKey];
  if (improved(f->keys[f->rlKey], current, f->rlBest,
               cb->reduce_lr_min_delta)) {
    f->rlBest = current;
    f->rlWait = 0;
    return;
  }
  if (++f->rlWait < cb->reduce_lr_patience)
    return;
  double lr = kiln_model_learning_rate(f->m);
  double reduced = lr * cb->reduce_lr_factor;
  if (reduced < cb->reduce_lr_min_lr)
    reduced = cb->reduce_lr_min_lr;
  if (reduced < lr) {
    kiln_model_set_learning_rate(f->m, reduced);
    if (f->o.verbose)
      fprintf(f->log,
              "Epoch %d: ReduceLROnPlateau reducing learning rate to %g.\n",
              (int)epoch + 1, reduced);
  }
  f->rlWait = 0;
}

/* EarlyStopping: remembers the best weights when asked to restore them,
 * and stops after `patience` epochs without improvement (never in the
 * first epoch run). */
static void earlyStopping(fit_t *f, int32_t epoch) {
  const kiln_callbacks_t *cb = f->cb;
  kiln_model_t *m = f->m;
  if (!cb->early_stopping_monitor)
    return;
  if (improved(f->keys[f->esKey], f->values[f->esKey], f->esBest,
               cb->early_stopping_min_delta)) {
    f->esBest = f->values[f->esKey];
    f->esWait = 0;
    if (f->best) {
      for (int32_t k = 0; k < m->numState; ++k)
        memcpy(f->best[k], m->stateData[k], kiln_tensor_bytes(&m->state[k], 1));
      f->haveBest = 1;
    }
  } else if (++f->esWait >= cb->early_stopping_patience &&
             epoch > f->o.initial_epoch) {
    f->stop = 1;
    if (f->o.verbose)
      fprintf(f->log, "Epoch %d: early stopping\n", (int)epoch + 1);
  }
}

/* The user's on_epoch_end, which may ask to stop. */
static void onEpochEnd(fit_t *f, int32_t epoch) {
  const kiln_callbacks_t *cb = f->cb;
  if (!cb->on_epoch_end)
    return;
  const char *names[MAX_KEYS];
  for (int32_t i = 0; i < f->numKeys; ++i)
    names[i] = f->keys[i];
  if (cb->on_epoch_end(epoch, names, f->values, f->numKeys,
                       cb->on_epoch_end_user))
    f->stop = 1;
}

/* One epoch: the learning-rate schedule, training, the log, callbacks. */
static kiln_status_t runEpoch(fit_t *f, int32_t epoch) {
  kiln_model_t *m = f->m;
  kiln_status_t s = KILN_OK;
  if (f->cb->lr_schedule) {
    double lr = f->cb->lr_schedule(epoch, kiln_model_learning_rate(m),
                                   f->cb->lr_schedule_user);
    s = kiln_model_set_learning_rate(m, lr);
    if (s != KILN_OK)
      return s;
  }
  shuffle(f, epoch);
  if (f->o.verbose)
    fprintf(f->log, "Epoch %d/%d\n", (int)epoch + 1, (int)f->o.epochs);
  double start = now();
  s = trainEpoch(f, epoch, start);
  if (s == KILN_OK)
    s = logEpoch(f, epoch, start);
  if (s == KILN_OK)
    s = checkpoint(f, epoch);
  if (s != KILN_OK)
    return s;
  reduceLROnPlateau(f, epoch);
  earlyStopping(f, epoch);
  onEpochEnd(f, epoch);
  return KILN_OK;
}

/* EarlyStopping's restore_best_weights: the weights (not the optimizer
 * state) of the best epoch. */
static void restoreBestWeights(fit_t *f) {
  kiln_model_t *m = f->m;
  if (!f->best || !f->haveBest)
    return;
  for (int32_t k = 0; k < m->numState; ++k)
    if (m->role[k] == KILN_ROLE_PARAM || m->role[k] == KILN_ROLE_WEIGHT)
      memcpy(m->stateData[k], f->best[k], kiln_tensor_bytes(&m->state[k], 1));
  if (f->o.verbose)
    fprintf(f->log,
            "Restoring model weights from the end of the best epoch.\n");
}

static void tearDown(fit_t *f) {
  for (int32_t k = 0; f->best && k < f->m->numState; ++k)
    free(f->best[k]);
  free(f->best);
  if (f->csv)
    fclose(f->csv);
  kiln_batch_free(&f->b);
  kiln_accum_free(&f->acc);
  free(f->order);
  kiln_dataset_destroy(f->trainPart);
  kiln_dataset_destroy(f->valPart);
}

kiln_status_t kiln_model_fit(kiln_model_t *m, const kiln_dataset_t *train,
                             const kiln_dataset_t *validation,
                             const kiln_fit_options_t *options,
                             kiln_history_t **historyOut) {
  if (historyOut)
    *historyOut = NULL;
  fit_t state, *f = &state;
  memset(f, 0, sizeof *f);
  f->m = m;
  f->esKey = f->rlKey = f->ckKey = -1;
  f->esBest = f->rlBest = f->ckBest = NAN;
  kiln_status_t s = checkFit(f, train, validation, options);
  if (s != KILN_OK)
    return s;
  f->cb = &f->o.callbacks;
  f->log = f->o.log ? f->o.log : stdout;
  f->live = f->o.verbose == 1 && isatty(fileno(f->log));
  s = splitValidation(f, train, validation);
  if (s == KILN_OK) {
    s = setUp(f);
    for (int32_t epoch = f->o.initial_epoch;
         s == KILN_OK && !f->stop && epoch < f->o.epochs; ++epoch)
      s = runEpoch(f, epoch);
    if (s == KILN_OK)
      restoreBestWeights(f);
  }
  if (historyOut && f->history && (s == KILN_OK || s == KILN_STOPPED_ON_NAN))
    *historyOut = f->history;
  else
    kiln_history_destroy(f->history);
  tearDown(f);
  return s;
}
