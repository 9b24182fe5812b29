#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks a VJP library built by kiln-autodiff against central finite
differences of the forward library, in float64.

Usage: check_vjp.py FWD_LIB FWD_NAME VJP_LIB VJP_NAME TEST_FILE

For random inputs x, a random direction v for every floating-point input
and a random cotangent c for every output, compares
    sum_i <grad_i, v_i>                      (the VJP library, given c)
with
    sum_j <c_j, (f(x + eps v) - f(x - eps v)) / (2 eps)>_j
(the forward library). The VJP library's own outputs must equal f(x).
Test-file comments: `// RANGE: <input> <low> <high>` (default -2 2; integer
inputs such as labels use it too), `// BATCHES: ...` (default 3 when the
batch is dynamic), `// RTOL: <tol>` (default 1e-6).
"""
import ctypes
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_model import DTYPES, describe  # noqa: E402


class Lib:
    def __init__(self, path, name):
        self.lib = ctypes.CDLL(path)
        self.name = name
        self.inputs, self.outputs = describe(path, name)
        self.model = ctypes.c_void_p()
        if getattr(self.lib, f"{name}_create")(ctypes.byref(self.model)) != 0:
            sys.exit(f"{name}: create failed")
        self.last_error = getattr(self.lib, f"{name}_last_error")
        self.last_error.restype = ctypes.c_char_p

    def run(self, batch, values):
        shape = lambda dims: [batch if d < 0 else d for d in dims]
        args = [self.model, ctypes.c_int64(batch)]
        keep = []
        for (iname, dtype, dims), v in zip(self.inputs, values):
            v = np.ascontiguousarray(np.asarray(v, DTYPES[dtype]).reshape(shape(dims)))
            keep.append(v)
            args += [v.ctypes.data_as(ctypes.c_void_p), ctypes.c_size_t(v.size)]
        outs = []
        for _, dtype, dims in self.outputs:
            o = np.zeros(shape(dims), DTYPES[dtype])
            outs.append(o)
            args += [o.ctypes.data_as(ctypes.c_void_p), ctypes.c_size_t(o.size)]
        if getattr(self.lib, f"{self.name}_predict")(*args) != 0:
            sys.exit(f"{self.name}: predict failed: {self.last_error().decode()}")
        return outs


def main():
    fwd_path, fwd_name, vjp_path, vjp_name, test_file = sys.argv[1:6]
    text = open(test_file).read()
    ranges = {m[0]: (float(m[1]), float(m[2]))
              for m in re.findall(r"^// RANGE: (\S+) (\S+) (\S+)$", text, re.M)}
    rtol_m = re.search(r"^// RTOL: (\S+)$", text, re.M)
    rtol = float(rtol_m.group(1)) if rtol_m else 1e-6
    fwd, vjp = Lib(fwd_path, fwd_name), Lib(vjp_path, vjp_name)
    dynamic = any(-1 in dims for _, _, dims in fwd.inputs + fwd.outputs)
    batches_m = re.search(r"^// BATCHES: (.*)$", text, re.M)
    batches = ([int(b) for b in batches_m.group(1).split()] if batches_m
               else ([3] if dynamic else [1]))
    rng = np.random.default_rng(4321)
    failures = 0
    for batch in batches:
        shape = lambda dims: [batch if d < 0 else d for d in dims]
        xs, vs = [], []
        for iname, dtype, dims in fwd.inputs:
            lo, hi = ranges.get(iname, (-2.0, 2.0))
            t = DTYPES[dtype]
            if np.issubdtype(t, np.floating):
                if t != np.float64:
                    sys.exit(f"input {iname}: finite differences need f64, got {dtype}")
                xs.append(rng.uniform(lo, hi, shape(dims)))
                vs.append(rng.standard_normal(shape(dims)))
            else:
                xs.append(rng.integers(int(lo), int(hi) + 1, shape(dims)).astype(t))
                vs.append(None)
        cs = [rng.standard_normal(shape(dims)) for _, dtype, dims in fwd.outputs
              if np.issubdtype(DTYPES[dtype], np.floating)]
        got = vjp.run(batch, xs + cs)
        ys, grads = got[:len(fwd.outputs)], got[len(fwd.outputs):]
        ref_ys = fwd.run(batch, xs)
        for y, r in zip(ys, ref_ys):
            if not np.allclose(y, r, rtol=1e-12, atol=1e-12):
                sys.exit("the VJP function's outputs differ from the forward function's")
        ad = sum(float(np.sum(g * v)) for g, v in zip(grads, [v for v in vs if v is not None]))
        eps = 1e-6
        plus = fwd.run(batch, [x + eps * v if v is not None else x for x, v in zip(xs, vs)])
        minus = fwd.run(batch, [x - eps * v if v is not None else x for x, v in zip(xs, vs)])
        fd = sum(float(np.sum(c * (p - m) / (2 * eps)))
                 for c, p, m in zip(cs, plus, minus))
        err = abs(ad - fd) / max(abs(ad), abs(fd), 1e-30)
        ok = err <= rtol
        print(f"batch {batch}: VJP {ad:.12g}, finite differences {fd:.12g}, "
              f"relative error {err:.3e} (tolerance {rtol:g}) {'ok' if ok else 'MISMATCH'}")
        failures += not ok
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
