/*===- values.c - values read from files, into a tensor's dtype ------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * A number read from a CSV field or a .npy element is kept exact (an
 * integer as an integer) and converted to the tensor's dtype once, with a
 * reason when it does not fit: out of range, not an integer for an integer
 * tensor, not 0 or 1 for i1. f16 and bf16 round to nearest even, by integer
 * arithmetic (no double rounding through f32, no libm).
 *
 *===---------------------------------------------------------------------===*/

#include "dataset_internal.h"

#include <stdio.h>
#include <string.h>

/*===---------------------------------------------------------------------===*
 * Values and their conversion to a tensor's dtype
 *===---------------------------------------------------------------------===*/

static double numAsDouble(kiln_num_t v) {
  return v.kind == NUM_FLOAT ? v.f
         : v.kind == NUM_INT ? (double)v.i
                             : (double)v.u;
}

void kiln_format_number(char *buf, size_t size, kiln_num_t v) {
  if (v.kind == NUM_FLOAT)
    snprintf(buf, size, "%.10g", v.f);
  else if (v.kind == NUM_INT)
    snprintf(buf, size, "%lld", (long long)v.i);
  else
    snprintf(buf, size, "%llu", (unsigned long long)v.u);
}

/* Rounds `x` to nearest-even in a binary format with `ebits` exponent and
 * `mbits` mantissa bits (f16: 5/10, bf16: 8/7), by integer arithmetic so
 * that no double rounding through f32 happens and no libm is needed. */
static uint16_t roundToSmallFloat(double x, int ebits, int mbits) {
  uint64_t b;
  memcpy(&b, &x, sizeof b);
  uint16_t sign = (uint16_t)((b >> 63) << (ebits + mbits));
  int e = (int)((b >> 52) & 0x7ff);
  uint64_t m = b & ((1ull << 52) - 1);
  uint32_t expMax = (1u << ebits) - 1;
  int bias = (1 << (ebits - 1)) - 1;
  if (e == 0x7ff) /* inf or nan (quiet) */
    return (uint16_t)(sign | expMax << mbits | (m ? 1u << (mbits - 1) : 0));
  if (e == 0) /* double subnormals are far below both formats' range */
    return sign;
  int te = e - 1023 + bias;
  uint64_t full = m | 1ull << 52;
  int shift = te >= 1 ? 52 - mbits : 52 - mbits + (1 - te);
  if (shift > 62)
    return sign;
  uint64_t q = full >> shift, rem = full & ((1ull << shift) - 1);
  uint64_t half = 1ull << (shift - 1);
  if (rem > half || (rem == half && (q & 1)))
    ++q;
  if (te < 1) /* subnormal; q == 1 << mbits encodes the smallest normal */
    return (uint16_t)(sign | q);
  if (q >> (mbits + 1)) {
    q >>= 1;
    ++te;
  }
  if ((uint32_t)te >= expMax)
    return (uint16_t)(sign | expMax << mbits);
  return (uint16_t)(sign | (uint32_t)te << mbits | (q & ((1u << mbits) - 1)));
}

static double halfToDouble(uint16_t h) {
  int e = (h >> 10) & 31;
  unsigned m = h & 1023;
  double v;
  if (e == 0)
    v = (double)m * 0x1p-24;
  else if (e == 31) {
    uint64_t bits = m ? 0x7ff8000000000000ull : 0x7ff0000000000000ull;
    memcpy(&v, &bits, sizeof v);
  } else {
    uint64_t bits = (uint64_t)(e - 15 + 1023) << 52 | (uint64_t)m << 42;
    memcpy(&v, &bits, sizeof v);
  }
  return h & 0x8000 ? -v : v;
}

/* Stores `v` as element `index` of `dst` in dtype `dt`; NULL on success,
 * else why the value does not fit. */
const char *kiln_store_number(kiln_num_t v, kiln_dtype_t dt, void *dst,
                              size_t index) {
  switch (dt) {
  case KILN_F32:
    ((float *)dst)[index] = (float)numAsDouble(v);
    return NULL;
  case KILN_F64:
    ((double *)dst)[index] = numAsDouble(v);
    return NULL;
  case KILN_F16:
    ((uint16_t *)dst)[index] = roundToSmallFloat(numAsDouble(v), 5, 10);
    return NULL;
  case KILN_BF16:
    ((uint16_t *)dst)[index] = roundToSmallFloat(numAsDouble(v), 8, 7);
    return NULL;
  default:
    break;
  }
  int64_t n;
  if (v.kind == NUM_FLOAT) {
    /* NaN fails both comparisons and lands here too. */
    if (!(v.f >= -0x1p63 && v.f < 0x1p63))
      return v.f != v.f ? "is not an integer" : "is out of range";
    n = (int64_t)v.f;
    if ((double)n != v.f)
      return "is not an integer";
  } else if (v.kind == NUM_UINT) {
    if (v.u > (uint64_t)INT64_MAX)
      return "is out of range";
    n = (int64_t)v.u;
  } else {
    n = v.i;
  }
  switch (dt) {
  case KILN_I1:
    if (n != 0 && n != 1)
      return "is not 0 or 1";
    ((uint8_t *)dst)[index] = (uint8_t)n;
    return NULL;
  case KILN_I8:
    if (n < INT8_MIN || n > INT8_MAX)
      return "is out of range";
    ((int8_t *)dst)[index] = (int8_t)n;
    return NULL;
  case KILN_I16:
    if (n < INT16_MIN || n > INT16_MAX)
      return "is out of range";
    ((int16_t *)dst)[index] = (int16_t)n;
    return NULL;
  case KILN_I32:
    if (n < INT32_MIN || n > INT32_MAX)
      return "is out of range";
    ((int32_t *)dst)[index] = (int32_t)n;
    return NULL;
  default:
    ((int64_t *)dst)[index] = n;
    return NULL;
  }
}

kiln_num_t kiln_load_number(const unsigned char *p, char kind, int size) {
  uint64_t u = 0;
  for (int i = size; i-- > 0;)
    u = u << 8 | p[i];
  kiln_num_t v = {NUM_UINT, 0, 0, u};
  if (kind == 'f') {
    v.kind = NUM_FLOAT;
    if (size == 2)
      v.f = halfToDouble((uint16_t)u);
    else if (size == 4) {
      uint32_t w = (uint32_t)u;
      float f;
      memcpy(&f, &w, sizeof f);
      v.f = f;
    } else {
      memcpy(&v.f, &u, sizeof v.f);
    }
  } else if (kind == 'i') {
    v.kind = NUM_INT;
    int shift = 64 - 8 * size; /* sign-extend */
    v.i = (int64_t)(u << shift) >> shift;
  }
  return v;
}
