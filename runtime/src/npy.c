/*===- npy.c - the .npy reader and writer ---------------------------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The runtime's one implementation of NumPy's .npy format: the parser that
 * the dataset readers (.npy pairs here, .npz archives in npz.c) and the
 * public kiln_npy_read share, and kiln_npy_write. The parser checks every
 * field of the header and the data size against the file before anything
 * is used; messages start with a label that names the file (and the array
 * of an archive).
 *
 * The header is a Python dict literal, e.g.
 *   {'descr': '<f4', 'fortran_order': False, 'shape': (100, 8), }
 * padded with spaces and a newline so that the data starts at a multiple
 * of 64 bytes.
 *
 *===---------------------------------------------------------------------===*/

#include "dataset_internal.h"

#include "kiln/npy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define fail kiln_runtime_fail

static int littleEndianHost(void) {
  const uint16_t one = 1;
  return *(const unsigned char *)&one == 1;
}

/*===---------------------------------------------------------------------===*
 * The parser
 *===---------------------------------------------------------------------===*/

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
                                    const char *end, kiln_npy_array_t *a,
                                    int *fortran) {
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
static kiln_status_t parseDescr(const char *label, kiln_npy_array_t *a) {
  const char *s = a->descr;
  int littleHost = littleEndianHost();
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

kiln_status_t kiln_npy_parse(const char *label, const unsigned char *buf,
                             size_t size, kiln_npy_array_t *a) {
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
    kiln_format_dims(shape, sizeof shape, "", a->shape, a->rank);
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

/*===---------------------------------------------------------------------===*
 * Datasets: one .npy file for the input, one for the target
 *===---------------------------------------------------------------------===*/

kiln_status_t kiln_dataset_read_npy(kiln_dataset_t *d, const char *path,
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
  kiln_reader_t *r = calloc(1, sizeof *r);
  if (!r)
    return fail(KILN_OUT_OF_MEMORY, "out of memory");
  kiln_status_t status = KILN_OK;
  for (int t = 0; status == KILN_OK && t < numSlots(d); ++t) {
    const char *file = t == 0 ? path : targetPath;
    size_t size;
    snprintf(r->labels[t], LABEL_SIZE, "'%s'", file);
    status = kiln_read_file(file, "dataset", &r->owned[t], &size);
    if (status == KILN_OK)
      status = kiln_npy_parse(r->labels[t], r->owned[t], size, &r->arrays[t]);
  }
  if (status == KILN_OK)
    status = kiln_dataset_load_arrays(d, r->arrays, r->labels);
  kiln_reader_free(r);
  return status;
}

/*===---------------------------------------------------------------------===*
 * kiln_npy_read and kiln_npy_write (kiln/npy.h)
 *===---------------------------------------------------------------------===*/

/* The Kiln element type of a parsed array: the row of KILN_DTYPE_FORMATS
 * whose descr has the array's kind and size. */
static kiln_status_t arrayDtype(const char *label, const kiln_npy_array_t *a,
                                kiln_dtype_t *out) {
  for (int i = 0; i < KILN_NUM_DTYPES; ++i) {
    const char *descr = kiln_dtype_npy_descr((kiln_dtype_t)i);
    if (descr && descr[1] == a->kind && atoi(descr + 2) == a->itemSize) {
      *out = (kiln_dtype_t)i;
      return KILN_OK;
    }
  }
  return fail(KILN_INVALID_ARGUMENT,
              "%s: dtype '%s' has no Kiln element type (save it as a signed "
              "integer or a float)",
              label, a->descr);
}

kiln_status_t kiln_npy_read(const char *path, kiln_tensor_t *out) {
  if (!path || !out)
    return fail(KILN_INVALID_ARGUMENT, "kiln_npy_read: null argument");
  memset(out, 0, sizeof *out);
  char label[LABEL_SIZE];
  snprintf(label, sizeof label, "'%s'", path);
  unsigned char *file;
  size_t size;
  kiln_status_t status = kiln_read_file(path, ".npy file", &file, &size);
  if (status != KILN_OK)
    return status;
  kiln_npy_array_t a;
  kiln_dtype_t dtype = KILN_F32;
  status = kiln_npy_parse(label, file, size, &a);
  if (status != KILN_OK) {
    /* A malformed header or body ("'PATH': why") reads as what it is:
     * "'PATH' is not a valid .npy file: why". */
    char why[512];
    snprintf(why, sizeof why, "%s", kiln_last_error());
    size_t n = strlen(label);
    if (strncmp(why, label, n) == 0 && strncmp(why + n, ": ", 2) == 0)
      fail(status, "%s is not a valid .npy file: %s", label, why + n + 2);
  }
  if (status == KILN_OK)
    status = arrayDtype(label, &a, &dtype);
  if (status == KILN_OK && a.rank > KILN_MAX_RANK)
    status = fail(KILN_INVALID_ARGUMENT, "%s: rank %d is over %d", label,
                  (int)a.rank, KILN_MAX_RANK);
  if (status != KILN_OK) {
    free(file);
    return status;
  }
  /* The data moves to the front of the file's buffer, which becomes the
   * tensor's: no second copy of a large array. */
  size_t bytes = (size_t)a.elements * (size_t)a.itemSize;
  size_t offset = (size_t)(a.data - file);
  memmove(file, file + offset, bytes);
  if (!littleEndianHost())
    for (size_t i = 0; a.itemSize > 1 && i < bytes; i += (size_t)a.itemSize)
      for (int j = 0; j < a.itemSize / 2; ++j) {
        unsigned char t = file[i + j];
        file[i + j] = file[i + a.itemSize - 1 - j];
        file[i + a.itemSize - 1 - j] = t;
      }
  unsigned char *data = realloc(file, bytes ? bytes : 1);
  out->dtype = (int32_t)dtype;
  out->rank = a.rank;
  for (int32_t i = 0; i < a.rank; ++i)
    out->dims[i] = a.shape[i];
  out->data = data ? data : file; /* a failed shrink keeps the buffer */
  return KILN_OK;
}

/* The header numpy.save writes for `t` (format 1.0), padded so that the
 * data starts at a multiple of 64 bytes; its length, or 0 when it does not
 * fit `buf`. */
static size_t npyHeader(char *buf, size_t size, const char *descr,
                        const kiln_tensor_t *t) {
  size_t n = (size_t)snprintf(buf, size,
                              "{'descr': '%s', 'fortran_order': False, "
                              "'shape': (",
                              descr);
  for (int32_t i = 0; i < t->rank && n < size; ++i)
    n += (size_t)snprintf(buf + n, size - n, "%s%lld", i ? ", " : "",
                          (long long)t->dims[i]);
  if (n < size)
    n += (size_t)snprintf(buf + n, size - n, "%s), }", t->rank == 1 ? "," : "");
  /* 10 bytes of magic, version and length come first; the header ends with
   * a newline. */
  size_t total = (10 + n + 1 + 63) / 64 * 64;
  if (total - 10 > size || total - 10 > 0xffff)
    return 0;
  memset(buf + n, ' ', total - 10 - 1 - n);
  buf[total - 10 - 1] = '\n';
  return total - 10;
}

kiln_status_t kiln_npy_write(const char *path, const kiln_tensor_t *t) {
  if (!path || !t)
    return fail(KILN_INVALID_ARGUMENT, "kiln_npy_write: null argument");
  const char *name = kiln_dtype_name((kiln_dtype_t)t->dtype);
  const char *descr = kiln_dtype_npy_descr((kiln_dtype_t)t->dtype);
  if (!name)
    return fail(KILN_INVALID_ARGUMENT,
                "cannot write '%s': unknown dtype code %d", path,
                (int)t->dtype);
  if (!descr)
    return fail(KILN_INVALID_ARGUMENT,
                "cannot write '%s': numpy has no dtype for %s", path, name);
  if (t->rank < 0 || t->rank > KILN_MAX_RANK)
    return fail(KILN_INVALID_ARGUMENT, "cannot write '%s': rank %d", path,
                (int)t->rank);
  size_t elements = 1;
  for (int32_t i = 0; i < t->rank; ++i) {
    if (t->dims[i] < 0)
      return fail(KILN_INVALID_ARGUMENT,
                  "cannot write '%s': dimension %d has size %lld", path, (int)i,
                  (long long)t->dims[i]);
    if (t->dims[i] && elements > SIZE_MAX / 16 / (size_t)t->dims[i])
      return fail(KILN_INVALID_ARGUMENT, "cannot write '%s': too many elements",
                  path);
    elements *= (size_t)t->dims[i];
  }
  size_t bytes = elements * kiln_dtype_size((kiln_dtype_t)t->dtype);
  if (bytes && !t->data)
    return fail(KILN_INVALID_ARGUMENT, "cannot write '%s': null data", path);
  char header[1024];
  char order[4] = {descr[0], descr[1], descr[2], 0};
  if (descr[0] == '<' && !littleEndianHost())
    order[0] = '>'; /* the bytes are written as they are in memory */
  size_t headerLen = npyHeader(header, sizeof header, order, t);
  if (!headerLen)
    return fail(KILN_INTERNAL, "cannot write '%s': header too long", path);
  unsigned char prefix[10] = {0x93,
                              'N',
                              'U',
                              'M',
                              'P',
                              'Y',
                              1,
                              0,
                              (unsigned char)(headerLen & 0xff),
                              (unsigned char)(headerLen >> 8)};

  /* A temporary file beside `path`, renamed over it once complete. It is
   * created with open(O_EXCL) rather than mkstemp so that the result gets
   * the permissions of any new file (mkstemp's are 0600). */
  size_t tempSize = strlen(path) + 48;
  char *temp = malloc(tempSize);
  if (!temp)
    return fail(KILN_OUT_OF_MEMORY, "cannot write '%s': out of memory", path);
  int fd = -1;
  for (int attempt = 0; fd < 0 && attempt < 1000; ++attempt) {
    snprintf(temp, tempSize, "%s.tmp.%ld.%d", path, (long)getpid(), attempt);
    fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST)
      break;
  }
  int error = fd < 0 ? errno : 0;
  FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
  if (fd >= 0 && !f)
    error = errno;
  int ok = f != NULL;
  ok = ok && fwrite(prefix, 1, sizeof prefix, f) == sizeof prefix &&
       fwrite(header, 1, headerLen, f) == headerLen &&
       (!bytes || fwrite(t->data, 1, bytes, f) == bytes);
  ok = ok && fflush(f) == 0;
  if (!ok && !error)
    error = errno;
  if (f) {
    int closed = fclose(f) == 0;
    if (ok && !closed)
      error = errno;
    ok = closed && ok;
  } else if (fd >= 0)
    close(fd);
  if (ok && rename(temp, path) != 0) {
    error = errno;
    ok = 0;
  }
  if (!ok && fd >= 0)
    unlink(temp);
  free(temp);
  if (!ok)
    return fail(KILN_IO_ERROR, "cannot write '%s': %s", path,
                error ? strerror(error) : "I/O error");
  return KILN_OK;
}
