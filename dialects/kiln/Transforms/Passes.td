//===- Passes.td - kiln dialect passes -----------------------*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#ifndef KILN_TRANSFORMS_PASSES_TD
#define KILN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def InferShapesPass : Pass<"kiln-infer-shapes", "mlir::func::FuncOp"> {
  let summary = "Refine result types with the shape rules and update signatures";
  let description = [{
    Walks each function in order and gives every kiln op the most static
    result type its shape rule can infer from its operands (a `?` becomes a
    size where the rule knows it). When the function's returned values get
    more static types, the function's result types follow. Run it after
    specializing a dynamic dimension, e.g. fixing the batch size:

    ```mlir
    // Before: the reshape result was written with a dynamic size.
    func.func @f(%x: tensor<4x8xf32>) -> tensor<?xf32> {
      %0 = kiln.reshape %x {shape = array<i64: -1>} : (tensor<4x8xf32>) -> tensor<?xf32>
      return %0 : tensor<?xf32>
    }
    // After --kiln-infer-shapes:
    func.func @f(%x: tensor<4x8xf32>) -> tensor<32xf32> {
      %0 = kiln.reshape %x {shape = array<i64: -1>} : (tensor<4x8xf32>) -> tensor<32xf32>
      return %0 : tensor<32xf32>
    }
    ```

    Ops of other dialects are left alone; when such an op uses a refined
    value, the pass inserts a `tensor.cast` back to the type it had, so the
    IR stays valid.
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect"];
  let options = [
    Option<"updateSignatures", "update-signatures", "bool", /*default=*/"true",
           "Refine the function's result types to the returned values' types">,
  ];
}

def AutodiffPass : Pass<"kiln-autodiff", "mlir::ModuleOp"> {
  let summary = "Build the vector-Jacobian product of a function";
  let description = [{
    For the function `function` (default: the module's only public
    function) adds `<function>_vjp`, which takes the function's arguments
    and then one cotangent per floating-point result, and returns the
    function's results and then one cotangent per floating-point argument
    (integer arguments such as labels get none). The backward code is built
    from kiln ops by each op's `DifferentiableOpInterface`, in reverse
    order, summing the cotangents of values used more than once; it is
    ordinary kiln IR and goes through the same pipeline as inference. An op
    on the path from an argument to a result that has no VJP rule is an
    error naming the op.

    ```mlir
    func.func @f(%x: tensor<3xf32>) -> tensor<3xf32> {
      %y = kiln.tanh %x : tensor<3xf32>
      return %y : tensor<3xf32>
    }
    // After --kiln-autodiff, besides @f:
    func.func @f_vjp(%x: tensor<3xf32>, %dy: tensor<3xf32>)
        -> (tensor<3xf32>, tensor<3xf32>) {
      %y = kiln.tanh %x : tensor<3xf32>
      // dx = dy * (1 - y * y)
      ...
      return %y, %dx : tensor<3xf32>, tensor<3xf32>
    }
    ```
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect"];
  let options = [
    Option<"function", "function", "std::string", /*default=*/"\"\"",
           "The function to differentiate (default: the only public one)">,
  ];
}

def TrainStepPass : Pass<"kiln-train-step", "mlir::ModuleOp"> {
  let summary = "Build a training step: loss, gradients and optimizer update";
  let description = [{
    `function` (default: the module's only public function) computes a loss
    (its first result, a rank-0 float tensor; further results are metrics)
    from its arguments; the arguments marked `kiln.trainable` are the
    parameters. The pass adds `<function>_train_step`, which takes the
    function's arguments, then the optimizer state (per parameter, in order:
    SGD with momentum its velocity `<p>_momentum`; Adam its moments `<p>_m`
    and `<p>_v`), then `iterations` (rank-0 i64, the number of steps taken),
    and returns the loss and metrics, the updated parameters (`new_<p>`), the
    updated state (`new_<p>_m`, ...) and `new_iterations`. The gradient comes
    from kiln-autodiff's builder; the update is expanded into kiln ops, with
    Keras's formulas:

    * SGD: `v = momentum * v - lr * g; p += v` (Nesterov:
      `p += momentum * v - lr * g`); without momentum `p -= lr * g`.
    * Adam: `m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
      p -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)`, `t`
      counting from 1. `adamw` is Adam with `weight-decay` (default 0.004).
    * RMSprop: `v = rho v + (1 - rho) g^2` (`centered`: minus the square of
      the running mean of g); `p -= lr g / sqrt(v + eps)`, through a
      momentum slot when `momentum` > 0.
    * Adagrad: `a += g^2` (from `initial-accumulator`);
      `p -= lr g / sqrt(a + eps)`.
    * `learning-rate-argument`: the base rate is a trailing f32 argument
      `learning_rate`, so the runtime's callbacks can change it. State
      arguments carry `kiln.role` (slot, iterations, learning_rate) and
      their initial value as `kiln.fill`.
    * `lr-schedule`, as Keras's schedules of the steps already taken:
      `exponential` (`lr * decay-rate ^ (step / decay-steps)`, floored with
      `staircase`), `cosine` (to `alpha * lr` at `decay-steps`) or
      `piecewise` (`values[i]` after `boundaries[i-1]`).
    * `weight-decay` (decoupled, as Keras's `weight_decay` and AdamW):
      `p -= lr * wd * p` first; `clipvalue` clamps each gradient;
      `clipnorm` rescales each gradient to that L2 norm at most.

    Everything is ordinary kiln IR, compiled by the same pipeline as
    inference (fusion, tiling, vectorization of the backward pass too).
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect"];
  let options = [
    Option<"function", "function", "std::string", /*default=*/"\"\"",
           "The loss function (default: the only public one)">,
    Option<"optimizer", "optimizer", "std::string", /*default=*/"\"sgd\"",
           "sgd, adam, adamw, rmsprop or adagrad">,
    Option<"learningRate", "learning-rate", "double", /*default=*/"0.01",
           "Learning rate">,
    Option<"momentum", "momentum", "double", /*default=*/"0.0",
           "SGD momentum">,
    Option<"nesterov", "nesterov", "bool", /*default=*/"false",
           "SGD with Nesterov momentum">,
    Option<"rho", "rho", "double", /*default=*/"0.9", "RMSprop rho">,
    Option<"centered", "centered", "bool", /*default=*/"false",
           "RMSprop: normalize by the centered second moment">,
    Option<"initialAccumulator", "initial-accumulator", "double",
           /*default=*/"0.1", "Adagrad: the accumulators' initial value">,
    Option<"learningRateArgument", "learning-rate-argument", "bool",
           /*default=*/"false",
           "Take the base learning rate as a trailing f32 argument "
           "`learning_rate` (for the runtime's callbacks)">,
    Option<"beta1", "beta1", "double", /*default=*/"0.9", "Adam beta_1">,
    Option<"beta2", "beta2", "double", /*default=*/"0.999", "Adam beta_2">,
    Option<"epsilon", "epsilon", "double", /*default=*/"1e-7", "Adam, RMSprop and Adagrad epsilon">,
    Option<"weightDecay", "weight-decay", "double", /*default=*/"0.0",
           "Decoupled weight decay">,
    Option<"clipNorm", "clipnorm", "double", /*default=*/"0.0",
           "Rescale each gradient to at most this L2 norm (0: off)">,
    Option<"clipValue", "clipvalue", "double", /*default=*/"0.0",
           "Clamp each gradient to [-v, v] (0: off)">,
    Option<"lrSchedule", "lr-schedule", "std::string", /*default=*/"\"constant\"",
           "constant, exponential, cosine or piecewise">,
    Option<"decaySteps", "decay-steps", "int64_t", /*default=*/"1000",
           "exponential/cosine: the decay period in steps">,
    Option<"decayRate", "decay-rate", "double", /*default=*/"0.96",
           "exponential: the rate per decay period">,
    Option<"staircase", "staircase", "bool", /*default=*/"false",
           "exponential: decay in whole periods">,
    Option<"alpha", "alpha", "double", /*default=*/"0.0",
           "cosine: the final rate as a fraction of learning-rate">,
    ListOption<"boundaries", "boundaries", "int64_t",
           "piecewise: the step boundaries">,
    ListOption<"values", "values", "double",
           "piecewise: the rates, one more than the boundaries">,
  ];
}

def AddLossPass : Pass<"kiln-add-loss", "mlir::ModuleOp"> {
  let summary = "Append a Keras loss to a model function";
  let description = [{
    For `function` (default: the only public function), whose first result
    is the prediction, adds `<function>_loss`: the same arguments (their
    attributes, `kiln.trainable` included, kept) plus the targets `y_true`,
    returning the rank-0 `loss` (or, with `reduction=none`, the per-example
    losses). `loss` is a Keras name or alias: mean_squared_error (mse),
    mean_absolute_error (mae), huber, binary_crossentropy,
    categorical_crossentropy, sparse_categorical_crossentropy (integer
    targets of the prediction's shape without the class axis),
    kl_divergence (kld), hinge. The formulas are Keras 3's; the result
    feeds kiln-train-step.

    ```mlir
    // kiln-opt --kiln-add-loss="loss=sparse_categorical_crossentropy from-logits=true"
    func.func @f_loss(%x: tensor<?x4xf32>, %w: tensor<4x3xf32> {kiln.trainable},
                      %y_true: tensor<?xi64>) -> tensor<f32>
    ```
  }];
  let options = [
    Option<"function", "function", "std::string", /*default=*/"\"\"",
           "The model function (default: the only public one)">,
    Option<"loss", "loss", "std::string", /*default=*/"\"mean_squared_error\"",
           "The Keras loss name">,
    Option<"fromLogits", "from-logits", "bool", /*default=*/"false",
           "The cross-entropies take logits">,
    Option<"reduction", "reduction", "std::string",
           /*default=*/"\"sum_over_batch_size\"",
           "sum_over_batch_size, sum or none">,
    Option<"delta", "delta", "double", /*default=*/"1.0", "Huber's delta">,
    ListOption<"metrics", "metrics", "std::string",
           "Metrics returned after the loss: accuracy (resolved by the loss, "
           "as Keras), binary/categorical/sparse_categorical_accuracy, "
           "(sparse_)top_k_categorical_accuracy (k = 5), mae, mse (each the "
           "batch's mean); precision, recall ([numerator, denominator] "
           "counts, kiln.metric_kind ratio) and auc (confusion counts at 200 "
           "thresholds, kiln.metric_kind auc), which sum over an epoch">,
    Option<"sampleWeight", "sample-weight", "bool", /*default=*/"false",
           "Add a `sample_weight` argument (one weight per example, after "
           "the targets) that weights the loss and metrics, as Keras's "
           "sample_weight and class_weight">,
  ];
}

#endif // KILN_TRANSFORMS_PASSES_TD
