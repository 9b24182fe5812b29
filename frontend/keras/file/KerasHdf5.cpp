//===- KerasHdf5.cpp - HDF5 access for the Keras file reader --------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Every HDF5 call here is checked; a failure becomes a message with the most
// specific line of HDF5's error stack. Handles are owned by H5Handle so that
// each early return closes what it opened.
//
//===----------------------------------------------------------------------===//

#include "frontend/keras/file/KerasHdf5.h"

#include <hdf5_hl.h>

#include <cstring>
#include <limits>

using namespace kiln::keras;
using namespace kiln::keras::detail;

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

H5ErrorSilencer::H5ErrorSilencer() {
  saved = H5Eget_auto2(H5E_DEFAULT, &savedFunc, &savedData) >= 0;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

H5ErrorSilencer::~H5ErrorSilencer() {
  if (saved)
    H5Eset_auto2(H5E_DEFAULT, savedFunc, savedData);
}

static herr_t collectErrorDescription(unsigned, const H5E_error2_t *desc,
                                      void *data) {
  auto *deepest = static_cast<std::string *>(data);
  if (desc && desc->desc && *desc->desc)
    *deepest = desc->desc;
  return 0;
}

std::string detail::takeHdf5Error() {
  std::string deepest;
  // Walking downward visits the API function first and the innermost
  // failure last; the innermost one says what is actually wrong.
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collectErrorDescription, &deepest);
  H5Eclear2(H5E_DEFAULT);
  return deepest;
}

/// "`what`" plus ": <hdf5 detail>" when HDF5 left one.
static std::string withHdf5Detail(const std::string &what) {
  std::string detail = takeHdf5Error();
  return detail.empty() ? what : what + ": " + detail;
}

//===----------------------------------------------------------------------===//
// Opening
//===----------------------------------------------------------------------===//

bool Hdf5File::openPath(const std::string &path, std::string &error) {
  H5Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  if (!fapl) {
    error = withHdf5Detail("cannot create an HDF5 file-access list");
    return false;
  }
  // Strong close: closing the file closes anything still open in it.
  H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG);
#if H5_VERSION_GE(1, 12, 1) ||                                                 \
    (H5_VERS_MAJOR == 1 && H5_VERS_MINOR == 10 && H5_VERS_RELEASE >= 7)
  // Reading needs no lock, and locking fails on some network and read-only
  // file systems.
  H5Pset_file_locking(fapl.get(), false, true);
#endif
  file = H5Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()), H5Fclose);
  if (!file) {
    error = withHdf5Detail("cannot open the HDF5 file");
    return false;
  }
  return true;
}

bool Hdf5File::openImage(const std::vector<char> &image, std::string &error) {
  if (image.empty()) {
    error = "the HDF5 image is empty";
    return false;
  }
  // DONT_COPY/DONT_RELEASE: HDF5 reads the caller's buffer in place and
  // never frees it; without OPEN_RW the image is read-only.
  file = H5Handle(H5LTopen_file_image(
                      const_cast<char *>(image.data()), image.size(),
                      H5LT_FILE_IMAGE_DONT_COPY | H5LT_FILE_IMAGE_DONT_RELEASE),
                  H5Fclose);
  if (!file) {
    error = withHdf5Detail("cannot open the HDF5 image");
    return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Navigation
//===----------------------------------------------------------------------===//

bool Hdf5File::exists(hid_t loc, const std::string &path) const {
  // H5Lexists fails (rather than returning 0) when an intermediate group is
  // missing, so check one component at a time.
  size_t pos = 0;
  while (pos < path.size()) {
    size_t slash = path.find('/', pos);
    std::string prefix =
        slash == std::string::npos ? path : path.substr(0, slash);
    if (H5Lexists(loc, prefix.c_str(), H5P_DEFAULT) <= 0) {
      H5Eclear2(H5E_DEFAULT);
      return false;
    }
    if (slash == std::string::npos)
      break;
    pos = slash + 1;
  }
  // The last link may dangle (a soft link to nothing).
  bool ok =
      path.empty() || H5Oexists_by_name(loc, path.c_str(), H5P_DEFAULT) > 0;
  H5Eclear2(H5E_DEFAULT);
  return ok;
}

H5Handle Hdf5File::openGroup(hid_t loc, const std::string &path) const {
  if (!exists(loc, path))
    return H5Handle();
  H5Handle group(H5Gopen2(loc, path.c_str(), H5P_DEFAULT), H5Gclose);
  H5Eclear2(H5E_DEFAULT);
  return group;
}

bool Hdf5File::hasAttribute(hid_t obj, const std::string &name) const {
  bool ok = H5Aexists(obj, name.c_str()) > 0;
  H5Eclear2(H5E_DEFAULT);
  return ok;
}

namespace {
struct LinkList {
  std::vector<std::string> hardLinks;
  bool tooMany = false;
};
} // namespace

static herr_t collectLink(hid_t, const char *name, const H5L_info_t *info,
                          void *data) {
  auto *links = static_cast<LinkList *>(data);
  // A Keras group holds at most a few thousand entries; a huge count means
  // a corrupt or hostile file.
  if (links->hardLinks.size() >= 1000000) {
    links->tooMany = true;
    return 1;
  }
  if (info && info->type == H5L_TYPE_HARD)
    links->hardLinks.emplace_back(name);
  return 0;
}

bool Hdf5File::listChildren(hid_t group, std::vector<H5Child> &out,
                            std::string &error) const {
  out.clear();
  LinkList links;
  hsize_t index = 0;
  if (H5Literate(group, H5_INDEX_NAME, H5_ITER_NATIVE, &index, collectLink,
                 &links) < 0) {
    error = withHdf5Detail("cannot list an HDF5 group");
    return false;
  }
  if (links.tooMany) {
    error = "an HDF5 group has more than a million entries";
    return false;
  }
  for (const std::string &name : links.hardLinks) {
    H5Handle obj(H5Oopen(group, name.c_str(), H5P_DEFAULT), H5Oclose);
    if (!obj) {
      error = withHdf5Detail("cannot open HDF5 object '" + name + "'");
      return false;
    }
    H5I_type_t type = H5Iget_type(obj.get());
    H5Child child;
    child.name = name;
    child.isGroup = type == H5I_GROUP;
    child.isDataset = type == H5I_DATASET;
    out.push_back(std::move(child));
  }
  return true;
}

//===----------------------------------------------------------------------===//
// String attributes
//===----------------------------------------------------------------------===//

bool Hdf5File::readStrings(hid_t obj, const std::string &name,
                           std::vector<std::string> &out, bool &found,
                           std::string &error) const {
  out.clear();
  found = false;
  htri_t present = H5Aexists(obj, name.c_str());
  if (present < 0) {
    error = withHdf5Detail("cannot look up attribute '" + name + "'");
    return false;
  }
  if (present == 0)
    return true;
  found = true;

  H5Handle attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
  if (!attr) {
    error = withHdf5Detail("cannot open attribute '" + name + "'");
    return false;
  }
  H5Handle type(H5Aget_type(attr.get()), H5Tclose);
  H5Handle space(H5Aget_space(attr.get()), H5Sclose);
  if (!type || !space) {
    error = withHdf5Detail("cannot read the type of attribute '" + name + "'");
    return false;
  }
  H5S_class_t spaceClass = H5Sget_simple_extent_type(space.get());
  hssize_t count =
      spaceClass == H5S_NULL ? 0 : H5Sget_simple_extent_npoints(space.get());
  int rank = H5Sget_simple_extent_ndims(space.get());
  if (count < 0 || rank < 0 || rank > 1) {
    error = "attribute '" + name + "' is not a scalar or a 1-D array";
    return false;
  }
  H5T_class_t typeClass = H5Tget_class(type.get());
  if (typeClass != H5T_STRING) {
    // h5py writes an empty Python list as an empty float64 array.
    if (count == 0)
      return true;
    error = "attribute '" + name + "' is not a string (HDF5 type class " +
            std::to_string(static_cast<int>(typeClass)) + ")";
    return false;
  }
  if (count == 0)
    return true;
  if (count > 10000000) {
    error = "attribute '" + name + "' has an implausible " +
            std::to_string(count) + " elements";
    return false;
  }
  size_t n = static_cast<size_t>(count);

  if (H5Tis_variable_str(type.get()) > 0) {
    H5Handle memType(H5Tcopy(H5T_C_S1), H5Tclose);
    if (!memType || H5Tset_size(memType.get(), H5T_VARIABLE) < 0 ||
        H5Tset_cset(memType.get(), H5Tget_cset(type.get())) < 0) {
      error = withHdf5Detail("cannot set up a string type");
      return false;
    }
    std::vector<char *> pointers(n, nullptr);
    if (H5Aread(attr.get(), memType.get(), pointers.data()) < 0) {
      error = withHdf5Detail("cannot read attribute '" + name + "'");
      return false;
    }
    out.reserve(n);
    for (char *p : pointers)
      out.emplace_back(p ? p : "");
      // HDF5 allocated the strings; hand them back.
#if H5_VERSION_GE(1, 12, 0)
    H5Treclaim(memType.get(), space.get(), H5P_DEFAULT, pointers.data());
#else
    H5Dvlen_reclaim(memType.get(), space.get(), H5P_DEFAULT, pointers.data());
#endif
    return true;
  }

  // Fixed-length strings (numpy `S<n>`, older h5py): read the raw bytes with
  // the file's own type, which needs no conversion, and cut at the padding.
  size_t width = H5Tget_size(type.get());
  if (width == 0 || width > (1u << 20) ||
      n > std::numeric_limits<size_t>::max() / width) {
    error = "attribute '" + name + "' has an invalid string width " +
            std::to_string(width);
    return false;
  }
  std::vector<char> buffer(n * width);
  if (H5Aread(attr.get(), type.get(), buffer.data()) < 0) {
    error = withHdf5Detail("cannot read attribute '" + name + "'");
    return false;
  }
  bool spacePadded = H5Tget_strpad(type.get()) == H5T_STR_SPACEPAD;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const char *s = buffer.data() + i * width;
    size_t len = strnlen(s, width);
    while (spacePadded && len > 0 && s[len - 1] == ' ')
      --len;
    out.emplace_back(s, len);
  }
  return true;
}

bool Hdf5File::readString(hid_t obj, const std::string &name, std::string &out,
                          bool &found, std::string &error) const {
  out.clear();
  std::vector<std::string> values;
  if (!readStrings(obj, name, values, found, error))
    return false;
  if (!found)
    return true;
  if (values.size() != 1) {
    error = "attribute '" + name + "' holds " + std::to_string(values.size()) +
            " strings, expected one";
    return false;
  }
  out = std::move(values.front());
  return true;
}

bool Hdf5File::readChunkedStrings(hid_t obj, const std::string &name,
                                  std::vector<std::string> &out, bool &found,
                                  std::string &error) const {
  if (!readStrings(obj, name, out, found, error))
    return false;
  if (found)
    return true;
  // Keras's save_attributes_to_hdf5_group splits long lists into name0,
  // name1, ... and stops at the first missing index.
  for (int chunk = 0;; ++chunk) {
    std::vector<std::string> part;
    bool partFound = false;
    if (!readStrings(obj, name + std::to_string(chunk), part, partFound, error))
      return false;
    if (!partFound)
      break;
    found = true;
    out.insert(out.end(), part.begin(), part.end());
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Datasets
//===----------------------------------------------------------------------===//

/// Keras's dtype name for an HDF5 type, or "" when unsupported.
static std::string dtypeName(hid_t type, bool bfloat16Attr) {
  H5T_class_t typeClass = H5Tget_class(type);
  size_t size = H5Tget_size(type);
  if (bfloat16Attr)
    return size == 2 ? "bf16" : "";
  switch (typeClass) {
  case H5T_FLOAT: {
    if (size == 2) {
      // Without the dtype attribute, tell bfloat16 from IEEE half by its
      // 8-bit exponent.
      size_t spos = 0, epos = 0, esize = 0, mpos = 0, msize = 0;
      if (H5Tget_fields(type, &spos, &epos, &esize, &mpos, &msize) >= 0 &&
          esize == 8 && msize == 7)
        return "bf16";
      return "f16";
    }
    if (size == 4)
      return "f32";
    if (size == 8)
      return "f64";
    return "";
  }
  case H5T_INTEGER: {
    bool isSigned = H5Tget_sign(type) != H5T_SGN_NONE;
    if (size != 1 && size != 2 && size != 4 && size != 8)
      return "";
    return (isSigned ? "i" : "u") + std::to_string(size * 8);
  }
  case H5T_ENUM: {
    // h5py stores numpy bool as a one-byte enum {FALSE, TRUE}.
    if (size == 1 && H5Tget_nmembers(type) == 2)
      return "i1";
    return "";
  }
  default:
    return "";
  }
}

bool Hdf5File::readArray(hid_t loc, const std::string &path, WeightArray &out,
                         std::string &error) const {
  out.dtype.clear();
  out.shape.clear();
  out.data.clear();
  if (!exists(loc, path)) {
    error = "dataset '" + path + "' does not exist";
    return false;
  }
  H5Handle ds(H5Dopen2(loc, path.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds) {
    error = withHdf5Detail("cannot open dataset '" + path + "'");
    return false;
  }
  H5Handle type(H5Dget_type(ds.get()), H5Tclose);
  H5Handle space(H5Dget_space(ds.get()), H5Sclose);
  if (!type || !space) {
    error = withHdf5Detail("cannot read the type of dataset '" + path + "'");
    return false;
  }

  // Keras writes bfloat16 values as raw 16-bit data tagged dtype="bfloat16".
  std::string dtypeAttr;
  bool hasDtypeAttr = false;
  std::string attrError;
  if (!readString(ds.get(), "dtype", dtypeAttr, hasDtypeAttr, attrError))
    hasDtypeAttr = false;
  out.dtype = dtypeName(type.get(), hasDtypeAttr && dtypeAttr == "bfloat16");
  if (out.dtype.empty()) {
    error = "dataset '" + path +
            "' has an unsupported element type (HDF5 class " +
            std::to_string(static_cast<int>(H5Tget_class(type.get()))) + ", " +
            std::to_string(H5Tget_size(type.get())) + " bytes)";
    return false;
  }
  size_t elementSize = H5Tget_size(type.get());

  H5S_class_t spaceClass = H5Sget_simple_extent_type(space.get());
  if (spaceClass == H5S_NULL) {
    error = "dataset '" + path + "' holds no data (null dataspace)";
    return false;
  }
  int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0 || rank > 32) {
    error = "dataset '" + path + "' has an invalid rank";
    return false;
  }
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  if (rank > 0 &&
      H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr) < 0) {
    error = withHdf5Detail("cannot read the shape of dataset '" + path + "'");
    return false;
  }
  uint64_t count = 1;
  for (hsize_t d : dims) {
    if (d > static_cast<hsize_t>(std::numeric_limits<int64_t>::max()) ||
        (d != 0 && count > std::numeric_limits<uint64_t>::max() / d)) {
      error = "dataset '" + path + "' has an overflowing shape";
      return false;
    }
    count *= d;
    out.shape.push_back(static_cast<int64_t>(d));
  }
  if (count > std::numeric_limits<uint64_t>::max() / elementSize) {
    error = "dataset '" + path + "' has an overflowing size";
    return false;
  }
  uint64_t bytes = count * elementSize;

  // Guard the allocation against a corrupt header: contiguous data (all
  // Keras writers) must occupy exactly its declared size in the file, and
  // nothing else may claim more than 64 GiB.
  H5Handle dcpl(H5Dget_create_plist(ds.get()), H5Pclose);
  H5D_layout_t layout = dcpl ? H5Pget_layout(dcpl.get()) : H5D_LAYOUT_ERROR;
  if (layout == H5D_CONTIGUOUS && bytes > 0 &&
      H5Dget_storage_size(ds.get()) != bytes) {
    error = "dataset '" + path + "' declares " + std::to_string(bytes) +
            " bytes but stores " +
            std::to_string(H5Dget_storage_size(ds.get()));
    return false;
  }
  if (bytes > (uint64_t(1) << 36)) {
    error = "dataset '" + path + "' is implausibly large (" +
            std::to_string(bytes) + " bytes)";
    return false;
  }

  // Read little-endian whatever the file or host order: big-endian numbers
  // are converted by HDF5, one-byte and little-endian types need nothing.
  H5Handle leType;
  hid_t memType = type.get();
  H5T_class_t typeClass = H5Tget_class(type.get());
  if ((typeClass == H5T_FLOAT || typeClass == H5T_INTEGER) && elementSize > 1 &&
      H5Tget_order(type.get()) != H5T_ORDER_LE) {
    leType = H5Handle(H5Tcopy(type.get()), H5Tclose);
    if (!leType || H5Tset_order(leType.get(), H5T_ORDER_LE) < 0) {
      error = withHdf5Detail("cannot set up a little-endian type");
      return false;
    }
    memType = leType.get();
  }
  out.data.resize(static_cast<size_t>(bytes));
  if (bytes > 0 && H5Dread(ds.get(), memType, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                           out.data.data()) < 0) {
    error = withHdf5Detail("cannot read dataset '" + path + "'");
    out.data.clear();
    return false;
  }
  return true;
}
