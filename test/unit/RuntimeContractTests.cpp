//===- RuntimeContractTests.cpp - what the runtime owns of the contract --===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The runtime owns the compiler-runtime contract: the public .npy reader
// and writer (kiln/npy.h), the dtype table (kiln/dtype.h), the description
// version, and the library loader (kiln/library.h). The loader is tested
// against a stand-in model library built from this same file with
// KILN_FAKE_MODEL_LIBRARY defined.
//
//===----------------------------------------------------------------------===//

#ifdef KILN_FAKE_MODEL_LIBRARY

// The stand-in for a generated library: two models' worth of the symbols
// kiln_library_open looks up. "fake" is of this runtime's description
// version, "old" of another one.
#define EXPORT extern "C" __attribute__((visibility("default")))
EXPORT const char *fake_description(void) {
  return "kiln-model 1\n"
         "in x f32 2 -1 3\n"
         "out y f32 2 -1 2\n"
         "param w f32 2 3 2\n";
}
EXPORT int fake_create(void **out) {
  *out = nullptr;
  return 1;
}
EXPORT void fake_destroy(void *) {}
EXPORT const char *fake_last_error(void) { return "fake: no instances"; }
EXPORT const char *old_description(void) {
  return "kiln-model 7\nin x f32 1 -1\nout y f32 1 -1\n";
}
EXPORT int old_create(void **out) {
  *out = nullptr;
  return 1;
}
EXPORT void old_destroy(void *) {}
EXPORT const char *old_last_error(void) { return ""; }
// A library without NAME_destroy.
EXPORT const char *partial_description(void) { return fake_description(); }
EXPORT int partial_create(void **out) { return fake_create(out); }
EXPORT const char *partial_last_error(void) { return ""; }

#else // the tests

#include "RuntimeTestSupport.h"

using namespace kiln_test;

namespace {

//===----------------------------------------------------------------------===//
// kiln/npy.h: the public .npy reader and writer
//===----------------------------------------------------------------------===//

/// A tensor whose data kiln_npy_read allocated.
struct NpyTensor : kiln_tensor_t {
  NpyTensor() : kiln_tensor_t() {}
  ~NpyTensor() { std::free(data); }
  NpyTensor(const NpyTensor &) = delete;
  NpyTensor &operator=(const NpyTensor &) = delete;
  std::vector<int64_t> shape() const { return {dims, dims + rank}; }
};

TEST_F(DatasetTest, NpyReadValuesAndShapes) {
  REQUIRE_GENERATED();
  {
    NpyTensor t;
    ASSERT_EQ(kiln_npy_read(path("rw_f32.npy").c_str(), &t), KILN_OK)
        << lastError();
    EXPECT_EQ(t.dtype, KILN_F32);
    EXPECT_EQ(t.shape(), (std::vector<int64_t>{2, 3, 4}));
    const float *v = static_cast<const float *>(t.data);
    for (int i = 0; i < 24; ++i)
      EXPECT_EQ(v[i], static_cast<float>(i) * 0.5f - 3.0f) << i;
  }
  {
    NpyTensor t;
    ASSERT_EQ(kiln_npy_read(path("rw_bool.npy").c_str(), &t), KILN_OK)
        << lastError();
    EXPECT_EQ(t.dtype, KILN_I1);
    EXPECT_EQ(t.shape(), (std::vector<int64_t>{3}));
    const uint8_t *v = static_cast<const uint8_t *>(t.data);
    EXPECT_EQ(v[0], 1);
    EXPECT_EQ(v[1], 0);
    EXPECT_EQ(v[2], 1);
  }
  {
    NpyTensor t;
    ASSERT_EQ(kiln_npy_read(path("rw_scalar.npy").c_str(), &t), KILN_OK)
        << lastError();
    EXPECT_EQ(t.dtype, KILN_F64);
    EXPECT_EQ(t.rank, 0);
    EXPECT_EQ(*static_cast<const double *>(t.data), 2.5);
  }
  {
    NpyTensor t;
    ASSERT_EQ(kiln_npy_read(path("rw_i16.npy").c_str(), &t), KILN_OK)
        << lastError();
    EXPECT_EQ(t.dtype, KILN_I16);
    EXPECT_EQ(t.shape(), (std::vector<int64_t>{1, 2}));
    EXPECT_EQ(static_cast<const int16_t *>(t.data)[1], 300);
  }
  // Format versions 2 and 3, and an int8 array.
  for (const char *file : {"v2.npy", "v3.npy"}) {
    NpyTensor t;
    ASSERT_EQ(kiln_npy_read(path(file).c_str(), &t), KILN_OK) << lastError();
    EXPECT_EQ(t.shape(), (std::vector<int64_t>{20, 8, 8, 1}));
    std::vector<char> expected = readBytes(path("img.f32"));
    EXPECT_EQ(std::memcmp(t.data, expected.data(), expected.size()), 0);
  }
  NpyTensor labels;
  ASSERT_EQ(kiln_npy_read(path("y20.npy").c_str(), &labels), KILN_OK);
  EXPECT_EQ(labels.dtype, KILN_I8);
  // An empty array has a buffer too.
  NpyTensor empty;
  ASSERT_EQ(kiln_npy_read(path("empty.npy").c_str(), &empty), KILN_OK);
  EXPECT_EQ(empty.shape(), (std::vector<int64_t>{0, 64}));
  EXPECT_NE(empty.data, nullptr);
}

TEST_F(DatasetTest, NpyReadErrorsNameTheFile) {
  REQUIRE_GENERATED();
  const struct {
    const char *file;
    kiln_status_t status;
    const char *message;
  } cases[] = {
      {"trunc.npy", KILN_IO_ERROR,
       "' is not a valid .npy file: shape [20, 8, 8, 1] of '<f4' needs 5120 "
       "bytes of data, the file holds 5110"},
      {"shorthead.npy", KILN_IO_ERROR,
       "' is not a valid .npy file: truncated .npy header"},
      {"be.npy", KILN_INVALID_ARGUMENT, "big-endian dtype '>f4'"},
      {"y20c.npy", KILN_INVALID_ARGUMENT,
       "': dtype '<u2' has no Kiln element type"},
      {"fortran.npy", KILN_INVALID_ARGUMENT, "is in Fortran order"},
      {"big.x.f32", KILN_IO_ERROR, "is not a .npy file (bad magic)"},
      {"no-such-file.npy", KILN_IO_ERROR, "cannot open"},
  };
  for (const auto &c : cases) {
    SCOPED_TRACE(c.file);
    NpyTensor t;
    t.data = &t; // overwritten on every path
    EXPECT_EQ(kiln_npy_read(path(c.file).c_str(), &t), c.status);
    EXPECT_EQ(t.data, nullptr);
    EXPECT_NE(lastError().find(path(c.file)), std::string::npos) << lastError();
    EXPECT_NE(lastError().find(c.message), std::string::npos) << lastError();
  }
  EXPECT_EQ(kiln_npy_read(nullptr, nullptr), KILN_INVALID_ARGUMENT);
}

/// The names of the files in the generated directory.
std::vector<std::string> listDir() {
  std::vector<std::string> names;
  std::string cmd = "ls -a '" + gDir + "'";
  if (FILE *p = popen(cmd.c_str(), "r")) {
    char line[4096];
    while (std::fgets(line, sizeof line, p))
      names.emplace_back(line, std::strcspn(line, "\n"));
    pclose(p);
  }
  return names;
}

TEST_F(DatasetTest, NpyWriteMatchesNumpy) {
  REQUIRE_GENERATED();
  float f32[6];
  for (int i = 0; i < 6; ++i)
    f32[i] = static_cast<float>(i) * 1.5f - 1.0f;
  int64_t i64[] = {-1, 0, int64_t(1) << 40, 7};
  uint8_t flags[] = {1, 0, 1};
  double scalar = 2.5;
  const struct {
    const char *name;
    kiln_dtype_t dtype;
    std::vector<int64_t> dims;
    void *data;
  } cases[] = {
      {"f32", KILN_F32, {2, 3}, f32},    {"i64", KILN_I64, {4}, i64},
      {"bool", KILN_I1, {3}, flags},     {"f64", KILN_F64, {}, &scalar},
      {"i8", KILN_I8, {0, 3}, nullptr},
  };
  std::string check = "import numpy as np, sys\n";
  for (const auto &c : cases) {
    SCOPED_TRACE(c.name);
    kiln_tensor_t t = {};
    t.dtype = c.dtype;
    t.rank = static_cast<int32_t>(c.dims.size());
    std::copy(c.dims.begin(), c.dims.end(), t.dims);
    t.data = c.data;
    std::string out = path(std::string("out_") + c.name + ".npy");
    ASSERT_EQ(kiln_npy_write(out.c_str(), &t), KILN_OK) << lastError();
    // What numpy.save writes, byte for byte.
    EXPECT_EQ(readBytes(out),
              readBytes(path(std::string("ref_") + c.name + ".npy")));
    // And what kiln_npy_read reads back.
    NpyTensor back;
    ASSERT_EQ(kiln_npy_read(out.c_str(), &back), KILN_OK) << lastError();
    EXPECT_EQ(back.dtype, c.dtype);
    EXPECT_EQ(back.shape(), c.dims);
    check += "a, b = np.load('out_" + std::string(c.name) +
             ".npy'), np.load('ref_" + c.name + ".npy')\n"
             "assert a.dtype == b.dtype and a.shape == b.shape and "
             "(a == b).all(), '" + c.name + "'\n";
  }
  // numpy reads the same values back.
  std::ofstream(path("check_written.py")) << check;
  std::string cmd = "cd '" + gDir + "' && " + KILN_TEST_PYTHON +
                    " check_written.py > check_written.log 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0)
      << std::string(readBytes(path("check_written.log")).data());
}

TEST_F(DatasetTest, NpyWriteFailuresLeaveNothingBehind) {
  std::vector<std::string> before = listDir();
  uint16_t half[2] = {0x3f80, 0};
  kiln_tensor_t t = {};
  t.dtype = KILN_BF16;
  t.rank = 1;
  t.dims[0] = 2;
  t.data = half;
  std::string out = path("bf16.npy");
  EXPECT_EQ(kiln_npy_write(out.c_str(), &t), KILN_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("numpy has no dtype for bf16"), std::string::npos)
      << lastError();
  t.dtype = 42;
  EXPECT_EQ(kiln_npy_write(out.c_str(), &t), KILN_INVALID_ARGUMENT);
  t.dtype = KILN_F16;
  std::string missing = path("no-such-dir/x.npy");
  EXPECT_EQ(kiln_npy_write(missing.c_str(), &t), KILN_IO_ERROR);
  EXPECT_NE(lastError().find(missing), std::string::npos) << lastError();
  // A directory in the way of the rename: the temporary file goes too.
  ASSERT_EQ(mkdir(path("taken.npy").c_str(), 0755), 0);
  EXPECT_EQ(kiln_npy_write(path("taken.npy").c_str(), &t), KILN_IO_ERROR);
  rmdir(path("taken.npy").c_str());
  EXPECT_EQ(listDir(), before);
  // Written files get the usual permissions, not mkstemp's 0600.
  ASSERT_EQ(kiln_npy_write(out.c_str(), &t), KILN_OK) << lastError();
  struct stat st;
  ASSERT_EQ(stat(out.c_str(), &st), 0);
  mode_t mask = umask(0);
  umask(mask);
  EXPECT_EQ(st.st_mode & 0777, 0666 & ~mask);
  std::remove(out.c_str());
}

//===----------------------------------------------------------------------===//
// kiln/dtype.h: the dtype table
//===----------------------------------------------------------------------===//

TEST(DtypeTest, NamesRoundTrip) {
  const char *const names[] = {"f32", "f64", "f16", "bf16", "i1",
                               "i8",  "i16", "i32", "i64"};
  const size_t sizes[] = {4, 8, 2, 2, 1, 1, 2, 4, 8};
  ASSERT_EQ(KILN_NUM_DTYPES, 9);
  for (int i = 0; i < KILN_NUM_DTYPES; ++i) {
    auto dtype = static_cast<kiln_dtype_t>(i);
    ASSERT_NE(kiln_dtype_name(dtype), nullptr);
    EXPECT_STREQ(kiln_dtype_name(dtype), names[i]);
    EXPECT_EQ(kiln_dtype_size(dtype), sizes[i]);
    EXPECT_NE(kiln_dtype_c_type(dtype), nullptr);
    kiln_dtype_t back = KILN_I64;
    ASSERT_EQ(kiln_dtype_from_name(names[i], &back), KILN_OK);
    EXPECT_EQ(back, dtype);
  }
  EXPECT_EQ(KILN_F32, 0);
  EXPECT_EQ(KILN_I64, 8);
  EXPECT_STREQ(kiln_dtype_c_type(KILN_BF16), "uint16_t");
  EXPECT_STREQ(kiln_dtype_c_type(KILN_I1), "uint8_t");
  EXPECT_EQ(kiln_dtype_name(static_cast<kiln_dtype_t>(9)), nullptr);
  EXPECT_EQ(kiln_dtype_name(static_cast<kiln_dtype_t>(-1)), nullptr);
  EXPECT_EQ(kiln_dtype_size(static_cast<kiln_dtype_t>(9)), 0u);
  kiln_dtype_t out;
  EXPECT_EQ(kiln_dtype_from_name("float32", &out), KILN_INVALID_ARGUMENT);
  EXPECT_EQ(lastError(),
            "unknown element type 'float32' (the element types are f32 f64 "
            "f16 bf16 i1 i8 i16 i32 i64)");
  EXPECT_EQ(kiln_dtype_from_name(nullptr, &out), KILN_INVALID_ARGUMENT);
}

//===----------------------------------------------------------------------===//
// The model description's version
//===----------------------------------------------------------------------===//

void neverCalled(void **) { std::abort(); }

TEST(DescriptionTest, OtherVersionsAreRefused) {
  kiln_model_t *m = nullptr;
  ASSERT_EQ(kiln_model_create("kiln-model 1\nin x f32 2 -1 3\n"
                              "out y f32 2 -1 2\n",
                              neverCalled, &m),
            KILN_OK)
      << lastError();
  EXPECT_EQ(kiln_model_num_inputs(m), 1);
  EXPECT_EQ(kiln_model_num_params(m), 0);
  EXPECT_EQ(kiln_model_param(m, 0), nullptr);
  kiln_model_destroy(m);

  m = reinterpret_cast<kiln_model_t *>(&m);
  EXPECT_EQ(kiln_model_create("kiln-model 2\nin x f32 1 -1\nout y f32 1 -1\n",
                              neverCalled, &m),
            KILN_INVALID_ARGUMENT);
  EXPECT_EQ(m, nullptr);
  EXPECT_EQ(lastError(), "the model description is version 2; this runtime "
                         "reads version 1 (rebuild the library with this "
                         "Kiln)");
  for (const char *garbled :
       {"", "kiln-model\n", "kiln-model 1", "kiln-model x\nin x f32 0\n",
        "onnx-model 1\n", "kiln-model 1 \nin x f32 0\n"}) {
    EXPECT_EQ(kiln_model_create(garbled, neverCalled, &m), KILN_INTERNAL)
        << garbled;
    EXPECT_NE(lastError().find("not a Kiln model description"),
              std::string::npos)
        << lastError();
  }
  // The version line is right but the rest is not.
  EXPECT_EQ(kiln_model_create("kiln-model 1\nin x f99 0\n", neverCalled, &m),
            KILN_INTERNAL);
  EXPECT_EQ(lastError(), "kiln_model_create: malformed model description");
}

//===----------------------------------------------------------------------===//
// kiln/library.h: loading generated libraries
//===----------------------------------------------------------------------===//

TEST_F(DatasetTest, LibraryOpenRefusesOtherFiles) {
  writeText("not-a-library.so", "just text\n");
  kiln_library_t *lib = reinterpret_cast<kiln_library_t *>(&lib);
  std::string text = path("not-a-library.so");
  EXPECT_EQ(kiln_library_open(text.c_str(), nullptr, &lib), KILN_IO_ERROR);
  EXPECT_EQ(lib, nullptr);
  EXPECT_EQ(lastError().rfind("cannot load '" + text + "': ", 0), 0u)
      << lastError();
  std::string missing = path("libmissing.so");
  EXPECT_EQ(kiln_library_open(missing.c_str(), nullptr, &lib), KILN_IO_ERROR);
  EXPECT_EQ(lib, nullptr);
  // A bare file name is a path in the working directory, never a library
  // on the system's search path.
  EXPECT_EQ(kiln_library_open("libm.so.6", nullptr, &lib), KILN_IO_ERROR);
  EXPECT_NE(lastError().find("cannot load 'libm.so.6'"), std::string::npos)
      << lastError();
  EXPECT_EQ(kiln_library_open(nullptr, nullptr, &lib), KILN_INVALID_ARGUMENT);
  kiln_library_close(nullptr);
  EXPECT_EQ(kiln_library_name(nullptr), nullptr);
  EXPECT_EQ(kiln_library_model(nullptr), nullptr);
  EXPECT_EQ(kiln_library_symbol(nullptr, "create"), nullptr);
}

#ifdef KILN_FAKE_MODEL_LIBRARY_PATH
TEST(LibraryTest, OpensAModelLibrary) {
  const char *so = KILN_FAKE_MODEL_LIBRARY_PATH;
  kiln_library_t *lib = nullptr;
  ASSERT_EQ(kiln_library_open(so, "fake", &lib), KILN_OK) << lastError();
  EXPECT_STREQ(kiln_library_name(lib), "fake");
  EXPECT_NE(kiln_library_symbol(lib, "create"), nullptr);
  EXPECT_EQ(kiln_library_symbol(lib, "fit"), nullptr);
  EXPECT_STREQ(kiln_library_last_error(lib), "fake: no instances");
  EXPECT_EQ(std::string(kiln_library_description(lib)).rfind("kiln-model 1\n",
                                                             0),
            0u);
  const kiln_model_t *m = kiln_library_model(lib);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(kiln_model_num_inputs(m), 1);
  EXPECT_EQ(kiln_model_num_outputs(m), 1);
  ASSERT_EQ(kiln_model_num_params(m), 1);
  EXPECT_STREQ(kiln_model_param(m, 0)->name, "w");
  EXPECT_EQ(kiln_model_input(m, 0)->dims[1], 3);
  EXPECT_EQ(kiln_model_num_state(m), 0);
  // The description cannot run.
  float x[3] = {}, y[2];
  const void *in[] = {x};
  void *out[] = {y};
  size_t inCount[] = {3}, outCount[] = {2};
  EXPECT_EQ(kiln_model_predict(const_cast<kiln_model_t *>(m), 1, in, inCount,
                               out, outCount),
            KILN_INVALID_ARGUMENT);
  kiln_library_close(lib);

  // The name by default comes from the file name (libfake.so).
  ASSERT_EQ(kiln_library_open(so, nullptr, &lib), KILN_OK) << lastError();
  EXPECT_STREQ(kiln_library_name(lib), "fake");
  kiln_library_close(lib);

  // Another description version: both versions and the library named.
  lib = reinterpret_cast<kiln_library_t *>(&lib);
  EXPECT_EQ(kiln_library_open(so, "old", &lib), KILN_INVALID_ARGUMENT);
  EXPECT_EQ(lib, nullptr);
  EXPECT_EQ(lastError(), std::string("'") + so +
                             "': the model description is version 7; this "
                             "runtime reads version 1 (rebuild the library "
                             "with this Kiln)");
  for (const char *name : {"partial", "other"}) {
    EXPECT_EQ(kiln_library_open(so, name, &lib), KILN_INVALID_ARGUMENT);
    EXPECT_EQ(lastError(), std::string("'") + so +
                               "' is not a Kiln model library named '" +
                               name + "' (use --name)");
  }
}
#endif

} // namespace

#endif // KILN_FAKE_MODEL_LIBRARY
