/*===- kiln/dtype.h - element types and the description version -----------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The one table of Kiln's element types, shared by the runtime, the
 * compiler and the tools: each row gives the name MLIR prints for the
 * element type (and the model description uses), the C type of one element
 * in the generated header, and its size in bytes. A second table, keyed by
 * the same rows, gives the names the file formats use (.safetensors and
 * .npy). Both are X-macros: expand them with a macro of your own, e.g.
 *
 *   #define X(id, name, ctype, size) case KILN_##id: return size;
 *   KILN_DTYPES(X)
 *   #undef X
 *
 * The header is plain C, usable from C++, and depends on nothing but
 * <stddef.h> (the macros need nothing at all), so the compiler can include
 * it without linking the runtime.
 *
 *===---------------------------------------------------------------------===*/

#ifndef KILN_DTYPE_H
#define KILN_DTYPE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The version of the model description format (see docs/c-api.md, "The
 * model description"). The compiler writes "kiln-model <version>" as the
 * description's first line; the runtime reads only this version. */
#define KILN_DESCRIPTION_VERSION 1

/** Every element type: X(id, name, C element type, bytes). The order is
 * the order of kiln_dtype_t and must never change (it is ABI). */
#define KILN_DTYPES(X)                                                         \
  X(F32, "f32", "float", 4)                                                    \
  X(F64, "f64", "double", 8)                                                   \
  X(F16, "f16", "uint16_t", 2)                                                 \
  X(BF16, "bf16", "uint16_t", 2)                                               \
  X(I1, "i1", "uint8_t", 1)                                                    \
  X(I8, "i8", "int8_t", 1)                                                     \
  X(I16, "i16", "int16_t", 2)                                                  \
  X(I32, "i32", "int32_t", 4)                                                  \
  X(I64, "i64", "int64_t", 8)

/** The names of the element types in files: X(id, .safetensors dtype, .npy
 * descr). The .npy descr is little-endian ('|' for one byte); bf16 has no
 * numpy dtype (NULL). */
#define KILN_DTYPE_FORMATS(X)                                                  \
  X(F32, "F32", "<f4")                                                         \
  X(F64, "F64", "<f8")                                                         \
  X(F16, "F16", "<f2")                                                         \
  X(BF16, "BF16", NULL)                                                        \
  X(I1, "BOOL", "|b1")                                                         \
  X(I8, "I8", "|i1")                                                           \
  X(I16, "I16", "<i2")                                                         \
  X(I32, "I32", "<i4")                                                         \
  X(I64, "I64", "<i8")

/** An element type: KILN_F32 = 0, KILN_F64, KILN_F16, KILN_BF16, KILN_I1,
 * KILN_I8, KILN_I16, KILN_I32, KILN_I64, in the order of KILN_DTYPES. */
typedef enum kiln_dtype_t {
#define KILN_DTYPE_ENUMERATOR_(id, name, ctype, size) KILN_##id,
  KILN_DTYPES(KILN_DTYPE_ENUMERATOR_)
#undef KILN_DTYPE_ENUMERATOR_
} kiln_dtype_t;

/** The number of element types. */
#define KILN_NUM_DTYPES ((int)KILN_I64 + 1)

#ifndef KILN_STATUS_DEFINED
#define KILN_STATUS_DEFINED
/** Status codes returned by every fallible Kiln call. */
typedef enum kiln_status_t {
  KILN_OK = 0,
  KILN_INVALID_ARGUMENT = 1, /**< a null pointer, a wrong size or batch */
  KILN_OUT_OF_MEMORY = 2,
  KILN_INTERNAL = 3, /**< a malformed model library */
  KILN_IO_ERROR = 4,
  KILN_STOPPED_ON_NAN = 5, /**< fit: TerminateOnNaN stopped training */
} kiln_status_t;
#endif

#ifndef KILN_API
#if defined(KILN_BUILDING_RUNTIME)
#define KILN_API __attribute__((visibility("hidden")))
#else
#define KILN_API
#endif
#endif

/** The size in bytes of one element of `dtype`; 0 for an unknown code. */
KILN_API size_t kiln_dtype_size(kiln_dtype_t dtype);

/** The name of `dtype` as MLIR prints it ("f32", "bf16", "i1", ...); NULL
 * for an unknown code. */
KILN_API const char *kiln_dtype_name(kiln_dtype_t dtype);

/** The C type of one element of `dtype` ("float", "uint16_t", ...); NULL for
 * an unknown code. */
KILN_API const char *kiln_dtype_c_type(kiln_dtype_t dtype);

/** The element type named `name` (as kiln_dtype_name spells it). Fails
 * with KILN_INVALID_ARGUMENT, naming it, when there is none. */
KILN_API kiln_status_t kiln_dtype_from_name(const char *name,
                                            kiln_dtype_t *out);

#ifdef __cplusplus
}
#endif

#endif /* KILN_DTYPE_H */
