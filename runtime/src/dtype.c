/*===- dtype.c - the element type table -----------------------------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The functions over KILN_DTYPES (kiln/dtype.h). Every name, size and file
 * format name of an element type in the runtime comes from here, so that a
 * new element type is one row of the table.
 *
 *===---------------------------------------------------------------------===*/

#include "model.h"

#include <string.h>

#define NAME(id, name, ctype, size) name,
#define C_TYPE(id, name, ctype, size) ctype,
#define SIZE(id, name, ctype, size) size,
#define SAFETENSORS(id, st, npy) st,
#define NPY(id, st, npy) npy,
#define LIST(id, name, ctype, size) " " name

static const char *const names[] = {KILN_DTYPES(NAME)};
static const char *const cTypes[] = {KILN_DTYPES(C_TYPE)};
static const unsigned char sizes[] = {KILN_DTYPES(SIZE)};
static const char *const safetensorsNames[] = {KILN_DTYPE_FORMATS(SAFETENSORS)};
static const char *const npyDescrs[] = {KILN_DTYPE_FORMATS(NPY)};

/* The two tables must list the same types. */
_Static_assert(sizeof names / sizeof *names == KILN_NUM_DTYPES,
               "KILN_DTYPES and kiln_dtype_t disagree");
_Static_assert(sizeof npyDescrs / sizeof *npyDescrs == KILN_NUM_DTYPES,
               "KILN_DTYPE_FORMATS lists a different number of types");

static int known(kiln_dtype_t dtype) {
  return (unsigned)dtype < (unsigned)KILN_NUM_DTYPES;
}

size_t kiln_dtype_size(kiln_dtype_t dtype) {
  return known(dtype) ? sizes[dtype] : 0;
}

const char *kiln_dtype_name(kiln_dtype_t dtype) {
  return known(dtype) ? names[dtype] : NULL;
}

const char *kiln_dtype_c_type(kiln_dtype_t dtype) {
  return known(dtype) ? cTypes[dtype] : NULL;
}

kiln_status_t kiln_dtype_from_name(const char *name, kiln_dtype_t *out) {
  if (!name || !out)
    return kiln_runtime_fail(KILN_INVALID_ARGUMENT,
                             "kiln_dtype_from_name: null argument");
  for (int i = 0; i < KILN_NUM_DTYPES; ++i)
    if (strcmp(name, names[i]) == 0) {
      *out = (kiln_dtype_t)i;
      return KILN_OK;
    }
  return kiln_runtime_fail(KILN_INVALID_ARGUMENT,
                           "unknown element type '%.64s' (the element types "
                           "are" KILN_DTYPES(LIST) ")",
                           name);
}

const char *kiln_dtype_safetensors_name(kiln_dtype_t dtype) {
  return known(dtype) ? safetensorsNames[dtype] : NULL;
}

const char *kiln_dtype_npy_descr(kiln_dtype_t dtype) {
  return known(dtype) ? npyDescrs[dtype] : NULL;
}
