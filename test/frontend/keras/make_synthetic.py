# SPDX-License-Identifier: Apache-2.0
"""Writes small Keras-layout files that the real corpus lacks.

Usage: make_synthetic.py OUTPUT_DIR

* nested_legacy.h5: a legacy full-model file (tf.keras 2.11 layout) with a
  nested Sequential holding a BatchNormalization and a frozen Dense, so the
  nested group's weight_names list all trainable weights first (FORMAT.md
  §5.4); layer_names chunked as layer_names0/1; fixed-length (numpy S)
  weight_names.
* v3_model.json + v3_model.weights.h5: a Keras 3 to_json config and its
  weights (3.5 layout, no `name` attributes): a nested Sequential, a
  Bidirectional LSTM, a MultiHeadAttention, a Keras op that must be skipped,
  two Dense layers (counters), float16, bfloat16 and big-endian data, a
  Normalization layer with a scalar int64 count, and a layer with eleven
  variables (vars/10 sorts after vars/9).
* renamed_weights.h5: v3_model's first Dense saved by an older instance of
  the model under other layer names (weights-only legacy layout), which must
  be paired by position.
"""

import json
import os
import sys

import h5py
import numpy as np


def arange(shape, dtype="float32", start=0):
    n = int(np.prod(shape)) if shape else 1
    return (np.arange(n, dtype="float64") + start).reshape(shape).astype(dtype)


def nested_legacy(path):
    dense = lambda name, units, trainable=True: {
        "class_name": "Dense",
        "config": {"name": name, "trainable": trainable, "units": units,
                   "use_bias": True}}
    block = {"class_name": "Sequential", "name": "block",
             "config": {"name": "block", "layers": [
                 {"class_name": "InputLayer",
                  "config": {"name": "block_in", "batch_input_shape": [None, 4]}},
                 dense("d1", 3),
                 {"class_name": "BatchNormalization",
                  "config": {"name": "bn", "trainable": True, "scale": True,
                             "center": True}},
                 dense("d2", 2, trainable=False)]},
             "inbound_nodes": [[["in", 0, 0, {}]]]}
    head = dense("head", 1)
    head.update({"name": "head", "inbound_nodes": [[["block", 1, 0, {}]]]})
    model = {"class_name": "Functional", "config": {
        "name": "model", "layers": [
            {"class_name": "InputLayer", "name": "in", "inbound_nodes": [],
             "config": {"name": "in", "batch_input_shape": [None, 4]}},
            block, head],
        "input_layers": [["in", 0, 0]], "output_layers": [["head", 0, 0]]}}
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "2.11.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(model)
        mw = f.create_group("model_weights")
        mw.attrs["layer_names0"] = np.array([b"in", b"block"])
        mw.attrs["layer_names1"] = np.array([b"head"])
        mw.create_group("in").attrs["weight_names"] = np.array([], "float64")
        g = mw.create_group("block")
        # Trainable weights of all sub-layers, then the non-trainable ones:
        # bn's moving statistics and the frozen d2.
        stored = [("block/d1/kernel:0", (4, 3)), ("block/d1/bias:0", (3,)),
                  ("block/bn/gamma:0", (3,)), ("block/bn/beta:0", (3,)),
                  ("block/bn/moving_mean:0", (3,)),
                  ("block/bn/moving_variance:0", (3,)),
                  ("block/d2/kernel:0", (3, 2)), ("block/d2/bias:0", (2,))]
        g.attrs["weight_names"] = np.array([n.encode() for n, _ in stored])
        for i, (name, shape) in enumerate(stored):
            g.create_dataset(name, data=arange(shape, start=100 * i))
        h = mw.create_group("head")
        h.attrs["weight_names"] = np.array([b"head/kernel:0", b"head/bias:0"])
        h.create_dataset("head/kernel:0", data=arange((2, 1)))
        h.create_dataset("head/bias:0", data=arange((1,)))


def layer(cls, name, module="keras.layers", **config):
    config["name"] = name
    return {"module": module, "class_name": cls, "config": config,
            "registered_name": None, "name": name}


def v3_model(json_path, weights_path):
    lstm = layer("LSTM", "lstm", units=2)
    nested = {"module": "keras", "class_name": "Sequential",
              "config": {"name": "aug", "layers": [
                  layer("InputLayer", "aug_in", batch_shape=[None, 4]),
                  layer("Rescaling", "rescale", scale=0.5, offset=0.0),
                  layer("Dense", "inner_dense", units=4)]},
              "registered_name": None, "name": "aug"}
    model = {"module": "keras.src.models.functional",
             "class_name": "Functional", "registered_name": "Functional",
             "config": {"name": "functional", "layers": [
                 layer("InputLayer", "input_layer", batch_shape=[None, 5, 4]),
                 nested,
                 layer("Bidirectional", "bi", layer=lstm, merge_mode="concat"),
                 layer("MultiHeadAttention", "mha", num_heads=2, key_dim=3),
                 layer("Add", "add", module="keras.src.ops.numpy"),
                 layer("Dense", "half", units=3, dtype="float16"),
                 layer("Dense", "brain", units=2),
                 layer("Normalization", "norm", axis=-1, mean=None,
                       variance=None),
                 layer("ManyVars", "many", module=None)],
                 "input_layers": ["input_layer", 0, 0],
                 "output_layers": ["brain", 0, 0]}}
    with open(json_path, "w") as fh:
        json.dump(model, fh)
    with h5py.File(weights_path, "w") as f:
        f.create_group("vars")
        L = f.create_group("layers")
        L.create_group("input_layer/vars")
        s = L.create_group("sequential")
        s.create_group("vars")
        s.create_group("layers/rescaling/vars")
        d = s.create_group("layers/dense/vars")
        d["0"] = arange((4, 4))
        d["1"] = arange((4,))
        for side, start in (("forward_layer", 0), ("backward_layer", 1000)):
            c = L.create_group("bidirectional/%s/cell/vars" % side)
            L.create_group("bidirectional/%s/vars" % side)
            c["0"] = arange((4, 8), start=start)
            c["1"] = arange((2, 8), start=start)
            c["2"] = arange((8,), start=start)
        for i, sub in enumerate(("query_dense", "key_dense", "value_dense",
                                 "output_dense")):
            v = L.create_group("multi_head_attention/%s/vars" % sub)
            v["0"] = arange((4, 2, 3) if sub != "output_dense" else (2, 3, 4),
                            start=10 * i)
            v["1"] = arange((2, 3) if sub != "output_dense" else (4,))
        L.create_group("multi_head_attention/_softmax/vars")
        v = L.create_group("dense/vars")
        v["0"] = arange((4, 3), "float16")
        v["1"] = arange((3,), "float16")
        v = L.create_group("dense_1/vars")
        # bfloat16 as Keras writes it: raw 16-bit words tagged dtype.
        v.create_dataset("0", data=np.full((3, 2), 0x3F80, "uint16"))
        v["0"].attrs["dtype"] = "bfloat16"
        v.create_dataset("1", data=arange((2,), ">f4"))
        v = L.create_group("normalization/vars")
        v["0"] = arange((4,))
        v["1"] = arange((4,))
        v["2"] = np.int64(7)
        v = L.create_group("many_vars/vars")
        for i in range(11):
            v[str(i)] = np.float32(i)
        f.create_group("optimizer/vars")["0"] = np.int64(3)


def renamed_weights(path):
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "2.4.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["layer_names"] = np.array([b"input_9", b"dense_17"])
        f.create_group("input_9").attrs["weight_names"] = np.array([], "float64")
        g = f.create_group("dense_17")
        g.attrs["weight_names"] = np.array(["dense_17/kernel:0",
                                            "dense_17/bias:0"],
                                           dtype=h5py.string_dtype())
        g["dense_17/kernel:0"] = arange((4, 1))
        g["dense_17/bias:0"] = arange((1,))
    model = {"class_name": "Functional", "keras_version": "2.4.0",
             "backend": "tensorflow", "config": {"name": "m", "layers": [
                 {"class_name": "InputLayer", "name": "x", "inbound_nodes": [],
                  "config": {"name": "x", "batch_input_shape": [None, 4]}},
                 {"class_name": "Dense", "name": "y",
                  "config": {"name": "y", "units": 1},
                  "inbound_nodes": [[["x", 0, 0, {}]]]}],
                 "input_layers": [["x", 0, 0]],
                 "output_layers": [["y", 0, 0]]}}
    with open(path[:-3] + ".json", "w") as fh:
        json.dump(model, fh)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    nested_legacy(os.path.join(out, "nested_legacy.h5"))
    v3_model(os.path.join(out, "v3_model.json"),
             os.path.join(out, "v3_model.weights.h5"))
    renamed_weights(os.path.join(out, "renamed_weights.h5"))


if __name__ == "__main__":
    main()
