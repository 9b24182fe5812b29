/*===- safetensors.c - reading .safetensors files -------------------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Every field of the file is checked before use: the header length against
 * the file size, each entry's dtype, shape and offsets against the model's
 * expectation and the data size. A malformed or mismatched file is an error
 * that names the file, the tensor and what is wrong.
 *
 *===---------------------------------------------------------------------===*/

#include "safetensors.h"

#include "json.h"
#include "model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void freeAll(kiln_loaded_tensor_t *out, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    free(out[i].data);
    out[i].data = NULL;
  }
}

kiln_status_t kiln_safetensors_read(const char *path,
                                    const kiln_tensor_info_t *wanted, size_t n,
                                    kiln_loaded_tensor_t *out) {
  return kiln_safetensors_read_optional(path, wanted, n, NULL, out);
}

kiln_status_t kiln_safetensors_read_optional(const char *path,
                                             const kiln_tensor_info_t *wanted,
                                             size_t n,
                                             const unsigned char *optional,
                                             kiln_loaded_tensor_t *out) {
  memset(out, 0, n * sizeof *out);
  unsigned char *bytes;
  size_t size;
  kiln_status_t status = kiln_read_file(path, "weights", &bytes, &size);
  if (status != KILN_OK)
    return status;
  status = kiln_safetensors_parse(path, (const char *)bytes, size, wanted, n,
                                  optional, out);
  free(bytes);
  return status;
}

kiln_status_t kiln_safetensors_parse(const char *path, const char *bytes,
                                     size_t fileSize,
                                     const kiln_tensor_info_t *wanted, size_t n,
                                     const unsigned char *optional,
                                     kiln_loaded_tensor_t *out) {
  memset(out, 0, n * sizeof *out);
  if (fileSize < 8)
    return kiln_runtime_fail(KILN_IO_ERROR,
                             "'%s' is not a safetensors file (too short)", path);
  unsigned long long headerLen = 0;
  for (int i = 7; i >= 0; --i)
    headerLen = headerLen << 8 | (unsigned char)bytes[i];
  if (headerLen > (unsigned long long)fileSize - 8 || headerLen > (1u << 27))
    return kiln_runtime_fail(KILN_IO_ERROR,
                             "'%s': header length %llu exceeds the file", path,
                             headerLen);
  size_t dataSize = fileSize - 8 - (size_t)headerLen;
  const char *header = bytes + 8, *data = bytes + 8 + headerLen;
  kiln_json_t *root = kiln_json_parse(header, (size_t)headerLen);
  kiln_status_t status = KILN_OK;
  if (!root || root->kind != KILN_JSON_OBJECT)
    status = kiln_runtime_fail(KILN_IO_ERROR,
                               "'%s': the header is not a JSON object", path);
  for (size_t i = 0; status == KILN_OK && i < n; ++i) {
    const kiln_tensor_info_t *w = &wanted[i];
    const kiln_json_t *entry = kiln_json_get(root, w->name);
    const kiln_json_t *dtype = kiln_json_get(entry, "dtype");
    const kiln_json_t *shape = kiln_json_get(entry, "shape");
    const kiln_json_t *offsets = kiln_json_get(entry, "data_offsets");
    if (!entry && optional && optional[i])
      continue;
    if (!entry) {
      status = kiln_runtime_fail(KILN_INVALID_ARGUMENT,
                                 "'%s' has no weight '%s'", path, w->name);
      break;
    }
    if (!dtype || dtype->kind != KILN_JSON_STRING || !shape ||
        shape->kind != KILN_JSON_ARRAY || !offsets ||
        offsets->kind != KILN_JSON_ARRAY || offsets->count != 2) {
      status = kiln_runtime_fail(KILN_IO_ERROR,
                                 "'%s': weight '%s' has a malformed entry",
                                 path, w->name);
      break;
    }
    const char *expected = kiln_dtype_safetensors_name(w->dtype);
    if (!expected || strcmp(dtype->string, expected) != 0) {
      status = kiln_runtime_fail(KILN_INVALID_ARGUMENT,
                                 "'%s': weight '%s' has dtype %s, the model "
                                 "expects %s",
                                 path, w->name, dtype->string,
                                 expected ? expected : "?");
      break;
    }
    int shapeOk = shape->count == (size_t)w->rank;
    size_t elements = 1;
    for (size_t d = 0; shapeOk && d < shape->count; ++d) {
      const kiln_json_t *dim = &shape->children[d];
      shapeOk = dim->kind == KILN_JSON_NUMBER && dim->number == w->dims[d];
      elements *= (size_t)w->dims[d];
    }
    if (!shapeOk) {
      char want[160] = "", *p = want;
      for (int32_t d = 0; d < w->rank; ++d)
        p += snprintf(p, sizeof want - (size_t)(p - want), "%s%lld",
                      d ? ", " : "", (long long)w->dims[d]);
      status = kiln_runtime_fail(KILN_INVALID_ARGUMENT,
                                 "'%s': weight '%s' has the wrong shape "
                                 "(the model expects [%s])",
                                 path, w->name, want);
      break;
    }
    double b = offsets->children[0].number, e = offsets->children[1].number;
    size_t bytes = elements * kiln_dtype_size(w->dtype);
    if (offsets->children[0].kind != KILN_JSON_NUMBER ||
        offsets->children[1].kind != KILN_JSON_NUMBER || b < 0 || e < b ||
        e > (double)dataSize || (size_t)(e - b) != bytes) {
      status = kiln_runtime_fail(KILN_IO_ERROR,
                                 "'%s': weight '%s' has data offsets outside "
                                 "the file or of the wrong size",
                                 path, w->name);
      break;
    }
    out[i].info = *w;
    out[i].bytes = bytes;
    out[i].data = aligned_alloc(64, (bytes + 63) / 64 * 64);
    if (!out[i].data) {
      status = kiln_runtime_fail(KILN_OUT_OF_MEMORY, "out of memory");
      break;
    }
    memcpy(out[i].data, data + (size_t)b, bytes);
  }
  kiln_json_free(root);
  if (status != KILN_OK)
    freeAll(out, n);
  return status;
}

kiln_status_t kiln_safetensors_write(const char *path,
                                     const kiln_tensor_info_t *infos,
                                     const void *const *data, size_t n) {
  /* The header: names in order, offsets packed, padded to 8 bytes. */
  size_t cap = 256 + n * 256, len = 0, offset = 0;
  char *header = malloc(cap);
  if (!header)
    return kiln_runtime_fail(KILN_OUT_OF_MEMORY, "save: out of memory");
  len += (size_t)snprintf(header, cap, "{\"__metadata__\":{\"format\":\"kiln\"}");
  for (size_t i = 0; i < n; ++i) {
    const kiln_tensor_info_t *t = &infos[i];
    size_t bytes = (size_t)kiln_tensor_elements(t, 1) * kiln_dtype_size(t->dtype);
    char dims[256] = "";
    size_t dl = 0;
    for (int32_t d = 0; d < t->rank; ++d)
      dl += (size_t)snprintf(dims + dl, sizeof dims - dl, "%s%lld", d ? "," : "",
                             (long long)t->dims[d]);
    len += (size_t)snprintf(header + len, cap - len,
                            ",\"%s\":{\"dtype\":\"%s\",\"shape\":[%s],"
                            "\"data_offsets\":[%zu,%zu]}",
                            t->name, kiln_dtype_safetensors_name(t->dtype),
                            dims, offset, offset + bytes);
    offset += bytes;
  }
  len += (size_t)snprintf(header + len, cap - len, "}");
  while (len % 8)
    header[len++] = ' ';
  /* A temporary file beside `path`, renamed over it once complete. */
  size_t pathLen = strlen(path);
  char *temp = malloc(pathLen + 16);
  if (!temp) {
    free(header);
    return kiln_runtime_fail(KILN_OUT_OF_MEMORY, "save: out of memory");
  }
  snprintf(temp, pathLen + 16, "%s.tmp.XXXXXX", path);
  int fd = mkstemp(temp);
  FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
  int ok = f != NULL;
  unsigned char lenBytes[8];
  for (int i = 0; i < 8; ++i)
    lenBytes[i] = (unsigned char)((unsigned long long)len >> (8 * i));
  ok = ok && fwrite(lenBytes, 1, 8, f) == 8 && fwrite(header, 1, len, f) == len;
  for (size_t i = 0; ok && i < n; ++i) {
    size_t bytes =
        (size_t)kiln_tensor_elements(&infos[i], 1) * kiln_dtype_size(infos[i].dtype);
    ok = fwrite(data[i], 1, bytes, f) == bytes;
  }
  ok = ok && fflush(f) == 0 && fsync(fileno(f)) == 0;
  if (f)
    ok = fclose(f) == 0 && ok;
  else if (fd >= 0)
    close(fd);
  ok = ok && rename(temp, path) == 0;
  free(header);
  if (!ok) {
    if (fd >= 0)
      unlink(temp);
    free(temp);
    return kiln_runtime_fail(KILN_IO_ERROR, "cannot write '%s'", path);
  }
  free(temp);
  return KILN_OK;
}
