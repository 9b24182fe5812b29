/*===- json.c - a small JSON reader for safetensors headers ---------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 *===---------------------------------------------------------------------===*/

#include "json.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *p, *end;
  int depth;
} parser_t;

static void skipSpace(parser_t *ps) {
  while (ps->p < ps->end &&
         (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
    ++ps->p;
}

static int parseValue(parser_t *ps, kiln_json_t *out);

static char *parseString(parser_t *ps) {
  if (ps->p >= ps->end || *ps->p != '"')
    return NULL;
  ++ps->p;
  size_t cap = 16, len = 0;
  char *s = malloc(cap);
  if (!s)
    return NULL;
  while (ps->p < ps->end && *ps->p != '"') {
    char c = *ps->p++;
    if (c == '\\') {
      if (ps->p >= ps->end)
        break;
      char e = *ps->p++;
      switch (e) {
      case 'n': c = '\n'; break;
      case 't': c = '\t'; break;
      case 'r': c = '\r'; break;
      case 'b': c = '\b'; break;
      case 'f': c = '\f'; break;
      case 'u':
        if (ps->end - ps->p < 4) {
          free(s);
          return NULL;
        }
        ps->p += 4;
        c = '?';
        break;
      default: c = e; break; /* \" \\ \/ */
      }
    }
    if (len + 1 >= cap) {
      char *grown = realloc(s, cap *= 2);
      if (!grown) {
        free(s);
        return NULL;
      }
      s = grown;
    }
    s[len++] = c;
  }
  if (ps->p >= ps->end) {
    free(s);
    return NULL;
  }
  ++ps->p; /* closing quote */
  s[len] = '\0';
  return s;
}

static int parseList(parser_t *ps, kiln_json_t *out, char close, int object) {
  ++ps->p;
  size_t cap = 0;
  out->children = NULL;
  out->count = 0;
  skipSpace(ps);
  if (ps->p < ps->end && *ps->p == close) {
    ++ps->p;
    return 1;
  }
  for (;;) {
    if (out->count == cap) {
      cap = cap ? cap * 2 : 8;
      kiln_json_t *grown = realloc(out->children, cap * sizeof *grown);
      if (!grown)
        return 0;
      out->children = grown;
    }
    kiln_json_t *child = &out->children[out->count];
    memset(child, 0, sizeof *child);
    skipSpace(ps);
    if (object) {
      child->key = parseString(ps);
      if (!child->key)
        return 0;
      skipSpace(ps);
      if (ps->p >= ps->end || *ps->p != ':') {
        free(child->key);
        return 0;
      }
      ++ps->p;
    }
    ++out->count;
    if (!parseValue(ps, child))
      return 0;
    skipSpace(ps);
    if (ps->p < ps->end && *ps->p == ',') {
      ++ps->p;
      continue;
    }
    if (ps->p < ps->end && *ps->p == close) {
      ++ps->p;
      return 1;
    }
    return 0;
  }
}

static int parseValue(parser_t *ps, kiln_json_t *out) {
  skipSpace(ps);
  if (ps->p >= ps->end || ++ps->depth > 64)
    return 0;
  int ok = 0;
  char c = *ps->p;
  if (c == '{') {
    out->kind = KILN_JSON_OBJECT;
    ok = parseList(ps, out, '}', 1);
  } else if (c == '[') {
    out->kind = KILN_JSON_ARRAY;
    ok = parseList(ps, out, ']', 0);
  } else if (c == '"') {
    out->kind = KILN_JSON_STRING;
    ok = (out->string = parseString(ps)) != NULL;
  } else if (c == 't' && ps->end - ps->p >= 4 && !memcmp(ps->p, "true", 4)) {
    out->kind = KILN_JSON_BOOL;
    out->number = 1;
    ps->p += 4;
    ok = 1;
  } else if (c == 'f' && ps->end - ps->p >= 5 && !memcmp(ps->p, "false", 5)) {
    out->kind = KILN_JSON_BOOL;
    ps->p += 5;
    ok = 1;
  } else if (c == 'n' && ps->end - ps->p >= 4 && !memcmp(ps->p, "null", 4)) {
    out->kind = KILN_JSON_NULL;
    ps->p += 4;
    ok = 1;
  } else if (c == '-' || (c >= '0' && c <= '9')) {
    char buf[64];
    size_t n = 0;
    while (ps->p < ps->end && n + 1 < sizeof buf &&
           strchr("+-0123456789.eE", *ps->p))
      buf[n++] = *ps->p++;
    buf[n] = '\0';
    char *endp;
    out->kind = KILN_JSON_NUMBER;
    out->number = strtod(buf, &endp);
    ok = endp == buf + n && n > 0;
  }
  --ps->depth;
  return ok;
}

static void freeChildren(kiln_json_t *node) {
  for (size_t i = 0; i < node->count; ++i)
    freeChildren(&node->children[i]);
  free(node->children);
  free(node->string);
  free(node->key);
}

kiln_json_t *kiln_json_parse(const char *text, size_t size) {
  parser_t ps = {text, text + size, 0};
  kiln_json_t *root = calloc(1, sizeof *root);
  if (!root)
    return NULL;
  int ok = parseValue(&ps, root);
  skipSpace(&ps);
  if (!ok || ps.p != ps.end) {
    freeChildren(root);
    free(root);
    return NULL;
  }
  return root;
}

void kiln_json_free(kiln_json_t *node) {
  if (!node)
    return;
  freeChildren(node);
  free(node);
}

const kiln_json_t *kiln_json_get(const kiln_json_t *object, const char *key) {
  if (!object || object->kind != KILN_JSON_OBJECT)
    return NULL;
  for (size_t i = 0; i < object->count; ++i)
    if (object->children[i].key && strcmp(object->children[i].key, key) == 0)
      return &object->children[i];
  return NULL;
}
