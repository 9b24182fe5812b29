#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Training-mode state of stateful layers, against NumPy.

  check_stateful.py data CSV             writes 32 rows of 4 features + target
  check_stateful.py moving CSV STATE EPOCHS MOMENTUM
      after EPOCHS steps over the whole CSV as one batch, bn/moving_mean and
      bn/moving_variance in STATE are Keras's moving averages of the batch
      mean and biased variance (from 0 and 1).
  check_stateful.py distinct LOG_CSV     the per-epoch losses (one batch,
      learning rate 0) all differ: dropout draws a new mask every step.
"""
import sys

import numpy as np

from check_weighted import read_state


def main():
    cmd = sys.argv[1]
    if cmd == "data":
        rng = np.random.default_rng(11)
        x = rng.normal(loc=[1.0, -2.0, 0.5, 3.0], scale=[1.0, 0.5, 2.0, 0.1], size=(32, 4))
        y = x @ np.array([0.5, -1.0, 0.25, 2.0]) + 0.1
        np.savetxt(sys.argv[2], np.hstack([x, y[:, None]]), delimiter=",", fmt="%.6f")
    elif cmd == "moving":
        data = np.loadtxt(sys.argv[2], delimiter=",")[:, :4]
        state = read_state(sys.argv[3])
        epochs, momentum = int(sys.argv[4]), float(sys.argv[5])
        mean, var = np.zeros(4), np.ones(4)
        for _ in range(epochs):
            mean = mean * momentum + data.mean(axis=0) * (1 - momentum)
            var = var * momentum + data.var(axis=0) * (1 - momentum)
        for name, want in (("bn/moving_mean", mean), ("bn/moving_variance", var)):
            got = state[name].astype(np.float64)
            err = np.max(np.abs(got - want) / np.maximum(np.abs(want), 1e-3))
            print(f"{name}: {np.array2string(got, precision=5)} "
                  f"(NumPy {np.array2string(want, precision=5)}), max rel err {err:.2e}")
            if err > 1e-4:
                sys.exit(f"{name} differs from NumPy's moving average")
    elif cmd == "distinct":
        rows = [line.strip().split(",") for line in open(sys.argv[2]) if line.strip()]
        col = rows[0].index("loss")
        losses = [float(r[col]) for r in rows[1:]]
        print("losses:", losses)
        if len(set(losses)) != len(losses):
            sys.exit("two steps gave the same loss: the dropout mask did not change")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
