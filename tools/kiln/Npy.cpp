//===- Npy.cpp - NumPy .npy files for kiln run ----------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The .npy format: magic "\x93NUMPY", a version, a little-endian header
// length, then a Python dict literal with 'descr', 'fortran_order' and
// 'shape', padded to 64 bytes, then the raw data.
//
//===----------------------------------------------------------------------===//

#include "tools/kiln/Npy.h"

#include "kiln/runtime.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

namespace kiln {

namespace {
struct DtypeName {
  const char *kiln, *numpy;
  size_t size;
  kiln_dtype_t code;
};
const DtypeName kDtypes[] = {
    {"f32", "<f4", 4, KILN_F32}, {"f64", "<f8", 8, KILN_F64},
    {"f16", "<f2", 2, KILN_F16}, {"i8", "|i1", 1, KILN_I8},
    {"i16", "<i2", 2, KILN_I16}, {"i32", "<i4", 4, KILN_I32},
    {"i64", "<i8", 8, KILN_I64}, {"i1", "|b1", 1, KILN_I1},
};

/// The value of `key` in the header dict, as raw text up to the next
/// top-level comma or closing brace.
std::optional<llvm::StringRef> dictValue(llvm::StringRef header,
                                         llvm::StringRef key) {
  size_t at = header.find(("'" + key + "'").str());
  if (at == llvm::StringRef::npos)
    return std::nullopt;
  llvm::StringRef rest = header.drop_front(at + key.size() + 2).ltrim();
  if (!rest.consume_front(":"))
    return std::nullopt;
  rest = rest.ltrim();
  if (rest.starts_with("(")) {
    size_t close = rest.find(')');
    return close == llvm::StringRef::npos ? std::nullopt
                                          : std::optional(rest.take_front(close + 1));
  }
  size_t end = rest.find_first_of(",}");
  return rest.take_front(end).trim();
}
} // namespace

size_t dtypeSize(llvm::StringRef dtype) {
  for (const DtypeName &d : kDtypes)
    if (dtype == d.kiln)
      return d.size;
  return 0;
}

int32_t dtypeCode(llvm::StringRef dtype) {
  for (const DtypeName &d : kDtypes)
    if (dtype == d.kiln)
      return d.code;
  return -1;
}

bool readNpy(llvm::StringRef path, NpyArray &array, std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer) {
    error = "cannot read '" + path.str() + "': " + buffer.getError().message();
    return false;
  }
  llvm::StringRef bytes = (*buffer)->getBuffer();
  auto fail = [&](const std::string &why) {
    error = "'" + path.str() + "' is not a valid .npy file: " + why;
    return false;
  };
  if (bytes.size() < 10 || !bytes.starts_with("\x93NUMPY"))
    return fail("bad magic");
  unsigned major = static_cast<unsigned char>(bytes[6]);
  size_t headerLen, offset;
  if (major == 1) {
    headerLen = static_cast<unsigned char>(bytes[8]) |
                static_cast<unsigned char>(bytes[9]) << 8;
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      return fail("truncated header");
    headerLen = 0;
    for (int i = 0; i < 4; ++i)
      headerLen |= size_t(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
    offset = 12;
  } else {
    return fail("unsupported version " + std::to_string(major));
  }
  if (bytes.size() < offset + headerLen)
    return fail("truncated header");
  llvm::StringRef header = bytes.substr(offset, headerLen);
  auto descr = dictValue(header, "descr");
  auto fortran = dictValue(header, "fortran_order");
  auto shape = dictValue(header, "shape");
  if (!descr || !fortran || !shape)
    return fail("header lacks descr, fortran_order or shape");
  if (*fortran != "False")
    return fail("Fortran-ordered arrays are not supported");
  llvm::StringRef d = descr->trim("'\"");
  array.dtype.clear();
  for (const DtypeName &n : kDtypes)
    if (d == n.numpy || (d.size() == 3 && d[0] == '=' && d.drop_front() ==
                                                            llvm::StringRef(n.numpy).drop_front()))
      array.dtype = n.kiln;
  if (array.dtype.empty())
    return fail("unsupported dtype " + d.str());
  array.shape.clear();
  int64_t count = 1;
  llvm::SmallVector<llvm::StringRef> dims;
  shape->trim("()").split(dims, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef dim : dims) {
    int64_t v;
    if (dim.trim().getAsInteger(10, v) || v < 0)
      return fail("bad shape " + shape->str());
    array.shape.push_back(v);
    count *= v;
  }
  size_t need = count * dtypeSize(array.dtype);
  llvm::StringRef data = bytes.drop_front(offset + headerLen);
  if (data.size() != need)
    return fail("expected " + std::to_string(need) + " bytes of data, found " +
                std::to_string(data.size()));
  array.data.assign(data.begin(), data.end());
  return true;
}

bool writeNpy(llvm::StringRef path, const NpyArray &array, std::string &error) {
  const char *descr = nullptr;
  for (const DtypeName &n : kDtypes)
    if (array.dtype == n.kiln)
      descr = n.numpy;
  if (!descr) {
    error = "cannot write dtype " + array.dtype + " to .npy";
    return false;
  }
  std::string header = std::string("{'descr': '") + descr +
                       "', 'fortran_order': False, 'shape': (";
  for (int64_t d : array.shape)
    header += std::to_string(d) + ",";
  if (array.shape.size() > 1)
    header.pop_back();
  header += "), }";
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');
  std::string out = "\x93NUMPY\x01";
  out.push_back('\0');
  out.push_back(static_cast<char>(header.size() & 0xff));
  out.push_back(static_cast<char>(header.size() >> 8));
  out += header;
  out.append(array.data.begin(), array.data.end());
  std::string temp = path.str() + ".tmp";
  std::error_code ec;
  {
    llvm::raw_fd_ostream os(temp, ec);
    if (!ec) {
      os << out;
      os.close();
      if (os.has_error())
        ec = os.error();
    }
  }
  if (!ec)
    ec = llvm::sys::fs::rename(temp, path);
  if (ec) {
    llvm::sys::fs::remove(temp);
    error = "cannot write '" + path.str() + "': " + ec.message();
    return false;
  }
  return true;
}

} // namespace kiln
