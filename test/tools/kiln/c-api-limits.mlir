// SPDX-License-Identifier: Apache-2.0
// A dimension other than the batch may be dynamic: the header documents it
// and points at NAME_run, predict refuses the model, kiln run (which calls
// NAME_run) takes any size for it. The model name must be a C identifier.
// RUN: rm -rf %t && mkdir -p %t/bad
// RUN: kiln compile %s -o %t --name m
// RUN: FileCheck %s --check-prefix=HEADER < %t/m.h
// RUN: /usr/bin/python3 -c "import numpy as np; np.save('%t/x.npy', np.arange(-6, 6, dtype=np.float32).reshape(4, 3))"
// RUN: kiln run %t/libm.so --input %t/x.npy --output %t/y.npy | FileCheck %s --check-prefix=RAN
// RUN: /usr/bin/python3 -c "import numpy as np; x = np.load('%t/x.npy'); y = np.load('%t/y.npy'); assert (y == np.maximum(x, 0)).all(), y"
// RUN: not kiln compile %s -o %t/bad --name 9lives 2>&1 | FileCheck %s --check-prefix=NAME
// RUN: ls %t/bad | count 0
// HEADER: INPUT 0 'input0': f32 [4, ?], C type float
// HEADER-NEXT: #define M_INPUT_INPUT0_RANK 2
// HEADER-NEXT: A dimension besides the batch is dynamic: run the model with m_run.
// HEADER: kiln_status_t m_run(m_model *model, const kiln_tensor_t *inputs,
// RAN: output 'output0': f32 [4, 3]
// NAME: model name '9lives' is not a C identifier
func.func @f(%x: tensor<4x?xf32>) -> tensor<4x?xf32> {
  %0 = kiln.relu %x : tensor<4x?xf32>
  return %0 : tensor<4x?xf32>
}
