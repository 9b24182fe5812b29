/*===- threads.c - the runtime's thread pool for generated code -----------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * One process-wide pool of worker threads (pthreads, part of the C library:
 * no new link dependency of generated libraries). kiln_parallel_for hands
 * out the indices of a loop; the calling thread works too. Workers spin
 * briefly after a loop before they sleep, so the back-to-back loops of one
 * model call do not pay a wake-up each. The thread count is
 * kiln_set_num_threads's, else KILN_NUM_THREADS's, else the number of
 * cores the process may run on. Loops issued while the pool is busy (from
 * another application thread, or from inside a loop) run serially. When
 * the library is unloaded (dlclose) or the process exits, a destructor
 * stops and joins the workers, so no thread runs unmapped code.
 *
 *===---------------------------------------------------------------------===*/

#include "threads.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>

enum { MAX_THREADS = 256, SPIN_NS = 200000 };

static struct {
  pthread_mutex_t lock; /* guards sleeping, generation and the workers */
  pthread_cond_t wake;
  pthread_mutex_t busy; /* held by the thread that issues a loop */
  int started;          /* workers created */
  int wanted;           /* threads a loop uses, the caller included */
  /* The current loop. */
  kiln_loop_fn fn;
  void *ctx;
  int64_t count;
  int64_t next;    /* atomic: the next index to hand out */
  int64_t pending; /* atomic: workers still in the loop */
  unsigned generation; /* atomic: bumped per loop */
  int participants;    /* workers that take part in the current loop */
  int stopping;        /* atomic: workers exit */
  pthread_t threads[MAX_THREADS];
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER,
          .wake = PTHREAD_COND_INITIALIZER,
          .busy = PTHREAD_MUTEX_INITIALIZER};

static int64_t nowNs(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* One step of a busy wait: a pause, not sched_yield, so that a spinning
 * thread counts as busy and the scheduler keeps it on a core of its own
 * (yielding let Linux leave a worker on its creator's core). */
static inline void relax(void) {
#if defined(__x86_64__)
  __builtin_ia32_pause();
#else
  __asm__ __volatile__("" ::: "memory");
#endif
}

static void runIndices(void) {
  for (;;) {
    int64_t i = __atomic_fetch_add(&pool.next, 1, __ATOMIC_RELAXED);
    if (i >= pool.count)
      return;
    pool.fn(pool.ctx, i);
  }
}

static void *worker(void *arg) {
  int id = (int)(intptr_t)arg; /* 1 .. started */
  unsigned seen = 0;
  for (;;) {
    /* Spin for a new loop, then sleep until one is issued. */
    int64_t until = nowNs() + SPIN_NS;
    unsigned g;
    for (int spins = 0;
         (g = __atomic_load_n(&pool.generation, __ATOMIC_ACQUIRE)) == seen;
         ++spins) {
      if ((spins & 255) == 255 && nowNs() >= until)
        break;
      relax();
    }
    if (g == seen) {
      pthread_mutex_lock(&pool.lock);
      while ((g = __atomic_load_n(&pool.generation, __ATOMIC_ACQUIRE)) == seen)
        pthread_cond_wait(&pool.wake, &pool.lock);
      pthread_mutex_unlock(&pool.lock);
    }
    seen = g;
    if (__atomic_load_n(&pool.stopping, __ATOMIC_ACQUIRE))
      return NULL;
    if (id < pool.participants) {
      runIndices();
      __atomic_fetch_sub(&pool.pending, 1, __ATOMIC_ACQ_REL);
    }
  }
  return NULL;
}

static int defaultThreads(void) {
  const char *env = getenv("KILN_NUM_THREADS");
  if (env && atoi(env) > 0)
    return atoi(env);
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
    return CPU_COUNT(&set);
  return 1;
}

int kiln_num_threads(void) {
  int n = __atomic_load_n(&pool.wanted, __ATOMIC_RELAXED);
  if (n <= 0) {
    n = defaultThreads();
    if (n > MAX_THREADS)
      n = MAX_THREADS;
    __atomic_store_n(&pool.wanted, n, __ATOMIC_RELAXED);
  }
  return n;
}

void kiln_set_num_threads(int threads) {
  if (threads <= 0)
    threads = defaultThreads();
  if (threads > MAX_THREADS)
    threads = MAX_THREADS;
  __atomic_store_n(&pool.wanted, threads, __ATOMIC_RELAXED);
}

/* Starts workers up to `threads - 1`; returns how many run. */
static int ensureWorkers(int threads) {
  pthread_mutex_lock(&pool.lock);
  while (pool.started < threads - 1 && !pool.stopping) {
    if (pthread_create(&pool.threads[pool.started], NULL, worker,
                       (void *)(intptr_t)(pool.started + 1)) != 0)
      break;
    ++pool.started;
  }
  int started = pool.started;
  pthread_mutex_unlock(&pool.lock);
  return started;
}

void kiln_parallel_for(int64_t count, kiln_loop_fn fn, void *ctx) {
  int threads = kiln_num_threads();
  if (threads > count)
    threads = (int)count;
  if (threads <= 1 || pthread_mutex_trylock(&pool.busy) != 0) {
    for (int64_t i = 0; i < count; ++i)
      fn(ctx, i);
    return;
  }
  int workers = ensureWorkers(threads);
  if (workers > threads - 1)
    workers = threads - 1;
  pool.fn = fn;
  pool.ctx = ctx;
  pool.count = count;
  pool.participants = workers + 1;
  __atomic_store_n(&pool.next, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&pool.pending, workers, __ATOMIC_RELAXED);
  pthread_mutex_lock(&pool.lock);
  __atomic_fetch_add(&pool.generation, 1, __ATOMIC_RELEASE);
  pthread_cond_broadcast(&pool.wake);
  pthread_mutex_unlock(&pool.lock);
  runIndices();
  while (__atomic_load_n(&pool.pending, __ATOMIC_ACQUIRE) > 0)
    relax();
  pthread_mutex_unlock(&pool.busy);
}

__attribute__((destructor)) static void stopWorkers(void) {
  pthread_mutex_lock(&pool.busy);
  pthread_mutex_lock(&pool.lock);
  __atomic_store_n(&pool.stopping, 1, __ATOMIC_RELEASE);
  __atomic_fetch_add(&pool.generation, 1, __ATOMIC_RELEASE);
  pthread_cond_broadcast(&pool.wake);
  int started = pool.started;
  pthread_mutex_unlock(&pool.lock);
  for (int i = 0; i < started; ++i)
    pthread_join(pool.threads[i], NULL);
  pool.started = 0;
  pthread_mutex_unlock(&pool.busy);
}
