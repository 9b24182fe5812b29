# SPDX-License-Identifier: Apache-2.0
"""Runs every benchmark case side by side and prints one table:
bench.py ROOT WORK ORT_MODULE_DIR [--threads 1,2] [--cases ...] [--rounds 3]

For each case: compile the ONNX model with `kiln compile` (timed), run
Kiln, ONNX Runtime and PyTorch's best mode with the same thread count,
check that Kiln's and ONNX Runtime's outputs equal PyTorch's (relative
1e-4 of the largest magnitude) and only then report medians and ratios
(peer ms / Kiln ms: above 1 means Kiln is faster), over --rounds rounds of
the three engines in turn (medians; ratios are medians of each round's
ratio). sgemm rows compare
Kiln's engine with oneDNN's sgemm, with % of the measured FMA peak."""
import argparse
import os
import subprocess
import sys
import time

import numpy as np

DEFAULT_CASES = ["mlp_b1", "mlp_b64", "cnn_b1", "cnn_b64", "resnet18_b1",
                 "resnet18_b8", "mobilenet_v2_b1", "transformer_b8"]
TRAIN = ["mlp", "cnn"]  # train steps at batch 64, against PyTorch
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


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


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
    ap.add_argument("--no-train", action="store_true")
    ap.add_argument("--rounds", type=int, default=3,
                    help="rounds of the three engines in turn per case")
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
            # Rounds of Kiln, ONNX Runtime, PyTorch in turn: times are the
            # medians over rounds, ratios the medians of each round's
            # ratio, so that a slow spell of the machine hits all three.
            ks, os_, ps = [], [], []
            for _ in range(args.rounds):
                ks.append(float(run(
                    [py, os.path.join(here, "time_kiln.py"),
                     os.path.join(work, f"kiln_{name}/lib{name}.so"), name, x,
                     yref, str(t), reps,
                     os.path.join(work, f"{case}.kiln.npy")], env)))
                check(f"{case} (Kiln)",
                      os.path.join(work, f"{case}.kiln.npy"), ref)
                os_.append(float(run(
                    ["node", os.path.join(here, "time_ort.js"), args.ort,
                     os.path.join(work, f"{name}.onnx"), x, str(t), reps,
                     os.path.join(work, f"{case}.ort.npy")], env)))
                check(f"{case} (ONNX Runtime)",
                      os.path.join(work, f"{case}.ort.npy"), ref)
                ps.append(float(run([py, os.path.join(here, "time_torch.py"),
                                     name, x, str(t), reps], env)))
            k, o, p = median(ks), median(os_), median(ps)
            ro = median([b / a for a, b in zip(ks, os_)])
            rp = median([b / a for a, b in zip(ks, ps)])
            print(f"| {case} | {t} | {k:.3f} | {o:.3f} | {p:.3f} | "
                  f"{ro:.2f}x | {rp:.2f}x | {compile_s[name]:.1f} |",
                  flush=True)
    if not args.no_train:
        train_rows(args.root, kiln, work, threads, args.rounds)
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


def train_init(path, name):
    """The first batch (64) and Glorot-uniform weights, zero biases."""
    rng = np.random.default_rng(0)

    def glorot(shape):
        rec = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
        limit = np.sqrt(6.0 / (rec * shape[-2] + rec * shape[-1]))
        return rng.uniform(-limit, limit, shape).astype(np.float32)

    zeros = lambda n: np.zeros(n, np.float32)
    if name == "mlp":
        v = dict(x=rng.standard_normal((64, 784)).astype(np.float32),
                 w1=glorot((784, 512)), b1=zeros(512), w2=glorot((512, 512)),
                 b2=zeros(512), w3=glorot((512, 10)), b3=zeros(10))
    else:
        v = dict(x=rng.standard_normal((64, 28, 28, 1)).astype(np.float32),
                 k1=glorot((3, 3, 1, 32)), c1=zeros(32),
                 k2=glorot((3, 3, 32, 64)), c2=zeros(64),
                 w1=glorot((1600, 128)), b1=zeros(128), w2=glorot((128, 10)),
                 b2=zeros(10))
    v["labels"] = rng.integers(0, 10, 64)
    np.savez(path, **v)


def train_rows(root, kiln, work, threads, rounds):
    """Train steps (Adam, sparse cross-entropy, batch 64): Kiln's compiled
    step against PyTorch's eager step, gradients checked equal first."""
    kiln_opt = os.path.join(root, "build/bin/kiln-opt")
    print("\n| train step, batch 64 | threads | Kiln ms | PyTorch ms | "
          "Kiln speed / PyTorch | Kiln compile s |")
    print("|---|---|---|---|---|---|")
    libs, compile_s = {}, {}
    for name in TRAIN:
        step_ir = os.path.join(work, f"train_{name}.mlir")
        start = time.perf_counter()
        subprocess.run([kiln_opt, os.path.join(here, "train", f"{name}.mlir"),
                        "--kiln-train-step=optimizer=adam learning-rate=0.001 "
                        "epsilon=1e-7", "-o", step_ir], check=True)
        out = os.path.join(work, f"kiln_train_{name}")
        subprocess.run([kiln, "compile", step_ir, "--entry", "f_train_step",
                        "-o", out, "--name", f"{name}_step",
                        "--dynamic-batch"], check=True)
        compile_s[name] = time.perf_counter() - start
        libs[name] = os.path.join(out, f"lib{name}_step.so")
        train_init(os.path.join(work, f"train_{name}.init.npz"), name)
    for t in threads:
        env = {"OMP_NUM_THREADS": str(t), "OPENBLAS_NUM_THREADS": str(t)}
        for name in TRAIN:
            init = os.path.join(work, f"train_{name}.init.npz")
            kout = os.path.join(work, f"train_{name}.kiln.npz")
            tout = os.path.join(work, f"train_{name}.torch.npz")
            ks, ps = [], []
            for _ in range(rounds):
                ks.append(float(run(
                    [py, os.path.join(here, "time_train.py"), "kiln", kiln,
                     libs[name], name, init, str(t), "5", kout], env)))
                ps.append(float(run(
                    [py, os.path.join(here, "time_train.py"), "torch", name,
                     init, str(t), "5", tout], env)))
            k, p = median(ks), median(ps)
            ratio = median([b / a for a, b in zip(ks, ps)])
            got, ref = np.load(kout), np.load(tout)
            for n in ref.files:
                err = (np.abs(got[n] - ref[n]).max() /
                       max(np.abs(ref[n]).max(), 1e-30))
                if not err <= 1e-4:
                    raise RuntimeError(f"train {name}: {n} differs from "
                                       f"PyTorch's ({err:.2e})")
            print(f"| {name} | {t} | {k:.3f} | {p:.3f} | {ratio:.2f}x | "
                  f"{compile_s[name]:.1f} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
