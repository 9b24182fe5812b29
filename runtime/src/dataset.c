/*===- dataset.c - datasets and their readers ------------------------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Reads CSV (optionally gzip-compressed), .npy and .npz files into a
 * dataset: for each model input and target, `count` examples stored densely
 * in the tensor's dtype. Every shape, count and value is checked against the
 * tensor infos before training starts, and every size read from a file is
 * checked against the file; a mismatch is an error naming the file, the
 * line or array, the tensor, and what was expected.
 *
 *===---------------------------------------------------------------------===*/

#include "dataset.h"
#include "model.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

kiln_status_t kiln_runtime_fail(kiln_status_t status, const char *fmt, ...);
#define fail kiln_runtime_fail

/* inflate.c */
KILN_HIDDEN uint32_t kiln_crc32(const unsigned char *data, size_t size);
KILN_HIDDEN kiln_status_t kiln_gunzip(const unsigned char *in, size_t inSize,
                                      unsigned char **out, size_t *outSize);

#define NUM_SLOTS (2 * KILN_MAX_TENSORS)
/* No tensor in a dataset has more elements per example. */
#define MAX_EXAMPLE_ELEMENTS ((int64_t)1 << 40)
#define LABEL_SIZE 320

static const char *const dtypeNames[] = {"f32", "f64", "f16", "bf16", "i1",
                                         "i8",  "i16", "i32", "i64"};

/* Re-records the last error with `prefix` ("'file': ") in front. */
static kiln_status_t prefixError(kiln_status_t status, const char *prefix) {
  char message[512];
  snprintf(message, sizeof message, "%s", kiln_last_error());
  return fail(status, "%s%s", prefix, message);
}

static int endsWith(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  if (m > n)
    return 0;
  for (size_t i = 0; i < m; ++i) {
    char c = s[n - m + i];
    if (c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    if (c != suffix[i])
      return 0;
  }
  return 1;
}

static uint16_t le16(const unsigned char *p) {
  return (uint16_t)(p[0] | p[1] << 8);
}
static uint32_t le32(const unsigned char *p) {
  return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

/*===---------------------------------------------------------------------===*
 * Tensors and datasets
 *===---------------------------------------------------------------------===*/

/* The per-example dims of `info`: all but a leading batch dimension. */
static int32_t exampleDims(const kiln_tensor_info_t *info,
                           const int64_t **dims) {
  int batched = info->rank > 0 && info->dims[0] < 0;
  *dims = info->dims + batched;
  return info->rank - batched;
}

int64_t kiln_elements_per_example(const kiln_tensor_info_t *info) {
  if (!info)
    return 0;
  int64_t n = 1;
  for (int32_t i = 0; i < info->rank && i < KILN_MAX_RANK; ++i)
    if (info->dims[i] >= 0)
      n *= info->dims[i];
  return n;
}

int64_t kiln_dataset_count(const kiln_dataset_t *dataset) {
  return dataset ? dataset->count : 0;
}

/* Slots number the tensors in reading order: inputs, then targets. */
static int numSlots(const kiln_dataset_t *d) {
  return d->numInputs + d->numTargets;
}
static const kiln_tensor_info_t *slotInfo(const kiln_dataset_t *d, int t) {
  return t < d->numInputs ? &d->inputs[t] : &d->targets[t - d->numInputs];
}
static void **slotData(kiln_dataset_t *d, int t) {
  return t < d->numInputs ? &d->inputData[t] : &d->targetData[t - d->numInputs];
}
static size_t slotBytes(const kiln_dataset_t *d, int t) {
  const kiln_tensor_info_t *info = slotInfo(d, t);
  return (size_t)kiln_elements_per_example(info) * kiln_dtype_size(info->dtype);
}

/* "input 'x'" or "target 'y'". */
static const char *slotName(const kiln_dataset_t *d, int t, char *buf,
                            size_t size) {
  snprintf(buf, size, "%s '%s'", t < d->numInputs ? "input" : "target",
           slotInfo(d, t)->name);
  return buf;
}

/* Writes "[prefix d0, d1, ...]" into buf. */
static void formatDims(char *buf, size_t size, const char *prefix,
                       const int64_t *dims, int32_t rank) {
  size_t used = (size_t)snprintf(buf, size, "[%s", prefix);
  for (int32_t i = 0; i < rank && used < size; ++i)
    used += (size_t)snprintf(buf + used, size - used, "%s%lld",
                             i || *prefix ? ", " : "", (long long)dims[i]);
  if (used < size)
    snprintf(buf + used, size - used, "]");
}

static kiln_status_t checkInfo(const kiln_tensor_info_t *info,
                               const char *kind) {
  if (!memchr(info->name, 0, sizeof info->name))
    return fail(KILN_INVALID_ARGUMENT, "dataset: %s name is not terminated",
                kind);
  if (kiln_dtype_size(info->dtype) == 0)
    return fail(KILN_INVALID_ARGUMENT, "dataset: %s '%s' has unknown dtype %d",
                kind, info->name, (int)info->dtype);
  if (info->rank < 0 || info->rank > KILN_MAX_RANK)
    return fail(KILN_INVALID_ARGUMENT, "dataset: %s '%s' has rank %d", kind,
                info->name, (int)info->rank);
  int64_t elements = 1;
  for (int32_t i = 0; i < info->rank; ++i) {
    int64_t d = info->dims[i];
    if (d < 0 && !(i == 0 && d == -1))
      return fail(KILN_INVALID_ARGUMENT,
                  "dataset: %s '%s' has dimension %d of size %lld; only the "
                  "first (batch) dimension may be dynamic",
                  kind, info->name, (int)i, (long long)d);
    if (d > 0 && elements > MAX_EXAMPLE_ELEMENTS / d)
      return fail(KILN_INVALID_ARGUMENT,
                  "dataset: %s '%s' has too many elements per example", kind,
                  info->name);
    if (d >= 0)
      elements *= d;
  }
  return KILN_OK;
}

/* A dataset with copies of the infos and no data yet. */
static kiln_status_t newDataset(const kiln_tensor_info_t *inputs,
                                int32_t numInputs,
                                const kiln_tensor_info_t *targets,
                                int32_t numTargets, kiln_dataset_t **out) {
  if (numInputs < 0 || numInputs > KILN_MAX_TENSORS || numTargets < 0 ||
      numTargets > KILN_MAX_TENSORS)
    return fail(KILN_INVALID_ARGUMENT,
                "dataset: %d inputs and %d targets (at most %d each)",
                (int)numInputs, (int)numTargets, KILN_MAX_TENSORS);
  if ((numInputs && !inputs) || (numTargets && !targets))
    return fail(KILN_INVALID_ARGUMENT, "dataset: null tensor infos");
  if (numInputs + numTargets == 0)
    return fail(KILN_INVALID_ARGUMENT, "dataset: no inputs and no targets");
  for (int32_t i = 0; i < numInputs; ++i) {
    kiln_status_t status = checkInfo(&inputs[i], "input");
    if (status != KILN_OK)
      return status;
  }
  for (int32_t i = 0; i < numTargets; ++i) {
    kiln_status_t status = checkInfo(&targets[i], "target");
    if (status != KILN_OK)
      return status;
  }
  kiln_dataset_t *d = calloc(1, sizeof *d);
  if (!d)
    return fail(KILN_OUT_OF_MEMORY, "dataset: out of memory");
  d->numInputs = numInputs;
  d->numTargets = numTargets;
  if (numInputs)
    memcpy(d->inputs, inputs, (size_t)numInputs * sizeof *inputs);
  if (numTargets)
    memcpy(d->targets, targets, (size_t)numTargets * sizeof *targets);
  *out = d;
  return KILN_OK;
}

/* Allocates room for `count` examples of every tensor (64-byte aligned). */
static kiln_status_t allocateData(kiln_dataset_t *d, int64_t count) {
  for (int t = 0; t < numSlots(d); ++t) {
    size_t perExample = slotBytes(d, t);
    if (count < 0 || (perExample && (uint64_t)count > SIZE_MAX / perExample))
      return fail(KILN_OUT_OF_MEMORY,
                  "dataset: %lld examples of %zu bytes overflow the address "
                  "space",
                  (long long)count, perExample);
    size_t bytes = perExample * (size_t)count;
    if (bytes > SIZE_MAX - 64)
      return fail(KILN_OUT_OF_MEMORY, "dataset: out of memory");
    void **data = slotData(d, t);
    free(*data);
    *data = aligned_alloc(64, bytes ? (bytes + 63) / 64 * 64 : 64);
    if (!*data)
      return fail(KILN_OUT_OF_MEMORY,
                  "dataset: out of memory allocating %zu bytes for %lld "
                  "examples",
                  bytes, (long long)count);
  }
  d->count = count;
  return KILN_OK;
}

void kiln_dataset_destroy(kiln_dataset_t *dataset) {
  if (!dataset)
    return;
  for (int t = 0; t < numSlots(dataset); ++t)
    free(*slotData(dataset, t));
  free(dataset);
}

kiln_status_t
kiln_dataset_from_arrays(const kiln_tensor_info_t *inputs, int32_t numInputs,
                         const kiln_tensor_info_t *targets, int32_t numTargets,
                         int64_t count, const void *const *inputData,
                         const void *const *targetData, kiln_dataset_t **out) {
  if (!out)
    return fail(KILN_INVALID_ARGUMENT, "dataset: null output");
  *out = NULL;
  if (count <= 0)
    return fail(KILN_INVALID_ARGUMENT,
                "dataset: %lld examples (a dataset needs at least one)",
                (long long)count);
  kiln_dataset_t *d;
  kiln_status_t status = newDataset(inputs, numInputs, targets, numTargets, &d);
  if (status != KILN_OK)
    return status;
  for (int t = 0; t < numSlots(d); ++t) {
    const void *const *src = t < numInputs ? inputData : targetData;
    if (!src || !src[t < numInputs ? t : t - numInputs]) {
      char name[96];
      status = fail(KILN_INVALID_ARGUMENT, "dataset: no data for %s",
                    slotName(d, t, name, sizeof name));
      kiln_dataset_destroy(d);
      return status;
    }
  }
  if ((status = allocateData(d, count)) != KILN_OK) {
    kiln_dataset_destroy(d);
    return status;
  }
  for (int t = 0; t < numSlots(d); ++t) {
    const void *src = t < numInputs ? inputData[t] : targetData[t - numInputs];
    memcpy(*slotData(d, t), src, slotBytes(d, t) * (size_t)count);
  }
  *out = d;
  return KILN_OK;
}

kiln_status_t kiln_dataset_slice(const kiln_dataset_t *source, int64_t begin,
                                 int64_t end, kiln_dataset_t **out) {
  if (!out)
    return fail(KILN_INVALID_ARGUMENT, "dataset slice: null output");
  *out = NULL;
  if (!source)
    return fail(KILN_INVALID_ARGUMENT, "dataset slice: null dataset");
  if (begin < 0 || begin >= end || end > source->count)
    return fail(KILN_INVALID_ARGUMENT,
                "dataset slice: [%lld, %lld) is not a non-empty range of the "
                "%lld examples",
                (long long)begin, (long long)end, (long long)source->count);
  kiln_dataset_t *d;
  kiln_status_t status = newDataset(source->inputs, source->numInputs,
                                    source->targets, source->numTargets, &d);
  if (status == KILN_OK && (status = allocateData(d, end - begin)) != KILN_OK)
    kiln_dataset_destroy(d);
  if (status != KILN_OK)
    return status;
  for (int t = 0; t < numSlots(d); ++t) {
    size_t bytes = slotBytes(d, t);
    const void *src = t < source->numInputs
                          ? source->inputData[t]
                          : source->targetData[t - source->numInputs];
    memcpy(*slotData(d, t), (const char *)src + bytes * (size_t)begin,
           bytes * (size_t)(end - begin));
  }
  *out = d;
  return KILN_OK;
}

/*===---------------------------------------------------------------------===*
 * Values and their conversion to a tensor's dtype
 *===---------------------------------------------------------------------===*/

typedef enum { NUM_FLOAT, NUM_INT, NUM_UINT } num_kind_t;

/* A value read from a file, exact: integers are not squeezed through a
 * double, so int64 data keeps all its bits. */
typedef struct {
  num_kind_t kind;
  double f;
  int64_t i;
  uint64_t u;
} num_t;

static double numAsDouble(num_t v) {
  return v.kind == NUM_FLOAT ? v.f
         : v.kind == NUM_INT ? (double)v.i
                             : (double)v.u;
}

static void formatNumber(char *buf, size_t size, num_t v) {
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
static const char *storeNumber(num_t v, kiln_dtype_t dt, void *dst,
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

/*===---------------------------------------------------------------------===*
 * Files
 *===---------------------------------------------------------------------===*/

/* Reads a whole file, with one zero byte after its end (support.c). */
static kiln_status_t readFile(const char *path, unsigned char **data,
                              size_t *size) {
  return kiln_read_file(path, "dataset", data, size);
}

/*===---------------------------------------------------------------------===*
 * CSV
 *===---------------------------------------------------------------------===*/

static int isBlank(char c) { return c == ' ' || c == '\t'; }

/* Parses one field: an integer (kept exact), a decimal or exponent number,
 * nan or inf. `dp` is the locale's decimal point, which strtod expects. */
static int parseField(const char *s, size_t n, char dp, num_t *v) {
  while (n && isBlank(*s))
    ++s, --n;
  while (n && isBlank(s[n - 1]))
    --n;
  if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
    ++s;
    n -= 2;
    while (n && isBlank(*s))
      ++s, --n;
    while (n && isBlank(s[n - 1]))
      --n;
  }
  char buf[128];
  if (n == 0 || n >= sizeof buf)
    return 0;
  memcpy(buf, s, n);
  buf[n] = 0;
  size_t digits = buf[0] == '-' || buf[0] == '+';
  int integral = digits < n;
  for (size_t i = digits; i < n; ++i)
    integral &= buf[i] >= '0' && buf[i] <= '9';
  char *end;
  if (integral) {
    errno = 0;
    long long i = strtoll(buf, &end, 10);
    if (errno == 0 && end == buf + n) {
      v->kind = NUM_INT;
      v->i = i;
      return 1;
    }
  }
  char c = buf[digits];
  if (!((c >= '0' && c <= '9') || c == '.' || c == 'n' || c == 'N' ||
        c == 'i' || c == 'I'))
    return 0;
  for (size_t i = 0; i < n; ++i) {
    if (buf[i] == 'x' || buf[i] == 'X')
      return 0; /* strtod would take hex floats */
    if (buf[i] == '.')
      buf[i] = dp;
  }
  v->kind = NUM_FLOAT;
  v->f = strtod(buf, &end);
  return end == buf + n;
}

/* Describes the columns a row must have, for the row-length message. */
static void describeColumns(const kiln_dataset_t *d, char *buf, size_t size) {
  size_t used = 0;
  buf[0] = 0;
  for (int t = 0; t < numSlots(d) && used < size; ++t) {
    const kiln_tensor_info_t *info = slotInfo(d, t);
    const int64_t *dims;
    int32_t rank = exampleDims(info, &dims);
    int64_t elements = kiln_elements_per_example(info);
    char name[96], shape[128] = "";
    if (elements != 1) {
      shape[0] = ' ';
      formatDims(shape + 1, sizeof shape - 1, "", dims, rank);
    }
    used += (size_t)snprintf(buf + used, size - used, "%s%lld for %s%s",
                             t ? ", " : "", (long long)elements,
                             slotName(d, t, name, sizeof name), shape);
  }
}

static kiln_status_t parseCsv(kiln_dataset_t *d, const char *path,
                              const char *text, size_t size) {
  if (size >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
    text += 3; /* a UTF-8 byte order mark */
    size -= 3;
  }
  /* Rows are at most the lines with content (blank lines take no room). */
  int64_t maxRows = 0, columns = 0, elementsOf[NUM_SLOTS];
  int content = 0;
  for (size_t i = 0; i < size; ++i) {
    if (text[i] == '\n') {
      maxRows += content;
      content = 0;
    } else if (!isBlank(text[i]) && text[i] != '\r') {
      content = 1;
    }
  }
  maxRows += content;
  for (int t = 0; t < numSlots(d); ++t)
    columns += elementsOf[t] = kiln_elements_per_example(slotInfo(d, t));
  if (columns == 0)
    return fail(KILN_INVALID_ARGUMENT,
                "'%s': the model's tensors have no elements per example", path);
  kiln_status_t status = allocateData(d, maxRows);
  if (status != KILN_OK)
    return status;
  char dp = *localeconv()->decimal_point;
  if (!dp)
    dp = '.';
  int64_t rows = 0, line = 0;
  int sawFirst = 0;
  for (size_t pos = 0; pos < size;) {
    const char *begin = text + pos;
    const char *nl = memchr(begin, '\n', size - pos);
    const char *end = nl ? nl : text + size;
    pos = (size_t)(end - text) + (nl != NULL);
    ++line;
    if (end > begin && end[-1] == '\r')
      --end;
    const char *p = begin;
    while (p < end && (isBlank(*p) || *p == '\r'))
      ++p;
    if (p == end)
      continue;

    int64_t fields = 1;
    for (p = begin; p < end; ++p)
      fields += *p == ',';
    /* The first row is a header when any of its fields is not a number. */
    if (!sawFirst) {
      sawFirst = 1;
      int header = 0;
      for (p = begin; !header;) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *fieldEnd = comma ? comma : end;
        const char *q = p;
        while (q < fieldEnd && (isBlank(*q) || *q == '"'))
          ++q;
        num_t v;
        header = q < fieldEnd && !parseField(p, (size_t)(fieldEnd - p), dp, &v);
        if (!comma)
          break;
        p = comma + 1;
      }
      if (header)
        continue;
    }
    if (fields != columns) {
      char expected[384];
      describeColumns(d, expected, sizeof expected);
      return fail(KILN_INVALID_ARGUMENT,
                  "'%s' line %lld: %lld values, expected %lld (%s)", path,
                  (long long)line, (long long)fields, (long long)columns,
                  expected);
    }
    int t = 0;
    int64_t k = 0, column = 0;
    for (p = begin;; ++column) {
      while (k == elementsOf[t]) {
        ++t;
        k = 0;
      }
      const char *comma = memchr(p, ',', (size_t)(end - p));
      const char *fieldEnd = comma ? comma : end;
      num_t v;
      if (!parseField(p, (size_t)(fieldEnd - p), dp, &v)) {
        const char *q = p;
        while (q < fieldEnd && (isBlank(*q) || *q == '"'))
          ++q;
        if (q == fieldEnd)
          return fail(KILN_INVALID_ARGUMENT,
                      "'%s' line %lld, column %lld: empty value", path,
                      (long long)line, (long long)column + 1);
        int n = (int)(fieldEnd - p);
        return fail(KILN_INVALID_ARGUMENT,
                    "'%s' line %lld, column %lld: '%.*s'%s is not a number",
                    path, (long long)line, (long long)column + 1,
                    n > 40 ? 40 : n, p, n > 40 ? "..." : "");
      }
      const kiln_tensor_info_t *info = slotInfo(d, t);
      const char *why = storeNumber(v, info->dtype, *slotData(d, t),
                                    (size_t)(rows * elementsOf[t] + k));
      if (why) {
        char value[48], name[96];
        formatNumber(value, sizeof value, v);
        return fail(KILN_INVALID_ARGUMENT,
                    "'%s' line %lld, column %lld: %s %s (%s is %s)", path,
                    (long long)line, (long long)column + 1, value, why,
                    slotName(d, t, name, sizeof name), dtypeNames[info->dtype]);
      }
      ++k;
      if (!comma)
        break;
      p = comma + 1;
    }
    ++rows;
  }
  if (rows == 0)
    return fail(KILN_INVALID_ARGUMENT, "'%s' holds no examples", path);
  d->count = rows;
  return KILN_OK;
}

static kiln_status_t readCsv(kiln_dataset_t *d, const char *path) {
  unsigned char *data;
  size_t size;
  kiln_status_t status = readFile(path, &data, &size);
  if (status != KILN_OK)
    return status;
  if (endsWith(path, ".gz")) {
    unsigned char *text;
    size_t textSize;
    status = kiln_gunzip(data, size, &text, &textSize);
    free(data);
    if (status != KILN_OK) {
      char prefix[LABEL_SIZE];
      snprintf(prefix, sizeof prefix, "'%s': ", path);
      return prefixError(status, prefix);
    }
    data = text;
    size = textSize;
  }
  status = parseCsv(d, path, (const char *)data, size);
  free(data);
  return status;
}

/*===---------------------------------------------------------------------===*
 * .npy
 *===---------------------------------------------------------------------===*/

#define NPY_MAX_RANK 32

typedef struct {
  char kind; /* 'f', 'i', 'u' or 'b' */
  int itemSize;
  char descr[16];
  int32_t rank;
  int64_t shape[NPY_MAX_RANK];
  const unsigned char *data;
  uint64_t elements;
} npy_t;

static void skipSpace(const char **p, const char *end) {
  while (*p < end && (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r'))
    ++*p;
}

static int parseQuoted(const char **p, const char *end, const char **s,
                       size_t *n) {
  if (*p >= end || (**p != '\'' && **p != '"'))
    return 0;
  char quote = **p;
  const char *close = memchr(*p + 1, quote, (size_t)(end - *p - 1));
  if (!close)
    return 0;
  *s = *p + 1;
  *n = (size_t)(close - *s);
  *p = close + 1;
  return 1;
}

static int matchWord(const char **p, const char *end, const char *word) {
  size_t n = strlen(word);
  if ((size_t)(end - *p) < n || memcmp(*p, word, n) != 0)
    return 0;
  *p += n;
  return 1;
}

static int keyIs(const char *s, size_t n, const char *key) {
  return n == strlen(key) && memcmp(s, key, n) == 0;
}

/* Parses the header dictionary, a Python literal such as
 * {'descr': '<f4', 'fortran_order': False, 'shape': (100, 8), }. */
static kiln_status_t parseNpyHeader(const char *label, const char *p,
                                    const char *end, npy_t *a, int *fortran) {
  int seen = 0;
  skipSpace(&p, end);
  if (p >= end || *p++ != '{')
    return fail(KILN_IO_ERROR, "%s: the .npy header is not a dictionary",
                label);
  for (;;) {
    skipSpace(&p, end);
    if (p < end && *p == '}')
      break;
    const char *key;
    size_t keyLen;
    if (!parseQuoted(&p, end, &key, &keyLen))
      return fail(KILN_IO_ERROR, "%s: malformed .npy header", label);
    skipSpace(&p, end);
    if (p >= end || *p++ != ':')
      return fail(KILN_IO_ERROR, "%s: malformed .npy header", label);
    skipSpace(&p, end);
    if (keyIs(key, keyLen, "descr")) {
      const char *s;
      size_t n;
      if (!parseQuoted(&p, end, &s, &n))
        return fail(KILN_INVALID_ARGUMENT,
                    "%s: structured arrays are not supported (save a plain "
                    "numeric array)",
                    label);
      if (n >= sizeof a->descr)
        return fail(KILN_INVALID_ARGUMENT, "%s: unsupported dtype '%.*s'",
                    label, (int)(n > 40 ? 40 : n), s);
      memcpy(a->descr, s, n);
      a->descr[n] = 0;
      seen |= 1;
    } else if (keyIs(key, keyLen, "fortran_order")) {
      if (matchWord(&p, end, "True"))
        *fortran = 1;
      else if (matchWord(&p, end, "False"))
        *fortran = 0;
      else
        return fail(KILN_IO_ERROR,
                    "%s: malformed fortran_order in the .npy header", label);
      seen |= 2;
    } else if (keyIs(key, keyLen, "shape")) {
      if (p >= end || *p++ != '(')
        return fail(KILN_IO_ERROR, "%s: malformed shape in the .npy header",
                    label);
      a->rank = 0;
      for (;;) {
        skipSpace(&p, end);
        if (p < end && *p == ')') {
          ++p;
          break;
        }
        if (p >= end || *p < '0' || *p > '9')
          return fail(KILN_IO_ERROR, "%s: malformed shape in the .npy header",
                      label);
        int64_t dim = 0;
        while (p < end && *p >= '0' && *p <= '9') {
          if (dim > (INT64_MAX - 9) / 10)
            return fail(KILN_IO_ERROR,
                        "%s: a dimension of the shape is too large", label);
          dim = dim * 10 + (*p++ - '0');
        }
        if (p < end && *p == 'L') /* Python 2 long integers */
          ++p;
        if (a->rank == NPY_MAX_RANK)
          return fail(KILN_INVALID_ARGUMENT, "%s: rank over %d", label,
                      NPY_MAX_RANK);
        a->shape[a->rank++] = dim;
        skipSpace(&p, end);
        if (p < end && *p == ',')
          ++p;
        else if (p >= end || *p != ')')
          return fail(KILN_IO_ERROR, "%s: malformed shape in the .npy header",
                      label);
      }
      seen |= 4;
    } else {
      return fail(KILN_IO_ERROR, "%s: unexpected key '%.*s' in the .npy header",
                  label, (int)(keyLen > 40 ? 40 : keyLen), key);
    }
    skipSpace(&p, end);
    if (p < end && *p == ',')
      ++p;
    else if (p >= end || *p != '}')
      return fail(KILN_IO_ERROR, "%s: malformed .npy header", label);
  }
  if (seen != 7)
    return fail(KILN_IO_ERROR, "%s: the .npy header lacks %s", label,
                !(seen & 1)   ? "'descr'"
                : !(seen & 2) ? "'fortran_order'"
                              : "'shape'");
  return KILN_OK;
}

/* Checks `descr` (such as '<f4') and sets the kind and item size. */
static kiln_status_t parseDescr(const char *label, npy_t *a) {
  const char *s = a->descr;
  const uint16_t one = 1;
  int littleHost = *(const unsigned char *)&one == 1;
  char order = *s == '<' || *s == '>' || *s == '|' || *s == '=' ? *s++ : '=';
  char kind = *s ? *s++ : 0;
  int size = 0;
  while (*s >= '0' && *s <= '9' && size < 100)
    size = size * 10 + (*s++ - '0');
  int ok = !*s && ((kind == 'f' && (size == 2 || size == 4 || size == 8)) ||
                   ((kind == 'i' || kind == 'u') &&
                    (size == 1 || size == 2 || size == 4 || size == 8)) ||
                   (kind == 'b' && size == 1));
  if (!ok && (kind == 'O'))
    return fail(KILN_INVALID_ARGUMENT,
                "%s: object arrays (pickled) are not supported", label);
  if (!ok)
    return fail(KILN_INVALID_ARGUMENT,
                "%s: dtype '%s' is not supported (float16/32/64, int8-64, "
                "uint8-64 and bool are)",
                label, a->descr);
  if (size > 1 && (order == '>' || (order == '=' && !littleHost)))
    return fail(KILN_INVALID_ARGUMENT,
                "%s: big-endian dtype '%s' is not supported (save it with "
                "dtype '<%c%d')",
                label, a->descr, kind, size);
  a->kind = kind;
  a->itemSize = size;
  return KILN_OK;
}

static kiln_status_t parseNpy(const char *label, const unsigned char *buf,
                              size_t size, npy_t *a) {
  memset(a, 0, sizeof *a);
  if (size < 6 || memcmp(buf, "\x93NUMPY", 6) != 0)
    return fail(KILN_IO_ERROR, "%s is not a .npy file (bad magic)", label);
  if (size < 10)
    return fail(KILN_IO_ERROR, "%s: truncated .npy header", label);
  unsigned major = buf[6];
  size_t headerLen, offset;
  if (major == 1) {
    headerLen = le16(buf + 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (size < 12)
      return fail(KILN_IO_ERROR, "%s: truncated .npy header", label);
    headerLen = le32(buf + 8);
    offset = 12;
  } else {
    return fail(KILN_INVALID_ARGUMENT, "%s: unsupported .npy version %u.%u",
                label, major, (unsigned)buf[7]);
  }
  if (headerLen > size - offset)
    return fail(KILN_IO_ERROR,
                "%s: the .npy header length %zu exceeds the file (%zu bytes)",
                label, headerLen, size);
  int fortran = 0;
  const char *header = (const char *)buf + offset;
  kiln_status_t status =
      parseNpyHeader(label, header, header + headerLen, a, &fortran);
  if (status == KILN_OK)
    status = parseDescr(label, a);
  if (status != KILN_OK)
    return status;
  offset += headerLen;
  /* Fortran order is the same layout as C order when at most one dim is
   * larger than 1. */
  int bigDims = 0;
  for (int32_t i = 0; i < a->rank; ++i)
    bigDims += a->shape[i] > 1;
  if (fortran && bigDims > 1)
    return fail(KILN_INVALID_ARGUMENT,
                "%s is in Fortran order, which is not supported (save "
                "numpy.ascontiguousarray(a))",
                label);
  uint64_t elements = 1, available = size - offset;
  for (int32_t i = 0; i < a->rank; ++i) {
    uint64_t d = (uint64_t)a->shape[i];
    if (d && elements > available / d) {
      elements = UINT64_MAX; /* more than the file can hold */
      break;
    }
    elements *= d;
  }
  for (int32_t i = 0; i < a->rank && elements == UINT64_MAX; ++i)
    if (a->shape[i] == 0)
      elements = 0;
  if (elements == UINT64_MAX || elements * (uint64_t)a->itemSize != available) {
    char shape[256];
    formatDims(shape, sizeof shape, "", a->shape, a->rank);
    if (elements == UINT64_MAX)
      return fail(KILN_IO_ERROR,
                  "%s: shape %s of '%s' needs more data than the file holds "
                  "(%llu bytes)",
                  label, shape, a->descr, (unsigned long long)available);
    return fail(KILN_IO_ERROR,
                "%s: shape %s of '%s' needs %llu bytes of data, the file "
                "holds %llu",
                label, shape, a->descr,
                (unsigned long long)(elements * (uint64_t)a->itemSize),
                (unsigned long long)available);
  }
  a->elements = elements;
  a->data = buf + offset;
  return KILN_OK;
}

/* The number of examples if `a` fits tensor `t`: [count, dims...], or
 * [count, elements] flattened, or [count] for one element per example. */
static kiln_status_t matchShape(const kiln_dataset_t *d, int t,
                                const char *label, const npy_t *a,
                                int64_t *count) {
  const kiln_tensor_info_t *info = slotInfo(d, t);
  const int64_t *dims;
  int32_t rank = exampleDims(info, &dims);
  int64_t elements = kiln_elements_per_example(info);
  int ok = a->rank == rank + 1;
  for (int32_t i = 0; ok && i < rank; ++i)
    ok = a->shape[i + 1] == dims[i];
  ok = ok || (a->rank == 2 && a->shape[1] == elements) ||
       (a->rank == 1 && elements == 1);
  if (ok) {
    *count = a->shape[0];
    return KILN_OK;
  }
  char actual[256], expected[200], name[96];
  formatDims(actual, sizeof actual, "", a->shape, a->rank);
  if (elements == 1)
    snprintf(expected, sizeof expected, "[count] or [count, 1]");
  else if (rank <= 1)
    snprintf(expected, sizeof expected, "[count, %lld]", (long long)elements);
  else {
    char full[128];
    formatDims(full, sizeof full, "count", dims, rank);
    snprintf(expected, sizeof expected, "%s (or [count, %lld])", full,
             (long long)elements);
  }
  return fail(KILN_INVALID_ARGUMENT, "%s: shape %s, expected %s for %s", label,
              actual, expected, slotName(d, t, name, sizeof name));
}

static num_t loadNumber(const unsigned char *p, char kind, int size) {
  uint64_t u = 0;
  for (int i = size; i-- > 0;)
    u = u << 8 | p[i];
  num_t v = {NUM_UINT, 0, 0, u};
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

/* Converts the elements of `a` into tensor `t`'s buffer. */
static kiln_status_t convertArray(kiln_dataset_t *d, int t, const char *label,
                                  const npy_t *a) {
  const kiln_tensor_info_t *info = slotInfo(d, t);
  void *dst = *slotData(d, t);
  const uint16_t one = 1;
  int littleHost = *(const unsigned char *)&one == 1;
  static const char sameKind[] = {'f', 'f', 0, 0, 0, 'i', 'i', 'i', 'i'};
  if (littleHost && sameKind[info->dtype] == a->kind &&
      (size_t)a->itemSize == kiln_dtype_size(info->dtype)) {
    memcpy(dst, a->data, (size_t)a->elements * (size_t)a->itemSize);
    return KILN_OK;
  }
  if (littleHost && a->kind == 'f' && a->itemSize == 8 &&
      info->dtype == KILN_F32) {
    for (size_t i = 0; i < a->elements; ++i) {
      double x;
      memcpy(&x, a->data + 8 * i, sizeof x);
      ((float *)dst)[i] = (float)x;
    }
    return KILN_OK;
  }
  for (size_t i = 0; i < a->elements; ++i) {
    num_t v =
        loadNumber(a->data + i * (size_t)a->itemSize, a->kind, a->itemSize);
    const char *why = storeNumber(v, info->dtype, dst, i);
    if (!why)
      continue;
    /* Name the element by its index in the file's own shape. */
    char index[256], value[48], name[96];
    int64_t at[NPY_MAX_RANK];
    uint64_t rest = i;
    for (int32_t k = a->rank; k-- > 0;) {
      at[k] = a->shape[k] ? (int64_t)(rest % (uint64_t)a->shape[k]) : 0;
      rest = a->shape[k] ? rest / (uint64_t)a->shape[k] : 0;
    }
    formatDims(index, sizeof index, "", at, a->rank);
    formatNumber(value, sizeof value, v);
    return fail(KILN_INVALID_ARGUMENT, "%s element %s: %s %s (%s is %s)", label,
                index, value, why, slotName(d, t, name, sizeof name),
                dtypeNames[info->dtype]);
  }
  return KILN_OK;
}

/* Checks arrays[t] against every tensor, that all agree on the number of
 * examples, then fills the dataset. */
static kiln_status_t loadArrays(kiln_dataset_t *d, const npy_t *arrays,
                                char (*labels)[LABEL_SIZE]) {
  int64_t count = -1;
  for (int t = 0; t < numSlots(d); ++t) {
    int64_t n;
    kiln_status_t status = matchShape(d, t, labels[t], &arrays[t], &n);
    if (status != KILN_OK)
      return status;
    if (count >= 0 && n != count)
      return fail(KILN_INVALID_ARGUMENT, "%s has %lld examples but %s has %lld",
                  labels[t], (long long)n, labels[0], (long long)count);
    count = n;
  }
  if (count == 0)
    return fail(KILN_INVALID_ARGUMENT, "%s holds no examples", labels[0]);
  kiln_status_t status = allocateData(d, count);
  for (int t = 0; status == KILN_OK && t < numSlots(d); ++t)
    status = convertArray(d, t, labels[t], &arrays[t]);
  return status;
}

/* The state of one read: labels, arrays and the buffers they point into. */
typedef struct {
  char labels[NUM_SLOTS][LABEL_SIZE];
  npy_t arrays[NUM_SLOTS];
  unsigned char *owned[NUM_SLOTS + 1];
} reader_t;

static void freeReader(reader_t *r) {
  if (!r)
    return;
  for (int i = 0; i <= NUM_SLOTS; ++i)
    free(r->owned[i]);
  free(r);
}

static kiln_status_t readNpyPair(kiln_dataset_t *d, const char *path,
                                 const char *targetPath) {
  if (d->numInputs != 1)
    return fail(KILN_INVALID_ARGUMENT,
                "'%s': a .npy file holds one array, the model has %d inputs "
                "(use a .npz file)",
                path, (int)d->numInputs);
  if (d->numTargets > 1)
    return fail(KILN_INVALID_ARGUMENT,
                "'%s': the model has %d targets; give them in a .npz file",
                path, (int)d->numTargets);
  if (d->numTargets == 1 && !targetPath)
    return fail(KILN_INVALID_ARGUMENT,
                "'%s': the model has target '%s'; give its .npy file too", path,
                d->targets[0].name);
  if (d->numTargets == 0 && targetPath)
    return fail(KILN_INVALID_ARGUMENT,
                "the model has no targets, but target file '%s' was given",
                targetPath);
  if (targetPath && !endsWith(targetPath, ".npy"))
    return fail(KILN_INVALID_ARGUMENT,
                "'%s': the targets of a .npy input must be a .npy file",
                targetPath);
  reader_t *r = calloc(1, sizeof *r);
  if (!r)
    return fail(KILN_OUT_OF_MEMORY, "out of memory");
  kiln_status_t status = KILN_OK;
  for (int t = 0; status == KILN_OK && t < numSlots(d); ++t) {
    const char *file = t == 0 ? path : targetPath;
    size_t size;
    snprintf(r->labels[t], LABEL_SIZE, "'%s'", file);
    status = readFile(file, &r->owned[t], &size);
    if (status == KILN_OK)
      status = parseNpy(r->labels[t], r->owned[t], size, &r->arrays[t]);
  }
  if (status == KILN_OK)
    status = loadArrays(d, r->arrays, r->labels);
  freeReader(r);
  return status;
}

/*===---------------------------------------------------------------------===*
 * .npz (ZIP archives of .npy files)
 *===---------------------------------------------------------------------===*/

typedef struct {
  const char *name;
  size_t nameLen;
  uint16_t flags, method;
  uint32_t crc, compressedSize, size, offset;
} zip_entry_t;

static kiln_status_t zip64(const char *path) {
  return fail(KILN_INVALID_ARGUMENT,
              "'%s' is a ZIP64 archive (over 4 GiB or 65535 arrays), which "
              "is not supported",
              path);
}

/* Reads the central directory (APPNOTE.TXT 4.3.12, 4.3.16). */
static kiln_status_t readZipDirectory(const char *path,
                                      const unsigned char *buf, size_t size,
                                      zip_entry_t **entries, size_t *count) {
  *entries = NULL;
  *count = 0;
  size_t eocd = SIZE_MAX;
  if (size >= 22) {
    size_t lowest = size - 22 > 65535 ? size - 22 - 65535 : 0;
    for (size_t i = size - 22 + 1; i-- > lowest;)
      if (le32(buf + i) == 0x06054b50 && le16(buf + i + 20) <= size - 22 - i) {
        eocd = i;
        break;
      }
  }
  if (eocd == SIZE_MAX)
    return fail(KILN_IO_ERROR,
                "'%s' is not a .npz file, or is truncated (no ZIP end of "
                "central directory)",
                path);
  const unsigned char *e = buf + eocd;
  uint16_t disk = le16(e + 4), cdDisk = le16(e + 6);
  uint16_t diskEntries = le16(e + 8), total = le16(e + 10);
  uint32_t cdSize = le32(e + 12), cdOffset = le32(e + 16);
  if (total == 0xffff || cdSize == 0xffffffffu || cdOffset == 0xffffffffu ||
      (eocd >= 20 && le32(buf + eocd - 20) == 0x07064b50))
    return zip64(path);
  if (disk != 0 || cdDisk != 0 || diskEntries != total)
    return fail(KILN_INVALID_ARGUMENT,
                "'%s': multi-part ZIP archives are not supported", path);
  if ((uint64_t)cdOffset + cdSize > eocd)
    return fail(KILN_IO_ERROR,
                "'%s': the ZIP central directory lies outside the file", path);
  zip_entry_t *list = calloc(total ? total : 1, sizeof *list);
  if (!list)
    return fail(KILN_OUT_OF_MEMORY, "out of memory");
  size_t pos = cdOffset, end = (size_t)cdOffset + cdSize;
  for (size_t k = 0; k < total; ++k) {
    const unsigned char *h = buf + pos;
    if (end - pos < 46 || le32(h) != 0x02014b50) {
      free(list);
      return fail(KILN_IO_ERROR,
                  "'%s': malformed ZIP central directory (entry %zu)", path, k);
    }
    size_t nameLen = le16(h + 28), extraLen = le16(h + 30),
           commentLen = le16(h + 32);
    if (nameLen + extraLen + commentLen > end - pos - 46) {
      free(list);
      return fail(KILN_IO_ERROR,
                  "'%s': malformed ZIP central directory (entry %zu)", path, k);
    }
    zip_entry_t *z = &list[k];
    z->flags = le16(h + 8);
    z->method = le16(h + 10);
    z->crc = le32(h + 16);
    z->compressedSize = le32(h + 20);
    z->size = le32(h + 24);
    z->offset = le32(h + 42);
    z->name = (const char *)h + 46;
    z->nameLen = nameLen;
    if (z->compressedSize == 0xffffffffu || z->size == 0xffffffffu ||
        z->offset == 0xffffffffu) {
      free(list);
      return zip64(path);
    }
    pos += 46 + nameLen + extraLen + commentLen;
  }
  *entries = list;
  *count = total;
  return KILN_OK;
}

/* The data of entry `z`: in place when stored, inflated into *owned. */
static kiln_status_t zipEntryData(const char *label, const unsigned char *buf,
                                  size_t size, const zip_entry_t *z,
                                  const unsigned char **data, size_t *n,
                                  unsigned char **owned) {
  if (z->flags & 1)
    return fail(KILN_INVALID_ARGUMENT, "%s is encrypted", label);
  if (z->method != 0 && z->method != 8)
    return fail(KILN_INVALID_ARGUMENT,
                "%s uses ZIP compression method %u (only stored and deflated "
                "are supported)",
                label, (unsigned)z->method);
  /* The local header's sizes may be ZIP64 placeholders (numpy forces
   * them); only its name and extra lengths are needed. */
  if (z->offset > size || size - z->offset < 30 ||
      le32(buf + z->offset) != 0x04034b50)
    return fail(KILN_IO_ERROR, "%s: malformed ZIP local header", label);
  const unsigned char *h = buf + z->offset;
  uint64_t start = (uint64_t)z->offset + 30 + le16(h + 26) + le16(h + 28);
  if (start > size || z->compressedSize > size - start)
    return fail(KILN_IO_ERROR, "%s: the compressed data lies outside the file",
                label);
  const unsigned char *in = buf + start;
  if (z->method == 0) {
    if (z->compressedSize != z->size)
      return fail(KILN_IO_ERROR,
                  "%s: stored entry of %u bytes claims %u uncompressed", label,
                  z->compressedSize, z->size);
    *data = in;
    *n = z->size;
  } else {
    unsigned char *out;
    size_t outSize;
    kiln_status_t status = kiln_inflate(in, z->compressedSize, &out, &outSize);
    if (status != KILN_OK) {
      char prefix[LABEL_SIZE + 4];
      snprintf(prefix, sizeof prefix, "%s: ", label);
      return prefixError(status, prefix);
    }
    *owned = out;
    if (outSize != z->size)
      return fail(KILN_IO_ERROR,
                  "%s: inflated to %zu bytes, the ZIP directory says %u", label,
                  outSize, z->size);
    *data = out;
    *n = outSize;
  }
  if (kiln_crc32(*data, *n) != z->crc)
    return fail(KILN_IO_ERROR, "%s: CRC-32 mismatch, the data is corrupted",
                label);
  return KILN_OK;
}

static const zip_entry_t *findEntry(const zip_entry_t *entries, size_t n,
                                    const char *stem) {
  size_t len = strlen(stem);
  if (!len)
    return NULL;
  for (size_t i = 0; i < n; ++i)
    if (entries[i].nameLen == len + 4 &&
        memcmp(entries[i].name, stem, len) == 0 &&
        memcmp(entries[i].name + len, ".npy", 4) == 0)
      return &entries[i];
  return NULL;
}

/* "a, b, c": the arrays of the archive, for messages. */
static void listArrays(const zip_entry_t *entries, size_t n, char *buf,
                       size_t size) {
  size_t used = 0;
  buf[0] = 0;
  for (size_t i = 0; i < n && used < size; ++i) {
    size_t len = entries[i].nameLen;
    if (len >= 4 && memcmp(entries[i].name + len - 4, ".npy", 4) == 0)
      len -= 4;
    used +=
        (size_t)snprintf(buf + used, size - used, "%s%.*s", used ? ", " : "",
                         (int)(len > 64 ? 64 : len), entries[i].name);
  }
  if (!n)
    snprintf(buf, size, "none");
}

static kiln_status_t readNpz(kiln_dataset_t *d, const char *path) {
  reader_t *r = calloc(1, sizeof *r);
  if (!r)
    return fail(KILN_OUT_OF_MEMORY, "out of memory");
  unsigned char *file;
  size_t size;
  zip_entry_t *entries = NULL;
  size_t numEntries = 0;
  kiln_status_t status = readFile(path, &file, &size);
  r->owned[NUM_SLOTS] = file;
  if (status == KILN_OK)
    status = readZipDirectory(path, file, size, &entries, &numEntries);
  for (int t = 0; status == KILN_OK && t < numSlots(d); ++t) {
    /* By the tensor's name, else x / y for a single input / target, else
     * arr_<slot> as numpy.savez names positional arrays. */
    int isInput = t < d->numInputs;
    const zip_entry_t *z = findEntry(entries, numEntries, slotInfo(d, t)->name);
    if (!z && (isInput ? d->numInputs : d->numTargets) == 1)
      z = findEntry(entries, numEntries, isInput ? "x" : "y");
    if (!z) {
      char stem[16];
      snprintf(stem, sizeof stem, "arr_%d", t);
      z = findEntry(entries, numEntries, stem);
    }
    if (!z) {
      char names[256], name[96];
      listArrays(entries, numEntries, names, sizeof names);
      status = fail(KILN_INVALID_ARGUMENT, "'%s': no array for %s (arrays: %s)",
                    path, slotName(d, t, name, sizeof name), names);
      break;
    }
    snprintf(r->labels[t], LABEL_SIZE, "'%s' array '%.*s'", path,
             (int)(z->nameLen - 4), z->name);
    const unsigned char *data = NULL;
    size_t n = 0;
    status = zipEntryData(r->labels[t], file, size, z, &data, &n, &r->owned[t]);
    if (status == KILN_OK)
      status = parseNpy(r->labels[t], data, n, &r->arrays[t]);
  }
  if (status == KILN_OK)
    status = loadArrays(d, r->arrays, r->labels);
  free(entries);
  freeReader(r);
  return status;
}

/*===---------------------------------------------------------------------===*
 * Entry point
 *===---------------------------------------------------------------------===*/

kiln_status_t kiln_dataset_read(const kiln_tensor_info_t *inputs,
                                int32_t numInputs,
                                const kiln_tensor_info_t *targets,
                                int32_t numTargets, const char *path,
                                const char *targetPath, kiln_dataset_t **out) {
  if (!out)
    return fail(KILN_INVALID_ARGUMENT, "dataset: null output");
  *out = NULL;
  if (!path)
    return fail(KILN_INVALID_ARGUMENT, "dataset: null path");
  int csv = endsWith(path, ".csv") || endsWith(path, ".csv.gz");
  int npy = endsWith(path, ".npy"), npz = endsWith(path, ".npz");
  if (!csv && !npy && !npz)
    return fail(KILN_INVALID_ARGUMENT,
                "'%s': unknown dataset format (expected .csv, .csv.gz, .npy "
                "or .npz)",
                path);
  if (targetPath && !npy)
    return fail(KILN_INVALID_ARGUMENT,
                "'%s' holds the targets too; no target file is taken (got "
                "'%s')",
                path, targetPath);
  kiln_dataset_t *d;
  kiln_status_t status = newDataset(inputs, numInputs, targets, numTargets, &d);
  if (status != KILN_OK)
    return status;
  status = csv   ? readCsv(d, path)
           : npy ? readNpyPair(d, path, targetPath)
                 : readNpz(d, path);
  if (status != KILN_OK) {
    kiln_dataset_destroy(d);
    return status;
  }
  *out = d;
  return KILN_OK;
}
