#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Resize with constant scales, sizes and roi: the ONNX backend test cases of
Resize pass these as graph inputs, which Kiln cannot see at compile time, so
this script turns them into initializers (with the values of the case's
test_data_set_0) and checks kiln's output against the case's expected output
with ONNX's tolerances (rtol 1e-3, atol 1e-7), compiled with static shapes
and, for the cases with scales (1 for the batch), with --dynamic-batch: a
`sizes` input fixes the batch's output size, which a dynamic batch cannot
honor, and Kiln refuses it.

Usage: check_resize.py KILN WORKDIR  (prints one line per case, "ok" or
"MISMATCH"; exits 1 on any mismatch or failure)
"""
import glob
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

DATA = "/usr/share/libonnx-testdata/data/node"


def read(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


def main():
    kiln, work = sys.argv[1:3]
    failures = 0
    cases = sorted(glob.glob(f"{DATA}/test_resize_*"))
    if not cases:
        sys.exit(f"no Resize cases in {DATA} (is libonnx-testdata installed?)")
    for case in cases:
        name = os.path.basename(case)
        model = onnx.load(f"{case}/model.onnx")
        inputs = [read(p) for p in sorted(glob.glob(f"{case}/test_data_set_0/input_*.pb"))]
        expected = read(f"{case}/test_data_set_0/output_0.pb")
        graph = model.graph
        kept = []
        for i, vi in enumerate(list(graph.input)):
            if i == 0:
                kept.append(vi)
                continue
            graph.initializer.append(numpy_helper.from_array(inputs[i], vi.name))
        del graph.input[:]
        graph.input.extend(kept)
        path = f"{work}/{name}.onnx"
        onnx.save(model, path)
        inputNames = [vi.name for vi in kept] + [t.name for t in graph.initializer]
        modes = ("static", "dynamic") if "scales" in inputNames else ("static",)
        for mode in modes:
            out = f"{work}/{name}.{mode}"
            np.save(f"{out}.x.npy", inputs[0])
            flags = ["--dynamic-batch"] if mode == "dynamic" else []
            run = subprocess.run([kiln, "compile", path, *flags, "-o", out, "--name", "m"],
                                 capture_output=True, text=True)
            if run.returncode == 0:
                run = subprocess.run(
                    [kiln, "run", f"{out}/libm.so", "--input", f"{out}.x.npy",
                     "--output", f"{out}.y.npy"], capture_output=True, text=True)
            if run.returncode != 0:
                print(f"{name} {mode}: FAILED {run.stderr.strip()}")
                failures += 1
                continue
            got = np.load(f"{out}.y.npy")
            same = got.shape == expected.shape
            ok = same and np.allclose(got, expected, rtol=1e-3, atol=1e-7)
            err = np.abs(got - expected).max() if same else float("inf")
            print(f"{name} {mode}: largest difference {err:.2e} {'ok' if ok else 'MISMATCH'}")
            failures += not ok
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
