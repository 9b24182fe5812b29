/* SPDX-License-Identifier: Apache-2.0
 * A stand-in for a model library built by a Kiln whose model description
 * has another version (KILN_OTHER_VERSION): it exports the entry points a
 * library has, and a description of that version. */
#include <stddef.h>
#define STR2(x) #x
#define STR(x) STR2(x)
const char *other_description(void) {
  return "kiln-model " STR(KILN_OTHER_VERSION) "\nin x f32 2 -1 3\nout y f32 2 -1 3\n";
}
int other_create(void **out) { *out = NULL; return 1; }
void other_destroy(void *model) { (void)model; }
const char *other_last_error(void) { return "never created"; }
int other_run(void *model, const void *in, void *out) {
  (void)model; (void)in; (void)out;
  return 1;
}
