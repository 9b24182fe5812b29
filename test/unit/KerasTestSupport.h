//===- KerasTestSupport.h - running models in the Keras tests ---*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Shared by KerasApiTest.cpp and KerasLayersTest.cpp: compiles a model with
// Model::exportLibrary and runs the generated library through its C API.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TEST_UNIT_KERASTESTSUPPORT_H
#define KILN_TEST_UNIT_KERASTESTSUPPORT_H

#include "kiln/keras/Core.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <dlfcn.h>
#include <random>
#include <string>
#include <vector>

namespace kiln::test {

/// `n` values uniform in [-1, 1] from `seed`.
inline std::vector<float> randomInput(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-1.f, 1.f);
  std::vector<float> v(n);
  for (float &x : v)
    x = d(rng);
  return v;
}

/// Compiles `model` and runs it on `inputs` (float32) for `batch` examples.
inline std::vector<std::vector<float>> run(const Model &model, int64_t batch,
                                    const std::vector<std::vector<float>> &inputs) {
  llvm::SmallString<128> dir;
  llvm::sys::fs::createUniqueDirectory("kiln-keras-test", dir);
  std::string name = "m" + std::to_string(std::random_device{}() % 1000000);
  model.exportLibrary(name, std::string(dir));
  llvm::SmallString<128> lib(dir);
  llvm::sys::path::append(lib, "lib" + name + ".so");
  void *h = dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL);
  EXPECT_NE(h, nullptr) << dlerror();
  using CreateFn = int (*)(void **);
  using PredictFn = int (*)(void *, int64_t, const void *const *,
                            const size_t *, void *const *, const size_t *);
  auto create = reinterpret_cast<CreateFn>(dlsym(h, (name + "_create").c_str()));
  auto predict = reinterpret_cast<PredictFn>(
      dlsym(h, (name + "_predict_arrays").c_str()));
  auto destroy = reinterpret_cast<void (*)(void *)>(
      dlsym(h, (name + "_destroy").c_str()));
  void *instance = nullptr;
  EXPECT_EQ(create(&instance), 0);
  std::vector<const void *> ins;
  std::vector<size_t> inCounts;
  for (const auto &v : inputs) {
    ins.push_back(v.data());
    inCounts.push_back(v.size());
  }
  std::vector<std::vector<float>> outs;
  std::vector<void *> outPtrs;
  std::vector<size_t> outCounts;
  for (const Tensor &t : model.outputs()) {
    size_t n = batch;
    for (size_t i = 1; i < t.shape().size(); ++i)
      n *= t.shape()[i];
    outs.emplace_back(n);
    outCounts.push_back(n);
  }
  for (auto &o : outs)
    outPtrs.push_back(o.data());
  EXPECT_EQ(predict(instance, batch, ins.data(), inCounts.data(),
                    outPtrs.data(), outCounts.data()),
            0);
  destroy(instance);
  dlclose(h);
  llvm::sys::fs::remove_directories(dir);
  return outs;
}

} // namespace kiln::test

#endif // KILN_TEST_UNIT_KERASTESTSUPPORT_H
