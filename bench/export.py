# SPDX-License-Identifier: Apache-2.0
"""Exports each benchmark model to ONNX (dynamic batch) and writes, per
case, an input and PyTorch's output: bench/export.py WORKDIR CASES..."""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import build  # noqa: E402

work = sys.argv[1]
os.makedirs(work, exist_ok=True)
for case in sys.argv[2:]:
    name, batch = case.rsplit("_b", 1)
    batch = int(batch)
    model, shape = build(name)
    onnx_path = os.path.join(work, f"{name}.onnx")
    if not os.path.exists(onnx_path):
        torch.onnx.export(model, torch.zeros((1,) + shape), onnx_path,
                          input_names=["x"], output_names=["y"],
                          opset_version=13,
                          dynamic_axes={"x": {0: "N"}, "y": {0: "N"}})
    x = np.random.default_rng(batch).standard_normal((batch,) + shape)
    x = x.astype(np.float32)
    with torch.no_grad():
        y = model(torch.from_numpy(x)).numpy()
    np.save(os.path.join(work, f"{case}.x.npy"), x)
    np.save(os.path.join(work, f"{case}.y.npy"), y)
