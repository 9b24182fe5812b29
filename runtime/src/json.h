/*===- json.h - a small JSON reader for safetensors headers ---------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Parses a JSON document into a tree of nodes. Enough for safetensors
 * headers and other small runtime metadata: objects, arrays, strings with
 * the standard escapes (\uXXXX kept as '?'), numbers, true/false/null.
 * Depth is limited; malformed input is rejected, never trusted.
 *
 *===---------------------------------------------------------------------===*/

#ifndef KILN_RUNTIME_JSON_H
#define KILN_RUNTIME_JSON_H

#include <stddef.h>

typedef enum {
  KILN_JSON_NULL,
  KILN_JSON_BOOL,
  KILN_JSON_NUMBER,
  KILN_JSON_STRING,
  KILN_JSON_ARRAY,
  KILN_JSON_OBJECT
} kiln_json_kind_t;

typedef struct kiln_json_t {
  kiln_json_kind_t kind;
  double number;   /* NUMBER, BOOL (0/1) */
  char *string;    /* STRING; the key for members of an object */
  char *key;
  struct kiln_json_t *children; /* ARRAY, OBJECT: `count` nodes */
  size_t count;
} kiln_json_t;

/* Parses `size` bytes of `text`; returns NULL on malformed input. */
__attribute__((visibility("hidden"))) kiln_json_t *
kiln_json_parse(const char *text, size_t size);
__attribute__((visibility("hidden"))) void kiln_json_free(kiln_json_t *node);
/* The member `key` of an object, or NULL. */
__attribute__((visibility("hidden"))) const kiln_json_t *
kiln_json_get(const kiln_json_t *object, const char *key);

#endif /* KILN_RUNTIME_JSON_H */
