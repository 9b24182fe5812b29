/*===- threads.h - the runtime's thread pool (runtime-internal) -----------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 *===---------------------------------------------------------------------===*/

#ifndef KILN_RUNTIME_THREADS_H
#define KILN_RUNTIME_THREADS_H

#include <stdint.h>

#define KILN_THREADS_HIDDEN __attribute__((visibility("hidden")))

typedef void (*kiln_loop_fn)(void *ctx, int64_t index);

/* Runs fn(ctx, i) for i in [0, count) on the pool; returns when all have
 * run. The indices are handed out dynamically. */
KILN_THREADS_HIDDEN void kiln_parallel_for(int64_t count, kiln_loop_fn fn,
                                           void *ctx);

/* The threads a loop may use (the caller included), and setting it; 0 or
 * less restores the default (KILN_NUM_THREADS, else all cores). */
KILN_THREADS_HIDDEN int kiln_num_threads(void);
KILN_THREADS_HIDDEN void kiln_set_num_threads(int threads);

#endif /* KILN_RUNTIME_THREADS_H */
