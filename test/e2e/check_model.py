#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Runs a generated model library on random inputs and checks it against a
NumPy reference written in the test file.

Usage: check_model.py LIB NAME TEST_FILE

The test file carries the reference as comment lines:
    // NUMPY: <python statement>        (executed in order; inputs are bound
                                         to their names, `np` is numpy)
    // BATCHES: 1 3 64                  (batch sizes to run, default 1 3 64
                                         when the batch is dynamic)
    // RANGE: <name> <low> <high>       (input value range, default -2 2)
    // RTOL: <tolerance>                (default 1e-5 f32, 1e-12 f64)
The reference must assign every output by name. The error measure is the
norm-wise relative error ||y - ref|| / max(||ref||, tiny).
"""
import ctypes
import json
import os
import re
import subprocess
import sys

import numpy as np

DTYPES = {"f32": np.float32, "f64": np.float64, "f16": np.float16,
          "i1": np.bool_, "i8": np.int8, "i16": np.int16, "i32": np.int32,
          "i64": np.int64}


def describe(lib_path, name):
    """The library's inputs and outputs as (name, dtype, dims) lists, read by
    the runtime's description parser through `kiln describe` (the tool is
    $KILN, which the e2e lit config sets)."""
    kiln = os.environ.get("KILN", "kiln")
    out = subprocess.run([kiln, "describe", lib_path, "--name", name],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"kiln describe {lib_path}: {out.stderr.strip()}")
    d = json.loads(out.stdout)
    entries = lambda key: [(t["name"], t["dtype"], t["dims"]) for t in d[key]]
    return entries("inputs"), entries("outputs")


def main():
    lib_path, name, test_file = sys.argv[1:4]
    text = open(test_file).read()
    statements = re.findall(r"^// NUMPY: (.*)$", text, re.M)
    if not statements:
        sys.exit(f"{test_file}: no '// NUMPY:' reference")
    batches_m = re.search(r"^// BATCHES: (.*)$", text, re.M)
    rtol_m = re.search(r"^// RTOL: (\S+)$", text, re.M)
    ranges = {m[0]: (float(m[1]), float(m[2]))
              for m in re.findall(r"^// RANGE: (\S+) (\S+) (\S+)$", text, re.M)}

    lib = ctypes.CDLL(lib_path)
    inputs, outputs = describe(lib_path, name)
    dynamic = any(-1 in dims for _, _, dims in inputs + outputs)
    batches = ([int(b) for b in batches_m.group(1).split()] if batches_m
               else ([1, 3, 64] if dynamic else [1]))

    model = ctypes.c_void_p()
    create = getattr(lib, f"{name}_create")
    if create(ctypes.byref(model)) != 0:
        sys.exit("create failed")
    predict = getattr(lib, f"{name}_predict")
    predict.restype = ctypes.c_int
    last_error = getattr(lib, f"{name}_last_error")
    last_error.restype = ctypes.c_char_p
    rng = np.random.default_rng(1234)
    failures = 0
    for batch in batches:
        shape = lambda dims: [batch if d < 0 else d for d in dims]
        env = {"np": np}
        args = [model, ctypes.c_int64(batch)]
        for iname, dtype, dims in inputs:
            lo, hi = ranges.get(iname, (-2.0, 2.0))
            np_type = DTYPES[dtype]
            if np.issubdtype(np_type, np.floating):
                value = rng.uniform(lo, hi, shape(dims)).astype(np_type)
            elif np_type is np.bool_:
                value = rng.integers(0, 2, shape(dims)).astype(np.bool_)
            else:
                value = rng.integers(int(lo), int(hi) + 1, shape(dims)).astype(np_type)
            value = np.ascontiguousarray(value)
            env[iname] = value
            args += [value.ctypes.data_as(ctypes.c_void_p),
                     ctypes.c_size_t(value.size)]
        results = []
        for oname, dtype, dims in outputs:
            out = np.zeros(shape(dims), DTYPES[dtype])
            results.append(out)
            args += [out.ctypes.data_as(ctypes.c_void_p),
                     ctypes.c_size_t(out.size)]
        if predict(*args) != 0:
            sys.exit(f"predict failed: {last_error().decode()}")
        for s in statements:
            exec(s, env)  # noqa: S102 - references come from the test files
        for (oname, dtype, _), got in zip(outputs, results):
            if oname not in env:
                sys.exit(f"the reference does not define output '{oname}'")
            ref = np.asarray(env[oname]).astype(got.dtype).reshape(got.shape)
            if np.issubdtype(got.dtype, np.floating):
                rtol = float(rtol_m.group(1)) if rtol_m else (
                    1e-12 if got.dtype == np.float64 else 1e-5)
                # atleast_1d: a rank-0 result (a loss) is a NumPy scalar.
                diff = np.atleast_1d(got.astype(np.float64) - ref.astype(np.float64))
                both_nan = np.atleast_1d(np.isnan(got) & np.isnan(ref))
                diff[both_nan] = 0
                denom = max(np.linalg.norm(np.nan_to_num(ref.astype(np.float64))), 1e-30)
                err = np.linalg.norm(np.nan_to_num(diff, nan=np.inf)) / denom
                ok = err <= rtol
                print(f"batch {batch} {oname}: relative error {err:.3e} "
                      f"(tolerance {rtol:g}) {'ok' if ok else 'MISMATCH'}")
            else:
                ok = np.array_equal(got, ref)
                print(f"batch {batch} {oname}: exact {'ok' if ok else 'MISMATCH'}")
            if not ok:
                failures += 1
                print("got:", got.ravel()[:16], "\nref:", ref.ravel()[:16])
    getattr(lib, f"{name}_destroy")(model)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
