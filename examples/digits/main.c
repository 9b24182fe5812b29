/* SPDX-License-Identifier: Apache-2.0
 *
 * recognize: an application that embeds the digit classifier trained and
 * exported by `kiln train` (libdigits.so + digits.h, weights inside). It
 * needs no MLIR, LLVM, Python or Kiln header. Reads 8x8 images (64 pixel
 * values 0-16, then the label) from a CSV file, classifies them all in one
 * call, and prints the accuracy and the first few predictions.
 *
 * Usage: recognize FILE
 */
#include "digits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PIXELS DIGITS_INPUT_PIXELS_ELEMENTS_PER_EXAMPLE
#define CLASSES DIGITS_OUTPUT_DIGIT_ELEMENTS_PER_EXAMPLE

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s FILE\n", argv[0]);
    return 2;
  }
  FILE *in = fopen(argv[1], "r");
  if (!in) {
    perror(argv[1]);
    return 1;
  }
  long cap = 256, n = 0;
  float *x = malloc((size_t)cap * PIXELS * sizeof *x);
  int *labels = malloc((size_t)cap * sizeof *labels);
  char line[4096];
  while (x && labels && fgets(line, sizeof line, in)) {
    if (n == cap) {
      cap *= 2;
      x = realloc(x, (size_t)cap * PIXELS * sizeof *x);
      labels = realloc(labels, (size_t)cap * sizeof *labels);
      if (!x || !labels)
        break;
    }
    char *tok = strtok(line, ",");
    int f = 0;
    for (; f < PIXELS && tok; ++f, tok = strtok(NULL, ","))
      x[n * PIXELS + f] = strtof(tok, NULL);
    if (f < PIXELS || !tok)
      continue; /* not a full example */
    labels[n++] = atoi(tok);
  }
  fclose(in);
  if (!x || !labels || n == 0) {
    fprintf(stderr, "%s: no examples\n", argv[1]);
    return 1;
  }

  digits_model *model;
  if (digits_create(&model) != KILN_OK) {
    fprintf(stderr, "create: %s\n", digits_last_error());
    return 1;
  }
  float *probs = malloc((size_t)n * CLASSES * sizeof *probs);
  if (!probs || digits_predict(model, n, x, DIGITS_INPUT_PIXELS_ELEMENTS(n), probs,
                               DIGITS_OUTPUT_DIGIT_ELEMENTS(n)) != KILN_OK) {
    fprintf(stderr, "predict: %s\n", digits_last_error());
    return 1;
  }
  long correct = 0;
  for (long i = 0; i < n; ++i) {
    int best = 0;
    for (int c = 1; c < CLASSES; ++c)
      if (probs[i * CLASSES + c] > probs[i * CLASSES + best])
        best = c;
    correct += best == labels[i];
    if (i < 8)
      printf("image %ld: predicted %d (p=%.3f), label %d\n", i, best,
             probs[i * CLASSES + best], labels[i]);
  }
  printf("recognized %ld of %ld digits (%.1f%%)\n", correct, n,
         100.0 * (double)correct / (double)n);
  digits_destroy(model);
  free(x);
  free(labels);
  free(probs);
  return 0;
}
