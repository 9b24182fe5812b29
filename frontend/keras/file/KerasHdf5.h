//===- KerasHdf5.h - HDF5 access for the Keras file reader ------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Private to frontend/keras: a thin layer over the HDF5 C API with owned
// handles and error strings instead of HDF5's printed error stack. It reads
// exactly what Keras files hold: string attributes (variable-length or
// fixed-length NUL-padded, scalar or 1-D, possibly chunked as name0,
// name1, ...), numeric datasets as little-endian bytes, and group listings.
//
// The Debian libhdf5 is the serial, non-thread-safe build: callers must not
// read HDF5 files from several threads at once.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_FRONTEND_KERAS_KERASHDF5_H
#define KILN_FRONTEND_KERAS_KERASHDF5_H

#include "frontend/keras/file/KerasFile.h"

#include <hdf5.h>

#include <string>
#include <vector>

namespace kiln::keras::detail {

/// Owns one HDF5 identifier and releases it with the matching close call.
class H5Handle {
public:
  using Closer = herr_t (*)(hid_t);

  H5Handle() = default;
  H5Handle(hid_t id, Closer closer) : id(id), closer(closer) {}
  H5Handle(H5Handle &&other) noexcept : id(other.id), closer(other.closer) {
    other.id = H5I_INVALID_HID;
  }
  H5Handle &operator=(H5Handle &&other) noexcept {
    if (this != &other) {
      reset();
      id = other.id;
      closer = other.closer;
      other.id = H5I_INVALID_HID;
    }
    return *this;
  }
  H5Handle(const H5Handle &) = delete;
  H5Handle &operator=(const H5Handle &) = delete;
  ~H5Handle() { reset(); }

  void reset() {
    if (id >= 0 && closer)
      closer(id);
    id = H5I_INVALID_HID;
  }
  hid_t get() const { return id; }
  explicit operator bool() const { return id >= 0; }

private:
  hid_t id = H5I_INVALID_HID;
  Closer closer = nullptr;
};

/// Turns off HDF5's automatic printing of error stacks for its lifetime and
/// restores the previous handler afterwards.
class H5ErrorSilencer {
public:
  H5ErrorSilencer();
  ~H5ErrorSilencer();
  H5ErrorSilencer(const H5ErrorSilencer &) = delete;
  H5ErrorSilencer &operator=(const H5ErrorSilencer &) = delete;

private:
  H5E_auto2_t savedFunc = nullptr;
  void *savedData = nullptr;
  bool saved = false;
};

/// The most specific description on the current HDF5 error stack (e.g.
/// "truncated file: eof = 1000, ..."), or "" when the stack is empty. Clears
/// the stack.
std::string takeHdf5Error();

/// One hard link below a group.
struct H5Child {
  std::string name;
  bool isGroup = false;
  bool isDataset = false;
};

/// An open, read-only HDF5 file.
class Hdf5File {
public:
  /// Opens the file at `path`.
  bool openPath(const std::string &path, std::string &error);
  /// Opens an HDF5 image held in memory; `image` must outlive this object.
  bool openImage(const std::vector<char> &image, std::string &error);

  hid_t root() const { return file.get(); }

  /// Opens the group at `path` (relative to `loc`); an invalid handle when it
  /// does not exist or is not a group.
  H5Handle openGroup(hid_t loc, const std::string &path) const;
  /// Whether `path` (relative to `loc`, '/'-separated) names an object.
  bool exists(hid_t loc, const std::string &path) const;
  /// Whether `obj` has an attribute `name`.
  bool hasAttribute(hid_t obj, const std::string &name) const;

  /// Reads a string attribute as a list (a scalar gives one element; an
  /// empty numeric array, which h5py writes for an empty list, gives none).
  /// `found` is false when the attribute does not exist.
  bool readStrings(hid_t obj, const std::string &name,
                   std::vector<std::string> &out, bool &found,
                   std::string &error) const;
  /// Reads a scalar (or one-element) string attribute.
  bool readString(hid_t obj, const std::string &name, std::string &out,
                  bool &found, std::string &error) const;
  /// Reads `name`, or when absent the chunks `name0`, `name1`, ... that Keras
  /// writes for attributes over the 64 KiB object-header limit.
  bool readChunkedStrings(hid_t obj, const std::string &name,
                          std::vector<std::string> &out, bool &found,
                          std::string &error) const;

  /// Reads the dataset at `path` (relative to `loc`) into `out` (dtype,
  /// shape, little-endian bytes; `out.name` is left alone).
  bool readArray(hid_t loc, const std::string &path, WeightArray &out,
                 std::string &error) const;

  /// The hard links directly below group `group` (soft and external links
  /// are skipped: a weights file never needs them, and following external
  /// links would open other files).
  bool listChildren(hid_t group, std::vector<H5Child> &out,
                    std::string &error) const;

private:
  H5Handle file;
};

} // namespace kiln::keras::detail

#endif // KILN_FRONTEND_KERAS_KERASHDF5_H
