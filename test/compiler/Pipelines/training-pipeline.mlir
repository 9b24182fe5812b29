// SPDX-License-Identifier: Apache-2.0
// kiln-training-pipeline runs what the driver adds for a trainable library
// (the same builder, compiler/Pipelines): the eval function with per-example
// weights, then the train step with the learning rate as an argument.
// RUN: kiln-opt %s --kiln-training-pipeline="forward=f loss=mse optimizer=sgd optimizer-options='momentum=0.9'" | FileCheck %s
// CHECK-LABEL: func.func @f_loss(
// CHECK-SAME: kiln.sample_weight
// CHECK-LABEL: func.func @f_loss_train_step(
// CHECK-SAME: kiln.role = "learning_rate"
// Bad options are located errors, not crashes.
// RUN: not kiln-opt %s --kiln-training-pipeline="loss=mse" 2>&1 | FileCheck %s --check-prefix=FORWARD
// FORWARD: kiln-training-pipeline: name the model function with forward=NAME
// RUN: not kiln-opt %s --kiln-training-pipeline="forward=f optimizer-options='bogus=1'" 2>&1 | FileCheck %s --check-prefix=OPTION
// OPTION: kiln-training-pipeline: {{.*}}bogus
// The CUDA slot exists and says it is empty.
// RUN: not kiln-opt %s --kiln-cuda-pipeline 2>&1 | FileCheck %s --check-prefix=CUDA
// CUDA: kiln-cuda-pipeline: the CUDA target has no pipeline yet
func.func @f(%x: tensor<?x3xf32> {kiln.name = "x"},
             %w: tensor<3x2xf32> {kiln.name = "dense/kernel", kiln.trainable}) -> tensor<?x2xf32> {
  %y = kiln.matmul %x, %w : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}
