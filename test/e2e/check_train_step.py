#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Runs two steps of a train-step library built by kiln-train-step and
compares the loss and every updated parameter with Debian's PyTorch given
the same weights and batch.

Usage: check_train_step.py LIB NAME TEST_FILE

The test file describes the model for PyTorch in comment lines:
    // TORCH: <statement>     (inputs and parameters are bound to their
                               names as torch tensors; must set `loss`)
    // OPTIMIZER: <expr>      (a torch.optim constructor over `params`)
    // SCHEDULER: <expr>      (optional: a torch.optim.lr_scheduler over
                               `opt`, stepped after each step)
    // STEPS: <n>             (default 2)
    // RANGE: <input> <low> <high>, // RTOL: <tol> (default 1e-4)
    // FILL: <slot or input> <value>   (a slot's initial value, default 0;
                               or an input's, e.g. learning_rate)
Optimizer state inputs start at zero (or their FILL) and `iterations` at 0,
as in Keras.
"""
import ctypes
import os
import re
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_model import DTYPES  # noqa: E402
from check_vjp import Lib  # noqa: E402


def main():
    lib_path, name, test_file = sys.argv[1:4]
    text = open(test_file).read()
    torch_lines = re.findall(r"^// TORCH: (.*)$", text, re.M)
    optimizer = re.search(r"^// OPTIMIZER: (.*)$", text, re.M).group(1)
    ranges = {m[0]: (float(m[1]), float(m[2]))
              for m in re.findall(r"^// RANGE: (\S+) (\S+) (\S+)$", text, re.M)}
    rtol_m = re.search(r"^// RTOL: (\S+)$", text, re.M)
    rtol = float(rtol_m.group(1)) if rtol_m else 1e-4
    trainable = re.findall(r"%(\w+): tensor<[^>]*> \{[^}]*kiln.trainable", text)
    fills = {m[0]: float(m[1]) for m in re.findall(r"^// FILL: (\S+) (\S+)$", text, re.M)}
    slot_suffixes = ("m", "v", "momentum", "velocity", "accumulator", "average_gradient")

    def slot_of(n):
        for suffix in slot_suffixes:
            if n.endswith("_" + suffix) and n[:-len(suffix) - 1] in trainable:
                return suffix
        return None
    lib = Lib(lib_path, name)
    rng = np.random.default_rng(99)
    batch = 8
    values = {}
    for iname, dtype, dims in lib.inputs:
        shape = [batch if d < 0 else d for d in dims]
        t = DTYPES[dtype]
        if iname == "iterations":
            values[iname] = np.zeros(shape, t)
        elif iname in fills:
            values[iname] = np.full(shape, fills[iname], t)
        elif slot_of(iname):
            values[iname] = np.full(shape, fills.get(slot_of(iname), 0.0), t)
        elif np.issubdtype(t, np.floating):
            lo, hi = ranges.get(iname, (-1.0, 1.0))
            values[iname] = rng.uniform(lo, hi, shape).astype(t)
        else:
            lo, hi = ranges.get(iname, (0, 1))
            values[iname] = rng.integers(int(lo), int(hi) + 1, shape).astype(t)
    in_names = [n for n, _, _ in lib.inputs]
    out_names = [n for n, _, _ in lib.outputs]

    env = {"torch": torch, "F": torch.nn.functional}
    for n in in_names:
        if n == "iterations" or n == "learning_rate" or slot_of(n):
            continue
        env[n] = torch.tensor(values[n])
    params = [env[p].clone().requires_grad_(True) for p in trainable]
    for p, t in zip(trainable, params):
        env[p] = t
    env["params"] = params
    opt = eval(optimizer, env)  # noqa: S307 - from the test file
    env["opt"] = opt
    sched_m = re.search(r"^// SCHEDULER: (.*)$", text, re.M)
    sched = eval(sched_m.group(1), env) if sched_m else None  # noqa: S307
    steps_m = re.search(r"^// STEPS: (\d+)$", text, re.M)
    steps = int(steps_m.group(1)) if steps_m else 2
    failures = 0
    for step in range(steps):
        outs = dict(zip(out_names, lib.run(batch, [values[n] for n in in_names])))
        opt.zero_grad()
        for line in torch_lines:
            exec(line, env)  # noqa: S102 - from the test file
        env["loss"].backward()
        ref_loss = env["loss"].item()
        opt.step()
        if sched:
            sched.step()
        checks = [("loss", outs["loss"], np.array(ref_loss))]
        checks += [(f"new_{p}", outs[f"new_{p}"], t.detach().numpy()) for p, t in zip(trainable, params)]
        for label, got, ref in checks:
            err = np.linalg.norm(got.astype(np.float64) - ref) / max(np.linalg.norm(ref), 1e-30)
            ok = err <= rtol
            failures += not ok
            print(f"step {step + 1} {label}: relative error {err:.3e} (tolerance {rtol:g}) "
                  f"{'ok' if ok else 'MISMATCH'}")
        # Feed the new parameters, state and iterations back.
        for n in in_names:
            if f"new_{n}" in outs:
                values[n] = outs[f"new_{n}"]
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
