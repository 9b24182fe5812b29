/*===- buffers.c - the heap of generated code, with a cache of free blocks -===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Generated code allocates its intermediate tensors and results through
 * these functions (the CPU pipeline lowers memref.alloc and memref.dealloc
 * with `use-generic-functions`). A model call allocates the same sizes on
 * every call; caching freed blocks by size means that after the first call
 * no buffer is taken from, or returned to, the system allocator, so the
 * hot path neither calls mmap nor page-faults fresh memory. Blocks are
 * 64-byte aligned (a header of 64 bytes holds the size); at most
 * KILN_BUFFER_CACHE_BYTES stay cached, larger sets go back to the system.
 *
 *===---------------------------------------------------------------------===*/

#include "model.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

enum { HEADER = 64, BINS = 128, PER_BIN = 32 };
#define KILN_BUFFER_CACHE_BYTES ((size_t)1 << 30)

typedef struct block {
  size_t size; /* rounded size of the user area */
  struct block *next;
} block_t;

static struct {
  pthread_mutex_t lock;
  size_t sizes[BINS];
  block_t *heads[BINS];
  int counts[BINS];
  size_t cached;
} cache = {PTHREAD_MUTEX_INITIALIZER, {0}, {0}, {0}, 0};

static size_t roundSize(size_t size) {
  size_t quantum = size < 65536 ? 64 : 4096;
  return (size + quantum - 1) & ~(quantum - 1);
}

/* The bin of `size`, or -1; with `create`, a free bin is claimed. */
static int binOf(size_t size, int create) {
  int empty = -1;
  for (int i = 0; i < BINS; ++i) {
    if (cache.sizes[i] == size)
      return i;
    if (empty < 0 && cache.counts[i] == 0)
      empty = i;
  }
  if (create && empty >= 0) {
    cache.sizes[empty] = size;
    return empty;
  }
  return -1;
}

KILN_HIDDEN void *_mlir_memref_to_llvm_alloc(size_t size) {
  size_t rounded = roundSize(size ? size : 1);
  pthread_mutex_lock(&cache.lock);
  int bin = binOf(rounded, 0);
  block_t *b = bin >= 0 ? cache.heads[bin] : NULL;
  if (b) {
    cache.heads[bin] = b->next;
    --cache.counts[bin];
    cache.cached -= rounded;
  }
  pthread_mutex_unlock(&cache.lock);
  if (!b) {
    b = aligned_alloc(64, HEADER + rounded);
    if (!b)
      return NULL;
    b->size = rounded;
  }
  return (char *)b + HEADER;
}

KILN_HIDDEN void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment,
                                                      size_t size) {
  /* Every block is 64-byte aligned; larger alignments are not requested
   * by the CPU pipeline. */
  (void)alignment;
  return _mlir_memref_to_llvm_alloc(size);
}

KILN_HIDDEN void _mlir_memref_to_llvm_free(void *ptr) {
  if (!ptr)
    return;
  block_t *b = (block_t *)((char *)ptr - HEADER);
  pthread_mutex_lock(&cache.lock);
  int bin = cache.cached + b->size <= KILN_BUFFER_CACHE_BYTES
                ? binOf(b->size, 1)
                : -1;
  if (bin >= 0 && cache.counts[bin] < PER_BIN) {
    b->next = cache.heads[bin];
    cache.heads[bin] = b;
    ++cache.counts[bin];
    cache.cached += b->size;
    b = NULL;
  }
  pthread_mutex_unlock(&cache.lock);
  free(b);
}

KILN_HIDDEN void kiln_buffer_free(void *ptr) { _mlir_memref_to_llvm_free(ptr); }
