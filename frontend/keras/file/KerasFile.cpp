//===- KerasFile.cpp - reading Keras model files --------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Entry point of the Keras file reader: sniffs the format from the content
// (FORMAT.md §1), reads the version, backend and configs, and hands the
// weights to KerasWeights.cpp. Built with -fexceptions; nothing escapes
// readKerasFile, which catches everything (allocation failures included).
// Files that reach HDF5 are read in a child process (KerasIsolation.h).
//
//===----------------------------------------------------------------------===//

#include "frontend/keras/file/KerasFile.h"
#include "frontend/keras/file/KerasHdf5.h"
#include "frontend/keras/file/KerasIsolation.h"
#include "frontend/keras/file/KerasJson.h"
#include "frontend/keras/file/KerasWeights.h"

#include <zip.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <memory>

using namespace kiln::keras;
using namespace kiln::keras::detail;

//===----------------------------------------------------------------------===//
// to_snake_case
//===----------------------------------------------------------------------===//

static bool isUpper(char c) { return c >= 'A' && c <= 'Z'; }
static bool isLower(char c) { return c >= 'a' && c <= 'z'; }

std::string kiln::keras::toSnakeCase(const std::string &className) {
  // Keras's keras/src/utils/naming.py, one regex at a time:
  //   re.sub(r"\W+", "", name)
  //   re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
  //   re.sub("([a-z])([A-Z])", r"\1_\2", name)
  //   name.lower()
  // Python's \w is Unicode-aware; non-ASCII bytes (UTF-8 letters) are kept.
  std::string word;
  for (char c : className) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80 || std::isalnum(u) || c == '_')
      word += c;
  }

  // (.)([A-Z][a-z]+): matches do not overlap, so scanning resumes after the
  // lower-case run, exactly like re.sub.
  std::string step2;
  for (size_t i = 0; i < word.size();) {
    if (i + 2 < word.size() && isUpper(word[i + 1]) && isLower(word[i + 2])) {
      size_t end = i + 2;
      while (end < word.size() && isLower(word[end]))
        ++end;
      step2 += word[i];
      step2 += '_';
      step2.append(word, i + 1, end - i - 1);
      i = end;
    } else {
      step2 += word[i++];
    }
  }

  std::string step3;
  for (size_t i = 0; i < step2.size();) {
    if (i + 1 < step2.size() && isLower(step2[i]) && isUpper(step2[i + 1])) {
      step3 += step2[i];
      step3 += '_';
      step3 += step2[i + 1];
      i += 2;
    } else {
      step3 += step2[i++];
    }
  }

  for (char &c : step3)
    if (isUpper(c))
      c = static_cast<char>(c - 'A' + 'a');
  return step3;
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

namespace {
enum class Content { Unreadable, Directory, Empty, Hdf5, Zip, Json, Unknown };
} // namespace

/// The major version of "2.2.4-tf", "3.10.0", ...; 0 when unparsable.
static int majorVersion(const std::string &version) {
  int major = 0;
  size_t i = 0;
  for (; i < version.size() && i < 4 &&
         std::isdigit(static_cast<unsigned char>(version[i]));
       ++i)
    major = major * 10 + (version[i] - '0');
  return i == 0 ? 0 : major;
}

static Content sniff(const std::string &path, std::string &error) {
  std::error_code ec;
  std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    error = "no such file";
    return Content::Unreadable;
  }
  if (std::filesystem::is_directory(status))
    return Content::Directory;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open the file for reading";
    return Content::Unreadable;
  }
  char head[4096];
  in.read(head, sizeof(head));
  size_t n = static_cast<size_t>(in.gcount());
  if (n == 0)
    return Content::Empty;
  static const char hdf5Signature[] = "\x89HDF\r\n\x1a\n";
  if (n >= 8 && std::equal(head, head + 8, hdf5Signature))
    return Content::Hdf5;
  if (n >= 4 && head[0] == 'P' && head[1] == 'K' &&
      (head[2] == '\x03' || head[2] == '\x05') &&
      (head[3] == '\x04' || head[3] == '\x06'))
    return Content::Zip;
  size_t i = 0;
  if (n >= 3 && head[0] == '\xEF' && head[1] == '\xBB' && head[2] == '\xBF')
    i = 3;
  while (i < n && std::isspace(static_cast<unsigned char>(head[i])))
    ++i;
  if (i < n && head[i] == '{')
    return Content::Json;
  return Content::Unknown;
}

/// Reads a whole (JSON) file; refuses files over 1 GiB.
static bool readWholeFile(const std::string &path, std::string &out,
                          std::string &error) {
  std::error_code ec;
  uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) {
    error = "cannot determine the file size";
    return false;
  }
  if (size > (uintmax_t(1) << 30)) {
    error = "the JSON file is larger than 1 GiB";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  out.assign(static_cast<size_t>(size), '\0');
  if (!in || !in.read(out.data(), static_cast<std::streamsize>(size))) {
    error = "cannot read the file";
    return false;
  }
  return true;
}

namespace {
/// Reads one Keras model into a KerasFile; every message names the file.
class Reader {
public:
  explicit Reader(KerasFile &out) : out(out) {}

  bool read(const std::string &path, const std::string &weightsPath) {
    std::string why;
    Content content = sniff(path, why);
    if (content != Content::Json && !weightsPath.empty() &&
        content != Content::Unreadable)
      return fail(path, "a separate weights file can only go with a JSON "
                        "model config");
    switch (content) {
    case Content::Unreadable:
      return fail(path, why);
    case Content::Empty:
      return fail(path, "the file is empty");
    case Content::Unknown:
      return fail(path, "not a Keras model file: the content is neither "
                        "HDF5, a zip archive nor JSON");
    case Content::Hdf5:
      return readHdf5Model(path);
    case Content::Zip:
      return readKerasZip(path);
    case Content::Directory:
      return readKerasDirectory(path);
    case Content::Json:
      return readJsonModel(path, weightsPath);
    }
    return fail(path, "unrecognized content");
  }

  std::string error;

private:
  bool fail(const std::string &where, const std::string &what) {
    error = where + ": " + what;
    return false;
  }

  //===--------------------------------------------------------------------===//
  // JSON configs
  //===--------------------------------------------------------------------===//

  /// Parses a model config (to_json, model_config, config.json) into `model`
  /// and sets configJson; `what` names it in messages.
  bool parseModelConfig(const std::string &where, const std::string &what,
                        const std::string &raw) {
    std::string text = replaceNonFiniteTokens(raw);
    std::string why;
    if (!parseJson(text, model, why))
      return fail(where, "invalid JSON in " + what + ": " + why);
    if (!model.is_object())
      return fail(where, what + " is not a JSON object");
    if (member(model, "weight_map"))
      return fail(where, "sharded weights (a .weights.json index) are not "
                         "supported; save the weights unsharded");
    const Json *config = member(model, "config");
    if (stringMember(model, "class_name").empty() || !config ||
        !(config->is_object() || config->is_array()))
      return fail(where, what + " is not a Keras model config: it needs "
                                "'class_name' and 'config' at the top level");
    out.configJson = std::move(text);
    return true;
  }

  /// Keras 3 `compile_config` as trainingJson.
  void takeCompileConfig() {
    const Json *compile = member(model, "compile_config");
    if (compile && compile->is_object() && !compile->empty())
      out.trainingJson = dumpJson(*compile);
  }

  bool readJsonModel(const std::string &path, const std::string &weightsPath) {
    std::string raw, why;
    if (!readWholeFile(path, raw, why))
      return fail(path, why);
    if (!parseModelConfig(path, "the file", raw))
      return false;
    // Keras 2's to_json always records keras_version and backend; Keras 3's
    // never does, and is recognised by its serialization envelope.
    out.kerasVersion = stringMember(model, "keras_version");
    out.backend = stringMember(model, "backend");
    if (!out.kerasVersion.empty()) {
      out.format = "keras2-json";
      out.kerasMajor = majorVersion(out.kerasVersion);
    } else if (member(model, "module") || member(model, "registered_name")) {
      out.format = "keras3-json";
      out.kerasMajor = 3;
    } else {
      out.format = "keras2-json";
    }
    takeCompileConfig();
    if (weightsPath.empty())
      return true;
    return readPairedWeights(weightsPath);
  }

  //===--------------------------------------------------------------------===//
  // HDF5
  //===--------------------------------------------------------------------===//

  enum class H5Kind { LegacyModel, LegacyWeights, V3Weights };

  bool classify(const Hdf5File &file, const std::string &where, H5Kind &kind) {
    hid_t root = file.root();
    if (file.hasAttribute(root, "model_config")) {
      kind = H5Kind::LegacyModel;
      return true;
    }
    if (file.hasAttribute(root, "layer_names") ||
        file.hasAttribute(root, "layer_names0")) {
      kind = H5Kind::LegacyWeights;
      return true;
    }
    std::vector<H5Child> children;
    std::string why;
    if (!file.listChildren(root, children, why))
      return fail(where, why);
    for (const H5Child &child : children) {
      // Windows-saved tf.keras files name top-level groups `layers\conv1d`.
      std::string top = child.name.substr(0, child.name.find('\\'));
      if (child.isGroup && (top == "layers" || top == "vars" ||
                            top == "_layer_checkpoint_dependencies")) {
        kind = H5Kind::V3Weights;
        return true;
      }
    }
    return fail(where, "HDF5 file is not a Keras file: no 'model_config' or "
                       "'layer_names' attribute and no 'layers' group");
  }

  /// Root attributes `keras_version` and `backend` (legacy files).
  bool readVersionAttributes(const Hdf5File &file, const std::string &where) {
    std::string why;
    bool found = false;
    if (!file.readString(file.root(), "keras_version", out.kerasVersion, found,
                         why) ||
        !file.readString(file.root(), "backend", out.backend, found, why))
      return fail(where, why);
    // Keras 1 wrote neither attribute (FORMAT.md §5.1).
    out.kerasMajor =
        out.kerasVersion.empty() ? 1 : majorVersion(out.kerasVersion);
    return true;
  }

  bool readHdf5Model(const std::string &path) {
    Hdf5File file;
    std::string why;
    if (!file.openPath(path, why))
      return fail(path, why);
    H5Kind kind;
    if (!classify(file, path, kind))
      return false;
    out.hasWeights = true;
    WeightMap weights;
    switch (kind) {
    case H5Kind::LegacyModel: {
      out.format = "legacy-h5";
      if (!readVersionAttributes(file, path))
        return false;
      std::string config, training;
      bool found = false;
      if (!file.readString(file.root(), "model_config", config, found, why))
        return fail(path, why);
      if (!parseModelConfig(path, "the model_config attribute", config))
        return false;
      // training_config only matters for training; an unreadable one is
      // dropped rather than failing an inference import.
      Json trainingValue;
      if (file.readString(file.root(), "training_config", training, found,
                          why) &&
          found &&
          parseJson(replaceNonFiniteTokens(training), trainingValue, why))
        out.trainingJson = replaceNonFiniteTokens(training);
      H5Handle group = file.openGroup(file.root(), "model_weights");
      if (!group)
        return fail(path, "the model file has no 'model_weights' group");
      if (!readLegacyWeights(file, group.get(), &model, out.kerasVersion,
                             weights, why))
        return fail(path, why);
      break;
    }
    case H5Kind::LegacyWeights:
      out.format = "legacy-weights-h5";
      if (!readVersionAttributes(file, path))
        return false;
      if (!readLegacyWeights(file, file.root(), nullptr, out.kerasVersion,
                             weights, why))
        return fail(path, why);
      break;
    case H5Kind::V3Weights:
      // A bare .weights.h5 records no version (§7).
      out.format = "weights-h5";
      if (!readV3Weights(file, nullptr, weights, why))
        return fail(path, why);
      break;
    }
    out.weights = std::move(weights);
    return true;
  }

  /// Weights for the already-parsed `model` from a separate file or a zip
  /// member (`where` names it).
  bool readWeightsFor(Hdf5File &file, const std::string &where) {
    H5Kind kind;
    if (!classify(file, where, kind))
      return false;
    WeightMap weights;
    std::string why;
    switch (kind) {
    case H5Kind::LegacyModel: {
      H5Handle group = file.openGroup(file.root(), "model_weights");
      if (!group)
        return fail(where, "the model file has no 'model_weights' group");
      if (!readLegacyWeights(file, group.get(), &model, out.kerasVersion,
                             weights, why))
        return fail(where, why);
      break;
    }
    case H5Kind::LegacyWeights: {
      // The weights file's own version decides its layout quirks.
      std::string version;
      bool found = false;
      file.readString(file.root(), "keras_version", version, found, why);
      if (!readLegacyWeights(file, file.root(), &model,
                             version.empty() ? out.kerasVersion : version,
                             weights, why))
        return fail(where, why);
      break;
    }
    case H5Kind::V3Weights:
      if (!readV3Weights(file, &model, weights, why))
        return fail(where, why);
      break;
    }
    out.weights = std::move(weights);
    out.hasWeights = true;
    return true;
  }

  bool readPairedWeights(const std::string &weightsPath) {
    std::string why;
    Content content = sniff(weightsPath, why);
    if (content == Content::Unreadable)
      return fail(weightsPath, why);
    if (content != Content::Hdf5)
      return fail(weightsPath, "not an HDF5 weights file");
    Hdf5File file;
    if (!file.openPath(weightsPath, why))
      return fail(weightsPath, why);
    return readWeightsFor(file, weightsPath);
  }

  //===--------------------------------------------------------------------===//
  // .keras archives and directories
  //===--------------------------------------------------------------------===//

  /// `metadata.json` (optional) and `config.json` of a Keras 3 save.
  bool readKerasMetadataAndConfig(const std::string &where, bool hasMetadata,
                                  const std::string &metadata,
                                  const std::string &config) {
    out.format = "keras-zip";
    if (hasMetadata) {
      Json meta;
      std::string why;
      if (!parseJson(replaceNonFiniteTokens(metadata), meta, why))
        return fail(where, "invalid JSON in metadata.json: " + why);
      out.kerasVersion = stringMember(meta, "keras_version");
      out.kerasMajor = majorVersion(out.kerasVersion);
    }
    if (!parseModelConfig(where, "config.json", config))
      return false;
    takeCompileConfig();
    return true;
  }

  bool readKerasZip(const std::string &path) {
    int code = 0;
    std::unique_ptr<zip_t, void (*)(zip_t *)> archive(
        zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code), zip_discard);
    if (!archive) {
      zip_error_t zipError;
      zip_error_init_with_code(&zipError, code);
      std::string why = zip_error_strerror(&zipError);
      zip_error_fini(&zipError);
      return fail(path, "cannot open the zip archive: " + why);
    }
    std::string metadata, config, why;
    std::vector<char> weights;
    bool hasMetadata = false, hasConfig = false, hasWeightsMember = false;
    if (!readMember(archive.get(), "metadata.json", metadata, hasMetadata,
                    why) ||
        !readMember(archive.get(), "config.json", config, hasConfig, why) ||
        !readMember(archive.get(), "model.weights.h5", weights,
                    hasWeightsMember, why))
      return fail(path, why);
    if (!hasConfig)
      return fail(path, "the zip archive has no config.json: not a .keras "
                        "model");
    if (!readKerasMetadataAndConfig(path, hasMetadata, metadata, config))
      return false;
    return readWeightsImage(
        path, weights, hasWeightsMember,
        zip_name_locate(archive.get(), "model.weights.npz", 0) >= 0);
  }

  bool readKerasDirectory(const std::string &path) {
    namespace fs = std::filesystem;
    std::string metadata, config, why;
    std::error_code ec;
    fs::path dir(path);
    bool hasMetadata = fs::is_regular_file(dir / "metadata.json", ec);
    if (!fs::is_regular_file(dir / "config.json", ec))
      return fail(path, "is a directory without config.json: not a Keras "
                        "model directory");
    if ((hasMetadata &&
         !readWholeFile((dir / "metadata.json").string(), metadata, why)) ||
        !readWholeFile((dir / "config.json").string(), config, why))
      return fail(path, why);
    if (!readKerasMetadataAndConfig(path, hasMetadata, metadata, config))
      return false;
    std::string weightsPath = (dir / "model.weights.h5").string();
    if (!fs::is_regular_file(weightsPath, ec))
      return fail(path, fs::is_regular_file(dir / "model.weights.npz", ec)
                            ? "npz weights (model.weights.npz) are not "
                              "supported"
                            : "the model directory has no model.weights.h5");
    Hdf5File file;
    if (!file.openPath(weightsPath, why))
      return fail(weightsPath, why);
    return readWeightsFor(file, weightsPath);
  }

  bool readWeightsImage(const std::string &path, const std::vector<char> &image,
                        bool present, bool hasNpz) {
    std::string where = path + ": model.weights.h5";
    if (!present)
      return fail(path, hasNpz ? "npz weights (model.weights.npz) are not "
                                 "supported"
                               : "the archive has no model.weights.h5");
    static const char hdf5Signature[] = "\x89HDF\r\n\x1a\n";
    if (image.size() < 8 ||
        !std::equal(image.begin(), image.begin() + 8, hdf5Signature))
      return fail(where, "not an HDF5 file");
    Hdf5File file;
    std::string why;
    if (!file.openImage(image, why))
      return fail(where, why);
    return readWeightsFor(file, where);
  }

  /// Reads the member `name` whole; `found` is false when absent. Works for
  /// stored and deflated members; libzip checks the CRC at the end.
  template <typename Buffer>
  static bool readMember(zip_t *archive, const char *name, Buffer &out,
                         bool &found, std::string &error) {
    found = false;
    zip_int64_t index = zip_name_locate(archive, name, 0);
    if (index < 0)
      return true;
    found = true;
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive, static_cast<zip_uint64_t>(index), 0, &stat) <
            0 ||
        !(stat.valid & ZIP_STAT_SIZE)) {
      error = std::string("cannot read the size of ") + name + ": " +
              zip_strerror(archive);
      return false;
    }
    if (stat.size > (zip_uint64_t(1) << 36)) {
      error = std::string(name) + " is implausibly large (" +
              std::to_string(stat.size) + " bytes)";
      return false;
    }
    std::unique_ptr<zip_file_t, int (*)(zip_file_t *)> member(
        zip_fopen_index(archive, static_cast<zip_uint64_t>(index), 0),
        zip_fclose);
    if (!member) {
      error = std::string("cannot open zip member '") + name +
              "': " + zip_strerror(archive);
      return false;
    }
    out.resize(static_cast<size_t>(stat.size));
    size_t done = 0;
    while (true) {
      // One read past the end makes libzip report a CRC mismatch.
      char extra;
      void *dest = done < out.size() ? static_cast<void *>(&out[done])
                                     : static_cast<void *>(&extra);
      zip_uint64_t want = done < out.size() ? out.size() - done : 1;
      zip_int64_t got = zip_fread(member.get(), dest, want);
      if (got < 0) {
        error = std::string("cannot read zip member '") + name +
                "': " + zip_file_strerror(member.get());
        return false;
      }
      if (got == 0)
        break;
      if (done >= out.size()) {
        error = std::string(name) + " is longer than its recorded size";
        return false;
      }
      done += static_cast<size_t>(got);
    }
    if (done != out.size()) {
      error = std::string(name) + " is truncated (" + std::to_string(done) +
              " of " + std::to_string(out.size()) + " bytes)";
      return false;
    }
    return true;
  }

  KerasFile &out;
  /// The parsed model config; null until one was read.
  Json model;
};
} // namespace

/// `message` with control characters escaped as \xNN: names read from a
/// corrupt file may hold anything, and a message stays one line.
static std::string printable(const std::string &message) {
  static const char hex[] = "0123456789abcdef";
  std::string result;
  for (char c : message) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      result += "\\x";
      result += hex[u >> 4];
      result += hex[u & 15];
    } else {
      result += c;
    }
  }
  return result;
}

/// Reads in this process. HDF5 must not register its exit handler here: for
/// a corrupt file that could not be closed it prints "infinite loop closing
/// library" at exit.
static bool readInProcess(const std::string &path,
                          const std::string &weightsPath, KerasFile &out,
                          std::string &error) {
  H5dont_atexit();
  H5ErrorSilencer silencer;
  Reader reader(out);
  if (!reader.read(path, weightsPath)) {
    error = reader.error;
    return false;
  }
  return true;
}

bool kiln::keras::readKerasFile(const std::string &path,
                                const std::string &weightsPath, KerasFile &out,
                                std::string &error) {
  out = KerasFile();
  error.clear();
  try {
    KerasFile result;
    // A lone JSON config never touches HDF5; everything else is read in a
    // child process so that a corrupt file cannot crash the caller
    // (KerasIsolation.h).
    std::string why;
    bool jsonOnly = weightsPath.empty() && sniff(path, why) == Content::Json;
    bool ok = false, forked = false;
    if (!jsonOnly)
      ok = runIsolated(
          [&](KerasFile &file, std::string &message) {
            return readInProcess(path, weightsPath, file, message);
          },
          path, result, error, forked);
    if (!forked)
      ok = readInProcess(path, weightsPath, result, error);
    if (ok)
      out = std::move(result);
    else
      error = printable(error);
    return ok;
  } catch (const std::bad_alloc &) {
    error = path + ": out of memory while reading the model";
  } catch (const std::exception &e) {
    error = path + ": " + e.what();
  } catch (...) {
    error = path + ": unexpected failure while reading the model";
  }
  return false;
}
