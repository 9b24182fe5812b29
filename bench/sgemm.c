/*===- sgemm.c - Kiln's matrix-multiply engine against oneDNN's sgemm ------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * usage: sgemm M N K REPS THREADS
 * Prints one line: M N K kiln_ms onednn_ms kiln_gflops onednn_gflops
 * max_rel_diff. Both compute C = A x B (row-major, f32) on the same inputs;
 * Kiln's result is checked against double-precision dot products before
 * timing and against oneDNN's in full after it. oneDNN runs with its own
 * threading limited by OMP_NUM_THREADS (set by bench/run.sh), Kiln with
 * its pool set to THREADS.
 *
 *===---------------------------------------------------------------------===*/

#include "ukernel/gemm.h"
#include "threads.h"

#include <dnnl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: sgemm M N K REPS THREADS\n");
    return 2;
  }
  int64_t m = atoll(argv[1]), n = atoll(argv[2]), k = atoll(argv[3]);
  int reps = atoi(argv[4]);
  kiln_set_num_threads(atoi(argv[5]));
  float *a = aligned_alloc(64, ((m * k * 4 + 63) / 64) * 64);
  float *b = aligned_alloc(64, ((k * n * 4 + 63) / 64) * 64);
  float *c1 = aligned_alloc(64, ((m * n * 4 + 63) / 64) * 64);
  float *c2 = aligned_alloc(64, ((m * n * 4 + 63) / 64) * 64);
  srand(1);
  for (int64_t i = 0; i < m * k; ++i)
    a[i] = rand() / (float)RAND_MAX - 0.5f;
  for (int64_t i = 0; i < k * n; ++i)
    b[i] = rand() / (float)RAND_MAX - 0.5f;
  kiln_gemm_t g = {0};
  g.m = m, g.n = n, g.k = k;
  g.a.data = a, g.a.rowStride = k, g.a.colStride = 1;
  g.b = b, g.rowStrideB = n, g.colStrideB = 1;
  g.c = c1, g.rowStrideC = n, g.colStrideC = 1;
  /* Before timing: Kiln's product at 512 sampled entries against double
   * dot products (oneDNN's result is compared in full after the timing,
   * which must not call oneDNN first, see below). */
  kiln_gemm(&g);
  double sampleErr = 0, sampleScale = 1e-30;
  for (int s = 0; s < 512; ++s) {
    int64_t i = rand() % m, j = rand() % n;
    double ref = 0;
    for (int64_t p = 0; p < k; ++p)
      ref += (double)a[i * k + p] * b[p * n + j];
    if (fabs(ref - c1[i * n + j]) > sampleErr)
      sampleErr = fabs(ref - c1[i * n + j]);
    if (fabs(ref) > sampleScale)
      sampleScale = fabs(ref);
  }
  if (sampleErr / sampleScale > 1e-4) {
    fprintf(stderr, "Kiln's product differs from the reference (%.2e)\n",
            sampleErr / sampleScale);
    return 1;
  }
  double *tk = malloc(reps * sizeof(double)), *td = malloc(reps * sizeof(double));
  /* All of Kiln's repetitions before oneDNN's first call: oneDNN's OpenMP
   * threads spin after each call and would steal Kiln's cores. */
  for (int r = 0; r < reps; ++r) {
    double s = now();
    kiln_gemm(&g);
    tk[r] = now() - s;
  }
  for (int r = 0; r < reps; ++r) {
    double s = now();
    dnnl_sgemm('N', 'N', m, n, k, 1.0f, a, k, b, n, 0.0f, c2, n);
    td[r] = now() - s;
  }
  if (dnnl_sgemm('N', 'N', m, n, k, 1.0f, a, k, b, n, 0.0f, c2, n) !=
      dnnl_success) {
    fprintf(stderr, "dnnl_sgemm failed\n");
    return 1;
  }
  /* The largest difference relative to the largest magnitude. */
  double diff = 0, scale = 1e-30;
  for (int64_t i = 0; i < m * n; ++i) {
    if (fabs(c1[i] - c2[i]) > diff)
      diff = fabs(c1[i] - c2[i]);
    if (fabs(c2[i]) > scale)
      scale = fabs(c2[i]);
  }
  diff /= scale;
  qsort(tk, reps, sizeof(double), compare);
  qsort(td, reps, sizeof(double), compare);
  double mk = tk[reps / 2] * 1e3, md = td[reps / 2] * 1e3;
  double flops = 2.0 * m * n * k;
  printf("%lld %lld %lld %.4f %.4f %.1f %.1f %.2e\n", (long long)m,
         (long long)n, (long long)k, mk, md, flops / mk * 1e-6,
         flops / md * 1e-6, diff);
  return diff > 1e-4;
}
