// SPDX-License-Identifier: Apache-2.0
// Bad options and inputs of kiln-add-loss and kiln-train-step: one error
// each, naming what is wrong, and a non-zero exit.
// RUN: not kiln-opt %s --kiln-add-loss="loss=frobnicate" 2>&1 | FileCheck %s --check-prefix=LOSS
// LOSS: error: unknown loss 'frobnicate' (known: mean_squared_error (mse),
// RUN: not kiln-opt %s --kiln-add-loss="loss=mse reduction=avg" 2>&1 | FileCheck %s --check-prefix=RED
// RED: error: unknown reduction 'avg' (expected sum_over_batch_size, sum or none)
// RUN: not kiln-opt %s --kiln-add-loss="loss=mse metrics=f1" 2>&1 | FileCheck %s --check-prefix=METRIC
// METRIC: error: kiln-add-loss: unknown metric 'f1'
// RUN: not kiln-opt %s --kiln-add-loss="loss=sparse_categorical_crossentropy" --kiln-train-step="function=f_loss optimizer=lion" 2>&1 | FileCheck %s --check-prefix=OPT
// OPT: error: kiln-train-step: unknown optimizer 'lion' (expected sgd, adam, adamw, rmsprop or adagrad)
// RUN: not kiln-opt %s --kiln-train-step 2>&1 | FileCheck %s --check-prefix=NOLOSS
// NOLOSS: error: kiln-train-step: the first result must be the loss, a rank-0 float tensor, got 'tensor<?x3xf32>'
// RUN: not kiln-opt %s --kiln-add-loss="loss=mse" --kiln-train-step="function=f_loss lr-schedule=piecewise boundaries=1 values=0.1" 2>&1 | FileCheck %s --check-prefix=PIECE
// PIECE: error: kiln-train-step: a piecewise schedule needs one more value than boundaries, got 1 values and 1 boundaries
// RUN: not kiln-opt %s --kiln-add-loss="loss=mse" --kiln-train-step="function=f_loss lr-schedule=cosine decay-steps=0" 2>&1 | FileCheck %s --check-prefix=DECAY
// DECAY: error: kiln-train-step: decay-steps must be positive, got 0
// RUN: not kiln-opt %s --kiln-autodiff="function=g" 2>&1 | FileCheck %s --check-prefix=NOFN
// NOFN: error: kiln-autodiff: no function 'g'
func.func @f(%x: tensor<?x4xf32> {kiln.name = "x"}, %w: tensor<4x3xf32> {kiln.name = "w", kiln.trainable}) -> tensor<?x3xf32> {
  %y = kiln.matmul %x, %w : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}
