/*===- kiln/train.h - datasets and the training loop (C API) --------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The types of datasets, `fit` options and callbacks, and the history.
 * The functions are in kiln/runtime.h; a generated trainable library
 * exports them under its own prefix (NAME_fit, NAME_dataset_read, ...) and
 * repeats these types in NAME.h, so applications need no Kiln header.
 *
 * Like the rest of the runtime, nothing here aborts, and nothing prints
 * unless `verbose` asks for the progress bar (written to stdout, or to the
 * `log` stream given in the options).
 *
 *===---------------------------------------------------------------------===*/

#ifndef KILN_TRAIN_H
#define KILN_TRAIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef KILN_STATUS_DEFINED
#define KILN_STATUS_DEFINED
typedef enum kiln_status_t {
  KILN_OK = 0,
  KILN_INVALID_ARGUMENT = 1,
  KILN_OUT_OF_MEMORY = 2,
  KILN_INTERNAL = 3,
  KILN_IO_ERROR = 4,
  KILN_STOPPED_ON_NAN = 5, /**< fit: TerminateOnNaN stopped training */
} kiln_status_t;
#endif

/** Examples for a model: for every model input and every training target,
 * `count` examples stored densely in the model's dtype. */
typedef struct kiln_dataset_t kiln_dataset_t;

/** The callbacks `fit` runs, Keras's. A field of 0 (or NULL) turns one off.
 * Monitored quantities are history keys: "loss", "val_loss",
 * "accuracy", "val_accuracy", ... */
typedef struct kiln_callbacks_t {
  /* EarlyStopping */
  const char *early_stopping_monitor; /**< NULL: off */
  double early_stopping_min_delta;
  int32_t early_stopping_patience;
  int32_t early_stopping_restore_best_weights;
  /* ModelCheckpoint: the whole state (weights, optimizer state, epoch),
   * written atomically to a temporary file that is then renamed. "{epoch}"
   * in the path is replaced by the 1-based epoch. */
  const char *checkpoint_path; /**< NULL: off */
  const char *checkpoint_monitor; /**< with save_best_only */
  int32_t checkpoint_save_best_only;
  /* ReduceLROnPlateau */
  const char *reduce_lr_monitor; /**< NULL: off */
  double reduce_lr_factor;      /**< default 0.1 */
  int32_t reduce_lr_patience;   /**< default 10 */
  double reduce_lr_min_delta;   /**< default 1e-4 */
  double reduce_lr_min_lr;
  /* LearningRateScheduler: lr for the epoch (0-based) from the current lr */
  double (*lr_schedule)(int32_t epoch, double lr, void *user);
  void *lr_schedule_user;
  /* CSVLogger: one row per epoch, "epoch,<history keys>" */
  const char *csv_log_path; /**< NULL: off */
  int32_t csv_log_append;
  /* TerminateOnNaN */
  int32_t terminate_on_nan;
  /* Any other: called after each epoch with the epoch's logs; returning
   * non-zero stops training. */
  int32_t (*on_epoch_end)(int32_t epoch, const char *const *keys,
                          const double *values, int32_t count, void *user);
  void *on_epoch_end_user;
} kiln_callbacks_t;

typedef struct kiln_fit_options_t {
  int32_t epochs;          /**< default 1 */
  int32_t initial_epoch;   /**< to resume: epochs already done */
  int64_t batch_size;      /**< default 32 */
  int32_t shuffle;         /**< shuffle the training examples each epoch */
  uint64_t seed;           /**< the shuffling seed */
  double validation_split; /**< the last fraction held out, as Keras */
  /** Per-class loss weights for integer (sparse) targets, indexed by class;
   * NULL: none. Training then weights each example's loss and metrics. */
  const double *class_weights;
  int32_t num_class_weights;
  int32_t verbose;        /**< 0 silent, 1 progress bar, 2 one line/epoch */
  FILE *log;              /**< where the progress goes; NULL: stdout */
  kiln_callbacks_t callbacks;
} kiln_fit_options_t;

/** Per-epoch values of the loss, the metrics and the validation ones. */
typedef struct kiln_history_t kiln_history_t;

#ifdef __cplusplus
}
#endif

#endif /* KILN_TRAIN_H */
