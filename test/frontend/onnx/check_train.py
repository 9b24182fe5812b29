#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""kiln train on an ONNX model, against NumPy.

  check_train.py make MODEL CSV   a 2-layer ONNX MLP (MatMul, Add, Relu, Gemm;
                                  initializers W1, B1, W2, B2) and 64 rows of
                                  4 features and one regression target
  check_train.py step MODEL CSV AFTER LR
      one SGD step over CSV as one batch with the MSE loss from MODEL's
      initializers gives AFTER's weights
"""
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "e2e", "fit"))
from check_weighted import read_state  # noqa: E402


def make(model_path, csv_path):
    r = np.random.default_rng(7)
    w1 = r.normal(size=(4, 5)).astype(np.float32) * 0.5
    b1 = r.normal(size=(5,)).astype(np.float32) * 0.1
    w2 = r.normal(size=(5, 1)).astype(np.float32) * 0.5
    b2 = np.array([0.2], np.float32)
    nodes = [
        helper.make_node("MatMul", ["x", "W1"], ["h0"], name="dense1"),
        helper.make_node("Add", ["h0", "B1"], ["h1"], name="bias1"),
        helper.make_node("Relu", ["h1"], ["h"], name="relu"),
        helper.make_node("Gemm", ["h", "W2", "B2"], ["y"], name="dense2"),
    ]
    graph = helper.make_graph(
        nodes, "mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 1])],
        [numpy_helper.from_array(w1, "W1"), numpy_helper.from_array(b1, "B1"),
         numpy_helper.from_array(w2, "W2"), numpy_helper.from_array(b2, "B2")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, model_path)
    x = r.normal(size=(64, 4)).astype(np.float32)
    y = (np.sin(x[:, :1]) + x[:, 1:2] * 0.5).astype(np.float32)
    np.savetxt(csv_path, np.hstack([x, y]), delimiter=",", fmt="%.7f")


def step(model_path, csv_path, after_path, lr):
    model = onnx.load(model_path)
    p = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in model.graph.initializer}
    data = np.loadtxt(csv_path, delimiter=",")
    x, y = data[:, :4], data[:, 4:]
    h1 = x @ p["W1"] + p["B1"]
    h = np.maximum(h1, 0)
    out = h @ p["W2"] + p["B2"]
    g = 2 * (out - y) / out.size
    grads = {"W2": h.T @ g, "B2": g.sum(0)}
    gh = (g @ p["W2"].T) * (h1 > 0)
    grads["W1"] = x.T @ gh
    grads["B1"] = gh.sum(0)
    after = read_state(after_path)
    bad = 0
    for name, grad in grads.items():
        want = p[name] - lr * grad
        key = [k for k in after if k.split("/")[-1] == name]
        if len(key) != 1:
            print(f"{name}: MISMATCH not in the saved state ({sorted(after)})")
            bad += 1
            continue
        got = after[key[0]]
        err = np.max(np.abs(got - want) / (np.abs(want) + 1e-3))
        ok = np.allclose(got, want, rtol=1e-4, atol=1e-5)
        bad += not ok
        print(f"{name}: largest relative error {err:.2e} {'ok' if ok else 'MISMATCH'}")
        if np.allclose(want, p[name], rtol=1e-6, atol=1e-7):
            print(f"{name}: MISMATCH the step leaves it unchanged")
            bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3])
    else:
        step(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]))
