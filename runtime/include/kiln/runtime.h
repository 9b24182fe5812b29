/*===- kiln/runtime.h - the Kiln runtime C API ---------------------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The runtime that generated model libraries link statically. Applications
 * normally use the typed API of the generated `NAME.h`; the functions here
 * are what those typed functions call, and they are usable directly to run
 * any generated model generically (this is what `kiln run` does).
 *
 * Every fallible call returns a kiln_status_t; on failure a readable message
 * is available from kiln_last_error() in the calling thread. The runtime
 * never aborts and never prints.
 *
 *===---------------------------------------------------------------------===*/

#ifndef KILN_RUNTIME_H
#define KILN_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "kiln/dtype.h"
#include "kiln/train.h"

#ifdef __cplusplus
extern "C" {
#endif

/* KILN_API comes from kiln/dtype.h. */

/* kiln_status_t, kiln_dtype_t and the dtype functions are in
 * kiln/dtype.h; .npy files in kiln/npy.h; loading a generated library in
 * kiln/library.h. */

#define KILN_MAX_RANK 8
#define KILN_MAX_TENSORS 64

/** A tensor description: element type, rank and dimensions (-1 = dynamic;
 * a dynamic leading dimension is the batch). */
typedef struct kiln_tensor_info_t {
  char name[64];
  kiln_dtype_t dtype;
  int32_t rank;
  int64_t dims[KILN_MAX_RANK]; /**< -1 marks a dynamic dimension */
} kiln_tensor_info_t;

/** The generated entry point: args[0] receives the result descriptors,
 * args[1..] point at the input descriptors. */
typedef void (*kiln_invoke_fn)(void **args);

/** An instance of a compiled model. Inference on one instance is
 * thread-safe. */
typedef struct kiln_model_t kiln_model_t;

/** Creates an instance from the model's description string (embedded in
 * the generated library). */
KILN_API kiln_status_t kiln_model_create(const char *description,
                                         kiln_invoke_fn invoke,
                                         kiln_model_t **out_model);
/** Creates an instance of a model compiled with external weights, loading
 * them from a .safetensors file (every weight is checked by name, dtype and
 * shape). */
KILN_API kiln_status_t kiln_model_create_from_file(const char *description,
                                                   kiln_invoke_fn invoke,
                                                   const char *weights_path,
                                                   kiln_model_t **out_model);
KILN_API void kiln_model_destroy(kiln_model_t *model);

KILN_API int32_t kiln_model_num_inputs(const kiln_model_t *model);
KILN_API int32_t kiln_model_num_outputs(const kiln_model_t *model);
KILN_API const kiln_tensor_info_t *kiln_model_input(const kiln_model_t *model,
                                                    int32_t index);
KILN_API const kiln_tensor_info_t *kiln_model_output(const kiln_model_t *model,
                                                     int32_t index);
/** The external weights of a model compiled with them ("param" lines of
 * the description): what kiln_model_create_from_file loads. None (0) for a
 * model whose weights are embedded. */
KILN_API int32_t kiln_model_num_params(const kiln_model_t *model);
KILN_API const kiln_tensor_info_t *kiln_model_param(const kiln_model_t *model,
                                                    int32_t index);

/** The number of elements of a tensor for `batch` examples. */
KILN_API int64_t kiln_tensor_elements(const kiln_tensor_info_t *info,
                                      int64_t batch);

/** Runs the model on `batch` examples. `inputs[i]` holds
 * `input_counts[i]` elements of input i; `outputs[i]` has room for
 * `output_counts[i]` elements of output i. Counts must equal
 * kiln_tensor_elements(info, batch). */
KILN_API kiln_status_t kiln_model_predict(kiln_model_t *model, int64_t batch,
                                          const void *const *inputs,
                                          const size_t *input_counts,
                                          void *const *outputs,
                                          const size_t *output_counts);

/** A tensor of any shape the model admits: `dims` gives every dimension
 * (dynamic ones included), `data` the dense row-major elements. */
#ifndef KILN_TENSOR_DEFINED
#define KILN_TENSOR_DEFINED
typedef struct kiln_tensor_t {
  int32_t dtype; /**< a kiln_dtype_t */
  int32_t rank;
  int64_t dims[KILN_MAX_RANK];
  void *data;
} kiln_tensor_t;
#endif

/** Runs the model on inputs of any shape it admits: each input's dynamic
 * dimensions (the batch, and any other dimension the model leaves open)
 * come from `inputs[i].dims`; its dtype, rank and fixed dimensions must
 * match. Fills `outputs[i]` (one per model output) with the shapes the model
 * produced and buffers allocated with malloc, which the caller frees. On
 * failure no output is allocated. Models with dynamic dimensions other than
 * the batch run only through this call. */
KILN_API kiln_status_t kiln_model_run(kiln_model_t *model,
                                      const kiln_tensor_t *inputs,
                                      kiln_tensor_t *outputs);

/*===-- Trainable instances ----------------------------------------------===*
 * A trainable library compiles predict, eval and train functions over
 * state the instance owns: weights, optimizer slots, the step count and
 * the learning rate. */

/** Creates a trainable instance: `initial` holds the .safetensors bytes of
 * the initial weights the library embeds; other state starts at its fill
 * value. */
KILN_API kiln_status_t kiln_model_create_trainable(
    const char *description, kiln_invoke_fn predict, kiln_invoke_fn eval,
    kiln_invoke_fn train, const void *initial, int64_t initial_size,
    kiln_model_t **out_model);

KILN_API int32_t kiln_model_num_targets(const kiln_model_t *model);
KILN_API int32_t kiln_model_num_metrics(const kiln_model_t *model);
KILN_API int32_t kiln_model_num_state(const kiln_model_t *model);
KILN_API const kiln_tensor_info_t *kiln_model_target(const kiln_model_t *model,
                                                     int32_t index);
/** The loss (index 0) and the metrics: rank-0 tensors. */
KILN_API const kiln_tensor_info_t *kiln_model_metric(const kiln_model_t *model,
                                                     int32_t index);
KILN_API const kiln_tensor_info_t *
kiln_model_state_info(const kiln_model_t *model, int32_t index);

/** One training step on `batch` examples; `metrics` (may be NULL) receives
 * the loss and metrics. The state changes only if the step succeeds. */
KILN_API kiln_status_t kiln_model_train_step(
    kiln_model_t *model, int64_t batch, const void *const *inputs,
    const size_t *input_counts, const void *const *targets,
    const size_t *target_counts, double *metrics);
/** The loss and metrics on `batch` examples in inference mode. */
KILN_API kiln_status_t kiln_model_eval_step(
    kiln_model_t *model, int64_t batch, const void *const *inputs,
    const size_t *input_counts, const void *const *targets,
    const size_t *target_counts, double *metrics);
/** As kiln_model_train_step and kiln_model_eval_step, with one weight per
 * example (`batch` floats; NULL: all 1), as Keras's `sample_weight`: the
 * loss is sum(w * loss) / batch and the metrics are weighted means (or
 * weighted counts). */
KILN_API kiln_status_t kiln_model_train_step_weighted(
    kiln_model_t *model, int64_t batch, const void *const *inputs,
    const size_t *input_counts, const void *const *targets,
    const size_t *target_counts, const float *sample_weights, double *metrics);
KILN_API kiln_status_t kiln_model_eval_step_weighted(
    kiln_model_t *model, int64_t batch, const void *const *inputs,
    const size_t *input_counts, const void *const *targets,
    const size_t *target_counts, const float *sample_weights, double *metrics);

/** Copies state tensor `index` out or in; `count` must be its elements. */
KILN_API kiln_status_t kiln_model_get_state(const kiln_model_t *model,
                                            int32_t index, void *data,
                                            int64_t count);
KILN_API kiln_status_t kiln_model_set_state(kiln_model_t *model, int32_t index,
                                            const void *data, int64_t count);
KILN_API double kiln_model_learning_rate(const kiln_model_t *model);
KILN_API kiln_status_t kiln_model_set_learning_rate(kiln_model_t *model,
                                                    double lr);
/** Saves all state as .safetensors atomically (temporary file + rename). */
KILN_API kiln_status_t kiln_model_save(const kiln_model_t *model,
                                       const char *path);
/** Loads state: every weight required, optimizer state when present. */
KILN_API kiln_status_t kiln_model_load(kiln_model_t *model, const char *path);

/*===-- Datasets and the training loop (types in kiln/train.h) ----------===*/

/** Reads a dataset for the model's inputs and targets: .csv, .csv.gz, .npy
 * (with the targets' .npy as `target_path`) or .npz. A shape that does not
 * match the model is an error with the expected and actual shapes. */
KILN_API kiln_status_t kiln_model_dataset_read(const kiln_model_t *model,
                                               const char *path,
                                               const char *target_path,
                                               kiln_dataset_t **out);
KILN_API kiln_status_t kiln_model_dataset_from_arrays(
    const kiln_model_t *model, int64_t count, const void *const *inputs,
    const void *const *targets, kiln_dataset_t **out);
KILN_API void kiln_dataset_destroy(kiln_dataset_t *dataset);
KILN_API int64_t kiln_dataset_count(const kiln_dataset_t *dataset);

/** Keras's defaults: epochs 1, batch 32, shuffle on, verbose 1,
 * ReduceLROnPlateau factor 0.1, patience 10, min_delta 1e-4. */
KILN_API void kiln_fit_options_init(kiln_fit_options_t *options);
/** Trains; `validation` may be NULL (validation_split then applies).
 * `history` (may be NULL) receives the per-epoch logs, also when
 * TerminateOnNaN stopped training (KILN_STOPPED_ON_NAN). */
KILN_API kiln_status_t kiln_model_fit(kiln_model_t *model,
                                      const kiln_dataset_t *train,
                                      const kiln_dataset_t *validation,
                                      const kiln_fit_options_t *options,
                                      kiln_history_t **history);
/** The loss and metrics over a dataset, each the mean over examples. */
KILN_API kiln_status_t kiln_model_evaluate(kiln_model_t *model,
                                           const kiln_dataset_t *data,
                                           int64_t batch_size, double *metrics);
/** The predictions over a dataset, batch by batch. */
KILN_API kiln_status_t kiln_model_predict_dataset(
    kiln_model_t *model, const kiln_dataset_t *data, int64_t batch_size,
    void *const *outputs, const size_t *output_counts);

KILN_API int32_t kiln_history_epochs(const kiln_history_t *history);
KILN_API int32_t kiln_history_num_keys(const kiln_history_t *history);
KILN_API const char *kiln_history_key(const kiln_history_t *history,
                                      int32_t index);
/** The values of a key, one per epoch; NULL for an unknown key. */
KILN_API const double *kiln_history_values(const kiln_history_t *history,
                                           const char *key);
KILN_API void kiln_history_destroy(kiln_history_t *history);

/** The message of the last failed call in this thread ("" if none). */
KILN_API const char *kiln_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* KILN_RUNTIME_H */
