/* SPDX-License-Identifier: Apache-2.0
 *
 * predict: an application that embeds a Kiln-generated model library.
 * It only includes the generated header and links lib<model>.so; it needs
 * no MLIR, LLVM or Python. Reads examples (one per line, comma-separated
 * features) from a file and prints the predicted class of each.
 *
 * Usage: predict FILE [max_examples]
 */
#include "classifier.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FEATURES CLASSIFIER_INPUT_X_ELEMENTS_PER_EXAMPLE
#define CLASSES CLASSIFIER_OUTPUT_PROBS_ELEMENTS_PER_EXAMPLE

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s FILE [max_examples]\n", argv[0]);
    return 2;
  }
  long max = argc > 2 ? atol(argv[2]) : 16;
  FILE *in = fopen(argv[1], "r");
  if (!in) {
    perror(argv[1]);
    return 1;
  }
  float *x = calloc((size_t)max * FEATURES, sizeof *x);
  int *labels = calloc((size_t)max, sizeof *labels);
  char line[4096];
  long n = 0;
  while (n < max && fgets(line, sizeof line, in)) {
    char *tok = strtok(line, ",");
    for (int f = 0; f < FEATURES && tok; ++f, tok = strtok(NULL, ","))
      x[n * FEATURES + f] = strtof(tok, NULL);
    labels[n] = tok ? atoi(tok) : -1; /* the label follows the features */
    ++n;
  }
  fclose(in);

  classifier_model *model;
  if (classifier_create(&model) != KILN_OK) {
    fprintf(stderr, "create: %s\n", classifier_last_error());
    return 1;
  }
  float *probs = calloc((size_t)n * CLASSES, sizeof *probs);
  if (classifier_predict(model, n, x, CLASSIFIER_INPUT_X_ELEMENTS(n), probs,
                         CLASSIFIER_OUTPUT_PROBS_ELEMENTS(n)) != KILN_OK) {
    fprintf(stderr, "predict: %s\n", classifier_last_error());
    return 1;
  }
  for (long i = 0; i < n; ++i) {
    int best = 0;
    for (int c = 1; c < CLASSES; ++c)
      if (probs[i * CLASSES + c] > probs[i * CLASSES + best])
        best = c;
    printf("example %2ld: predicted %d (p=%.3f), label %d\n", i, best,
           probs[i * CLASSES + best], labels[i]);
  }
  classifier_destroy(model);
  free(x);
  free(labels);
  free(probs);
  return 0;
}
