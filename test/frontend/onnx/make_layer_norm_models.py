#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes ONNX LayerNormalization models into the given folder, as PyTorch's
exporter emits them (one output, Y), with an input and the NumPy reference:
  ln_last.onnx  axis -1 over [N, 4, 8], scale and bias [8]
  ln_two.onnx   axis 1 over [N, 4, 8], scale [4, 8], no bias
  ln_stats.onnx axis -1 with the Mean and InvStdDev outputs too
  ln_dyn.onnx   axis -1 over [N, D] with D dynamic and the scale a graph
                input [D], no bias (the op needs static parameter shapes)
  ln_badaxis.onnx  axis 3 over a rank-3 input (an error)
x.npy holds a batch of 3; <name>.expected.npy the reference of Y;
x2.npy, scale2.npy and ln_dyn.expected.npy are ln_dyn's."""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
rng = np.random.default_rng(7)
x = rng.standard_normal((3, 4, 8)).astype(np.float32)
np.save(f"{out}/x.npy", x)


def reference(x, scale, bias, axis, eps):
    axes = tuple(range(axis, x.ndim))
    x64 = x.astype(np.float64)
    mean = x64.mean(axis=axes, keepdims=True)
    var = ((x64 - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x64 - mean) / np.sqrt(var + eps) * scale
    return (y + bias if bias is not None else y).astype(np.float32)


def write(name, axis, scale, bias, stats=False, eps=1e-5):
    inits = [numpy_helper.from_array(scale, "scale")]
    inputs = ["x", "scale"]
    if bias is not None:
        inits.append(numpy_helper.from_array(bias, "bias"))
        inputs.append("bias")
    outputs = ["y", "mean", "inv_std"] if stats else ["y"]
    node = helper.make_node("LayerNormalization", inputs, outputs,
                            name="ln", axis=axis, epsilon=eps)
    graph_outputs = [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                                   ["N", 4, 8])]
    if stats:
        stat_shape = ["N"] + [1 if d >= (axis % 3) else s
                              for d, s in enumerate([4, 8], start=1)]
        graph_outputs += [
            helper.make_tensor_value_info(n, TensorProto.FLOAT, stat_shape)
            for n in ("mean", "inv_std")]
    graph = helper.make_graph(
        [node], name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4, 8])],
        graph_outputs, inits)
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    onnx.save(model, f"{out}/{name}.onnx")
    np.save(f"{out}/{name}.expected.npy",
            reference(x, scale, bias, axis % 3, eps))


write("ln_last", -1, rng.standard_normal(8).astype(np.float32),
      rng.standard_normal(8).astype(np.float32))
write("ln_two", 1, rng.standard_normal((4, 8)).astype(np.float32), None)
write("ln_stats", -1, rng.standard_normal(8).astype(np.float32),
      rng.standard_normal(8).astype(np.float32), stats=True)


# Dynamic normalized size: the scale is an input of shape [D].
x2 = rng.standard_normal((3, 8)).astype(np.float32)
scale2 = rng.standard_normal(8).astype(np.float32)
np.save(f"{out}/x2.npy", x2)
np.save(f"{out}/scale2.npy", scale2)
dyn = helper.make_graph(
    [helper.make_node("LayerNormalization", ["x", "scale"], ["y"], name="ln",
                      axis=-1, epsilon=1e-5)], "ln_dyn",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", "D"]),
     helper.make_tensor_value_info("scale", TensorProto.FLOAT, ["D"])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", "D"])])
dyn_model = helper.make_model(dyn, opset_imports=[helper.make_opsetid("", 17)])
onnx.checker.check_model(dyn_model)
onnx.save(dyn_model, f"{out}/ln_dyn.onnx")
np.save(f"{out}/ln_dyn.expected.npy", reference(x2, scale2, None, 1, 1e-5))

write("ln_badaxis", 3, rng.standard_normal(8).astype(np.float32), None)
