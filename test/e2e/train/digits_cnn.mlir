// SPDX-License-Identifier: Apache-2.0
// End to end: the compiled Adam train step of a small CNN (conv 3x3 x16
// same + ReLU, 2x2 max pool, dense 64 + ReLU, dense 10) trains on the UCI
// handwritten digits (80/20 split, seed 0, batches of 32) to >= 98%
// held-out accuracy with the compiled forward function; a second run with
// the same seed gives bit-identical weights.
// RUN: kiln-opt %s --kiln-add-loss="loss=sparse_categorical_crossentropy from-logits=true" --kiln-train-step="function=f_loss optimizer=adam learning-rate=0.002" -o %t.mlir
// RUN: kiln compile %t.mlir --entry f_loss_train_step -o %t --name step
// RUN: kiln compile %s -o %t --name fwd
// RUN: /usr/bin/python3 %S/train_digits.py %t/libstep.so step %t/libfwd.so fwd %S/../../../examples/data/digits.csv.gz 0.98 15
func.func @f(%x: tensor<?x8x8x1xf32> {kiln.name = "x"},
             %k: tensor<3x3x1x16xf32> {kiln.name = "k", kiln.trainable}, %kb: tensor<16xf32> {kiln.name = "kb", kiln.trainable},
             %w1: tensor<256x64xf32> {kiln.name = "w1", kiln.trainable}, %b1: tensor<64xf32> {kiln.name = "b1", kiln.trainable},
             %w2: tensor<64x10xf32> {kiln.name = "w2", kiln.trainable}, %b2: tensor<10xf32> {kiln.name = "b2", kiln.trainable})
    -> (tensor<?x10xf32> {kiln.name = "logits"}) {
  %c = kiln.conv %x, %k {padding = array<i64: 1, 1, 1, 1>} : (tensor<?x8x8x1xf32>, tensor<3x3x1x16xf32>) -> tensor<?x8x8x16xf32>
  %cb = kiln.add %c, %kb : (tensor<?x8x8x16xf32>, tensor<16xf32>) -> tensor<?x8x8x16xf32>
  %r = kiln.relu %cb : tensor<?x8x8x16xf32>
  %p = kiln.max_pool %r {window = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x8x8x16xf32>) -> tensor<?x4x4x16xf32>
  %f = kiln.reshape %p {shape = array<i64: -1, 256>} : (tensor<?x4x4x16xf32>) -> tensor<?x256xf32>
  %h0 = kiln.matmul %f, %w1 : (tensor<?x256xf32>, tensor<256x64xf32>) -> tensor<?x64xf32>
  %h1 = kiln.add %h0, %b1 : (tensor<?x64xf32>, tensor<64xf32>) -> tensor<?x64xf32>
  %h = kiln.relu %h1 : tensor<?x64xf32>
  %o0 = kiln.matmul %h, %w2 : (tensor<?x64xf32>, tensor<64x10xf32>) -> tensor<?x10xf32>
  %o = kiln.add %o0, %b2 : (tensor<?x10xf32>, tensor<10xf32>) -> tensor<?x10xf32>
  return %o : tensor<?x10xf32>
}
