/*===- library.c - loading a generated model library ----------------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * dlopen/dlsym for generic callers (kiln/library.h). Kept in its own
 * object file: nothing else in the runtime refers to it, so a generated
 * model library that links the runtime archive does not pull in the
 * dynamic loader.
 *
 *===---------------------------------------------------------------------===*/

#include "model.h"

#include "kiln/library.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define fail kiln_runtime_fail

/* The longest model name taken; generated names are C identifiers. */
#define MAX_NAME 256

struct kiln_library_t {
  void *handle;
  char name[MAX_NAME];
  const char *description; /* in the library's data */
  const char *(*lastError)(void);
  kiln_model_t *model;
};

typedef const char *(*text_fn)(void);

/* The model name a file name implies: the stem of "libNAME.so" is NAME. */
static void nameFromPath(const char *path, char *name, size_t size) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *dot = strrchr(base, '.');
  size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
  if (n > 3 && strncmp(base, "lib", 3) == 0) {
    base += 3;
    n -= 3;
  }
  snprintf(name, size, "%.*s", (int)(n < size ? n : size - 1), base);
}

void *kiln_library_symbol(const kiln_library_t *lib, const char *suffix) {
  if (!lib || !suffix)
    return NULL;
  char symbol[MAX_NAME + 64];
  if ((size_t)snprintf(symbol, sizeof symbol, "%s_%s", lib->name, suffix) >=
      sizeof symbol)
    return NULL;
  return dlsym(lib->handle, symbol);
}

void kiln_library_close(kiln_library_t *lib) {
  if (!lib)
    return;
  kiln_model_free(lib->model);
  if (lib->handle)
    dlclose(lib->handle);
  free(lib);
}

kiln_status_t kiln_library_open(const char *path, const char *name,
                                kiln_library_t **out) {
  if (!out)
    return fail(KILN_INVALID_ARGUMENT, "kiln_library_open: null output");
  *out = NULL;
  if (!path || !*path)
    return fail(KILN_INVALID_ARGUMENT, "kiln_library_open: no path");
  kiln_library_t *lib = calloc(1, sizeof *lib);
  char *local = malloc(strlen(path) + 3);
  if (!lib || !local) {
    free(lib);
    free(local);
    return fail(KILN_OUT_OF_MEMORY, "cannot load '%s': out of memory", path);
  }
  if (name) {
    if (!*name || strlen(name) >= sizeof lib->name) {
      free(lib);
      free(local);
      return fail(KILN_INVALID_ARGUMENT,
                  "cannot load '%s': the model name must have 1 to %d "
                  "characters",
                  path, MAX_NAME - 1);
    }
    snprintf(lib->name, sizeof lib->name, "%s", name);
  } else {
    nameFromPath(path, lib->name, sizeof lib->name);
  }
  /* A bare file name would make dlopen search the system's library path:
   * the argument is a path. */
  sprintf(local, "%s%s", strchr(path, '/') ? "" : "./", path);
  lib->handle = dlopen(local, RTLD_NOW | RTLD_LOCAL);
  free(local);
  if (!lib->handle) {
    const char *why = dlerror();
    kiln_library_close(lib);
    return fail(KILN_IO_ERROR, "cannot load '%s': %s", path,
                why ? why : "unknown error");
  }
  text_fn describe = (text_fn)kiln_library_symbol(lib, "description");
  lib->lastError = (text_fn)kiln_library_symbol(lib, "last_error");
  if (!describe || !lib->lastError || !kiln_library_symbol(lib, "create") ||
      !kiln_library_symbol(lib, "destroy")) {
    kiln_status_t status = fail(KILN_INVALID_ARGUMENT,
                                "'%s' is not a Kiln model library named '%s' "
                                "(use --name)",
                                path, lib->name);
    kiln_library_close(lib);
    return status;
  }
  lib->description = describe();
  kiln_status_t status = lib->description
                             ? kiln_model_parse(lib->description, &lib->model)
                             : fail(KILN_INTERNAL, "no model description");
  if (status != KILN_OK) {
    /* Name the library in front of the parser's message. */
    char message[400];
    snprintf(message, sizeof message, "%s", kiln_last_error());
    kiln_library_close(lib);
    return fail(status, "'%s': %s", path, message);
  }
  *out = lib;
  return KILN_OK;
}

const char *kiln_library_name(const kiln_library_t *lib) {
  return lib ? lib->name : NULL;
}

const char *kiln_library_description(const kiln_library_t *lib) {
  return lib ? lib->description : NULL;
}

const kiln_model_t *kiln_library_model(const kiln_library_t *lib) {
  return lib ? lib->model : NULL;
}

const char *kiln_library_last_error(const kiln_library_t *lib) {
  const char *message = lib && lib->lastError ? lib->lastError() : NULL;
  return message ? message : "";
}
