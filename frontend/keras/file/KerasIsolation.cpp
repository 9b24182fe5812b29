//===- KerasIsolation.cpp - reading untrusted files in a child ------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The child serializes its KerasFile into a pipe (little-endian u64 lengths,
// raw bytes, an end marker); the parent rebuilds it. A stream without its end
// marker means the child died, and waitpid says how.
//
//===----------------------------------------------------------------------===//

#include "frontend/keras/file/KerasIsolation.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace kiln::keras;
using namespace kiln::keras::detail;

namespace {
const char streamStart[8] = {'K', 'I', 'L', 'N', 'K', 'F', '0', '1'};
const char streamEnd[8] = {'K', 'I', 'L', 'N', 'E', 'N', 'D', '.'};

/// Buffered writes to the pipe; `ok` turns false for good on a failure
/// (the parent went away).
class PipeWriter {
public:
  explicit PipeWriter(int fd) : fd(fd) {}

  void bytes(const void *data, size_t size) {
    const char *p = static_cast<const char *>(data);
    if (buffer.size() + size > capacity) {
      flush();
      if (size > capacity) {
        writeAll(p, size);
        return;
      }
    }
    buffer.insert(buffer.end(), p, p + size);
  }
  void u64(uint64_t value) {
    unsigned char b[8];
    for (int i = 0; i < 8; ++i)
      b[i] = static_cast<unsigned char>(value >> (8 * i));
    bytes(b, 8);
  }
  void str(const std::string &s) {
    u64(s.size());
    bytes(s.data(), s.size());
  }
  void flush() {
    writeAll(buffer.data(), buffer.size());
    buffer.clear();
  }

  bool ok = true;

private:
  void writeAll(const char *p, size_t size) {
    while (ok && size > 0) {
      ssize_t n = ::write(fd, p, size);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0) {
        ok = false;
        return;
      }
      p += n;
      size -= static_cast<size_t>(n);
    }
  }

  static constexpr size_t capacity = 1 << 16;
  int fd;
  std::vector<char> buffer;
};

/// Exact reads from the pipe; false at end of stream or on an error.
class PipeReader {
public:
  explicit PipeReader(int fd) : fd(fd) {}

  bool bytes(void *data, size_t size) {
    char *p = static_cast<char *>(data);
    while (size > 0) {
      ssize_t n = ::read(fd, p, size);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return false;
      p += n;
      size -= static_cast<size_t>(n);
    }
    return true;
  }
  bool u64(uint64_t &value) {
    unsigned char b[8];
    if (!bytes(b, 8))
      return false;
    value = 0;
    for (int i = 0; i < 8; ++i)
      value |= uint64_t(b[i]) << (8 * i);
    return true;
  }
  /// A length-prefixed string of at most `limit` bytes.
  bool str(std::string &s, uint64_t limit = uint64_t(1) << 40) {
    uint64_t size;
    if (!u64(size) || size > limit)
      return false;
    s.resize(static_cast<size_t>(size));
    return bytes(s.data(), s.size());
  }

private:
  int fd;
};
} // namespace

static void serialize(PipeWriter &w, bool ok, const std::string &error,
                      const KerasFile &file) {
  w.bytes(streamStart, sizeof(streamStart));
  w.u64(ok);
  w.str(error);
  w.str(file.format);
  w.str(file.kerasVersion);
  w.u64(static_cast<uint64_t>(static_cast<int64_t>(file.kerasMajor)));
  w.str(file.backend);
  w.str(file.configJson);
  w.str(file.trainingJson);
  w.u64(file.hasWeights);
  w.u64(file.weights.size());
  for (const auto &[key, arrays] : file.weights) {
    w.str(key);
    w.u64(arrays.size());
    for (const WeightArray &array : arrays) {
      w.str(array.name);
      w.str(array.dtype);
      w.u64(array.shape.size());
      for (int64_t d : array.shape)
        w.u64(static_cast<uint64_t>(d));
      w.u64(array.data.size());
      w.bytes(array.data.data(), array.data.size());
    }
  }
  w.bytes(streamEnd, sizeof(streamEnd));
  w.flush();
}

/// Rebuilds what serialize wrote; false when the stream is incomplete.
static bool deserialize(PipeReader &r, bool &ok, std::string &error,
                        KerasFile &file) {
  char marker[8];
  uint64_t value = 0;
  if (!r.bytes(marker, 8) ||
      std::memcmp(marker, streamStart, sizeof(marker)) != 0 || !r.u64(value))
    return false;
  ok = value != 0;
  uint64_t major = 0, hasWeights = 0, keys = 0;
  if (!r.str(error) || !r.str(file.format) || !r.str(file.kerasVersion) ||
      !r.u64(major) || !r.str(file.backend) || !r.str(file.configJson) ||
      !r.str(file.trainingJson) || !r.u64(hasWeights) || !r.u64(keys))
    return false;
  file.kerasMajor = static_cast<int>(static_cast<int64_t>(major));
  file.hasWeights = hasWeights != 0;
  for (uint64_t k = 0; k < keys; ++k) {
    std::string key;
    uint64_t count = 0;
    if (!r.str(key, 1 << 20) || !r.u64(count) || count > (1u << 20))
      return false;
    std::vector<WeightArray> &arrays = file.weights[key];
    arrays.resize(static_cast<size_t>(count));
    for (WeightArray &array : arrays) {
      uint64_t rank = 0, size = 0;
      if (!r.str(array.name, 1 << 20) || !r.str(array.dtype, 64) ||
          !r.u64(rank) || rank > 64)
        return false;
      array.shape.resize(static_cast<size_t>(rank));
      for (int64_t &d : array.shape) {
        uint64_t dim = 0;
        if (!r.u64(dim))
          return false;
        d = static_cast<int64_t>(dim);
      }
      if (!r.u64(size) || size > (uint64_t(1) << 40))
        return false;
      array.data.resize(static_cast<size_t>(size));
      if (!r.bytes(array.data.data(), array.data.size()))
        return false;
    }
  }
  return r.bytes(marker, 8) &&
         std::memcmp(marker, streamEnd, sizeof(marker)) == 0;
}

bool detail::runIsolated(
    const std::function<bool(KerasFile &, std::string &)> &read,
    const std::string &path, KerasFile &out, std::string &error, bool &forked) {
  forked = false;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return false;
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return false;
  }
  forked = true;

  if (pid == 0) {
    // The child. Crash handlers inherited from the host (LLVM's print a
    // stack dump) must not run: a crash here is reported by the parent.
    for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGPIPE})
      std::signal(sig, SIG_DFL);
    ::close(fds[0]);
    KerasFile result;
    std::string childError;
    bool ok = false;
    try {
      ok = read(result, childError);
    } catch (...) {
      childError = path + ": unexpected failure while reading the model";
    }
    PipeWriter writer(fds[1]);
    serialize(writer, ok, childError, result);
    // _exit: no atexit handlers (HDF5's would complain about a corrupt file
    // left open) and no second flush of the host's stdio buffers.
    ::_exit(writer.ok ? 0 : 1);
  }

  ::close(fds[1]);
  KerasFile result;
  bool ok = false;
  std::string childError;
  PipeReader reader(fds[0]);
  bool complete = deserialize(reader, ok, childError, result);
  ::close(fds[0]);
  int status = 0;
  pid_t waited;
  do
    waited = ::waitpid(pid, &status, 0);
  while (waited < 0 && errno == EINTR);

  if (complete) {
    if (!ok) {
      error = childError;
      return false;
    }
    out = std::move(result);
    return true;
  }
  if (waited == pid && WIFSIGNALED(status)) {
    const char *name = ::strsignal(WTERMSIG(status));
    error = path +
            ": the file is corrupt: reading it crashed the HDF5 "
            "library (" +
            std::string(name ? name : "signal") + ")";
  } else {
    error = path + ": the reader process ended without a result";
  }
  return false;
}
