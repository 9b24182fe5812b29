#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Class weights and the count metrics (precision, recall, AUC) of a
logistic regression, against NumPy with Keras's formulas.

  check_weighted.py data SEED COUNT CSV   features (3) and a 0/1 label
  check_weighted.py init STATE            initial out/kernel, out/bias
  check_weighted.py step TRAIN INIT AFTER LOG LR W0 W1 TEST OUT
      one SGD step over TRAIN as one batch with class weights W0, W1 from
      INIT: the epoch's loss and weighted metrics (LOG, a CSVLogger file)
      and the new weights (AFTER) match NumPy; the "Test:" line of OUT has
      the unweighted metrics of AFTER on TEST.
"""
import json
import re
import struct
import sys

import numpy as np

EPS = 1e-7


def read_state(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, t in header.items():
        if name != "__metadata__" and t["dtype"] == "F32":
            b, e = t["data_offsets"]
            out[name] = np.frombuffer(raw[8 + n + b:8 + n + e], "<f4").reshape(t["shape"])
    return out


def write_state(path, tensors):
    header, data = {}, b""
    for name, a in tensors.items():
        a = np.ascontiguousarray(a, dtype="<f4")
        header[name] = {"dtype": "F32", "shape": list(a.shape),
                        "data_offsets": [len(data), len(data) + a.nbytes]}
        data += a.tobytes()
    hb = json.dumps(header).encode()
    hb += b" " * ((8 - len(hb) % 8) % 8)
    open(path, "wb").write(struct.pack("<Q", len(hb)) + hb + data)


def metrics(y, p, w):
    """Keras's binary accuracy, precision, recall and ROC AUC (200
    thresholds, interpolated), weighted by w."""
    pred = (p > 0.5).astype(np.float64)
    acc = np.sum(w * (pred == y)) / np.sum(w)
    tp = np.sum(w * pred * y)
    precision = tp / np.sum(w * pred) if np.sum(w * pred) else 0.0
    recall = tp / np.sum(w * y) if np.sum(w * y) else 0.0
    n = 200
    thr = np.array([i / (n - 1) for i in range(n)], dtype=np.float32)
    thr[0], thr[-1] = np.float32(0.0 - EPS), np.float32(1.0 + EPS)
    above = (p[:, None].astype(np.float32) > thr[None, :]).astype(np.float64)
    tps = (w * y) @ above
    fps = (w * (1 - y)) @ above
    fns = np.sum(w * y) - tps
    tns = np.sum(w * (1 - y)) - fps
    div = lambda a, b: np.where(b != 0, a / np.where(b != 0, b, 1), 0.0)
    tpr, fpr = div(tps, tps + fns), div(fps, fps + tns)
    auc = np.sum((fpr[:-1] - fpr[1:]) * (tpr[:-1] + tpr[1:]) / 2)
    return {"accuracy": acc, "precision": precision, "recall": recall, "auc": auc}


def close(name, got, want, tol):
    ok = abs(got - want) <= tol * max(1.0, abs(want))
    print(f"{name}: kiln {got:.6f} NumPy {want:.6f} {'ok' if ok else 'MISMATCH'}")
    return ok


def main():
    cmd = sys.argv[1]
    if cmd == "data":
        rng = np.random.default_rng(int(sys.argv[2]))
        count = int(sys.argv[3])
        x = rng.normal(size=(count, 3))
        y = (x @ np.array([1.5, -1.0, 0.5]) + rng.normal(scale=0.8, size=count) > 1.0)
        np.savetxt(sys.argv[4], np.hstack([x, y[:, None]]), delimiter=",", fmt="%.6f")
    elif cmd == "init":
        write_state(sys.argv[2], {"out/kernel": np.array([[0.3], [-0.2], [0.1]]),
                                  "out/bias": np.array([-0.1])})
    elif cmd == "step":
        train, init, after, log, lr, w0, w1, test, out = sys.argv[2:11]
        lr, cw = float(lr), [float(w0), float(w1)]
        d = np.loadtxt(train, delimiter=",")
        x, y = d[:, :3].astype(np.float32), d[:, 3]
        s0 = read_state(init)
        k, bias = s0["out/kernel"].astype(np.float64), s0["out/bias"].astype(np.float64)
        z = x @ k[:, 0] + bias[0]
        p = 1 / (1 + np.exp(-z))
        w = np.array([cw[int(round(v))] for v in y])
        q = np.clip(p, EPS, 1 - EPS)
        loss = np.mean(w * -(y * np.log(q) + (1 - y) * np.log(1 - q)))
        want = dict(loss=loss, **metrics(y, p, w))
        rows = [r.strip().split(",") for r in open(log) if r.strip()]
        got = dict(zip(rows[0], map(float, rows[1])))
        ok = all(close(f"epoch {m}", got[m], want[m], 1e-5) for m in want)
        # The gradient of mean(w * bce(sigmoid(z))) with respect to z.
        g = w * (p - y) / len(y)
        k1, b1 = k[:, 0] - lr * (x.T @ g), bias[0] - lr * g.sum()
        s1 = read_state(after)
        for i in range(3):
            ok &= close(f"kernel[{i}]", float(s1["out/kernel"][i, 0]), k1[i], 1e-5)
        ok &= close("bias", float(s1["out/bias"][0]), b1, 1e-5)
        # Test metrics, unweighted, of the new weights (printed to 4 places).
        t = np.loadtxt(test, delimiter=",")
        pt = 1 / (1 + np.exp(-(t[:, :3].astype(np.float32) @ s1["out/kernel"][:, 0].astype(np.float64)
                                + float(s1["out/bias"][0]))))
        tm = metrics(t[:, 3], pt, np.ones(len(t)))
        line = re.search(r"^Test:.*$", open(out).read(), re.M).group(0)
        for m, v in tm.items():
            printed = float(re.search(r"\b" + m + r": ([0-9.]+)", line).group(1))
            ok &= close(f"test {m}", printed, v, 6e-5)
        if not ok:
            sys.exit("class-weighted step or metrics differ from NumPy")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
