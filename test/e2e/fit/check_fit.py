#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks of `kiln train` runs.

  check_fit.py accuracy LOG KEY MIN   the "Test:" line of LOG has KEY >= MIN
  check_fit.py callbacks CSV PATIENCE_LR PATIENCE_STOP EPOCHS
      replays Keras's ReduceLROnPlateau (factor 0.1, min_delta 1e-4) and
      EarlyStopping (min_delta 0) rules on the CSVLogger's val_loss column
      and checks the learning rates and the epoch training stopped at.
  check_fit.py split CSV TRAIN_OUT TEST_OUT   (a seeded random 80/20 split)
"""
import re
import sys


def accuracy(log, key, minimum):
    text = open(log).read()
    m = re.search(r"^Test:.*\b" + re.escape(key) + r": ([0-9.]+)", text, re.M)
    if not m:
        sys.exit(f"no 'Test: ... {key}' line in {log}")
    value = float(m.group(1))
    print(f"{key} = {value:.4f} (minimum {minimum})")
    if value < float(minimum):
        sys.exit(f"{key} {value} is below {minimum}")


def callbacks(csv, patience_lr, patience_stop, epochs):
    patience_lr, patience_stop, epochs = int(patience_lr), int(patience_stop), int(epochs)
    rows = [line.strip().split(",") for line in open(csv) if line.strip()]
    header, rows = rows[0], [[float(v) for v in r] for r in rows[1:]]
    col = {k: i for i, k in enumerate(header)}
    val, lrs = [r[col["val_loss"]] for r in rows], [r[col["learning_rate"]] for r in rows]
    # ReduceLROnPlateau: the rate logged for an epoch is the one it trained
    # with; after `patience` epochs without an improvement of 1e-4 in
    # val_loss it drops by 10x. EarlyStopping (min_delta 0) stops after
    # `patience` epochs without improvement.
    lr, best, wait = lrs[0], float("inf"), 0
    expected_lrs, stop_at = [], None
    es_best, es_wait = float("inf"), 0
    for e, v in enumerate(val):
        expected_lrs.append(lr)
        if v < best - 1e-4:
            best, wait = v, 0
        else:
            wait += 1
            if wait >= patience_lr:
                lr, wait = lr * 0.1, 0
        if v < es_best:
            es_best, es_wait = v, 0
        else:
            es_wait += 1
            if es_wait >= patience_stop and e > 0:
                stop_at = e
                break
    n = len(expected_lrs)
    print(f"epochs run {len(rows)}, expected {n if stop_at is not None else epochs}")
    if len(rows) != (n if stop_at is not None else epochs):
        sys.exit("EarlyStopping stopped at the wrong epoch")
    for e, (got, want) in enumerate(zip(lrs, expected_lrs)):
        # The first epoch's logged rate is the start rate unless reduced.
        if abs(got - want) > 1e-6 * max(abs(want), 1e-12):
            sys.exit(f"epoch {e}: learning rate {got}, ReduceLROnPlateau expects {want}")
    print("learning rates:", " ".join(f"{x:g}" for x in lrs))
    if stop_at is None and patience_stop < epochs:
        print("(no early stop expected)")


def split(csv, train_out, test_out):
    """A seeded random 80/20 split (NumPy's default_rng(0))."""
    import gzip
    import numpy as np
    opener = gzip.open if csv.endswith(".gz") else open
    lines = opener(csv, "rt").read().splitlines()
    order = np.random.default_rng(0).permutation(len(lines))
    cut = int(0.8 * len(lines))
    with open(train_out, "w") as tr:
        tr.writelines(lines[i] + "\n" for i in order[:cut])
    with open(test_out, "w") as te:
        te.writelines(lines[i] + "\n" for i in order[cut:])


if __name__ == "__main__":
    {"accuracy": accuracy, "callbacks": callbacks, "split": split}[sys.argv[1]](*sys.argv[2:])
