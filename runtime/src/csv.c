/*===- csv.c - CSV and gzip-compressed CSV datasets ------------------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Each row holds every input's per-example elements, then every target's,
 * in order. A first row with a non-numeric field is a header; blank lines
 * are skipped; a UTF-8 byte order mark and CRLF line ends are accepted.
 * .csv.gz files are inflated by the runtime's own inflate (inflate.c).
 * Numbers are parsed with the C locale's rules whatever the process locale.
 *
 *===---------------------------------------------------------------------===*/

#include "dataset_internal.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define fail kiln_runtime_fail

/*===---------------------------------------------------------------------===*
 * CSV
 *===---------------------------------------------------------------------===*/

static int isBlank(char c) { return c == ' ' || c == '\t'; }

/* Parses one field: an integer (kept exact), a decimal or exponent number,
 * nan or inf. `dp` is the locale's decimal point, which strtod expects. */
static int parseField(const char *s, size_t n, char dp, kiln_num_t *v) {
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
      kiln_format_dims(shape + 1, sizeof shape - 1, "", dims, rank);
    }
    used += (size_t)snprintf(buf + used, size - used, "%s%lld for %s%s",
                             t ? ", " : "", (long long)elements,
                             kiln_slot_name(d, t, name, sizeof name), shape);
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
  kiln_status_t status = kiln_dataset_allocate(d, maxRows);
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
        kiln_num_t v;
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
      kiln_num_t v;
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
      const char *why = kiln_store_number(v, info->dtype, *slotData(d, t),
                                          (size_t)(rows * elementsOf[t] + k));
      if (why) {
        char value[48], name[96];
        kiln_format_number(value, sizeof value, v);
        return fail(KILN_INVALID_ARGUMENT,
                    "'%s' line %lld, column %lld: %s %s (%s is %s)", path,
                    (long long)line, (long long)column + 1, value, why,
                    kiln_slot_name(d, t, name, sizeof name),
                    kiln_dtype_name(info->dtype));
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

kiln_status_t kiln_dataset_read_csv(kiln_dataset_t *d, const char *path) {
  unsigned char *data;
  size_t size;
  kiln_status_t status = kiln_read_file(path, "dataset", &data, &size);
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
      return kiln_prefix_error(status, prefix);
    }
    data = text;
    size = textSize;
  }
  status = parseCsv(d, path, (const char *)data, size);
  free(data);
  return status;
}
