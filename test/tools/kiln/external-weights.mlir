// SPDX-License-Identifier: Apache-2.0
// --external-weights: large constants go to NAME.safetensors (checked with
// Python's own reader), the library loads them at create time and computes
// what the embedded build computes; a file with a wrong, missing or
// truncated weight is rejected by name.
// RUN: rm -rf %t && mkdir -p %t/emb %t/ext
// RUN: kiln compile %s -o %t/emb --name m
// RUN: kiln compile %s -o %t/ext --name m --external-weights
// RUN: ls %t/ext | FileCheck %s --check-prefix=FILES
// RUN: FileCheck %s --check-prefix=HEADER < %t/ext/m.h
// RUN: /usr/bin/python3 %S/Inputs/safetensors_tool.py check %t/ext/m.safetensors dense:f32:8x4 dense_1:f32:4x3
// RUN: /usr/bin/python3 -c "import numpy as np; np.save('%t/x.npy', np.random.default_rng(1).normal(size=(6, 8)).astype(np.float32))"
// RUN: kiln run %t/emb/libm.so --input %t/x.npy --output %t/y_emb.npy
// RUN: kiln run %t/ext/libm.so --input %t/x.npy --output %t/y_ext.npy
// RUN: /usr/bin/python3 -c "import numpy as np; assert np.array_equal(np.load('%t/y_emb.npy'), np.load('%t/y_ext.npy'))"
// RUN: /usr/bin/python3 %S/Inputs/safetensors_tool.py mutate %t/ext/m.safetensors %t/wrong.safetensors reshape dense 4x8
// RUN: not kiln run %t/ext/libm.so --input %t/x.npy --weights %t/wrong.safetensors 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: /usr/bin/python3 %S/Inputs/safetensors_tool.py mutate %t/ext/m.safetensors %t/missing.safetensors drop dense_1
// RUN: not kiln run %t/ext/libm.so --input %t/x.npy --weights %t/missing.safetensors 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: head -c 100 %t/ext/m.safetensors > %t/trunc.safetensors
// RUN: not kiln run %t/ext/libm.so --input %t/x.npy --weights %t/trunc.safetensors 2>&1 | FileCheck %s --check-prefix=TRUNC
// FILES: libm.so
// FILES: m.h
// FILES: m.safetensors
// HEADER: #define M_EXTERNAL_WEIGHTS 1
// HEADER: dense: f32 [8, 4]
// HEADER: kiln_status_t m_create_from_file(const char *weights_path, m_model **out_model);
// SHAPE: weight 'dense' has the wrong shape (the model expects [8, 4])
// MISSING: has no weight 'dense_1'
// TRUNC: header length {{[0-9]+}} exceeds the file
func.func @f(%x: tensor<?x8xf32> {kiln.name = "x"}) -> (tensor<?x3xf32> {kiln.name = "y"}) {
  %w1 = kiln.constant dense<[[0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8], [-0.1, -0.2, -0.3, -0.4], [1.0, 0.0, -1.0, 0.5],
                              [0.2, 0.2, 0.2, 0.2], [0.3, -0.3, 0.3, -0.3], [0.9, 0.1, 0.0, 0.0], [0.0, 0.0, 0.1, 0.9]]> : tensor<8x4xf32> loc("dense")
  %w2 = kiln.constant dense<[[1.0, 0.0, 0.5], [0.0, 1.0, 0.5], [0.5, 0.5, 0.0], [-1.0, 1.0, 0.0]]> : tensor<4x3xf32> loc("dense_1")
  %0 = kiln.matmul %x, %w1 : (tensor<?x8xf32>, tensor<8x4xf32>) -> tensor<?x4xf32>
  %1 = kiln.relu %0 : tensor<?x4xf32>
  %2 = kiln.matmul %1, %w2 : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  return %2 : tensor<?x3xf32>
}
