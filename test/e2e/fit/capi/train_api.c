/* SPDX-License-Identifier: Apache-2.0
 *
 * The typed C API of a trainable library (model name `dig`, built by
 * `kiln train --library-dir`): train_step and eval_step with typed
 * buffers, state access, learning rate, save and load, a dataset from
 * arrays, fit and evaluate, and the errors a caller can make. It includes
 * only the generated dig.h. Prints values that train_api.test checks.
 */
#include "dig.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 64
#define PER DIG_INPUT_PIXELS_ELEMENTS_PER_EXAMPLE
#define CHECK(call)                                                          \
  do {                                                                       \
    if ((call) != KILN_OK) {                                                 \
      printf("FAILED %s: %s\n", #call, dig_last_error());                      \
      return 1;                                                              \
    }                                                                        \
  } while (0)

int main(int argc, char **argv) {
  if (argc != 2)
    return 2;
  /* Data: the first N digits of the CSV. */
  FILE *f = fopen(argv[1], "r");
  static float x[N * PER];
  static int64_t y[N];
  char line[4096];
  for (int n = 0; n < N && f && fgets(line, sizeof line, f); ++n) {
    char *tok = strtok(line, ",");
    for (int i = 0; i < PER; ++i, tok = strtok(NULL, ","))
      x[n * PER + i] = strtof(tok, NULL);
    y[n] = atoll(tok);
  }
  if (f)
    fclose(f);
  dig_model *model, *other;
  CHECK(dig_create(&model));
  printf("state %d metrics %d lr %g\n", dig_num_state(model), DIG_NUM_METRICS,
         dig_learning_rate(model));

  double before[DIG_NUM_METRICS], after[DIG_NUM_METRICS], step[DIG_NUM_METRICS];
  CHECK(dig_eval_step(model, N, x, DIG_INPUT_PIXELS_ELEMENTS(N), y, N, before));
  for (int i = 0; i < 20; ++i)
    CHECK(dig_train_step(model, N, x, DIG_INPUT_PIXELS_ELEMENTS(N), y, N, step));
  CHECK(dig_eval_step(model, N, x, DIG_INPUT_PIXELS_ELEMENTS(N), y, N, after));
  printf("loss decreased %d\n", after[DIG_METRIC_LOSS] < 0.5 * before[DIG_METRIC_LOSS]);
  int64_t iterations = -1;
  CHECK(dig_get_state(model, DIG_STATE_ITERATIONS, &iterations, 1));
  printf("iterations %lld\n", (long long)iterations);

  /* Save, load into a fresh instance: the same evaluation, bit for bit. */
  CHECK(dig_save(model, "state.safetensors"));
  CHECK(dig_create(&other));
  CHECK(dig_load(other, "state.safetensors"));
  double reloaded[DIG_NUM_METRICS];
  CHECK(dig_eval_step(other, N, x, DIG_INPUT_PIXELS_ELEMENTS(N), y, N, reloaded));
  printf("reloaded equal %d\n", memcmp(reloaded, after, sizeof after) == 0);
  static float kernel[DIG_STATE_HIDDEN_KERNEL_ELEMENTS], kernel2[DIG_STATE_HIDDEN_KERNEL_ELEMENTS];
  CHECK(dig_get_state(model, DIG_STATE_HIDDEN_KERNEL, kernel, DIG_STATE_HIDDEN_KERNEL_ELEMENTS));
  CHECK(dig_get_state(other, DIG_STATE_HIDDEN_KERNEL, kernel2, DIG_STATE_HIDDEN_KERNEL_ELEMENTS));
  printf("kernel equal %d\n", memcmp(kernel, kernel2, sizeof kernel) == 0);

  /* The learning rate is state: zero freezes the weights. */
  CHECK(dig_set_learning_rate(other, 0.0));
  CHECK(dig_train_step(other, N, x, DIG_INPUT_PIXELS_ELEMENTS(N), y, N, step));
  CHECK(dig_get_state(other, DIG_STATE_HIDDEN_KERNEL, kernel2, DIG_STATE_HIDDEN_KERNEL_ELEMENTS));
  printf("frozen %d\n", memcmp(kernel, kernel2, sizeof kernel) == 0);

  /* fit and evaluate over a dataset made from arrays. */
  kiln_dataset_t *data;
  const void *inputs[] = {x};
  const void *targets[] = {y};
  CHECK(dig_dataset_from_arrays(model, N, inputs, targets, &data));
  kiln_fit_options_t o;
  dig_fit_options_init(&o);
  o.epochs = 3;
  o.batch_size = 16;
  o.verbose = 0;
  kiln_history_t *history;
  CHECK(dig_fit(model, data, NULL, &o, &history));
  const double *losses = dig_history_values(history, "loss");
  printf("history epochs %d keys %d loss finite %d\n", dig_history_epochs(history),
         dig_history_num_keys(history), losses && isfinite(losses[2]));
  double metrics[DIG_NUM_METRICS];
  CHECK(dig_evaluate(model, data, 10, metrics));
  printf("accuracy %s\n", metrics[DIG_METRIC_ACCURACY] > 0.9 ? "high" : "low");
  dig_history_destroy(history);
  dig_dataset_destroy(data);

  /* Caller errors are statuses with messages. */
  printf("wrong count %d: %s\n",
         dig_train_step(model, N, x, 5, y, N, step), dig_last_error());
  printf("bad index %d: %s\n", dig_get_state(model, 999, kernel, 1), dig_last_error());
  printf("missing file %d: %s\n", dig_load(model, "nonexistent.safetensors"),
         dig_last_error());
  dig_destroy(model);
  dig_destroy(other);
  return 0;
}
