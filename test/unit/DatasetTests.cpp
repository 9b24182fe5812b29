//===- DatasetTests.cpp - the runtime's dataset readers and inflate ------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Reads CSV, .csv.gz, .npy and .npz files through the runtime's C API and
// compares every value with what Python wrote. A generator script (below)
// writes the files with numpy, gzip, zlib and zipfile into a temporary
// directory, together with the expected values as raw little-endian
// binaries; CSV files for the error cases are written here. Also checks
// inflate against zlib at every level and strategy, and that random
// mutations and truncations of a stream are errors and never crashes.
// Tests that need the generated files skip when Python with numpy is
// missing.
//
//===----------------------------------------------------------------------===//

#include "RuntimeTestSupport.h"

namespace kiln_test {

//===----------------------------------------------------------------------===//
// The generator
//===----------------------------------------------------------------------===//

/// Writes every input file and its expected values into argv[1]. Expected
/// values are the arrays numpy converts to the target dtype (`.astype`),
/// written with `tobytes()`.
extern const char *const kGenerator;
const char *const kGenerator = R"PY(
import gzip, io, os, struct, sys, zipfile, zlib
import numpy as np

os.chdir(sys.argv[1])
rng = np.random.default_rng(1234)

def raw(name, a):
    with open(name, 'wb') as f:
        f.write(np.ascontiguousarray(a).tobytes())

def put(name, data):
    with open(name, 'wb') as f:
        f.write(data)

def deflate(data, level, strategy=zlib.Z_DEFAULT_STRATEGY, wbits=-15):
    c = zlib.compressobj(level, zlib.DEFLATED, wbits, 9, strategy)
    return c.compress(data) + c.flush()

# --- CSV, gzip-compressed: 3000 rows of an 8x8x1 image and a label ------
n = 3000
x = np.round(rng.normal(size=(n, 64)) * 10, rng.integers(0, 6))
x[5, 3] = float('nan')
x[6, 0] = float('inf')
x[7, 1] = -2.5e-3
y = rng.integers(0, 10, size=n)
head = ','.join(['p%d' % i for i in range(64)] + ['label']) + '\n'
rows = ''.join(','.join(repr(float(v)) for v in x[i]) + ',%d\n' % y[i]
               for i in range(n))
text = (head + rows).encode()
raw('big.x.f32', x.astype(np.float32))
raw('big.y.i64', y.astype(np.int64))
for level in (0, 1, 6, 9):
    put('big%d.csv.gz' % level, gzip.compress(text, compresslevel=level))

# Members with every optional header field, concatenated, zero padding.
def member(data, level):
    flags = 0x02 | 0x04 | 0x08 | 0x10
    h = b'\x1f\x8b\x08' + bytes([flags]) + struct.pack('<I', 0) + b'\x00\xff'
    h += struct.pack('<H', 5) + b'extra'
    h += b'data.csv\x00a comment\x00'
    h += struct.pack('<H', zlib.crc32(h) & 0xffff)
    return (h + deflate(data, level) +
            struct.pack('<II', zlib.crc32(data), len(data) & 0xffffffff))
cut = len(text) // 3 + 17  # mid-line: members join byte-wise
put('flags.csv.gz', member(text[:cut], 9) + member(text[cut:], 0) + b'\0' * 8)

good = open('big6.csv.gz', 'rb').read()
bad = bytearray(good)
bad[len(bad) // 2] ^= 0x55
put('corrupt.csv.gz', bytes(bad))
put('trunc.csv.gz', good[:len(good) // 2])
bad = bytearray(good)
bad[-6] ^= 1  # inside the CRC-32
put('badcrc.csv.gz', bytes(bad))

# --- raw DEFLATE streams -------------------------------------------------
chunk = rng.integers(0, 256, size=700).astype(np.uint8).tobytes()
samples = [
    text[:200000],
    rng.integers(0, 256, size=150000).astype(np.uint8).tobytes(),
    chunk * 120 + b'\0' * 70000 + chunk[::-1] * 50,
    b'',
    b'a',
]
k = 0
for data in samples:
    variants = [deflate(data, lvl) for lvl in (0, 1, 6, 9)]
    variants += [deflate(data, 6, s)
                 for s in (zlib.Z_FIXED, zlib.Z_HUFFMAN_ONLY, zlib.Z_RLE,
                           zlib.Z_FILTERED)]
    variants.append(deflate(data, 9, wbits=-9))
    for v in variants:
        put('deflate_%d.raw' % k, v)
        put('deflate_%d.bin' % k, data)
        k += 1
put('deflate.count', b'%d' % k)
put('fuzz.raw', deflate(text[:30000], 6))
put('fuzz.bin', text[:30000])
put('fuzz.gz', gzip.compress(text[:30000]))

# --- .npy: every source dtype into every target dtype ---------------------
sources = ['<f2', '<f4', '<f8', '|i1', '<i2', '<i4', '<i8', '|u1', '<u2',
           '<u4', '<u8', '|b1']
targets = {'f32': np.float32, 'f64': np.float64, 'f16': np.float16,
           'i8': np.int8, 'i16': np.int16, 'i32': np.int32, 'i64': np.int64}
for k, s in enumerate(sources):
    dt = np.dtype(s)
    hi = 2 if dt.kind == 'b' else 121
    v = rng.integers(0, hi, size=(50, 6)).astype(dt)
    np.save('int_%d.npy' % k, v)
    for t, npt in targets.items():
        raw('int_%d.%s' % (k, t), v.astype(npt))
    b = rng.integers(0, 2, size=(50, 6)).astype(dt)
    np.save('bool_%d.npy' % k, b)
    raw('bool_%d.i1' % k, b.astype(np.uint8))
    if dt.kind == 'f':
        f = rng.normal(size=(50, 6)) * 1000.0
        f[0, :6] = [np.inf, -0.0, 1e-6, 70000.0, -3e-8, 65519.0]
        f[1, :4] = [2.0**-24 * 1.5, 2.0**-25, 2.0**-14 * 0.999, 1e-300]
        f = f.astype(dt)
        np.save('frac_%d.npy' % k, f)
        for t in ('f32', 'f64', 'f16'):
            raw('frac_%d.%s' % (k, t), f.astype(targets[t]))
        if s == '<f4':
            u = f.view(np.uint32).astype(np.uint64)
            raw('frac_%d.bf16' % k,
                ((u + 0x7fff + ((u >> 16) & 1)) >> 16).astype(np.uint16))
put('npy.count', b'%d' % len(sources))

big = np.array([[2**62 + 1], [-2**62 - 3], [2**53 + 1], [-1]], dtype=np.int64)
np.save('bigint.npy', big)
np.save('bigu.npy', np.array([2**64 - 1, 1], dtype=np.uint64))

# --- .npy shapes and malformed files -------------------------------------
img = rng.normal(size=(20, 8, 8, 1))
np.save('img4.npy', img.astype(np.float32))
np.save('img2.npy', img.reshape(20, 64))
raw('img.f32', img.astype(np.float32))
lab = rng.integers(0, 10, size=20)
np.save('y20.npy', lab.astype(np.int8))
np.save('y20c.npy', lab.reshape(20, 1).astype(np.uint16))
raw('y20.i32', lab.astype(np.int32))
np.save('y19.npy', lab[:19])
np.save('bad.npy', np.zeros((100, 63), np.float32))
np.save('empty.npy', np.zeros((0, 64), np.float32))
np.save('emptyy.npy', np.zeros((0,), np.int64))
with open('v2.npy', 'wb') as f:
    np.lib.format.write_array(f, img.astype(np.float32), version=(2, 0))
with open('v3.npy', 'wb') as f:
    np.lib.format.write_array(f, img.astype(np.float32), version=(3, 0))
np.save('be.npy', img.astype('>f4'))
np.save('fortran.npy', np.asfortranarray(rng.normal(size=(5, 4))))
np.save('fortran1.npy', np.asfortranarray(np.arange(6.0).reshape(6, 1)))
np.save('obj.npy', np.array([1, 'a'], dtype=object), allow_pickle=True)
np.save('str.npy', np.array(['ab', 'cd']))
np.save('yfrac.npy', np.array([1.0, 2.0, 2.5, 3.0]))
np.save('x4.npy', np.zeros((4, 3), np.float32))
good = open('img4.npy', 'rb').read()
put('trunc.npy', good[:-10])
put('shorthead.npy', good[:9])

# --- kiln_npy_read and kiln_npy_write -------------------------------------
np.save('rw_f32.npy', (np.arange(24, dtype=np.float32) * 0.5 - 3).reshape(2, 3, 4))
np.save('rw_bool.npy', np.array([True, False, True]))
np.save('rw_scalar.npy', np.array(2.5))
np.save('rw_i16.npy', np.array([[-7, 300]], dtype=np.int16))
# What kiln_npy_write must write, byte for byte (see NpyWriteMatchesNumpy).
np.save('ref_f32.npy', (np.arange(6, dtype=np.float32) * 1.5 - 1).reshape(2, 3))
np.save('ref_i64.npy', np.array([-1, 0, 2**40, 7], dtype=np.int64))
np.save('ref_bool.npy', np.array([True, False, True]))
np.save('ref_f64.npy', np.array(2.5))
np.save('ref_i8.npy', np.zeros((0, 3), dtype=np.int8))

# --- .npz ---------------------------------------------------------------
X = rng.normal(size=(30, 8, 8, 1)).astype(np.float32)
X2 = rng.integers(-50, 50, size=(30, 5)).astype(np.int16)
Y = rng.integers(0, 10, size=30)
raw('npz.x.f32', X)
raw('npz.x2.f64', X2.astype(np.float64))
raw('npz.y.i32', Y.astype(np.int32))
np.savez('named.npz', image=X, label=Y)
np.savez_compressed('named_c.npz', image=X, label=Y)
np.savez('xy.npz', x=X, y=Y)
np.savez_compressed('xy_c.npz', x=X, y=Y)
np.savez('pos.npz', X, Y)
np.savez_compressed('pos_c.npz', X, Y)
np.savez_compressed('three.npz', X, X2, Y)
np.savez('missing.npz', a=X, b=Y)
np.savez('count.npz', x=X, y=Y[:29])
for level in (0, 1, 9):
    with zipfile.ZipFile('lvl%d.npz' % level, 'w', zipfile.ZIP_DEFLATED,
                         compresslevel=level) as z:
        for key, a in (('x', X), ('y', Y)):
            buf = io.BytesIO()
            np.save(buf, a)
            z.writestr(key + '.npy', buf.getvalue())
bx = np.round(rng.normal(size=(4000, 64)), 2).astype(np.float32)
bx[1000:1400] = bx[200:600]
by = np.repeat(np.arange(40), 100).astype(np.int64)
np.savez_compressed('big_c.npz', x=bx, y=by)
raw('big_c.x.f32', bx)
raw('big_c.y.i64', by)
good = open('xy_c.npz', 'rb').read()
bad = bytearray(good)
bad[len(bad) // 3] ^= 0x10
put('corrupt.npz', bytes(bad))
put('trunc.npz', good[:len(good) // 2])
bad = bytearray(open('xy.npz', 'rb').read())
eocd = bad.rfind(b'PK\x05\x06')
bad[eocd + 8:eocd + 12] = b'\xff\xff\xff\xff'  # entry counts: ZIP64's mark
put('zip64.npz', bytes(bad))
with zipfile.ZipFile('bzip2.npz', 'w', zipfile.ZIP_BZIP2) as z:
    for key, a in (('x', X), ('y', Y)):
        buf = io.BytesIO()
        np.save(buf, a)
        z.writestr(key + '.npy', buf.getvalue())
)PY";

//===----------------------------------------------------------------------===//

} // namespace kiln_test

using namespace kiln_test;

namespace {


TEST_F(DatasetTest, CsvWithHeader) {
  writeText("h.csv", "a,b,c,label\n1,2,3,0\n-4.5,5e2,6,1\n7,8,9,2\n");
  auto x = info("x", KILN_F32, {-1, 3});
  auto y = info("y", KILN_I32, {-1});
  DatasetPtr d;
  ASSERT_EQ(read({x}, {y}, "h.csv", nullptr, d), KILN_OK) << lastError();
  ASSERT_EQ(kiln_dataset_count(d.get()), 3);
  const float *xs = static_cast<const float *>(d->inputData[0]);
  const int32_t *ys = static_cast<const int32_t *>(d->targetData[0]);
  const float wantX[] = {1, 2, 3, -4.5f, 500, 6, 7, 8, 9};
  for (int i = 0; i < 9; ++i)
    EXPECT_EQ(xs[i], wantX[i]) << i;
  EXPECT_EQ(ys[0], 0);
  EXPECT_EQ(ys[1], 1);
  EXPECT_EQ(ys[2], 2);
}

TEST_F(DatasetTest, CsvWithoutHeaderCrlfAndWhitespace) {
  writeText("c.csv", "\r\n 1 , -2.5e-3,\tnan ,3\r\n\r\n   \r\n"
                     "inf,-inf, +0.25 ,\"4\"\r\n4,5,6,1e1");
  auto x = info("x", KILN_F64, {-1, 3});
  auto y = info("y", KILN_I64, {-1, 1});
  DatasetPtr d;
  ASSERT_EQ(read({x}, {y}, "c.csv", nullptr, d), KILN_OK) << lastError();
  ASSERT_EQ(d->count, 3);
  const double *xs = static_cast<const double *>(d->inputData[0]);
  const int64_t *ys = static_cast<const int64_t *>(d->targetData[0]);
  EXPECT_EQ(xs[0], 1.0);
  EXPECT_EQ(xs[1], -2.5e-3);
  EXPECT_TRUE(std::isnan(xs[2]));
  EXPECT_EQ(xs[3], INFINITY);
  EXPECT_EQ(xs[4], -INFINITY);
  EXPECT_EQ(xs[5], 0.25);
  EXPECT_EQ(xs[8], 6.0);
  EXPECT_EQ(ys[0], 3);
  EXPECT_EQ(ys[1], 4);
  EXPECT_EQ(ys[2], 10);
}

TEST_F(DatasetTest, CsvWrongValueCount) {
  std::string text;
  for (int line = 1; line <= 8; ++line) {
    int values = line == 7 ? 66 : 65;
    for (int v = 0; v < values; ++v)
      text += std::to_string(v % 10) + (v + 1 < values ? "," : "\n");
  }
  writeText("count.csv", text);
  auto x = info("x", KILN_F32, {-1, 8, 8, 1});
  auto y = info("y", KILN_I32, {-1});
  DatasetPtr d;
  EXPECT_EQ(read({x}, {y}, "count.csv", nullptr, d), KILN_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(), "'" + path("count.csv") +
                             "' line 7: 66 values, expected 65 (64 for input "
                             "'x' [8, 8, 1], 1 for target 'y')");
}

TEST_F(DatasetTest, CsvBadFields) {
  auto x = info("x", KILN_F32, {-1, 2});
  auto y = info("y", KILN_I32, {-1});
  DatasetPtr d;
  writeText("word.csv", "1,2,3\n4,abc,6\n");
  EXPECT_EQ(read({x}, {y}, "word.csv", nullptr, d), KILN_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("word.csv' line 2, column 2: 'abc' is not a "
                             "number"),
            std::string::npos)
      << lastError();

  writeText("frac.csv", "x0,x1,y\n1,2,3\n4,5,2.5\n");
  EXPECT_EQ(read({x}, {y}, "frac.csv", nullptr, d), KILN_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("frac.csv' line 3, column 3: 2.5 is not an "
                             "integer (target 'y' is i32)"),
            std::string::npos)
      << lastError();

  writeText("empty-field.csv", "1,,3\n");
  EXPECT_EQ(read({x}, {y}, "empty-field.csv", nullptr, d),
            KILN_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("line 1, column 2: empty value"),
            std::string::npos)
      << lastError();

  auto small = info("y", KILN_I8, {-1});
  writeText("range.csv", "1,2,300\n");
  EXPECT_EQ(read({x}, {small}, "range.csv", nullptr, d), KILN_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("300 is out of range (target 'y' is i8)"),
            std::string::npos)
      << lastError();

  writeText("header-only.csv", "a,b,c\n\n");
  EXPECT_EQ(read({x}, {y}, "header-only.csv", nullptr, d),
            KILN_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("no examples"), std::string::npos) << lastError();

  EXPECT_EQ(read({x}, {y}, "missing.csv", nullptr, d), KILN_IO_ERROR);
  EXPECT_EQ(read({x}, {y}, "h.txt", nullptr, d), KILN_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("unknown dataset format"), std::string::npos);
  writeText("t.csv", "1,2,3\n");
  EXPECT_EQ(read({x}, {y}, "t.csv", "t.csv", d), KILN_INVALID_ARGUMENT);
}

TEST_F(DatasetTest, CsvGzipAtEveryLevel) {
  REQUIRE_GENERATED();
  auto x = info("x", KILN_F32, {-1, 8, 8, 1});
  auto y = info("y", KILN_I64, {-1});
  for (const char *file : {"big0.csv.gz", "big1.csv.gz", "big6.csv.gz",
                           "big9.csv.gz", "flags.csv.gz"}) {
    SCOPED_TRACE(file);
    DatasetPtr d;
    ASSERT_EQ(read({x}, {y}, file, nullptr, d), KILN_OK) << lastError();
    ASSERT_EQ(d->count, 3000);
    expectBytes(d->inputData[0], x, d->count, "big.x.f32");
    expectBytes(d->targetData[0], y, d->count, "big.y.i64");
  }
}

TEST_F(DatasetTest, CorruptGzipIsAnError) {
  REQUIRE_GENERATED();
  auto x = info("x", KILN_F32, {-1, 8, 8, 1});
  auto y = info("y", KILN_I64, {-1});
  for (const char *file : {"corrupt.csv.gz", "trunc.csv.gz", "badcrc.csv.gz"}) {
    DatasetPtr d;
    EXPECT_EQ(read({x}, {y}, file, nullptr, d), KILN_IO_ERROR) << file;
    EXPECT_EQ(lastError().rfind("'" + path(file) + "': invalid ", 0), 0u)
        << lastError();
  }
  DatasetPtr d;
  read({x}, {y}, "badcrc.csv.gz", nullptr, d);
  EXPECT_NE(lastError().find("CRC-32 mismatch"), std::string::npos)
      << lastError();
}

//===----------------------------------------------------------------------===//
// inflate and gunzip
//===----------------------------------------------------------------------===//

TEST_F(DatasetTest, InflateMatchesZlib) {
  REQUIRE_GENERATED();
  std::vector<char> countText = readBytes(path("deflate.count"));
  int count =
      std::atoi(std::string(countText.begin(), countText.end()).c_str());
  ASSERT_GT(count, 40);
  for (int k = 0; k < count; ++k) {
    std::vector<char> in =
        readBytes(path("deflate_" + std::to_string(k) + ".raw"));
    std::vector<char> want =
        readBytes(path("deflate_" + std::to_string(k) + ".bin"));
    unsigned char *out = nullptr;
    size_t outSize = 0;
    ASSERT_EQ(kiln_inflate(reinterpret_cast<const unsigned char *>(in.data()),
                           in.size(), &out, &outSize),
              KILN_OK)
        << "stream " << k << ": " << lastError();
    ASSERT_NE(out, nullptr);
    EXPECT_EQ(outSize, want.size()) << "stream " << k;
    EXPECT_TRUE(outSize == want.size() &&
                (outSize == 0 || std::memcmp(out, want.data(), outSize) == 0))
        << "stream " << k;
    std::free(out);
  }
}

TEST_F(DatasetTest, InflateRejectsMalformedStreams) {
  const unsigned char blockType3[] = {0x07};
  const unsigned char storedBadLength[] = {0x01, 0x05, 0x00, 0x00, 0x00};
  // A fixed block whose first symbol copies from distance 1.
  const unsigned char farDistance[] = {0x03, 0x02, 0x00};
  const unsigned char empty[] = {0x00};
  for (auto [data, size] :
       std::initializer_list<std::pair<const unsigned char *, size_t>>{
           {blockType3, 1},
           {storedBadLength, 5},
           {farDistance, 3},
           {empty, 0}}) {
    unsigned char *out = nullptr;
    size_t outSize = 0;
    EXPECT_EQ(kiln_inflate(data, size, &out, &outSize), KILN_IO_ERROR);
    EXPECT_EQ(out, nullptr);
    EXPECT_EQ(lastError().rfind("invalid deflate data: ", 0), 0u)
        << lastError();
  }
}

/// Flips bits, overwrites bytes or truncates a valid stream: every result
/// must be an error or some output, never a crash (run it under ASan too).
template <typename Decode>
void fuzz(const std::vector<char> &valid, int iterations, Decode decode) {
  std::mt19937 rng(20240531);
  int failures = 0;
  for (int it = 0; it < iterations; ++it) {
    std::vector<unsigned char> data(valid.begin(), valid.end());
    size_t size = data.size();
    switch (it % 4) {
    case 0:
      size = rng() % (data.size() + 1);
      break;
    case 1:
      for (unsigned j = 0, n = 1 + rng() % 4; j < n; ++j)
        data[rng() % data.size()] ^=
            static_cast<unsigned char>(1u << rng() % 8);
      break;
    case 2:
      for (unsigned j = 0, n = 1 + rng() % 16; j < n; ++j)
        data[rng() % data.size()] = static_cast<unsigned char>(rng());
      break;
    default:
      data[rng() % data.size()] ^= 0xff;
      size = rng() % (data.size() + 1);
      break;
    }
    unsigned char *out = nullptr;
    size_t outSize = 0;
    kiln_status_t s = decode(data.data(), size, &out, &outSize);
    if (s == KILN_OK) {
      ASSERT_NE(out, nullptr);
      std::free(out);
    } else {
      ASSERT_EQ(out, nullptr);
      ASSERT_FALSE(lastError().empty());
      ++failures;
    }
  }
  EXPECT_GT(failures, iterations / 2);
}

TEST_F(DatasetTest, InflateFuzz) {
  REQUIRE_GENERATED();
  std::vector<char> valid = readBytes(path("fuzz.raw"));
  ASSERT_FALSE(valid.empty());
  fuzz(valid, 2000, kiln_inflate);
}

TEST_F(DatasetTest, GunzipFuzz) {
  REQUIRE_GENERATED();
  std::vector<char> valid = readBytes(path("fuzz.gz"));
  std::vector<char> want = readBytes(path("fuzz.bin"));
  unsigned char *out = nullptr;
  size_t outSize = 0;
  ASSERT_EQ(kiln_gunzip(reinterpret_cast<const unsigned char *>(valid.data()),
                        valid.size(), &out, &outSize),
            KILN_OK)
      << lastError();
  EXPECT_EQ(outSize, want.size());
  EXPECT_EQ(std::memcmp(out, want.data(), want.size()), 0);
  std::free(out);
  // A bit flip anywhere in a gzip member is caught (by the CRC at worst).
  fuzz(valid, 500, kiln_gunzip);
}

//===----------------------------------------------------------------------===//
// .npy
//===----------------------------------------------------------------------===//

TEST_F(DatasetTest, NpyEveryDtypeConversion) {
  REQUIRE_GENERATED();
  std::vector<char> countText = readBytes(path("npy.count"));
  int sources =
      std::atoi(std::string(countText.begin(), countText.end()).c_str());
  ASSERT_EQ(sources, 12);
  const std::pair<const char *, kiln_dtype_t> targets[] = {
      {"f32", KILN_F32}, {"f64", KILN_F64}, {"f16", KILN_F16}, {"i8", KILN_I8},
      {"i16", KILN_I16}, {"i32", KILN_I32}, {"i64", KILN_I64}};
  int checked = 0;
  for (int k = 0; k < sources; ++k) {
    for (auto [name, dtype] : targets) {
      auto x = info("x", dtype, {-1, 6});
      std::string file = "int_" + std::to_string(k) + ".npy";
      SCOPED_TRACE(file + " -> " + name);
      DatasetPtr d;
      ASSERT_EQ(read({x}, {}, file, nullptr, d), KILN_OK) << lastError();
      ASSERT_EQ(d->count, 50);
      expectBytes(d->inputData[0], x, 50,
                  "int_" + std::to_string(k) + "." + name);
      ++checked;
    }
    auto flag = info("x", KILN_I1, {-1, 6});
    DatasetPtr d;
    ASSERT_EQ(
        read({flag}, {}, "bool_" + std::to_string(k) + ".npy", nullptr, d),
        KILN_OK)
        << lastError();
    expectBytes(d->inputData[0], flag, 50, "bool_" + std::to_string(k) + ".i1");
    // Floats that are not integers convert to float tensors only.
    if (k < 3) {
      for (auto [name, dtype] : {targets[0], targets[1], targets[2]}) {
        auto x = info("x", dtype, {-1, 6});
        std::string file = "frac_" + std::to_string(k) + ".npy";
        SCOPED_TRACE(file + " -> " + name);
        ASSERT_EQ(read({x}, {}, file, nullptr, d), KILN_OK) << lastError();
        expectBytes(d->inputData[0], x, 50,
                    "frac_" + std::to_string(k) + "." + name);
      }
      auto i = info("x", KILN_I32, {-1, 6});
      EXPECT_EQ(read({i}, {}, "frac_" + std::to_string(k) + ".npy", nullptr, d),
                KILN_INVALID_ARGUMENT);
      EXPECT_NE(lastError().find("element [0, 0]: inf is out of range"),
                std::string::npos)
          << lastError();
    }
  }
  EXPECT_EQ(checked, 12 * 7);
  // bf16 from float32, rounded to nearest even.
  auto b = info("x", KILN_BF16, {-1, 6});
  DatasetPtr d;
  ASSERT_EQ(read({b}, {}, "frac_1.npy", nullptr, d), KILN_OK) << lastError();
  expectBytes(d->inputData[0], b, 50, "frac_1.bf16");
}

TEST_F(DatasetTest, NpyLargeIntegersStayExact) {
  REQUIRE_GENERATED();
  auto x = info("x", KILN_I64, {-1, 1});
  DatasetPtr d;
  ASSERT_EQ(read({x}, {}, "bigint.npy", nullptr, d), KILN_OK) << lastError();
  const int64_t *v = static_cast<const int64_t *>(d->inputData[0]);
  EXPECT_EQ(v[0], (int64_t(1) << 62) + 1);
  EXPECT_EQ(v[1], -(int64_t(1) << 62) - 3);
  EXPECT_EQ(v[2], (int64_t(1) << 53) + 1);
  EXPECT_EQ(v[3], -1);
  auto narrow = info("x", KILN_I32, {-1, 1});
  EXPECT_EQ(read({narrow}, {}, "bigint.npy", nullptr, d),
            KILN_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("element [0, 0]: 4611686018427387905 is out of "
                             "range (input 'x' is i32)"),
            std::string::npos)
      << lastError();
  EXPECT_EQ(read({x}, {}, "bigu.npy", nullptr, d), KILN_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("element [0]: 18446744073709551615 is out of "
                             "range"),
            std::string::npos)
      << lastError();
}

TEST_F(DatasetTest, NpyShapes) {
  REQUIRE_GENERATED();
  auto x = info("x", KILN_F32, {-1, 8, 8, 1});
  for (const char *target : {"y20.npy", "y20c.npy"})
    for (auto y : {info("y", KILN_I32, {-1}), info("y", KILN_I32, {-1, 1})})
      for (const char *input : {"img4.npy", "img2.npy", "v2.npy", "v3.npy"}) {
        SCOPED_TRACE(std::string(input) + " " + target);
        DatasetPtr d;
        ASSERT_EQ(read({x}, {y}, input, target, d), KILN_OK) << lastError();
        ASSERT_EQ(d->count, 20);
        expectBytes(d->inputData[0], x, 20, "img.f32");
        expectBytes(d->targetData[0], y, 20, "y20.i32");
      }

  auto y = info("y", KILN_I32, {-1});
  DatasetPtr d;
  EXPECT_EQ(read({x}, {y}, "bad.npy", "y20.npy", d), KILN_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(), "'" + path("bad.npy") +
                             "': shape [100, 63], expected [count, 8, 8, 1] "
                             "(or [count, 64]) for input 'x'");
  EXPECT_EQ(read({x}, {y}, "img4.npy", "img4.npy", d), KILN_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("shape [20, 8, 8, 1], expected [count] or "
                             "[count, 1] for target 'y'"),
            std::string::npos)
      << lastError();
  EXPECT_EQ(read({x}, {y}, "img4.npy", "y19.npy", d), KILN_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("y19.npy' has 19 examples but '" +
                             path("img4.npy") + "' has 20"),
            std::string::npos)
      << lastError();
  auto flat = info("x", KILN_F32, {-1, 64});
  EXPECT_EQ(read({flat}, {y}, "empty.npy", "emptyy.npy", d),
            KILN_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("no examples"), std::string::npos) << lastError();
  EXPECT_EQ(read({x}, {y}, "img4.npy", nullptr, d), KILN_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("give its .npy file too"), std::string::npos)
      << lastError();
}

TEST_F(DatasetTest, NpyRejectsUnsupportedFiles) {
  REQUIRE_GENERATED();
  auto x = info("x", KILN_F32, {-1, 8, 8, 1});
  auto m = info("x", KILN_F32, {-1, 4});
  auto v = info("x", KILN_F32, {-1});
  const struct {
    const char *file;
    const kiln_tensor_info_t &tensor;
    const char *message;
  } cases[] = {
      {"be.npy", x, "big-endian dtype '>f4' is not supported"},
      {"fortran.npy", m, "is in Fortran order"},
      {"obj.npy", v, "object arrays (pickled) are not supported"},
      {"str.npy", v, "dtype '<U2' is not supported"},
      {"trunc.npy", x, "needs 5120 bytes of data, the file holds 5110"},
      {"shorthead.npy", x, "truncated .npy header"},
  };
  for (const auto &c : cases) {
    DatasetPtr d;
    EXPECT_NE(read({c.tensor}, {}, c.file, nullptr, d), KILN_OK) << c.file;
    EXPECT_NE(lastError().find(c.message), std::string::npos) << lastError();
  }
  // A column in Fortran order is laid out as in C order.
  auto col = info("x", KILN_F64, {-1, 1});
  DatasetPtr d;
  ASSERT_EQ(read({col}, {}, "fortran1.npy", nullptr, d), KILN_OK)
      << lastError();
  EXPECT_EQ(static_cast<const double *>(d->inputData[0])[5], 5.0);
}

TEST_F(DatasetTest, NpyNonIntegralTarget) {
  REQUIRE_GENERATED();
  auto x = info("x", KILN_F32, {-1, 3});
  auto y = info("y", KILN_I32, {-1});
  DatasetPtr d;
  EXPECT_EQ(read({x}, {y}, "x4.npy", "yfrac.npy", d), KILN_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(), "'" + path("yfrac.npy") +
                             "' element [2]: 2.5 is not an integer (target "
                             "'y' is i32)");
}

//===----------------------------------------------------------------------===//
// .npz
//===----------------------------------------------------------------------===//

TEST_F(DatasetTest, NpzNamingRulesStoredAndCompressed) {
  REQUIRE_GENERATED();
  auto y = info("y", KILN_I32, {-1});
  for (const char *file :
       {"named.npz", "named_c.npz", "xy.npz", "xy_c.npz", "pos.npz",
        "pos_c.npz", "lvl0.npz", "lvl1.npz", "lvl9.npz"}) {
    SCOPED_TRACE(file);
    // named*.npz use the tensors' own names; the others x/y or arr_N.
    bool named = std::string(file).rfind("named", 0) == 0;
    auto x = info(named ? "image" : "input_1", KILN_F32, {-1, 8, 8, 1});
    auto t = info(named ? "label" : "output", KILN_I32, {-1});
    DatasetPtr d;
    ASSERT_EQ(read({x}, {t}, file, nullptr, d), KILN_OK) << lastError();
    ASSERT_EQ(d->count, 30);
    expectBytes(d->inputData[0], x, 30, "npz.x.f32");
    expectBytes(d->targetData[0], y, 30, "npz.y.i32");
  }
}

TEST_F(DatasetTest, NpzMultipleInputsAndLargeArrays) {
  REQUIRE_GENERATED();
  auto a = info("a", KILN_F32, {-1, 8, 8, 1});
  auto b = info("b", KILN_F64, {-1, 5});
  auto y = info("y", KILN_I32, {-1, 1});
  DatasetPtr d;
  ASSERT_EQ(read({a, b}, {y}, "three.npz", nullptr, d), KILN_OK) << lastError();
  expectBytes(d->inputData[0], a, 30, "npz.x.f32");
  expectBytes(d->inputData[1], b, 30, "npz.x2.f64");
  expectBytes(d->targetData[0], y, 30, "npz.y.i32");

  auto x = info("x", KILN_F32, {-1, 64});
  auto t = info("t", KILN_I64, {-1});
  ASSERT_EQ(read({x}, {t}, "big_c.npz", nullptr, d), KILN_OK) << lastError();
  ASSERT_EQ(d->count, 4000);
  expectBytes(d->inputData[0], x, 4000, "big_c.x.f32");
  expectBytes(d->targetData[0], t, 4000, "big_c.y.i64");
}

TEST_F(DatasetTest, NpzErrors) {
  REQUIRE_GENERATED();
  auto x = info("x", KILN_F32, {-1, 8, 8, 1});
  auto y = info("y", KILN_I32, {-1});
  DatasetPtr d;
  EXPECT_EQ(read({x}, {y}, "missing.npz", nullptr, d), KILN_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(), "'" + path("missing.npz") +
                             "': no array for input 'x' (arrays: a, b)");
  auto a = info("a", KILN_F32, {-1, 8, 8, 1});
  EXPECT_EQ(read({a}, {y}, "missing.npz", nullptr, d), KILN_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(), "'" + path("missing.npz") +
                             "': no array for target 'y' (arrays: a, b)");
  EXPECT_EQ(read({x}, {y}, "count.npz", nullptr, d), KILN_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("array 'y' has 29 examples but '" +
                             path("count.npz") + "' array 'x' has 30"),
            std::string::npos)
      << lastError();
  EXPECT_EQ(read({x}, {y}, "zip64.npz", nullptr, d), KILN_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("is a ZIP64 archive"), std::string::npos)
      << lastError();
  EXPECT_EQ(read({x}, {y}, "bzip2.npz", nullptr, d), KILN_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("array 'x' uses ZIP compression method 12"),
            std::string::npos)
      << lastError();
  for (const char *file : {"corrupt.npz", "trunc.npz", "img4.npy.npz"}) {
    EXPECT_NE(read({x}, {y}, file, nullptr, d), KILN_OK) << file;
    EXPECT_NE(lastError().find(path(file)), std::string::npos) << lastError();
  }
  EXPECT_EQ(read({x}, {y}, "xy.npz", "y20.npy", d), KILN_INVALID_ARGUMENT);
}

//===----------------------------------------------------------------------===//
// from_arrays, slice, elements per example
//===----------------------------------------------------------------------===//

TEST_F(DatasetTest, FromArraysAndSlice) {
  auto x = info("x", KILN_F32, {-1, 2, 3});
  auto y = info("y", KILN_I64, {-1});
  EXPECT_EQ(kiln_elements_per_example(&x), 6);
  EXPECT_EQ(kiln_elements_per_example(&y), 1);
  std::vector<float> xs(5 * 6);
  std::vector<int64_t> ys(5);
  for (size_t i = 0; i < xs.size(); ++i)
    xs[i] = static_cast<float>(i) * 0.5f;
  for (size_t i = 0; i < ys.size(); ++i)
    ys[i] = static_cast<int64_t>(i) * 10;
  const void *inputs[] = {xs.data()};
  const void *targets[] = {ys.data()};
  kiln_dataset_t *raw = nullptr;
  ASSERT_EQ(kiln_dataset_from_arrays(&x, 1, &y, 1, 5, inputs, targets, &raw),
            KILN_OK)
      << lastError();
  DatasetPtr d(raw);
  EXPECT_EQ(kiln_dataset_count(d.get()), 5);
  EXPECT_NE(d->inputData[0], xs.data()); // a copy
  EXPECT_EQ(std::memcmp(d->inputData[0], xs.data(), xs.size() * 4), 0);
  EXPECT_EQ(std::memcmp(d->targetData[0], ys.data(), ys.size() * 8), 0);
  EXPECT_EQ(std::strcmp(d->inputs[0].name, "x"), 0);

  ASSERT_EQ(kiln_dataset_slice(d.get(), 1, 4, &raw), KILN_OK) << lastError();
  DatasetPtr s(raw);
  EXPECT_EQ(kiln_dataset_count(s.get()), 3);
  EXPECT_EQ(std::memcmp(s->inputData[0], xs.data() + 6, 3 * 6 * 4), 0);
  EXPECT_EQ(std::memcmp(s->targetData[0], ys.data() + 1, 3 * 8), 0);

  for (auto [b, e] : {std::pair<int64_t, int64_t>{2, 2}, {-1, 3}, {3, 6}}) {
    raw = reinterpret_cast<kiln_dataset_t *>(&raw);
    EXPECT_EQ(kiln_dataset_slice(d.get(), b, e, &raw), KILN_INVALID_ARGUMENT);
    EXPECT_EQ(raw, nullptr);
    EXPECT_NE(lastError().find("of the 5 examples"), std::string::npos);
  }
  EXPECT_EQ(kiln_dataset_from_arrays(&x, 1, &y, 1, 0, inputs, targets, &raw),
            KILN_INVALID_ARGUMENT);
  const void *none[] = {nullptr};
  EXPECT_EQ(kiln_dataset_from_arrays(&x, 1, &y, 1, 5, inputs, none, &raw),
            KILN_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(), "dataset: no data for target 'y'");
  auto dynamic = info("x", KILN_F32, {-1, -1});
  EXPECT_EQ(
      kiln_dataset_from_arrays(&dynamic, 1, &y, 1, 5, inputs, targets, &raw),
      KILN_INVALID_ARGUMENT);
  EXPECT_EQ(kiln_dataset_count(nullptr), 0);
  kiln_dataset_destroy(nullptr);
}


} // namespace
