#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Trains with a compiled train step on the digits and checks the held-out
accuracy of the compiled forward function.

Usage: train_digits.py STEP_LIB STEP FWD_LIB FWD DIGITS.csv.gz MIN_ACCURACY EPOCHS

The parameters are the step's inputs with optimizer slots; the images are
shaped as the forward function's input ([64] or [8, 8, 1]). Training runs
twice with the same seed and must give bit-identical parameters.
"""
import gzip
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from check_vjp import Lib  # noqa: E402


def train(step, rng, x, y, train_idx, epochs):
    """Runs `epochs` epochs of the compiled step; returns the parameters."""
    # Keras defaults: Glorot-uniform kernels, zero biases, zero optimizer
    # state (the inputs that end in a slot name).
    shapes = {n: [d for d in dims] for n, _, dims in step.inputs}
    params = [n for n in shapes if n + "_m" in shapes or n + "_momentum" in shapes]
    values = {}
    for n in params:
        shape = shapes[n]
        if len(shape) == 1:
            values[n] = np.zeros(shape, np.float32)
        else:
            receptive = int(np.prod(shape[:-2]))
            fan_in, fan_out = receptive * shape[-2], receptive * shape[-1]
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            values[n] = rng.uniform(-limit, limit, shape).astype(np.float32)
    for n in shapes:
        if n not in values and n not in ("x", "y_true"):
            values[n] = np.zeros([max(d, 0) for d in shapes[n]],
                                 np.int64 if n == "iterations" else np.float32)
    in_names = [n for n, _, _ in step.inputs]
    out_names = [n for n, _, _ in step.outputs]
    batch = 32
    for epoch in range(epochs):
        perm = rng.permutation(train_idx)
        losses = []
        for i in range(0, len(perm), batch):
            idx = perm[i:i + batch]
            values["x"], values["y_true"] = x[idx], y[idx]
            outs = dict(zip(out_names, step.run(len(idx), [values[n] for n in in_names])))
            losses.append(float(outs["loss"]))
            for n in in_names:
                if "new_" + n in outs:
                    values[n] = outs["new_" + n]
        if epoch % 10 == 9 or epoch == epochs - 1:
            print(f"epoch {epoch + 1}: mean loss {np.mean(losses):.4f}")
    return {n: values[n] for n in params}


def main():
    step_path, step_name, fwd_path, fwd_name, data, min_acc, epochs = sys.argv[1:8]
    epochs = int(epochs)
    rows = np.loadtxt(gzip.open(data, "rt"), delimiter=",")
    step, fwd = Lib(step_path, step_name), Lib(fwd_path, fwd_name)
    image = [d for d in fwd.inputs[0][2][1:]]
    x = (rows[:, :64] / 16.0).astype(np.float32).reshape([-1] + image)
    y = rows[:, 64].astype(np.int64)
    split_rng = np.random.default_rng(0)
    order = split_rng.permutation(len(x))
    split = int(0.8 * len(x))
    train_idx, test_idx = order[:split], order[split:]

    start = time.time()
    params = train(step, np.random.default_rng(1), x, y, train_idx, epochs)
    elapsed = time.time() - start
    fwd_names = [n for n, _, _ in fwd.inputs[1:]]
    logits = fwd.run(len(test_idx), [x[test_idx]] + [params[n] for n in fwd_names])[0]
    acc = float(np.mean(np.argmax(logits, -1) == y[test_idx]))
    print(f"held-out accuracy {acc:.4f} ({len(test_idx)} images), training "
          f"{elapsed:.1f} s for {epochs} epochs; required {float(min_acc):.2f}")
    # The same seed again: bit-identical parameters.
    again = train(step, np.random.default_rng(1), x, y, train_idx, epochs)
    identical = all(np.array_equal(params[n], again[n]) for n in params)
    print(f"second run with the same seed: {'bit-identical' if identical else 'DIFFERENT'} parameters")
    sys.exit(0 if acc >= float(min_acc) and identical else 1)


if __name__ == "__main__":
    main()
