#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes bad ONNX models into DIR: an unknown op, a missing initializer."""
import sys

import onnx
from onnx import TensorProto, helper

out = sys.argv[1]
x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])
g = helper.make_graph([helper.make_node("Relu", ["x"], ["h"], name="relu"),
                       helper.make_node("FrobnicateTensor", ["h"], ["y"], name="mystery",
                                        domain="")],
                      "unknown_op", [x], [y])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
open(f"{out}/unknown_op.onnx", "wb").write(m.SerializeToString())

# MatMul reads W, which no initializer or input defines.
g = helper.make_graph([helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")],
                      "missing_initializer", [x],
                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
open(f"{out}/missing_initializer.onnx", "wb").write(m.SerializeToString())
