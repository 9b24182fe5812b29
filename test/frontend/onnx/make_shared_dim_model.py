#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes shared_dim.onnx into the given folder: y = a + b where a and b are
[2, N] (one dim_param shared by both inputs), and the NumPy inputs of a run
with equal sizes (a.npy, b.npy) and with different ones (b_short.npy)."""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

out = sys.argv[1]
graph = helper.make_graph(
    [helper.make_node("Add", ["a", "b"], ["y"], name="add")], "shared_dim",
    [helper.make_tensor_value_info("a", TensorProto.FLOAT, [2, "N"]),
     helper.make_tensor_value_info("b", TensorProto.FLOAT, [2, "N"])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, "N"])])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
onnx.checker.check_model(model)
onnx.save(model, f"{out}/shared_dim.onnx")
np.save(f"{out}/a.npy", np.arange(10, dtype=np.float32).reshape(2, 5))
np.save(f"{out}/b.npy", np.full((2, 5), 0.5, dtype=np.float32))
np.save(f"{out}/b_short.npy", np.ones((2, 3), dtype=np.float32))
