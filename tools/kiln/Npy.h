//===- Npy.h - NumPy .npy files for kiln run --------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TOOLS_KILN_NPY_H
#define KILN_TOOLS_KILN_NPY_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace kiln {

/// A C-ordered array read from or written to a .npy file. `dtype` uses the
/// runtime's names (f32, f64, i32, ...).
struct NpyArray {
  std::string dtype;
  llvm::SmallVector<int64_t> shape;
  std::vector<char> data;
};

/// Reads a version 1/2/3 .npy file; on failure returns false with `error`.
bool readNpy(llvm::StringRef path, NpyArray &array, std::string &error);

/// Writes a version 1 .npy file atomically.
bool writeNpy(llvm::StringRef path, const NpyArray &array, std::string &error);

/// The element size of a runtime dtype name, 0 if unknown.
size_t dtypeSize(llvm::StringRef dtype);

/// The runtime's kiln_dtype_t code of a dtype name, -1 if unknown.
int32_t dtypeCode(llvm::StringRef dtype);

} // namespace kiln

#endif // KILN_TOOLS_KILN_NPY_H
