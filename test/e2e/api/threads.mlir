// SPDX-License-Identifier: Apache-2.0
// The generated C API: thread-safe inference on one instance and the error
// of each misuse (threads.c), through predict and through run.
// RUN: rm -rf %t && mkdir -p %t
// RUN: kiln compile %s -o %t --name tm
// RUN: cc -O1 -I%t %S/threads.c -L%t -ltm -lm -lpthread -Wl,-rpath,%t -o %t/threads
// RUN: %t/threads | FileCheck %s
// CHECK: threads: 0 of 8 disagreed
// CHECK: ok: input too small -> predict: input 'x' has 24 elements, expected 25 for batch 5
// CHECK: ok: output size wrong -> predict: output 'y' has room for 18 elements, expected 15 for batch 5
// CHECK: ok: batch 0 -> predict: batch must be at least 1, got 0
// CHECK: ok: null input -> predict: input 'x' is null
// CHECK: ok: null model -> predict: model is null
// CHECK: ok: null out_model
// CHECK: run: [5, 3] equals predict
// CHECK: ok: run rank -> run: input 'x' has rank 3, the model expects 2
// CHECK: ok: run fixed dimension -> run: input 'x' has dimension 1 of size 4, the model expects 5
// CHECK: ok: run negative size -> run: input 'x' has dimension 0 of size -2
// CHECK: ok: run dtype -> run: input 'x' has dtype i64, the model expects f32
// CHECK: ok: run null data -> run: input 'x' is null
// CHECK: ok: run null model -> run: model is null
// CHECK: ok: run null outputs -> run: null tensor array
func.func @f(%x: tensor<?x5xf32> {kiln.name = "x"}) -> (tensor<?x3xf32> {kiln.name = "y"}) {
  %w = kiln.constant dense<[[1.0, -2.0, 0.5], [0.25, 1.0, -1.0], [2.0, 0.0, 1.0], [-0.5, 0.5, 0.5], [1.0, 1.0, 1.0]]> : tensor<5x3xf32>
  %0 = kiln.matmul %x, %w : (tensor<?x5xf32>, tensor<5x3xf32>) -> tensor<?x3xf32>
  %1 = kiln.softmax %0 {axis = 1 : i64} : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return %1 : tensor<?x3xf32>
}
