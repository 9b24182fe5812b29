/*===- batch.h - batches and epoch metrics (runtime-internal) -------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * What fit.c (the training loop) shares with batch.c (evaluate and predict
 * over a dataset): checking a dataset against a model, gathering examples
 * into batch buffers, Keras's class weights, and accumulating the loss and
 * metrics over an epoch.
 *
 *===---------------------------------------------------------------------===*/

#ifndef KILN_RUNTIME_BATCH_H
#define KILN_RUNTIME_BATCH_H

#include "dataset.h"
#include "model.h"

/* Batch buffers: one per input and target, for `capacity` examples. */
typedef struct {
  void *inputs[KILN_MAX_TENSORS], *targets[KILN_MAX_TENSORS];
  size_t inputCounts[KILN_MAX_TENSORS], targetCounts[KILN_MAX_TENSORS];
  float *weights; /* per example, with class weights */
} kiln_batch_t;

/* The loss weighs each batch by its size (Keras's loss tracker), mean
 * metrics by the batch's total sample weight; count metrics sum their
 * counts. */
typedef struct {
  double sums[KILN_MAX_TENSORS], weights[KILN_MAX_TENSORS];
  double *counts[KILN_MAX_TENSORS];
} kiln_accum_t;

/* Whether `d` holds this model's inputs (and targets when `needTargets`);
 * `what` names the caller in messages ("fit", "evaluate"). */
KILN_HIDDEN kiln_status_t kiln_check_dataset(const kiln_model_t *m,
                                             const kiln_dataset_t *d,
                                             int needTargets, const char *what);

/* Allocates buffers for `capacity` examples of each of `d`'s tensors. */
KILN_HIDDEN kiln_status_t kiln_batch_alloc(kiln_batch_t *b,
                                           const kiln_dataset_t *d,
                                           int64_t capacity);
KILN_HIDDEN void kiln_batch_free(kiln_batch_t *b);

/* Gathers examples order[begin..begin+n) (or begin.. in order when `order`
 * is NULL) into the batch. */
KILN_HIDDEN void kiln_batch_gather(kiln_batch_t *b, const kiln_dataset_t *d,
                                   const int64_t *order, int64_t begin,
                                   int64_t n);

/* Keras's class_weight: checks the options' table against the model, and
 * fills b->weights for the n examples gathered. */
KILN_HIDDEN kiln_status_t kiln_check_class_weights(const kiln_model_t *m,
                                                   const kiln_fit_options_t *o);
KILN_HIDDEN void kiln_batch_class_weights(kiln_batch_t *b,
                                          const kiln_model_t *m,
                                          const kiln_fit_options_t *o,
                                          int64_t n);

/* The loss and metrics over an epoch: init (zeroed), reset at each epoch,
 * add each step's values (weights: NULL for ones), read the running
 * values. */
KILN_HIDDEN kiln_status_t kiln_accum_init(kiln_accum_t *a,
                                          const kiln_model_t *m);
KILN_HIDDEN void kiln_accum_free(kiln_accum_t *a);
KILN_HIDDEN void kiln_accum_reset(kiln_accum_t *a, const kiln_model_t *m);
KILN_HIDDEN void kiln_accum_add(kiln_accum_t *a, const kiln_model_t *m,
                                const double *values, int64_t n,
                                const float *weights);
KILN_HIDDEN void kiln_accum_values(const kiln_accum_t *a, const kiln_model_t *m,
                                   double *out);

#endif /* KILN_RUNTIME_BATCH_H */
