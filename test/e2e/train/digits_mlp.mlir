// SPDX-License-Identifier: Apache-2.0
// End to end: the compiled Adam train step of a 64-64-10 MLP trains on the
// UCI handwritten digits (examples/data/digits.csv.gz, 80/20 split, seed 0,
// 50 epochs of batches of 32) to >= 97% held-out accuracy, measured with the
// compiled forward function, and a second run with the same seed gives
// bit-identical weights. The loop here stands in for the runtime's fit.
// RUN: kiln-opt %s --kiln-add-loss="loss=sparse_categorical_crossentropy from-logits=true metrics=accuracy" --kiln-train-step="function=f_loss optimizer=adam learning-rate=0.001" -o %t.mlir
// RUN: kiln compile %t.mlir --entry f_loss_train_step -o %t --name step
// RUN: kiln compile %s -o %t --name fwd
// RUN: /usr/bin/python3 %S/train_digits.py %t/libstep.so step %t/libfwd.so fwd %S/../../../examples/data/digits.csv.gz 0.97 50
func.func @f(%x: tensor<?x64xf32> {kiln.name = "x"},
             %w1: tensor<64x64xf32> {kiln.name = "w1", kiln.trainable}, %b1: tensor<64xf32> {kiln.name = "b1", kiln.trainable},
             %w2: tensor<64x10xf32> {kiln.name = "w2", kiln.trainable}, %b2: tensor<10xf32> {kiln.name = "b2", kiln.trainable})
    -> (tensor<?x10xf32> {kiln.name = "logits"}) {
  %h0 = kiln.matmul %x, %w1 : (tensor<?x64xf32>, tensor<64x64xf32>) -> tensor<?x64xf32>
  %h1 = kiln.add %h0, %b1 : (tensor<?x64xf32>, tensor<64xf32>) -> tensor<?x64xf32>
  %h = kiln.relu %h1 : tensor<?x64xf32>
  %o0 = kiln.matmul %h, %w2 : (tensor<?x64xf32>, tensor<64x10xf32>) -> tensor<?x10xf32>
  %o = kiln.add %o0, %b2 : (tensor<?x10xf32>, tensor<10xf32>) -> tensor<?x10xf32>
  return %o : tensor<?x10xf32>
}
