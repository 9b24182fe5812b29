#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""An independent reference for Keras model files: reads the config and the
weights with Python's own json/zipfile/h5py (not Kiln's reader), evaluates
the model in float64 NumPy, and compares with Kiln's output.

  keras_reference.py FILE --input x.npy [--input ...] --kiln y.npy [--kiln ...]
                     [--rtol 1e-4]

Supported: the layers Kiln supports for inference (Dense, Conv1D/2D,
pooling, BatchNormalization, LayerNormalization, activations, merges,
reshaping, Embedding, padding/cropping, Rescaling, Normalization,
UpSampling, TFOpLambda add); others exit with status 2 ("unsupported").
"""
import argparse
import io
import json
import math
import re
import sys
import zipfile

import h5py
import numpy as np


def snake(name):
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", name)
    return name.lower()


def s(v):
    return v.decode() if isinstance(v, bytes) else str(v)


# ---------------------------------------------------------------- loading --

def load(path):
    raw = open(path, "rb").read()
    if raw[:4] == b"PK\x03\x04":
        z = zipfile.ZipFile(path)
        config = json.loads(z.read("config.json"))
        meta = json.loads(z.read("metadata.json"))
        h5 = h5py.File(io.BytesIO(z.read("model.weights.h5")), "r")
        major = int(meta["keras_version"].split(".")[0])
        return config, v3_weights(h5, config), major
    f = h5py.File(path, "r")
    config = json.loads(s(f.attrs["model_config"]))
    version = s(f.attrs.get("keras_version", "2"))
    return config, legacy_weights(f["model_weights"]), int(version.split(".")[0])


def names_attr(group, key):
    if key in group.attrs:
        return [s(x) for x in group.attrs[key]]
    out, i = [], 0
    while f"{key}{i}" in group.attrs:
        out += [s(x) for x in group.attrs[f"{key}{i}"]]
        i += 1
    return out


def legacy_weights(group):
    out = {}
    for layer in names_attr(group, "layer_names"):
        g = group[layer]
        out[layer] = [np.array(g[w]) for w in names_attr(g, "weight_names")]
    return out


def v3_weights(h5, config):
    # Normalise Windows backslashes in group names.
    flat = {}
    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            flat[name.replace("\\", "/")] = np.array(obj)
    h5.visititems(visit)
    out = {}
    cfg = config["config"]
    layers = cfg["layers"]
    if config["class_name"] == "Sequential":
        layers = [l for l in layers if l["class_name"] != "InputLayer"]
    layers = [l for l in layers if not str(l.get("module", "")).startswith("keras.src.ops")]
    counters = {}
    for l in layers:
        base = snake(l["class_name"])
        k = counters.get(base, -1) + 1
        counters[base] = k
        group = f"layers/{base}" + (f"_{k}" if k else "")
        prefixes = [group, "_layer_checkpoint_dependencies/" + group[len("layers/"):]]
        name = l["config"]["name"]
        def vars_of(p):
            i, vals = 0, []
            while f"{p}/vars/{i}" in flat:
                vals.append(flat[f"{p}/vars/{i}"])
                i += 1
            return vals
        for p in prefixes:
            vals = vars_of(p)
            if l["class_name"] in ("LSTM", "GRU", "SimpleRNN"):
                vals = vars_of(p + "/cell")
            if l["class_name"] == "MultiHeadAttention":
                vals = []
                for sub in ("query_dense", "key_dense", "value_dense", "output_dense"):
                    v = vars_of(f"{p}/{sub}") or vars_of(f"{p}/_{sub}")
                    vals += v
            if vals:
                out[name] = vals
                break
    return out


# ------------------------------------------------------------- evaluation --

class Unsupported(Exception):
    pass


def act(name, x, major):
    if isinstance(name, dict):
        name = name.get("config") if isinstance(name.get("config"), str) else name.get("class_name")
    if name in (None, "linear"): return x
    if name == "relu": return np.maximum(x, 0)
    if name == "sigmoid": return 1 / (1 + np.exp(-x))
    if name == "tanh": return np.tanh(x)
    if name == "softmax":
        e = np.exp(x - x.max(-1, keepdims=True)); return e / e.sum(-1, keepdims=True)
    if name == "elu": return np.where(x > 0, x, np.expm1(x))
    if name == "selu": return 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x))
    if name == "softplus": return np.logaddexp(0, x)
    if name in ("swish", "silu"): return x / (1 + np.exp(-x))
    if name == "gelu": return 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))
    if name == "hard_sigmoid":
        return np.clip(0.2 * x + 0.5, 0, 1) if major == 2 else np.clip(x / 6 + 0.5, 0, 1)
    if name == "exponential": return np.exp(x)
    if name == "relu6": return np.clip(x, 0, 6)
    raise Unsupported(f"activation {name}")


def same_pad(n, k, st, d=1):
    out = -(-n // st)
    total = max((out - 1) * st + d * (k - 1) + 1 - n, 0)
    return total // 2, total - total // 2


def conv(x, w, b, strides, padding, dil, groups=1):
    rank = x.ndim - 2
    sp = x.shape[1:-1]
    ks = w.shape[:rank]
    pads = []
    for i in range(rank):
        if padding == "same": pads.append(same_pad(sp[i], ks[i], strides[i], dil[i]))
        elif padding == "causal": pads.append((dil[i] * (ks[i] - 1), 0))
        else: pads.append((0, 0))
    x = np.pad(x, [(0, 0)] + pads + [(0, 0)])
    cin = x.shape[-1] // groups
    fout = w.shape[-1] // groups
    outs = []
    osz = [(x.shape[1 + i] - dil[i] * (ks[i] - 1) - 1) // strides[i] + 1 for i in range(rank)]
    for g in range(groups):
        xg = x[..., g * cin:(g + 1) * cin]
        wg = w[..., g * fout:(g + 1) * fout]
        y = np.zeros([x.shape[0]] + osz + [fout])
        for idx in np.ndindex(*ks):
            sl = [slice(None)]
            for i in range(rank):
                start = idx[i] * dil[i]
                sl.append(slice(start, start + strides[i] * (osz[i] - 1) + 1, strides[i]))
            y += np.tensordot(xg[tuple(sl)], wg[idx], axes=([-1], [0]))
        outs.append(y)
    y = np.concatenate(outs, -1)
    return y + b if b is not None else y


def pool(x, size, strides, padding, op):
    rank = x.ndim - 2
    sp = x.shape[1:-1]
    pads = [same_pad(sp[i], size[i], strides[i]) if padding == "same" else (0, 0) for i in range(rank)]
    fill = -np.inf if op == "max" else 0.0
    xp = np.pad(x, [(0, 0)] + pads + [(0, 0)], constant_values=fill)
    ones = np.pad(np.ones(x.shape), [(0, 0)] + pads + [(0, 0)])
    osz = [(xp.shape[1 + i] - size[i]) // strides[i] + 1 for i in range(rank)]
    acc = np.full([x.shape[0]] + osz + [x.shape[-1]], fill)
    cnt = np.zeros_like(acc)
    for idx in np.ndindex(*size):
        sl = [slice(None)] + [slice(idx[i], idx[i] + strides[i] * (osz[i] - 1) + 1, strides[i]) for i in range(rank)]
        if op == "max": acc = np.maximum(acc, xp[tuple(sl)])
        else:
            acc = acc + xp[tuple(sl)]; cnt = cnt + ones[tuple(sl)]
    return acc if op == "max" else acc / cnt


def ints(v, n):
    if v is None: return None
    if isinstance(v, int): return [v] * n
    return list(v)


def run_layer(cls, c, ins, W, major):
    x = ins[0]
    if cls == "Dense":
        y = x @ W[0] + (W[1] if c.get("use_bias", True) else 0)
        return act(c.get("activation"), y, major)
    if cls in ("Conv1D", "Conv2D"):
        r = 1 if cls == "Conv1D" else 2
        y = conv(x, W[0], W[1] if c.get("use_bias", True) else None, ints(c.get("strides", 1), r),
                 c.get("padding", "valid"), ints(c.get("dilation_rate", 1), r), c.get("groups", 1))
        return act(c.get("activation"), y, major)
    if cls in ("MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D"):
        r = 1 if "1D" in cls else 2
        size = ints(c.get("pool_size", 2), r)
        st = ints(c.get("strides") or size, r)
        return pool(x, size, st, c.get("padding", "valid"), "max" if "Max" in cls else "avg")
    if cls.startswith("Global"):
        axes = tuple(range(1, x.ndim - 1))
        y = x.max(axes, keepdims=c.get("keepdims", False)) if "Max" in cls else x.mean(axes, keepdims=c.get("keepdims", False))
        return y
    if cls == "BatchNormalization":
        axis = c.get("axis", -1)
        axis = (axis[0] if isinstance(axis, list) else axis) % x.ndim
        shape = [1] * x.ndim
        shape[axis] = x.shape[axis]
        p = [w.reshape(shape) for w in W]
        i = 0
        g = p[i] if c.get("scale", True) else 1.0; i += c.get("scale", True)
        b = p[i] if c.get("center", True) else 0.0; i += c.get("center", True)
        return g * (x - p[i]) / np.sqrt(p[i + 1] + c.get("epsilon", 1e-3)) + b
    if cls == "LayerNormalization":
        axes = c.get("axis", -1); axes = [axes] if isinstance(axes, int) else axes
        axes = tuple(a % x.ndim for a in axes)
        m = x.mean(axes, keepdims=True); v = x.var(axes, keepdims=True)
        y = (x - m) / np.sqrt(v + c.get("epsilon", 1e-3))
        i = 0
        if c.get("scale", True): y = y * W[0]; i = 1
        if c.get("center", True): y = y + W[i]
        return y
    if cls == "Activation": return act(c["activation"], x, major)
    if cls == "ReLU":
        t, ns, mv = c.get("threshold", 0.0) or 0.0, c.get("negative_slope", 0.0) or 0.0, c.get("max_value")
        y = np.where(x >= t, x, ns * (x - t))
        return np.minimum(y, mv) if mv is not None else y
    if cls == "LeakyReLU":
        alpha = c.get("negative_slope", c.get("alpha", 0.3))
        return np.where(x >= 0, x, alpha * x)
    if cls == "Softmax":
        a = c.get("axis", -1); e = np.exp(x - x.max(a, keepdims=True)); return e / e.sum(a, keepdims=True)
    if cls in ("Dropout", "SpatialDropout1D", "SpatialDropout2D"): return x
    if cls == "Flatten": return x.reshape(x.shape[0], -1)
    if cls == "Reshape": return x.reshape([x.shape[0]] + list(c["target_shape"]))
    if cls in ("Add", "TFOpLambda"): return sum(ins)
    if cls == "Multiply": return np.prod(ins, axis=0)
    if cls == "Concatenate": return np.concatenate(ins, c.get("axis", -1))
    if cls == "Embedding": return W[0][x.astype(np.int64)]
    if cls == "ZeroPadding2D":
        p = c["padding"]; p = [[p, p], [p, p]] if isinstance(p, int) else [list(q) if isinstance(q, list) else [q, q] for q in p]
        return np.pad(x, [(0, 0)] + p + [(0, 0)])
    if cls == "UpSampling2D":
        sz = ints(c.get("size", 2), 2)
        return x.repeat(sz[0], 1).repeat(sz[1], 2)
    if cls == "Rescaling":
        return x * np.array(c.get("scale", 1.0)) + np.array(c.get("offset", 0.0))
    raise Unsupported(cls)


def evaluate(config, weights, inputs, major):
    cls = config["class_name"]
    cfg = config["config"]
    layers = cfg["layers"] if isinstance(cfg, dict) else cfg
    if cls == "Sequential":
        x = inputs[0]
        for l in layers:
            if l["class_name"] == "InputLayer": continue
            name = l["config"]["name"]
            x = run_layer(l["class_name"], l["config"], [x], weights.get(name, []), major)
        return [x]
    values = {}
    def ref(r):
        if isinstance(r, dict):
            h = r["config"]["keras_history"]; return (h[0], h[1], h[2])
        return (r[0], r[1], r[2])
    def refs(j, out):
        if isinstance(j, dict) and j.get("class_name") == "__keras_tensor__": out.append(ref(j))
        elif isinstance(j, list) and len(j) >= 3 and isinstance(j[0], str) and isinstance(j[1], int): out.append(ref(j))
        elif isinstance(j, list):
            for x in j: refs(x, out)
    inputs = list(inputs)
    in_names = []
    refs(cfg["input_layers"], in_names)
    for (n, _, _), x in zip(in_names, inputs):
        values[(n, 0, 0)] = x
    for l in layers:
        if l["class_name"] == "InputLayer": continue
        name = l.get("name") or l["config"]["name"]
        for k, node in enumerate(l["inbound_nodes"]):
            rs = []
            if isinstance(node, dict):
                refs(node.get("args", []), rs)
            elif node and isinstance(node[0], str):
                rs.append(ref(node))
                if len(node) > 3 and isinstance(node[3], dict) and node[3].get("y") is not None:
                    rs.append(ref(node[3]["y"]))
            else:
                refs(node, rs)
            ins = [values[r] for r in rs]
            values[(name, k, 0)] = run_layer(l["class_name"], l["config"], ins, weights.get(name, []), major)
    outs = []
    refs(cfg["output_layers"], outs)
    return [values[r] for r in outs]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--input", action="append", required=True)
    ap.add_argument("--kiln", action="append", required=True)
    ap.add_argument("--rtol", type=float, default=1e-4)
    a = ap.parse_args()
    config, weights, major = load(a.file)
    xs = [np.load(p).astype(np.float64) for p in a.input]
    try:
        refs = evaluate(config, {k: [w.astype(np.float64) for w in v] for k, v in weights.items()}, xs, major)
    except Unsupported as e:
        print(f"unsupported by the reference: {e}")
        sys.exit(2)
    worst = 0.0
    for p, r in zip(a.kiln, refs):
        got = np.load(p).astype(np.float64)
        assert got.shape == r.shape, f"shape {got.shape} vs reference {r.shape}"
        err = np.linalg.norm(got - r) / max(np.linalg.norm(r), 1e-30)
        worst = max(worst, err)
        print(f"{p}: relative error {err:.3e} (tolerance {a.rtol:g})")
    sys.exit(0 if worst <= a.rtol else 1)


if __name__ == "__main__":
    main()
