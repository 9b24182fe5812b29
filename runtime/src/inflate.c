/*===- inflate.c - DEFLATE and gzip decoding ------------------------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * A DEFLATE decoder written from RFC 1951 (stored, fixed and dynamic
 * Huffman blocks) and the gzip member format of RFC 1952, so that the
 * runtime reads .csv.gz files and compressed .npz archives without zlib.
 *
 * The input is untrusted: every read is checked against the input size,
 * every Huffman code is checked for over-subscription (and incompleteness,
 * with zlib's exceptions), every distance against the bytes produced so far,
 * and the output grows geometrically up to a fixed limit. Malformed or
 * truncated data is a KILN_IO_ERROR whose message says what is wrong and at
 * which input byte.
 *
 *===---------------------------------------------------------------------===*/

#include "dataset.h"

#include <stdlib.h>
#include <string.h>

kiln_status_t kiln_runtime_fail(kiln_status_t status, const char *fmt, ...);

KILN_HIDDEN uint32_t kiln_crc32(const unsigned char *data, size_t size);
KILN_HIDDEN kiln_status_t kiln_gunzip(const unsigned char *in, size_t inSize,
                                      unsigned char **out, size_t *outSize);

/* No dataset needs more; a stream that claims more is hostile or broken. */
#define MAX_OUTPUT ((size_t)1 << (sizeof(size_t) >= 8 ? 40 : 30))

#define MAX_BITS 15          /* the longest Huffman code */
#define FAST_BITS 10         /* codes up to this length decode by table */
#define MAX_LITLEN_CODES 288 /* 286 used, 2 reserved in the fixed code */
#define MAX_DIST_CODES 32    /* 30 used, 2 reserved in the fixed code */

/*===---------------------------------------------------------------------===*
 * Input bits and output bytes
 *===---------------------------------------------------------------------===*/

typedef struct {
  const unsigned char *in;
  size_t inSize, pos; /* pos: the next byte to load into `bits` */
  uint64_t bits;      /* loaded, unconsumed bits, least significant first */
  unsigned count;     /* how many of `bits` are valid */
  unsigned char *out;
  size_t outSize, outCap;
  size_t start; /* where this stream's output begins (gzip members append) */
} inflate_state;

static void fillBits(inflate_state *s) {
  while (s->count <= 56 && s->pos < s->inSize) {
    s->bits |= (uint64_t)s->in[s->pos++] << s->count;
    s->count += 8;
  }
}

/* The input byte the decoder has reached, for messages. */
static size_t inputOffset(const inflate_state *s) {
  return s->pos - s->count / 8;
}

static kiln_status_t corrupt(const inflate_state *s, const char *what) {
  return kiln_runtime_fail(KILN_IO_ERROR,
                           "invalid deflate data: %s (at input byte %zu of "
                           "%zu)",
                           what, inputOffset(s), s->inSize);
}

static kiln_status_t truncated(const inflate_state *s) {
  return kiln_runtime_fail(KILN_IO_ERROR,
                           "invalid deflate data: the stream is truncated "
                           "(%zu bytes)",
                           s->inSize);
}

/* Reads `n` (<= 16) bits into *value. */
static kiln_status_t getBits(inflate_state *s, unsigned n, unsigned *value) {
  fillBits(s);
  *value = 0;
  if (s->count < n)
    return truncated(s);
  *value = (unsigned)(s->bits & ((1u << n) - 1));
  s->bits >>= n;
  s->count -= n;
  return KILN_OK;
}

/* Makes room for `n` more output bytes. */
static kiln_status_t reserve(inflate_state *s, size_t n) {
  if (n <= s->outCap - s->outSize)
    return KILN_OK;
  if (n > MAX_OUTPUT - s->outSize)
    return kiln_runtime_fail(KILN_IO_ERROR,
                             "invalid deflate data: the output exceeds %zu "
                             "bytes",
                             MAX_OUTPUT);
  size_t need = s->outSize + n;
  size_t cap = s->outCap ? s->outCap : 4096;
  while (cap < need)
    cap = cap > MAX_OUTPUT / 2 ? MAX_OUTPUT : cap * 2;
  unsigned char *grown = realloc(s->out, cap);
  if (!grown)
    return kiln_runtime_fail(KILN_OUT_OF_MEMORY,
                             "out of memory inflating %zu bytes", cap);
  s->out = grown;
  s->outCap = cap;
  return KILN_OK;
}

/*===---------------------------------------------------------------------===*
 * Canonical Huffman codes (RFC 1951 3.2.2)
 *===---------------------------------------------------------------------===*/

/* A code: `fast` maps the next FAST_BITS input bits (in stream order) to
 * symbol << 4 | length for codes that short (0: longer or invalid); longer
 * codes decode from `counts` and `symbols` (ordered by length, then by
 * symbol), one bit at a time. */
typedef struct {
  uint16_t fast[1u << FAST_BITS];
  uint16_t counts[MAX_BITS + 1];
  uint16_t symbols[MAX_LITLEN_CODES];
} huffman_t;

enum { CODE_LENGTHS, LITERALS, DISTANCES };

/* Builds `h` from code lengths; 0 when the lengths are not a valid code.
 * As zlib does, an incomplete code is allowed only for a single code of
 * length 1 in the literal and distance codes, and a distance code may be
 * empty (the block then holds only literals). */
static int buildHuffman(huffman_t *h, const unsigned char *lengths, unsigned n,
                        int kind) {
  memset(h->counts, 0, sizeof h->counts);
  memset(h->fast, 0, sizeof h->fast);
  for (unsigned i = 0; i < n; ++i)
    ++h->counts[lengths[i]];
  h->counts[0] = 0;
  unsigned maxLength = 0;
  for (unsigned len = 1; len <= MAX_BITS; ++len)
    if (h->counts[len])
      maxLength = len;
  if (maxLength == 0)
    return kind == DISTANCES;
  int left = 1;
  for (unsigned len = 1; len <= MAX_BITS; ++len) {
    left = left * 2 - h->counts[len];
    if (left < 0)
      return 0; /* over-subscribed */
  }
  if (left > 0 && (kind == CODE_LENGTHS || maxLength != 1))
    return 0; /* incomplete */

  uint16_t offsets[MAX_BITS + 2];
  uint32_t next[MAX_BITS + 1];
  offsets[1] = 0;
  next[0] = 0;
  for (unsigned len = 1; len <= MAX_BITS; ++len) {
    offsets[len + 1] = (uint16_t)(offsets[len] + h->counts[len]);
    next[len] = (next[len - 1] + h->counts[len - 1]) << 1;
  }
  for (unsigned sym = 0; sym < n; ++sym) {
    unsigned len = lengths[sym];
    if (!len)
      continue;
    h->symbols[offsets[len]++] = (uint16_t)sym;
    uint32_t code = next[len]++;
    if (len > FAST_BITS)
      continue;
    /* Codes are sent most significant bit first; the table is indexed by
     * the bits in arrival order, so by the reversed code. */
    uint32_t reversed = 0;
    for (unsigned b = 0; b < len; ++b)
      reversed |= ((code >> b) & 1u) << (len - 1 - b);
    for (uint32_t j = reversed; j < (1u << FAST_BITS); j += 1u << len)
      h->fast[j] = (uint16_t)(sym << 4 | len);
  }
  return 1;
}

/* Decodes one symbol; -1 after recording an error. */
static int decodeSymbol(inflate_state *s, const huffman_t *h) {
  fillBits(s);
  unsigned entry = h->fast[s->bits & ((1u << FAST_BITS) - 1)];
  if (entry) {
    unsigned len = entry & 15;
    /* Missing input reads as zero bits; a code that needs them is cut off. */
    if (len > s->count)
      return truncated(s), -1;
    s->bits >>= len;
    s->count -= len;
    return (int)(entry >> 4);
  }
  int code = 0, first = 0, index = 0;
  for (unsigned len = 1; len <= MAX_BITS; ++len) {
    code |= (int)((s->bits >> (len - 1)) & 1u);
    int n = h->counts[len];
    if (code - first < n) {
      if (len > s->count)
        return truncated(s), -1;
      s->bits >>= len;
      s->count -= len;
      return h->symbols[index + code - first];
    }
    index += n;
    first = (first + n) << 1;
    code <<= 1;
  }
  if (s->count < MAX_BITS && s->pos >= s->inSize)
    return truncated(s), -1;
  return corrupt(s, "invalid Huffman code"), -1;
}

/*===---------------------------------------------------------------------===*
 * Blocks
 *===---------------------------------------------------------------------===*/

static const uint16_t lengthBase[29] = {
    3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
    31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t lengthExtra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1,
                                        1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
                                        4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t distBase[30] = {
    1,    2,    3,    4,    5,    7,    9,    13,    17,    25,
    33,   49,   65,   97,   129,  193,  257,  385,   513,   769,
    1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t distExtra[30] = {0, 0, 0,  0,  1,  1,  2,  2,  3,  3,
                                      4, 4, 5,  5,  6,  6,  7,  7,  8,  8,
                                      9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

static kiln_status_t storedBlock(inflate_state *s) {
  /* Skip to a byte boundary, then give the whole buffered bytes back. */
  s->bits >>= s->count & 7;
  s->count &= ~7u;
  s->pos -= s->count / 8;
  s->bits = 0;
  s->count = 0;
  if (s->inSize - s->pos < 4)
    return truncated(s);
  const unsigned char *p = s->in + s->pos;
  unsigned len = p[0] | (unsigned)p[1] << 8;
  unsigned nlen = p[2] | (unsigned)p[3] << 8;
  if (len != (~nlen & 0xffffu))
    return corrupt(s, "stored block length does not match its complement");
  s->pos += 4;
  if (len > s->inSize - s->pos)
    return truncated(s);
  kiln_status_t status = reserve(s, len);
  if (status != KILN_OK)
    return status;
  if (len)
    memcpy(s->out + s->outSize, s->in + s->pos, len);
  s->outSize += len;
  s->pos += len;
  return KILN_OK;
}

static kiln_status_t huffmanBlock(inflate_state *s, const huffman_t *litlen,
                                  const huffman_t *dist) {
  for (;;) {
    int sym = decodeSymbol(s, litlen);
    if (sym < 0)
      return KILN_IO_ERROR;
    if (sym < 256) {
      kiln_status_t status = reserve(s, 1);
      if (status != KILN_OK)
        return status;
      s->out[s->outSize++] = (unsigned char)sym;
      continue;
    }
    if (sym == 256)
      return KILN_OK;
    sym -= 257;
    if (sym >= 29)
      return corrupt(s, "invalid length symbol");
    unsigned extra, length, distance;
    kiln_status_t status = getBits(s, lengthExtra[sym], &extra);
    if (status != KILN_OK)
      return status;
    length = lengthBase[sym] + extra;
    int dsym = decodeSymbol(s, dist);
    if (dsym < 0)
      return KILN_IO_ERROR;
    if (dsym >= 30)
      return corrupt(s, "invalid distance symbol");
    if ((status = getBits(s, distExtra[dsym], &extra)) != KILN_OK)
      return status;
    distance = distBase[dsym] + extra;
    if (distance > s->outSize - s->start)
      return corrupt(s, "distance too far back");
    if ((status = reserve(s, length)) != KILN_OK)
      return status;
    /* Byte by byte: the source may overlap the bytes being written. */
    unsigned char *to = s->out + s->outSize;
    const unsigned char *from = to - distance;
    for (unsigned i = 0; i < length; ++i)
      to[i] = from[i];
    s->outSize += length;
  }
}

static kiln_status_t fixedBlock(inflate_state *s) {
  unsigned char lengths[MAX_LITLEN_CODES + MAX_DIST_CODES];
  memset(lengths, 8, 144);
  memset(lengths + 144, 9, 112);
  memset(lengths + 256, 7, 24);
  memset(lengths + 280, 8, 8);
  memset(lengths + MAX_LITLEN_CODES, 5, MAX_DIST_CODES);
  huffman_t litlen, dist;
  /* The fixed codes are complete by construction. */
  buildHuffman(&litlen, lengths, MAX_LITLEN_CODES, LITERALS);
  buildHuffman(&dist, lengths + MAX_LITLEN_CODES, MAX_DIST_CODES, DISTANCES);
  return huffmanBlock(s, &litlen, &dist);
}

static kiln_status_t dynamicBlock(inflate_state *s) {
  static const uint8_t order[19] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                    11, 4,  12, 3, 13, 2, 14, 1, 15};
  unsigned hlit, hdist, hclen;
  kiln_status_t status;
  if ((status = getBits(s, 5, &hlit)) != KILN_OK ||
      (status = getBits(s, 5, &hdist)) != KILN_OK ||
      (status = getBits(s, 4, &hclen)) != KILN_OK)
    return status;
  hlit += 257;
  hdist += 1;
  hclen += 4;
  if (hlit > 286 || hdist > 30)
    return corrupt(s, "too many length or distance codes");

  unsigned char lengths[MAX_LITLEN_CODES + MAX_DIST_CODES];
  memset(lengths, 0, sizeof lengths);
  for (unsigned i = 0; i < hclen; ++i) {
    unsigned len;
    if ((status = getBits(s, 3, &len)) != KILN_OK)
      return status;
    lengths[order[i]] = (unsigned char)len;
  }
  huffman_t litlen, dist;
  if (!buildHuffman(&litlen, lengths, 19, CODE_LENGTHS))
    return corrupt(s, "invalid code lengths code");

  memset(lengths, 0, sizeof lengths);
  for (unsigned i = 0; i < hlit + hdist;) {
    int sym = decodeSymbol(s, &litlen);
    if (sym < 0)
      return KILN_IO_ERROR;
    if (sym < 16) {
      lengths[i++] = (unsigned char)sym;
      continue;
    }
    unsigned repeat, value = 0;
    if (sym == 16) {
      if (i == 0)
        return corrupt(s, "a repeated code length with no previous length");
      value = lengths[i - 1];
      status = getBits(s, 2, &repeat);
      repeat += 3;
    } else if (sym == 17) {
      status = getBits(s, 3, &repeat);
      repeat += 3;
    } else {
      status = getBits(s, 7, &repeat);
      repeat += 11;
    }
    if (status != KILN_OK)
      return status;
    if (repeat > hlit + hdist - i)
      return corrupt(s, "code lengths repeat past the last code");
    memset(lengths + i, (int)value, repeat);
    i += repeat;
  }
  if (lengths[256] == 0)
    return corrupt(s, "no end-of-block code");
  if (!buildHuffman(&litlen, lengths, hlit, LITERALS))
    return corrupt(s, "invalid literal/length code");
  if (!buildHuffman(&dist, lengths + hlit, hdist, DISTANCES))
    return corrupt(s, "invalid distance code");
  return huffmanBlock(s, &litlen, &dist);
}

/* Inflates one stream, appending to s->out; s->pos ends past its last
 * byte (the rest of the input is the caller's, e.g. a gzip trailer). */
static kiln_status_t inflateStream(inflate_state *s) {
  s->start = s->outSize;
  unsigned last = 0;
  while (!last) {
    unsigned type;
    kiln_status_t status;
    if ((status = getBits(s, 1, &last)) != KILN_OK ||
        (status = getBits(s, 2, &type)) != KILN_OK)
      return status;
    if (type == 0)
      status = storedBlock(s);
    else if (type == 1)
      status = fixedBlock(s);
    else if (type == 2)
      status = dynamicBlock(s);
    else
      status = corrupt(s, "invalid block type 3");
    if (status != KILN_OK)
      return status;
  }
  /* Hand back the whole bytes loaded but not consumed. */
  s->pos -= s->count / 8;
  s->bits = 0;
  s->count = 0;
  return KILN_OK;
}

/* Hands the output to the caller (never NULL on success). */
static kiln_status_t finish(inflate_state *s, kiln_status_t status,
                            unsigned char **out, size_t *outSize) {
  if (status == KILN_OK && !s->out && !(s->out = malloc(1)))
    status = kiln_runtime_fail(KILN_OUT_OF_MEMORY, "out of memory");
  if (status != KILN_OK) {
    free(s->out);
    return status;
  }
  *out = s->out;
  *outSize = s->outSize;
  return KILN_OK;
}

kiln_status_t kiln_inflate(const unsigned char *in, size_t inSize,
                           unsigned char **out, size_t *outSize) {
  if (!out || !outSize || (!in && inSize))
    return kiln_runtime_fail(KILN_INVALID_ARGUMENT, "inflate: null argument");
  *out = NULL;
  *outSize = 0;
  inflate_state s;
  memset(&s, 0, sizeof s);
  s.in = in;
  s.inSize = inSize;
  return finish(&s, inflateStream(&s), out, outSize);
}

/*===---------------------------------------------------------------------===*
 * gzip (RFC 1952)
 *===---------------------------------------------------------------------===*/

uint32_t kiln_crc32(const unsigned char *data, size_t size) {
  uint32_t table[256];
  for (uint32_t n = 0; n < 256; ++n) {
    uint32_t c = n;
    for (int k = 0; k < 8; ++k)
      c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  uint32_t crc = 0xffffffffu;
  for (size_t i = 0; i < size; ++i)
    crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return crc ^ 0xffffffffu;
}

static uint32_t le32(const unsigned char *p) {
  return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

static kiln_status_t badGzip(size_t offset, const char *what) {
  return kiln_runtime_fail(KILN_IO_ERROR, "invalid gzip data: %s (at byte %zu)",
                           what, offset);
}

/* Skips a zero-terminated header field starting at *pos. */
static int skipString(const unsigned char *in, size_t size, size_t *pos) {
  const void *end = memchr(in + *pos, 0, size - *pos);
  if (!end)
    return 0;
  *pos = (size_t)((const unsigned char *)end - in) + 1;
  return 1;
}

/* Reads one member at s->pos, appending its data to s->out. */
static kiln_status_t gzipMember(inflate_state *s) {
  enum { FTEXT = 1, FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16 };
  const unsigned char *in = s->in;
  size_t size = s->inSize, begin = s->pos, pos = begin;
  if (size - pos < 10)
    return badGzip(pos, "truncated header");
  if (in[pos] != 0x1f || in[pos + 1] != 0x8b)
    return badGzip(pos, "not a gzip member (bad magic bytes)");
  if (in[pos + 2] != 8)
    return badGzip(pos, "unknown compression method");
  unsigned flags = in[pos + 3];
  if (flags & 0xe0)
    return badGzip(pos, "reserved header flags are set");
  pos += 10;
  if (flags & FEXTRA) {
    if (size - pos < 2)
      return badGzip(pos, "truncated extra field");
    size_t xlen = in[pos] | (size_t)in[pos + 1] << 8;
    pos += 2;
    if (size - pos < xlen)
      return badGzip(pos, "truncated extra field");
    pos += xlen;
  }
  if ((flags & FNAME) && !skipString(in, size, &pos))
    return badGzip(pos, "unterminated file name");
  if ((flags & FCOMMENT) && !skipString(in, size, &pos))
    return badGzip(pos, "unterminated comment");
  if (flags & FHCRC) {
    if (size - pos < 2)
      return badGzip(pos, "truncated header checksum");
    unsigned want = in[pos] | (unsigned)in[pos + 1] << 8;
    if ((kiln_crc32(in + begin, pos - begin) & 0xffffu) != want)
      return badGzip(pos, "header checksum mismatch");
    pos += 2;
  }
  s->pos = pos;
  kiln_status_t status = inflateStream(s);
  if (status != KILN_OK)
    return status;
  if (size - s->pos < 8)
    return badGzip(s->pos, "truncated trailer (missing CRC-32 and size)");
  size_t produced = s->outSize - s->start;
  if (le32(in + s->pos) != kiln_crc32(s->out + s->start, produced))
    return badGzip(s->pos, "CRC-32 mismatch, the data is corrupted");
  if (le32(in + s->pos + 4) != (uint32_t)produced)
    return badGzip(s->pos + 4, "uncompressed size mismatch");
  s->pos += 8;
  return KILN_OK;
}

kiln_status_t kiln_gunzip(const unsigned char *in, size_t inSize,
                          unsigned char **out, size_t *outSize) {
  if (!out || !outSize || (!in && inSize))
    return kiln_runtime_fail(KILN_INVALID_ARGUMENT, "gunzip: null argument");
  *out = NULL;
  *outSize = 0;
  inflate_state s;
  memset(&s, 0, sizeof s);
  s.in = in;
  s.inSize = inSize;
  kiln_status_t status = gzipMember(&s);
  /* Concatenated members form one file; zero bytes after the last one
   * (padding some tools add) are ignored, anything else is an error. */
  while (status == KILN_OK && s.pos < inSize) {
    if (in[s.pos] == 0x1f) {
      status = gzipMember(&s);
      continue;
    }
    size_t i = s.pos;
    while (i < inSize && in[i] == 0)
      ++i;
    if (i != inSize)
      status = badGzip(s.pos, "trailing data after the last member");
    break;
  }
  return finish(&s, status, out, outSize);
}
