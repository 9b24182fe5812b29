# SPDX-License-Identifier: Apache-2.0
"""Median ms of a Kiln library's NAME_predict_arrays, in process, and its
output saved for the check: time_kiln.py LIB NAME X.npy Y_SHAPE.npy THREADS
MIN_REPS OUT.npy"""
import ctypes
import sys

import numpy as np

import os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from timing import median_ms  # noqa: E402

lib_path, name, xfile, yref, threads, reps, out = sys.argv[1:8]
lib = ctypes.CDLL(lib_path)
getattr(lib, f"{name}_set_num_threads")(ctypes.c_int(int(threads)))
x = np.load(xfile)
y = np.zeros(np.load(yref).shape, np.float32)
model = ctypes.c_void_p()
assert getattr(lib, f"{name}_create")(ctypes.byref(model)) == 0
predict = getattr(lib, f"{name}_predict_arrays")
ins = (ctypes.c_void_p * 1)(x.ctypes.data)
counts = (ctypes.c_size_t * 1)(x.size)
outs = (ctypes.c_void_p * 1)(y.ctypes.data)
out_counts = (ctypes.c_size_t * 1)(y.size)
args = (model, ctypes.c_int64(x.shape[0]), ins, counts, outs, out_counts)
assert predict(*args) == 0, "predict failed"
np.save(out, y)
print(f"{median_ms(lambda: predict(*args), int(reps)):.4f}")
