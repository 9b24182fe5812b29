# SPDX-License-Identifier: Apache-2.0
"""Runs every benchmark case once, side by side, and prints one table:
bench.py ROOT WORK ORT_MODULE_DIR [--threads 1,2] [--cases ...]

For each case: compile the ONNX model with `kiln compile` (timed), run
Kiln, ONNX Runtime and PyTorch's best mode with the same thread count,
check that Kiln's and ONNX Runtime's outputs equal PyTorch's (relative
1e-4 of the largest magnitude) and only then report medians and ratios
(peer ms / Kiln ms: above 1 means Kiln is faster). sgemm rows compare
Kiln's engine with oneDNN's sgemm, with % of the measured FMA peak."""
import argparse
import os
import subprocess
import sys
import time

import numpy as np

DEFAULT_CASES = ["mlp_b1", "mlp_b64", "cnn_b1", "cnn_b64", "resnet18_b1",
                 "resnet18_b8", "mobilenet_v2_b1", "transformer_b8"]
SGEMM = [(256, 256, 256), (512, 512, 512), (1024, 1024, 1024),
         (2048, 2048, 2048), (64, 512, 784)]

here = os.path.dirname(os.path.abspath(__file__))
py = "/usr/bin/python3"


def run(cmd, env=None):
    merged = dict(os.environ, **(env or {}))
    r = subprocess.run(cmd, capture_output=True, text=True, env=merged)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{r.stderr[-2000:]}")
    return r.stdout.strip().splitlines()[-1]


def check(name, got_path, ref):
    got = np.load(got_path).reshape(ref.shape)
    err = np.abs(got - ref).max() / max(np.abs(ref).max(), 1e-30)
    if not err <= 1e-4:
        raise RuntimeError(f"{name}: output differs from PyTorch's "
                           f"(max relative difference {err:.2e})")
    return err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("work")
    ap.add_argument("ort")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--cases", default=",".join(DEFAULT_CASES))
    ap.add_argument("--no-sgemm", action="store_true")
    args = ap.parse_args()
    kiln = os.path.join(args.root, "build/bin/kiln")
    work = args.work
    cases = [c for c in args.cases.split(",") if c]
    threads = [int(t) for t in args.threads.split(",")]
    one_thread = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}

    subprocess.run([py, os.path.join(here, "export.py"), work] + cases,
                   check=True)
    compile_s = {}
    for case in cases:
        name = case.rsplit("_b", 1)[0]
        if name in compile_s:
            continue
        out = os.path.join(work, f"kiln_{name}")
        start = time.perf_counter()
        subprocess.run([kiln, "compile", os.path.join(work, f"{name}.onnx"),
                        "-o", out, "--name", name, "--dynamic-batch"],
                       check=True)
        compile_s[name] = time.perf_counter() - start

    peak = float(run([os.path.join(work, "peak")]))
    print(f"machine: {os.uname().machine}, {os.cpu_count()} cores; "
          f"measured f32 FMA peak {peak:.1f} GFLOP/s per core\n")
    print("| case | threads | Kiln ms | ONNX Runtime ms | PyTorch ms | "
          "Kiln speed / ORT | Kiln speed / PyTorch | Kiln compile s |")
    print("|---|---|---|---|---|---|---|---|")
    for t in threads:
        env = {"OMP_NUM_THREADS": str(t), "OPENBLAS_NUM_THREADS": str(t)}
        for case in cases:
            name = case.rsplit("_b", 1)[0]
            x = os.path.join(work, f"{case}.x.npy")
            yref = os.path.join(work, f"{case}.y.npy")
            ref = np.load(yref)
            reps = "20" if case.endswith("_b1") else "5"
            k = float(run([py, os.path.join(here, "time_kiln.py"),
                           os.path.join(work, f"kiln_{name}/lib{name}.so"),
                           name, x, yref, str(t), reps,
                           os.path.join(work, f"{case}.kiln.npy")], env))
            check(f"{case} (Kiln)", os.path.join(work, f"{case}.kiln.npy"), ref)
            o = float(run(["node", os.path.join(here, "time_ort.js"), args.ort,
                           os.path.join(work, f"{name}.onnx"), x, str(t),
                           reps, os.path.join(work, f"{case}.ort.npy")], env))
            check(f"{case} (ONNX Runtime)",
                  os.path.join(work, f"{case}.ort.npy"), ref)
            p = float(run([py, os.path.join(here, "time_torch.py"), name, x,
                           str(t), reps], env))
            print(f"| {case} | {t} | {k:.3f} | {o:.3f} | {p:.3f} | "
                  f"{o / k:.2f}x | {p / k:.2f}x | {compile_s[name]:.1f} |",
                  flush=True)
    if args.no_sgemm:
        return
    print("\n| sgemm M×N×K | threads | Kiln ms | oneDNN ms | "
          "Kiln speed / oneDNN | Kiln % of peak | oneDNN % of peak |")
    print("|---|---|---|---|---|---|---|")
    for t in threads:
        for m, n, k in SGEMM:
            reps = "5" if m * n * k >= 2048 ** 3 else "20"
            line = run([os.path.join(work, "sgemm"), str(m), str(n), str(k),
                        reps, str(t)], {"OMP_NUM_THREADS": str(t)})
            _, _, _, km, dm, kg, dg, _ = line.split()
            km, dm, kg, dg = map(float, (km, dm, kg, dg))
            print(f"| {m}×{n}×{k} | {t} | {km:.3f} | {dm:.3f} | "
                  f"{dm / km:.2f}x | {100 * kg / (peak * t):.0f}% | "
                  f"{100 * dg / (peak * t):.0f}% |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
