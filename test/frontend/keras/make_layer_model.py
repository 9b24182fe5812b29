#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes a one-layer Keras 2 legacy .h5 model file with random weights, the
way tf.keras 2.x lays it out (FORMAT.md §5), plus a random input, for the
per-layer tests. The numbers are checked later by keras_reference.py.

  make_layer_model.py OUT.h5 OUT_INPUT.npy --class Dense --config '{"units": 4}'
                      --input-shape 3,8 [--batch 3] [--int-input MAX] [--seed N]
                      [--break wrong-shape|missing-weight]

--break writes a broken file for the error tests: the first weight with one
more row than the layer needs, or the last weight left out.
"""
import argparse
import json

import h5py
import numpy as np


def weight_shapes(cls, c, in_shape):
    """Keras weight names and shapes for `cls` on an input of `in_shape`
    (no batch)."""
    ch = in_shape[-1]
    if cls == "Dense":
        w = [("kernel", (ch, c["units"]))]
        return w + ([("bias", (c["units"],))] if c.get("use_bias", True) else [])
    if cls in ("Conv1D", "Conv2D"):
        k = c["kernel_size"]
        w = [("kernel", tuple(k) + (ch // c.get("groups", 1), c["filters"]))]
        return w + ([("bias", (c["filters"],))] if c.get("use_bias", True) else [])
    if cls == "BatchNormalization":
        axis = c.get("axis", -1)
        n = in_shape[axis - 1] if axis > 0 else in_shape[axis]
        w = []
        if c.get("scale", True): w.append(("gamma", (n,)))
        if c.get("center", True): w.append(("beta", (n,)))
        return w + [("moving_mean", (n,)), ("moving_variance", (n,))]
    if cls == "LayerNormalization":
        axes = c.get("axis", -1)
        axes = [axes] if isinstance(axes, int) else axes
        shape = tuple(in_shape[a - 1] if a > 0 else in_shape[a] for a in sorted(a % (len(in_shape) + 1) for a in axes))
        return [("gamma", shape), ("beta", shape)]
    if cls == "Embedding":
        return [("embeddings", (c["input_dim"], c["output_dim"]))]
    return []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("input")
    ap.add_argument("--class", dest="cls", required=True)
    ap.add_argument("--config", default="{}")
    ap.add_argument("--input-shape", required=True)
    ap.add_argument("--batch", type=int, default=3)
    ap.add_argument("--int-input", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--break", dest="broken", choices=["wrong-shape", "missing-weight"])
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    in_shape = [int(d) for d in a.input_shape.split(",")]
    config = json.loads(a.config)
    config.setdefault("name", "layer")
    layer = {"class_name": a.cls, "config": config}
    model = {"class_name": "Sequential", "config": {"name": "model", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None] + in_shape,
                                                "dtype": "float32", "name": "x"}},
        layer]}}
    with h5py.File(a.out, "w") as f:
        f.attrs["keras_version"] = "2.10.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(model)
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = [config["name"].encode()]
        lg = g.create_group(config["name"])
        names = []
        shapes = weight_shapes(a.cls, config, in_shape)
        if a.broken == "wrong-shape":
            shapes[0] = (shapes[0][0], (shapes[0][1][0] + 1,) + tuple(shapes[0][1][1:]))
        if a.broken == "missing-weight":
            shapes = shapes[:-1]
        for wname, shape in shapes:
            full = f"{config['name']}/{wname}:0"
            data = rng.normal(size=shape).astype(np.float32)
            if wname == "moving_variance":
                data = np.abs(data) + 0.5
            lg.create_dataset(full, data=data)
            names.append(full.encode())
        lg.attrs["weight_names"] = names
    shape = [a.batch] + in_shape
    if a.int_input:
        x = rng.integers(0, a.int_input, size=shape).astype(np.float32)
    else:
        x = rng.normal(size=shape).astype(np.float32)
    np.save(a.input, x)


if __name__ == "__main__":
    main()
