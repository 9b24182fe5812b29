/*===- npz.c - .npz datasets (ZIP archives of .npy files) ------------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Reads numpy.savez and numpy.savez_compressed archives: the central
 * directory (no ZIP64, no multi-part archives), each entry stored or
 * deflated (inflate.c) and checked against its CRC-32, then parsed by the
 * one .npy parser (npy.c). Arrays are matched to the model's tensors by
 * name, else "x" and "y", else numpy's positional arr_0, arr_1, ...
 *
 *===---------------------------------------------------------------------===*/

#include "dataset_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define fail kiln_runtime_fail

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
      return kiln_prefix_error(status, prefix);
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

kiln_status_t kiln_dataset_read_npz(kiln_dataset_t *d, const char *path) {
  kiln_reader_t *r = calloc(1, sizeof *r);
  if (!r)
    return fail(KILN_OUT_OF_MEMORY, "out of memory");
  unsigned char *file;
  size_t size;
  zip_entry_t *entries = NULL;
  size_t numEntries = 0;
  kiln_status_t status = kiln_read_file(path, "dataset", &file, &size);
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
                    path, kiln_slot_name(d, t, name, sizeof name), names);
      break;
    }
    snprintf(r->labels[t], LABEL_SIZE, "'%s' array '%.*s'", path,
             (int)(z->nameLen - 4), z->name);
    const unsigned char *data = NULL;
    size_t n = 0;
    status = zipEntryData(r->labels[t], file, size, z, &data, &n, &r->owned[t]);
    if (status == KILN_OK)
      status = kiln_npy_parse(r->labels[t], data, n, &r->arrays[t]);
  }
  if (status == KILN_OK)
    status = kiln_dataset_load_arrays(d, r->arrays, r->labels);
  free(entries);
  kiln_reader_free(r);
  return status;
}
