// SPDX-License-Identifier: Apache-2.0
// dynamic_reshape to sizes given at run time: a valid shape (with -1 and with
// a copied 0), and sizes whose product does not match the input, which give
// an empty result instead of a read past the input.
// RUN: rm -rf %t && mkdir -p %t
// RUN: kiln compile %s -o %t --name m
// RUN: /usr/bin/python3 -c "import numpy as np; np.save('%t/x.npy', np.arange(12, dtype=np.float32).reshape(2, 6)); [np.save('%t/' + n + '.npy', np.array(v, dtype=np.int64)) for n, v in [('a', [3, -1]), ('b', [0, 3, 2]), ('c', [5, 5]), ('d', [-1, 5])]]"
// RUN: kiln run %t/libm.so --input %t/x.npy --input %t/a.npy --output %t/ya.npy | FileCheck %s --check-prefix=A
// RUN: /usr/bin/python3 -c "import numpy as np; x = np.load('%t/x.npy'); y = np.load('%t/ya.npy'); assert (y == x.reshape(3, 4)).all(), y"
// RUN: kiln run %t/libm.so --input %t/x.npy --input %t/c.npy --output %t/yc.npy | FileCheck %s --check-prefix=C
// RUN: kiln run %t/libm.so --input %t/x.npy --input %t/d.npy --output %t/yd.npy | FileCheck %s --check-prefix=C
// RUN: kiln compile %S/Inputs/dynamic-reshape-3d.mlir -o %t --name m3
// RUN: kiln run %t/libm3.so --input %t/x.npy --input %t/b.npy --output %t/yb.npy | FileCheck %s --check-prefix=B
// RUN: /usr/bin/python3 -c "import numpy as np; x = np.load('%t/x.npy'); y = np.load('%t/yb.npy'); assert (y == x.reshape(2, 3, 2)).all(), y"
// A: output 'output0': f32 [3, 4]
// C: output 'output0': f32 [0, 0]
// B: output 'output0': f32 [2, 3, 2]
func.func @f(%x: tensor<2x6xf32>, %s: tensor<2xi64>) -> tensor<?x?xf32> {
  %0 = kiln.dynamic_reshape %x(%s) : (tensor<2x6xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}
