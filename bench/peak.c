/*===- peak.c - this core's f32 FMA peak, measured ------------------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Prints GFLOP/s of independent AVX-512 (else AVX2) FMA chains on one
 * thread: the denominator of the benchmark's "% of peak".
 *
 *===---------------------------------------------------------------------===*/

#include <immintrin.h>
#include <stdio.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

__attribute__((target("avx512f"))) static double peak512(long iters) {
  __m512 acc[16], x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-7f);
  for (int i = 0; i < 16; ++i)
    acc[i] = _mm512_set1_ps((float)i);
  double s = now();
  for (long n = 0; n < iters; ++n)
    for (int i = 0; i < 16; ++i)
      acc[i] = _mm512_fmadd_ps(acc[i], x, y);
  double t = now() - s;
  float sink = 0;
  for (int i = 0; i < 16; ++i)
    sink += _mm512_reduce_add_ps(acc[i]);
  if (sink == 12345.0f)
    puts("");
  return iters * 16.0 * 32.0 / t * 1e-9;
}

__attribute__((target("avx2,fma"))) static double peak256(long iters) {
  __m256 acc[12], x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
  for (int i = 0; i < 12; ++i)
    acc[i] = _mm256_set1_ps((float)i);
  double s = now();
  for (long n = 0; n < iters; ++n)
    for (int i = 0; i < 12; ++i)
      acc[i] = _mm256_fmadd_ps(acc[i], x, y);
  double t = now() - s;
  float sink = 0;
  float lanes[8];
  for (int i = 0; i < 12; ++i) {
    _mm256_storeu_ps(lanes, acc[i]);
    sink += lanes[0];
  }
  if (sink == 12345.0f)
    puts("");
  return iters * 12.0 * 16.0 / t * 1e-9;
}

int main(void) {
  __builtin_cpu_init();
  double best = 0;
  for (int r = 0; r < 5; ++r) {
    double g = __builtin_cpu_supports("avx512f") ? peak512(20000000)
                                                 : peak256(20000000);
    if (g > best)
      best = g;
  }
  printf("%.1f\n", best);
  return 0;
}
