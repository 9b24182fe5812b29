/*===- kiln/library.h - loading a generated model library -----------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The one place that loads a library `kiln compile` generated and finds its
 * entry points (NAME_create, NAME_run, NAME_fit, ...), for generic callers
 * such as `kiln run`, `kiln train` and the C++ API. Opening checks that the
 * library is a Kiln model library of the expected name and parses its
 * description (NAME_description) with the runtime's parser, so a library
 * built by a Kiln with another description version is refused with both
 * versions named.
 *
 * The loader lives in its own object file of the runtime archive:
 * generated libraries, which link the archive, do not pull in dlopen.
 * Programs that call it link the system's dynamic loader library (libdl;
 * part of libc since glibc 2.34).
 *
 *===---------------------------------------------------------------------===*/

#ifndef KILN_LIBRARY_H
#define KILN_LIBRARY_H

#include "kiln/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A loaded model library. */
typedef struct kiln_library_t kiln_library_t;

/** Loads the model library at `path` (dlopen, RTLD_NOW | RTLD_LOCAL). A
 * path without '/' is opened as "./path", never looked up on the system's
 * library path (`libm.so` is not the C math library here). `name` is the
 * model's name, the prefix of its symbols; NULL derives it from the file
 * name (libNAME.so -> NAME). The library must export NAME_description,
 * NAME_create, NAME_destroy and NAME_last_error, else the error is "'PATH'
 * is not a Kiln model library named 'NAME' (use --name)"; its description
 * must be of this runtime's version (KILN_DESCRIPTION_VERSION). On failure
 * `*out` is NULL and nothing stays loaded. */
KILN_API kiln_status_t kiln_library_open(const char *path, const char *name,
                                         kiln_library_t **out);

/** Unloads the library (NULL is ignored). Instances created from it must be
 * destroyed first. */
KILN_API void kiln_library_close(kiln_library_t *lib);

/** The model's name: the prefix of the library's symbols. */
KILN_API const char *kiln_library_name(const kiln_library_t *lib);

/** The library's description string (NAME_description()). */
KILN_API const char *kiln_library_description(const kiln_library_t *lib);

/** The entry point NAME_<suffix> (e.g. "create", "run", "fit",
 * "create_from_file"); NULL when the library has none. Cast it to the type
 * the generated NAME.h declares. */
KILN_API void *kiln_library_symbol(const kiln_library_t *lib,
                                   const char *suffix);

/** The parsed description: a model without entry points, for the
 * accessors of kiln/runtime.h (kiln_model_num_inputs, kiln_model_input,
 * kiln_model_num_params, kiln_model_num_state, kiln_model_metric, ...).
 * Running it is an error; create instances with NAME_create. Owned by
 * `lib`. */
KILN_API const kiln_model_t *kiln_library_model(const kiln_library_t *lib);

/** The message of the library's last failed call in this thread
 * (NAME_last_error(): the generated library holds its own runtime copy, so
 * its errors are not in this runtime's kiln_last_error()). */
KILN_API const char *kiln_library_last_error(const kiln_library_t *lib);

#ifdef __cplusplus
}
#endif

#endif /* KILN_LIBRARY_H */
