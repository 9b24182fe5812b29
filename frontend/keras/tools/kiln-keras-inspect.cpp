//===- kiln-keras-inspect.cpp - print what a Keras file holds -------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Usage: kiln-keras-inspect MODEL [--weights WEIGHTS] [--print-config]
//        kiln-keras-inspect --snake-case CLASS_NAME...
//
// Reads MODEL with the Keras file reader (a JSON config may be paired with a
// separate weights file) and prints its format, Keras version, backend,
// top-level class and every weight array, one per line, sorted by layer path:
//
//   weight dense[0] f32 [16,32] crc32=1a2b3c4d name=dense/kernel:0
//
// The CRC-32 (zlib's polynomial) of the raw little-endian bytes lets tests
// compare the arrays with an independent HDF5 reader. --print-config adds
// the config and training JSON as read; --snake-case prints toSnakeCase of
// each argument (FORMAT.md §7.1), one per line.
//
//===----------------------------------------------------------------------===//

#include "frontend/keras/file/KerasJson.h"

#include "frontend/keras/file/KerasFile.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

using namespace kiln::keras;

static uint32_t crc32(const std::vector<char> &data) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k)
        c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t crc = 0xFFFFFFFFu;
  for (char byte : data)
    crc = table[(crc ^ static_cast<uint8_t>(byte)) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

static std::string orDash(const std::string &s) { return s.empty() ? "-" : s; }

static int usage() {
  std::fprintf(stderr,
               "usage: kiln-keras-inspect MODEL [--weights WEIGHTS] "
               "[--print-config]\n"
               "       kiln-keras-inspect --snake-case CLASS_NAME...\n");
  return 2;
}

int main(int argc, char **argv) {
  if (argc >= 2 && std::strcmp(argv[1], "--snake-case") == 0) {
    for (int i = 2; i < argc; ++i)
      std::printf("%s\n", toSnakeCase(argv[i]).c_str());
    return 0;
  }
  std::string model, weights;
  bool printConfig = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--print-config") == 0) {
      printConfig = true;
    } else if (std::strcmp(argv[i], "--weights") == 0) {
      if (++i >= argc)
        return usage();
      weights = argv[i];
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      return usage();
    } else if (model.empty()) {
      model = argv[i];
    } else {
      return usage();
    }
  }
  if (model.empty())
    return usage();

  KerasFile file;
  std::string error;
  if (!readKerasFile(model, weights, file, error)) {
    std::fprintf(stderr, "kiln-keras-inspect: error: %s\n", error.c_str());
    return 1;
  }

  std::string className;
  if (!file.configJson.empty()) {
    kiln::keras::detail::Json config;
    std::string why;
    if (kiln::keras::detail::parseJson(file.configJson, config, why))
      className = kiln::keras::detail::stringMember(config, "class_name");
  }

  std::printf("format: %s\n", file.format.c_str());
  std::printf("keras_version: %s\n", orDash(file.kerasVersion).c_str());
  std::printf("keras_major: %d\n", file.kerasMajor);
  std::printf("backend: %s\n", orDash(file.backend).c_str());
  std::printf("config: %s\n", file.configJson.empty() ? "no" : "yes");
  std::printf("class_name: %s\n", orDash(className).c_str());
  std::printf("training_config: %s\n",
              file.trainingJson.empty() ? "no" : "yes");
  std::printf("weights: %s\n", file.hasWeights ? "yes" : "no");
  std::printf("weight_layers: %zu\n", file.weights.size());
  for (const auto &[key, arrays] : file.weights) {
    for (size_t i = 0; i < arrays.size(); ++i) {
      const WeightArray &array = arrays[i];
      std::string shape = "[";
      for (size_t d = 0; d < array.shape.size(); ++d)
        shape += (d ? "," : "") + std::to_string(array.shape[d]);
      shape += "]";
      std::printf("weight %s[%zu] %s %s crc32=%08x name=%s\n", key.c_str(), i,
                  array.dtype.c_str(), shape.c_str(), crc32(array.data),
                  array.name.c_str());
    }
  }
  if (printConfig) {
    std::printf("config_json: %s\n", file.configJson.c_str());
    std::printf("training_json: %s\n", file.trainingJson.c_str());
  }
  return 0;
}
