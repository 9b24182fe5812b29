/*===- description.c - the model description parser ----------------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The one reader of the description string a generated library embeds
 * (NAME_description): the compiler writes it, everything else (model
 * instances, kiln_library_open, `kiln run`) reads it through here. The
 * format is defined in docs/c-api.md, "The model description":
 *   kiln-model <KILN_DESCRIPTION_VERSION>
 *   in <name> <dtype> <rank> <dim>...
 *   out <name> <dtype> <rank> <dim>...
 *   param <name> <dtype> <rank> <dim>...   (external weights, passed after
 *                                          the inputs, loaded from a file)
 * and for trainable libraries (see trainable.c):
 *   target <name> <dtype> <rank> <dim>...  (training targets)
 *   metric <name> <dtype> 0                (the loss, then the metrics)
 *   metric <name> f32 1 <n> ratio|auc      (a metric whose counts sum)
 *   state <name> <dtype> <rank> <dim>... <role> <fill> <has-initial>
 *   same <i> <d> <j> <e> <symbol>         (dimension d of input i equals
 *                                          dimension e of input j)
 *   call predict|eval|train <ref>... -> <ref>...
 *     (ref: i<k> input, t<k> target, s<k> state, o<k> output, m<k> metric,
 *      w0 per-example weights)
 * A description of another version is refused with both versions named:
 * the layout of the entry points' arguments changes with it.
 *
 *===---------------------------------------------------------------------===*/

#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define fail kiln_runtime_fail

/* Parses one tensor line ("in", "out", ...) into `info`; returns 0 on a
 * malformed line. `*rest` is left at the words after the dims. */
static int parseTensor(char *line, kiln_tensor_info_t *info, char **rest) {
  char *save = NULL;
  char *tok = strtok_r(line, " ", &save); /* in / out */
  char *name = strtok_r(NULL, " ", &save);
  char *dtype = strtok_r(NULL, " ", &save);
  char *rank = strtok_r(NULL, " ", &save);
  if (!tok || !name || !dtype || !rank || strlen(name) >= sizeof info->name ||
      kiln_dtype_from_name(dtype, &info->dtype) != KILN_OK)
    return 0;
  strcpy(info->name, name);
  info->rank = (int32_t)strtol(rank, NULL, 10);
  if (info->rank < 0 || info->rank > KILN_MAX_RANK)
    return 0;
  for (int32_t i = 0; i < info->rank; ++i) {
    char *dim = strtok_r(NULL, " ", &save);
    if (!dim)
      return 0;
    info->dims[i] = strtoll(dim, NULL, 10);
    if (info->dims[i] < -1)
      return 0;
  }
  *rest = save;
  return 1;
}

static const char *const roleNames[] = {"param", "weight", "slot", "iterations",
                                        "lr"};

/* Parses "call <kind> <ref>... -> <ref>..." into the model's entries. */
static int parseCall(char *line, kiln_model_t *model) {
  char *save = NULL;
  strtok_r(line, " ", &save); /* call */
  char *kind = strtok_r(NULL, " ", &save);
  int e = !kind                          ? -1
          : strcmp(kind, "predict") == 0 ? KILN_ENTRY_PREDICT
          : strcmp(kind, "eval") == 0    ? KILN_ENTRY_EVAL
          : strcmp(kind, "train") == 0   ? KILN_ENTRY_TRAIN
                                         : -1;
  if (e < 0 || model->entries[e].args)
    return 0;
  kiln_entry_t *entry = &model->entries[e];
  size_t cap = 16 + strlen(save ? save : "") / 2;
  entry->args = calloc(cap, sizeof *entry->args);
  entry->results = calloc(cap, sizeof *entry->results);
  if (!entry->args || !entry->results)
    return 0;
  int results = 0;
  for (char *tok = strtok_r(NULL, " ", &save); tok;
       tok = strtok_r(NULL, " ", &save)) {
    if (strcmp(tok, "->") == 0) {
      if (results)
        return 0;
      results = 1;
      continue;
    }
    char k = tok[0];
    char *end = NULL;
    long index = strtol(tok + 1, &end, 10);
    int32_t limit = k == 'i'   ? model->numInputs
                    : k == 't' ? model->numTargets
                    : k == 's' ? model->numState
                    : k == 'o' ? model->numOutputs
                    : k == 'm' ? model->numMetrics
                    : k == 'w' ? 1
                               : 0;
    if (!end || *end || index < 0 || index >= limit)
      return 0;
    if (results ? (k == 'i' || k == 't' || k == 'w') : (k == 'o' || k == 'm'))
      return 0;
    kiln_ref_t ref = {k, (int32_t)index};
    int32_t *count = results ? &entry->numResults : &entry->numArgs;
    if ((size_t)*count >= cap)
      return 0;
    (results ? entry->results : entry->args)[(*count)++] = ref;
  }
  return results;
}

void kiln_model_free(kiln_model_t *model) {
  if (!model)
    return;
  for (int32_t i = 0; i < model->numParams; ++i)
    free(model->weights[i].data);
  for (int32_t i = 0; model->stateData && i < model->numState; ++i)
    free(model->stateData[i]);
  for (int e = 0; e < 3; ++e) {
    free(model->entries[e].args);
    free(model->entries[e].results);
  }
  for (int32_t i = 0; i < KILN_MAX_TENSORS; ++i)
    free(model->metricCounts[i]), free(model->metricRaw[i]);
  free(model->ones);
  free(model->state);
  free(model->role);
  free(model->fill);
  free(model->hasInitial);
  free(model->stateData);
  free(model);
}

/* Checks the first line, "kiln-model <version>", and sets `*body` to the
 * line after it. */
static kiln_status_t checkVersion(const char *text, const char **body) {
  static const char magic[] = "kiln-model ";
  const char *p = text + sizeof magic - 1;
  long version = 0;
  int digits = 0;
  if (strncmp(text, magic, sizeof magic - 1) == 0)
    for (; *p >= '0' && *p <= '9' && digits < 9; ++digits)
      version = version * 10 + (*p++ - '0');
  if (!digits || *p != '\n')
    return fail(KILN_INTERNAL,
                "not a Kiln model description (the first line is not "
                "'kiln-model <version>')");
  if (version != KILN_DESCRIPTION_VERSION)
    return fail(KILN_INVALID_ARGUMENT,
                "the model description is version %ld; this runtime reads "
                "version %d (rebuild the library with this Kiln)",
                version, KILN_DESCRIPTION_VERSION);
  *body = p + 1;
  return KILN_OK;
}

kiln_status_t kiln_model_parse(const char *description,
                               kiln_model_t **out_model) {
  *out_model = NULL;
  kiln_model_t *model = calloc(1, sizeof *model);
  if (model) {
    snprintf(model->sampleWeight.name, sizeof model->sampleWeight.name,
             "sample_weight");
    model->sampleWeight.dtype = KILN_F32;
    model->sampleWeight.rank = 1;
    model->sampleWeight.dims[0] = -1;
  }
  char *copy = strdup(description);
  if (!model || !copy) {
    free(model);
    free(copy);
    return fail(KILN_OUT_OF_MEMORY, "kiln_model_create: out of memory");
  }
  const char *versioned = NULL;
  kiln_status_t version = checkVersion(copy, &versioned);
  if (version != KILN_OK) {
    kiln_model_free(model);
    free(copy);
    return version;
  }
  /* The lines after the version, in the writable copy strtok_r needs. */
  char *body = copy + (versioned - copy);
  int ok = 1;
  /* State tensors are counted first: there may be many. */
  int32_t stateLines = 0;
  for (const char *p = strstr(copy, "\nstate "); p;
       p = strstr(p + 1, "\nstate "))
    ++stateLines;
  if (ok && stateLines) {
    model->state = calloc((size_t)stateLines, sizeof *model->state);
    model->role = calloc((size_t)stateLines, sizeof *model->role);
    model->fill = calloc((size_t)stateLines, sizeof *model->fill);
    model->hasInitial = calloc((size_t)stateLines, 1);
    model->stateData = calloc((size_t)stateLines, sizeof *model->stateData);
    ok = model->state && model->role && model->fill && model->hasInitial &&
         model->stateData;
  }
  char *save = NULL;
  for (char *line = ok ? strtok_r(body, "\n", &save) : NULL; ok && line;
       line = strtok_r(NULL, "\n", &save)) {
    if (strncmp(line, "call ", 5) == 0) {
      ok = parseCall(line, model);
      continue;
    }
    if (strncmp(line, "same ", 5) == 0) {
      ok = model->numSame < KILN_MAX_TENSORS;
      if (!ok)
        break;
      int i, d, j, e, used = 0;
      char *symbol = model->same[model->numSame].symbol;
      ok = sscanf(line + 5, "%d %d %d %d %63s%n", &i, &d, &j, &e, symbol,
                  &used) == 5 &&
           line[5 + used] == '\0' && i >= 0 && j >= 0 && d >= 0 && e >= 0;
      if (ok) {
        model->same[model->numSame].input = i;
        model->same[model->numSame].dim = d;
        model->same[model->numSame].otherInput = j;
        model->same[model->numSame].otherDim = e;
        ++model->numSame;
      }
      continue;
    }
    if (strncmp(line, "state ", 6) == 0) {
      ok = model->numState < stateLines;
      if (!ok)
        break;
      int32_t k = model->numState;
      char *rest = NULL;
      ok = parseTensor(line, &model->state[k], &rest);
      char *role = ok ? strtok_r(NULL, " ", &rest) : NULL;
      char *fillText = role ? strtok_r(NULL, " ", &rest) : NULL;
      char *initial = fillText ? strtok_r(NULL, " ", &rest) : NULL;
      int r = -1;
      for (int i = 0; initial && i < 5; ++i)
        if (strcmp(role, roleNames[i]) == 0)
          r = i;
      ok = r >= 0;
      if (ok) {
        model->role[k] = (kiln_role_t)r;
        model->fill[k] = strtod(fillText, NULL);
        model->hasInitial[k] = initial[0] == '1';
      }
      if (ok)
        ++model->numState;
      continue;
    }
    char *rest = NULL;
    int isInput = strncmp(line, "in ", 3) == 0;
    int isOutput = strncmp(line, "out ", 4) == 0;
    int isParam = strncmp(line, "param ", 6) == 0;
    int isTarget = strncmp(line, "target ", 7) == 0;
    int isMetric = strncmp(line, "metric ", 7) == 0;
    int32_t *count = isInput    ? &model->numInputs
                     : isOutput ? &model->numOutputs
                     : isTarget ? &model->numTargets
                     : isMetric ? &model->numMetrics
                                : &model->numParams;
    kiln_tensor_info_t *infos = isInput    ? model->inputs
                                : isOutput ? model->outputs
                                : isTarget ? model->targets
                                : isMetric ? model->metrics
                                           : model->params;
    ok = (isInput || isOutput || isParam || isTarget || isMetric) &&
         *count < KILN_MAX_TENSORS && parseTensor(line, &infos[*count], &rest);
    if (ok && isMetric) {
      /* A count metric names its kind after the dimensions. */
      kiln_tensor_info_t *info = &infos[*count];
      char *kind = strtok_r(NULL, " ", &rest);
      kiln_metric_kind_t k = KILN_METRIC_MEAN;
      if (kind && strcmp(kind, "ratio") == 0)
        k = KILN_METRIC_RATIO;
      else if (kind && strcmp(kind, "auc") == 0)
        k = KILN_METRIC_AUC;
      else if (kind)
        ok = 0;
      ok = ok && (k == KILN_METRIC_MEAN
                      ? info->rank == 0
                      : info->rank == 1 && info->dims[0] > 0 &&
                            info->dtype == KILN_F32 &&
                            (k != KILN_METRIC_AUC || info->dims[0] % 4 == 0));
      model->metricKind[*count] = k;
      if (ok && k != KILN_METRIC_MEAN) {
        model->metricCounts[*count] =
            calloc((size_t)info->dims[0], sizeof(double));
        model->metricRaw[*count] = calloc((size_t)info->dims[0], sizeof(float));
        ok = model->metricCounts[*count] && model->metricRaw[*count];
      }
    }
    if (ok)
      ++*count;
  }
  free(copy);
  for (int32_t k = 0; ok && k < model->numSame; ++k)
    ok =
        model->same[k].input < model->numInputs &&
        model->same[k].otherInput < model->numInputs &&
        model->same[k].dim < model->inputs[model->same[k].input].rank &&
        model->same[k].otherDim < model->inputs[model->same[k].otherInput].rank;
  if (ok && model->numState)
    ok = model->entries[0].args && model->entries[1].args &&
         model->entries[2].args && model->numState == stateLines;
  if (!ok) {
    kiln_model_free(model);
    return fail(KILN_INTERNAL,
                "kiln_model_create: malformed model description");
  }
  model->trainable = model->numState > 0;
  *out_model = model;
  return KILN_OK;
}
