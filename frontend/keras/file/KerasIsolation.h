//===- KerasIsolation.h - reading untrusted files in a child ----*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Private to frontend/keras. Debian's libhdf5 (1.10) trusts the metadata of
// the files it opens: a corrupt variable-length string reference makes
// H5HG_read copy past its buffer and the process dies with SIGSEGV (found by
// flipping bytes in the corpus files). HDF5 also prints "infinite loop
// closing library" at exit when a corrupt file could not be closed. So the
// reader runs in a forked child that hands the KerasFile back through a
// pipe; a crash there becomes an error message here.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_FRONTEND_KERAS_KERASISOLATION_H
#define KILN_FRONTEND_KERAS_KERASISOLATION_H

#include "frontend/keras/file/KerasFile.h"

#include <functional>
#include <string>

namespace kiln::keras::detail {

/// Runs `read` in a forked child process and moves its result into `out`.
/// Returns `read`'s verdict, or false with a message naming `path` when the
/// child crashed. `forked` is false when no child could be started (then
/// nothing ran and the caller should read in-process).
bool runIsolated(const std::function<bool(KerasFile &, std::string &)> &read,
                 const std::string &path, KerasFile &out, std::string &error,
                 bool &forked);

} // namespace kiln::keras::detail

#endif // KILN_FRONTEND_KERAS_KERASISOLATION_H
