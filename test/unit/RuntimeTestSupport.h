//===- RuntimeTestSupport.h - fixture of the runtime's unit tests -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// What DatasetTests.cpp (the dataset readers) and RuntimeContractTests.cpp
// (.npy I/O, the dtype table, the description version, the library loader)
// share: a temporary directory that a Python generator (kGenerator, in
// DatasetTests.cpp) fills with files numpy, gzip, zlib and zipfile wrote,
// and helpers to read them through the runtime's C API.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TEST_UNIT_RUNTIMETESTSUPPORT_H
#define KILN_TEST_UNIT_RUNTIMETESTSUPPORT_H

extern "C" {
#include "dataset.h"

#include "kiln/library.h"
#include "kiln/npy.h"

kiln_status_t kiln_gunzip(const unsigned char *in, size_t inSize,
                          unsigned char **out, size_t *outSize);
}

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#ifndef KILN_TEST_PYTHON
#define KILN_TEST_PYTHON "/usr/bin/python3"
#endif

namespace kiln_test {

/// The generator script (DatasetTests.cpp).
extern const char *const kGenerator;

// Helpers
//===----------------------------------------------------------------------===//

inline std::string gDir;        // the generated files
inline bool gGenerated = false; // whether the generator ran

struct DatasetDeleter {
  void operator()(kiln_dataset_t *d) const { kiln_dataset_destroy(d); }
};
using DatasetPtr = std::unique_ptr<kiln_dataset_t, DatasetDeleter>;

inline std::string path(const std::string &name) { return gDir + "/" + name; }

inline std::vector<char> readBytes(const std::string &file) {
  std::ifstream in(file, std::ios::binary);
  return std::vector<char>((std::istreambuf_iterator<char>(in)),
                           std::istreambuf_iterator<char>());
}

inline void writeText(const std::string &name, const std::string &text) {
  std::ofstream out(path(name), std::ios::binary);
  out << text;
}

inline kiln_tensor_info_t info(const char *name, kiln_dtype_t dtype,
                        std::initializer_list<int64_t> dims) {
  kiln_tensor_info_t t;
  std::memset(&t, 0, sizeof t);
  std::snprintf(t.name, sizeof t.name, "%s", name);
  t.dtype = dtype;
  t.rank = static_cast<int32_t>(dims.size());
  int i = 0;
  for (int64_t d : dims)
    t.dims[i++] = d;
  return t;
}

/// Reads `file` (in the generated directory) for the given tensors.
inline kiln_status_t read(const std::vector<kiln_tensor_info_t> &inputs,
                   const std::vector<kiln_tensor_info_t> &targets,
                   const std::string &file, const char *targetFile,
                   DatasetPtr &out) {
  kiln_dataset_t *d = nullptr;
  std::string target = targetFile ? path(targetFile) : "";
  kiln_status_t s = kiln_dataset_read(
      inputs.data(), static_cast<int32_t>(inputs.size()), targets.data(),
      static_cast<int32_t>(targets.size()), path(file).c_str(),
      targetFile ? target.c_str() : nullptr, &d);
  out.reset(d);
  if (s != KILN_OK) {
    EXPECT_EQ(d, nullptr);
  }
  return s;
}

inline std::string lastError() { return kiln_last_error(); }

/// Expects the bytes of `data` (count examples of `t`) to equal the file.
inline void expectBytes(const void *data, const kiln_tensor_info_t &t, int64_t count,
                 const std::string &expectedFile) {
  std::vector<char> expected = readBytes(path(expectedFile));
  size_t bytes = static_cast<size_t>(kiln_elements_per_example(&t) * count) *
                 kiln_dtype_size(t.dtype);
  ASSERT_EQ(bytes, expected.size()) << expectedFile;
  size_t esize = kiln_dtype_size(t.dtype);
  for (size_t i = 0; i < bytes; i += esize)
    if (std::memcmp(static_cast<const char *>(data) + i, &expected[i], esize) !=
        0) {
      ADD_FAILURE() << expectedFile << ": element " << i / esize << " differs";
      return;
    }
}

class DatasetTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    std::string tmpl = ::testing::TempDir() + "kiln-dataset-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back(0);
    if (!mkdtemp(buf.data()))
      return;
    gDir = buf.data();
    std::ofstream(gDir + "/generate.py") << kGenerator;
    std::string cmd = std::string(KILN_TEST_PYTHON) + " " + gDir +
                      "/generate.py " + gDir + " > " + gDir +
                      "/generate.log 2>&1";
    gGenerated = std::system(cmd.c_str()) == 0;
  }
  static void TearDownTestSuite() {
    if (!gDir.empty() && gDir.find("kiln-dataset-") != std::string::npos)
      std::system(("rm -rf '" + gDir + "'").c_str());
  }
  void SetUp() override {
    ASSERT_FALSE(gDir.empty()) << "cannot create a temporary directory";
  }
};

/// Skips a test that needs the generated files.
#define REQUIRE_GENERATED()                                                    \
  do {                                                                         \
    if (!gGenerated)                                                           \
      GTEST_SKIP() << KILN_TEST_PYTHON << " with numpy is not available ("     \
                   << gDir << "/generate.log)";                                \
  } while (0)

//===----------------------------------------------------------------------===//
// CSV
//===----------------------------------------------------------------------===//

} // namespace kiln_test

#endif // KILN_TEST_UNIT_RUNTIMETESTSUPPORT_H
