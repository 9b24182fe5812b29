// SPDX-License-Identifier: Apache-2.0
// kiln run: a generated library on .npy files, checked against NumPy, and
// the errors for a wrong shape, a wrong dtype and a truncated file.
// RUN: rm -rf %t && mkdir -p %t
// RUN: kiln compile %s -o %t --name m
// RUN: /usr/bin/python3 -c "import numpy as np; r = np.random.default_rng(0); np.save('%t/x.npy', r.normal(size=(5, 3)).astype(np.float32)); np.save('%t/bad.npy', np.zeros((5, 4), np.float32)); np.save('%t/int.npy', np.zeros((5, 3), np.int32)); open('%t/trunc.npy', 'wb').write(open('%t/x.npy', 'rb').read()[:90])"
// RUN: kiln run %t/libm.so --input %t/x.npy --output %t/y.npy | FileCheck %s
// RUN: /usr/bin/python3 -c "import numpy as np; x = np.load('%t/x.npy'); y = np.load('%t/y.npy'); assert y.shape == (5, 3) and np.allclose(y, np.tanh(x) * 2, rtol=1e-6), y"
// RUN: not kiln run %t/libm.so --input %t/bad.npy 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: not kiln run %t/libm.so --input %t/int.npy 2>&1 | FileCheck %s --check-prefix=DTYPE
// RUN: not kiln run %t/libm.so --input %t/trunc.npy 2>&1 | FileCheck %s --check-prefix=TRUNC
// RUN: not kiln run %t/libm.so 2>&1 | FileCheck %s --check-prefix=COUNT
// The thread count: any value gives the same result; a negative one is an
// error.
// RUN: kiln run %t/libm.so --input %t/x.npy --output %t/y1.npy --threads 1 | FileCheck %s
// RUN: kiln run %t/libm.so --input %t/x.npy --output %t/y2.npy --threads 2 | FileCheck %s
// RUN: cmp %t/y1.npy %t/y.npy && cmp %t/y2.npy %t/y.npy
// RUN: not kiln run %t/libm.so --input %t/x.npy --threads -1 2>&1 | FileCheck %s --check-prefix=THREADS
// THREADS: kiln run: --threads must be 0 (the default) or more, got -1
// CHECK: output 'y': f32 [5, 3]
// SHAPE: kiln run: input 'x' ({{.+}}bad.npy) has shape [5, 4], the model expects [batch, 3]
// DTYPE: kiln run: input 'x' ({{.+}}int.npy) has dtype i32, the model expects f32
// TRUNC: kiln run: '{{.+}}trunc.npy' is not a valid .npy file
// COUNT: kiln run: the model has 1 inputs, got 0 --input files
func.func @f(%x: tensor<?x3xf32> {kiln.name = "x"}) -> (tensor<?x3xf32> {kiln.name = "y"}) {
  %two = kiln.constant dense<2.0> : tensor<f32>
  %0 = kiln.tanh %x : tensor<?x3xf32>
  %1 = kiln.mul %0, %two : (tensor<?x3xf32>, tensor<f32>) -> tensor<?x3xf32>
  return %1 : tensor<?x3xf32>
}
