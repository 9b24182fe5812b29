/* SPDX-License-Identifier: Apache-2.0
 * Thread-safe inference on one instance: 8 threads call m_predict on the
 * same model with their own buffers and must get exactly what a single
 * thread gets. Also checks every C-API error path. */
#include "tm.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 5
#define IN (BATCH * TM_INPUT_X_ELEMENTS_PER_EXAMPLE)
#define OUT (BATCH * TM_OUTPUT_Y_ELEMENTS_PER_EXAMPLE)

static tm_model *model;
static float expected[8][OUT];

static void fill(float *x, int seed) {
  for (int i = 0; i < IN; ++i)
    x[i] = (float)sin(seed * 31.0 + i * 0.37);
}

static void *worker(void *arg) {
  int t = (int)(long)arg;
  float x[IN], y[OUT];
  fill(x, t);
  for (int round = 0; round < 200; ++round) {
    memset(y, 0, sizeof y);
    if (tm_predict(model, BATCH, x, IN, y, OUT) != KILN_OK ||
        memcmp(y, expected[t], sizeof y) != 0)
      return (void *)1;
  }
  return NULL;
}

static int expectError(kiln_status_t got, kiln_status_t want, const char *what) {
  if (got != want || tm_last_error()[0] == '\0') {
    printf("FAIL: %s: status %d, message '%s'\n", what, got, tm_last_error());
    return 1;
  }
  printf("ok: %s -> %s\n", what, tm_last_error());
  return 0;
}

int main(void) {
  if (tm_create(&model) != KILN_OK)
    return printf("create failed: %s\n", tm_last_error()), 1;
  for (int t = 0; t < 8; ++t) {
    float x[IN];
    fill(x, t);
    if (tm_predict(model, BATCH, x, IN, expected[t], OUT) != KILN_OK)
      return printf("predict failed: %s\n", tm_last_error()), 1;
  }
  pthread_t threads[8];
  for (long t = 0; t < 8; ++t)
    pthread_create(&threads[t], NULL, worker, (void *)t);
  int failures = 0;
  for (int t = 0; t < 8; ++t) {
    void *r;
    pthread_join(threads[t], &r);
    failures += r != NULL;
  }
  printf("threads: %d of 8 disagreed with the single-threaded results\n", failures);

  float x[IN], y[OUT];
  fill(x, 0);
  failures += expectError(tm_predict(model, BATCH, x, IN - 1, y, OUT),
                          KILN_INVALID_ARGUMENT, "input too small");
  failures += expectError(tm_predict(model, BATCH, x, IN, y, OUT + 3),
                          KILN_INVALID_ARGUMENT, "output size wrong");
  failures += expectError(tm_predict(model, 0, x, 0, y, 0), KILN_INVALID_ARGUMENT,
                          "batch 0");
  failures += expectError(tm_predict(model, BATCH, NULL, IN, y, OUT),
                          KILN_INVALID_ARGUMENT, "null input");
  failures += expectError(tm_predict(NULL, BATCH, x, IN, y, OUT),
                          KILN_INVALID_ARGUMENT, "null model");
  failures += expectError(tm_create(NULL), KILN_INVALID_ARGUMENT, "null out_model");

  /* tm_run: the same result as predict, the produced shape, and misuse. */
  kiln_tensor_t in = {0 /* f32 */, 2, {BATCH, 5}, x}, out;
  if (tm_run(model, &in, &out) != KILN_OK)
    return printf("run failed: %s\n", tm_last_error()), 1;
  tm_predict(model, BATCH, x, IN, y, OUT);
  int same = out.rank == 2 && out.dims[0] == BATCH && out.dims[1] == 3 &&
             memcmp(out.data, y, sizeof y) == 0;
  printf("run: [%lld, %lld] %s predict\n", (long long)out.dims[0],
         (long long)out.dims[1], same ? "equals" : "DIFFERS FROM");
  failures += !same;
  free(out.data);
  kiln_tensor_t bad = in;
  bad.rank = 3;
  failures += expectError(tm_run(model, &bad, &out), KILN_INVALID_ARGUMENT, "run rank");
  bad = in;
  bad.dims[1] = 4;
  failures += expectError(tm_run(model, &bad, &out), KILN_INVALID_ARGUMENT,
                          "run fixed dimension");
  bad = in;
  bad.dims[0] = -2;
  failures += expectError(tm_run(model, &bad, &out), KILN_INVALID_ARGUMENT,
                          "run negative size");
  bad = in;
  bad.dtype = 8; /* i64 */
  failures += expectError(tm_run(model, &bad, &out), KILN_INVALID_ARGUMENT, "run dtype");
  bad = in;
  bad.data = NULL;
  failures += expectError(tm_run(model, &bad, &out), KILN_INVALID_ARGUMENT, "run null data");
  failures += expectError(tm_run(NULL, &in, &out), KILN_INVALID_ARGUMENT, "run null model");
  failures += expectError(tm_run(model, &in, NULL), KILN_INVALID_ARGUMENT,
                          "run null outputs");
  tm_destroy(model);
  tm_destroy(NULL);
  return failures != 0;
}
