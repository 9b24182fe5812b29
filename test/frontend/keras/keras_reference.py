#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""An independent reference for Keras model files: reads the config and the
weights with Python's own json/zipfile/h5py (not Kiln's reader), evaluates
the model in float64 NumPy, and compares with Kiln's output.

  keras_reference.py FILE --input x.npy [--input ...] --kiln y.npy [--kiln ...]
                     [--rtol 1e-4]

Supported: Dense, Conv1D/2D, depthwise and separable convolutions,
pooling, BatchNormalization, LayerNormalization, activations, merges,
reshaping, Embedding (with mask_zero), Masking, SimpleRNN/LSTM/GRU (with
masks), MultiHeadAttention, padding/cropping, Rescaling, UpSampling,
TFOpLambda add; others exit with status 2 ("unsupported").
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


def rnn(cls, c, x, W, major, mask):
    """SimpleRNN/LSTM/GRU as Keras runs them: masked steps keep the state and
    repeat the previous output."""
    units = c["units"]
    a = lambda v: act(c.get("activation", "tanh"), v, major)
    ra = lambda v: act(c.get("recurrent_activation", "sigmoid"), v, major)
    kernel, rec = W[0], W[1]
    use_bias = c.get("use_bias", True)
    reset_after = cls == "GRU" and c.get("reset_after", major >= 3 or len(W) > 2 and W[2].ndim == 2)
    if use_bias and reset_after:
        bias, rbias = W[2][0], W[2][1]
    else:
        bias, rbias = (W[2] if use_bias else 0.0), 0.0
    B, T = x.shape[0], x.shape[1]
    h = np.zeros((B, units)); cst = np.zeros((B, units))
    out = np.zeros((B, units)); outs = []
    steps = range(T - 1, -1, -1) if c.get("go_backwards", False) else range(T)
    for t in steps:
        xt = x[:, t] @ kernel + bias
        if cls == "SimpleRNN":
            hn = a(xt + h @ rec); cn = cst
        elif cls == "LSTM":
            z = xt + h @ rec
            i, f, g, o = (z[:, k * units:(k + 1) * units] for k in range(4))
            cn = ra(f) * cst + ra(i) * a(g); hn = ra(o) * a(cn)
        elif cls == "GRU":
            u = units
            if reset_after:
                r_ = h @ rec + rbias
                z = ra(xt[:, :u] + r_[:, :u]); r = ra(xt[:, u:2 * u] + r_[:, u:2 * u])
                hh = a(xt[:, 2 * u:] + r * r_[:, 2 * u:])
            else:
                z = ra(xt[:, :u] + h @ rec[:, :u]); r = ra(xt[:, u:2 * u] + h @ rec[:, u:2 * u])
                hh = a(xt[:, 2 * u:] + (r * h) @ rec[:, 2 * u:])
            hn = z * h + (1 - z) * hh; cn = cst
        else:
            raise Unsupported(cls)
        if mask is not None:
            m = mask[:, t][:, None]
            h = np.where(m, hn, h); cst = np.where(m, cn, cst); out = np.where(m, hn, out)
        else:
            h, cst, out = hn, cn, hn
        outs.append(out)
    if not c.get("return_sequences", False):
        return out
    return np.stack(outs, axis=1)


def mha(c, ins, W):
    """MultiHeadAttention(query, value[, key]) without attention masks."""
    q_in = ins[0]; v_in = ins[1] if len(ins) > 1 else ins[0]; k_in = ins[2] if len(ins) > 2 else v_in
    use_bias = c.get("use_bias", True)
    it = iter(W)
    def dense(x, eq):
        k = next(it); b = next(it) if use_bias else 0.0
        return np.einsum(eq, x, k) + b
    q = dense(q_in, "btd,dhk->bthk"); k = dense(k_in, "bsd,dhk->bshk"); v = dense(v_in, "bsd,dhk->bshk")
    q = q / math.sqrt(c["key_dim"])
    scores = np.einsum("bshk,bthk->bhts", k, q)
    e = np.exp(scores - scores.max(-1, keepdims=True)); p = e / e.sum(-1, keepdims=True)
    o = np.einsum("bhts,bshk->bthk", p, v)
    return dense(o, "bthk,hke->bte")


def run_layer(cls, c, ins, W, major, mask=None):
    x = ins[0]
    if cls in ("SimpleRNN", "LSTM", "GRU"):
        return rnn(cls, c, x, W, major, mask)
    if cls == "MultiHeadAttention":
        return mha(c, ins, W)
    if cls == "Masking":
        return np.where(np.any(x != mask_value(c), -1, keepdims=True), x, 0.0)
    if cls in ("DepthwiseConv2D", "SeparableConv2D"):
        dw = W[0]; kh, kw, cin, m = dw.shape
        st = ints(c.get("strides", 1), 2); dil = ints(c.get("dilation_rate", 1), 2)
        use_bias = c.get("use_bias", True)
        y = conv(x, dw.reshape(kh, kw, 1, cin * m), W[1] if use_bias and cls == "DepthwiseConv2D" else None,
                 st, c.get("padding", "valid"), dil, cin)
        if cls == "SeparableConv2D":
            y = conv(y, W[1], W[2] if use_bias else None, [1, 1], "valid", [1, 1])
        return act(c.get("activation"), y, major)
    if cls == "Cropping2D":
        p = c.get("cropping", ((0, 0), (0, 0)))
        p = [[p, p], [p, p]] if isinstance(p, int) else [list(q) if isinstance(q, list) else [q, q] for q in p]
        return x[:, p[0][0]:x.shape[1] - p[0][1], p[1][0]:x.shape[2] - p[1][1]]
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
    if cls == "GlobalAveragePooling1D" and mask is not None and c.get("data_format") != "channels_first":
        m = mask[..., None].astype(np.float64)
        y = (x * m).sum(1) / m.sum(1)
        return y[:, None] if c.get("keepdims", False) else y
    if cls.startswith("Global"):
        axes = tuple(range(2, x.ndim)) if c.get("data_format") == "channels_first" else tuple(range(1, x.ndim - 1))
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


def mask_value(c):
    """Masking's mask_value: a number, or a Keras 3 serialized tensor."""
    v = c.get("mask_value", 0.0)
    if isinstance(v, dict):
        v = np.array(v["config"]["value"], dtype=np.float64).reshape(-1)[0]
    return float(v)


def out_mask(cls, c, ins, masks):
    """The mask a layer passes on (Keras compute_mask), or None."""
    if cls == "Masking":
        return np.any(ins[0] != mask_value(c), -1)
    if cls == "Embedding":
        return ins[0] != 0 if c.get("mask_zero", False) else None
    if cls in ("SimpleRNN", "LSTM", "GRU"):
        return masks[0] if c.get("return_sequences", False) else None
    if cls.startswith("Global") or cls in ("Flatten", "Reshape", "MultiHeadAttention"):
        return None
    present = [m for m in masks if m is not None]
    if not present:
        return None
    out = present[0]
    for m in present[1:]:
        out = out & m
    return out


def evaluate(config, weights, inputs, major):
    cls = config["class_name"]
    cfg = config["config"]
    layers = cfg["layers"] if isinstance(cfg, dict) else cfg
    if cls == "Sequential":
        x, mask = inputs[0], None
        for l in layers:
            if l["class_name"] == "InputLayer": continue
            name = l["config"]["name"]
            y = run_layer(l["class_name"], l["config"], [x], weights.get(name, []), major, mask)
            mask = out_mask(l["class_name"], l["config"], [x], [mask])
            x = y
        return [x]
    values = {}
    masks = {}
    def ref(r):
        if isinstance(r, dict):
            h = r["config"]["keras_history"]; return (h[0], h[1], h[2])
        return (r[0], r[1], r[2])
    def refs(j, out):
        if isinstance(j, dict) and j.get("class_name") == "__keras_tensor__": out.append(ref(j))
        elif isinstance(j, list) and len(j) >= 3 and isinstance(j[0], str) and isinstance(j[1], int): out.append(ref(j))
        elif isinstance(j, list):
            for x in j: refs(x, out)
    def kwarg_refs(kw, out):
        # Second operands passed by keyword: TFOpLambda's y, attention's
        # value and key.
        if isinstance(kw, dict):
            for key in ("y", "value", "key"):
                if kw.get(key) is not None: refs([kw[key]] if isinstance(kw[key], list) and kw[key] and isinstance(kw[key][0], str) else kw[key], out)
    inputs = list(inputs)
    in_names = []
    refs(cfg["input_layers"], in_names)
    for (n, _, _), x in zip(in_names, inputs):
        values[(n, 0, 0)] = x
        masks[(n, 0, 0)] = None
    for l in layers:
        if l["class_name"] == "InputLayer": continue
        name = l.get("name") or l["config"]["name"]
        for k, node in enumerate(l["inbound_nodes"]):
            rs = []
            if isinstance(node, dict):
                refs(node.get("args", []), rs)
                kwarg_refs(node.get("kwargs", {}), rs)
            elif node and isinstance(node[0], str):
                rs.append(ref(node))
                if len(node) > 3: kwarg_refs(node[3], rs)
            else:
                for entry in node:
                    refs([entry], rs)
                    if isinstance(entry, list) and len(entry) > 3: kwarg_refs(entry[3], rs)
            ins = [values[r] for r in rs]
            in_masks = [masks.get(r) for r in rs]
            values[(name, k, 0)] = run_layer(l["class_name"], l["config"], ins, weights.get(name, []), major,
                                             in_masks[0] if in_masks else None)
            masks[(name, k, 0)] = out_mask(l["class_name"], l["config"], ins, in_masks)
    outs = []
    refs(cfg["output_layers"], outs)
    return [values[r] for r in outs]


def compare(got, expected, rtol, labels=None):
    """Prints the relative error (2-norm) of each output; True when all are
    within `rtol` and of the reference's shape."""
    ok = True
    for i, (y, r) in enumerate(zip(got, expected)):
        label = labels[i] if labels else f"output {i}"
        y = np.asarray(y, dtype=np.float64)
        if y.shape != r.shape:
            print(f"{label}: shape {y.shape}, reference {r.shape}")
            ok = False
            continue
        err = np.linalg.norm(y - r) / max(np.linalg.norm(r), 1e-30)
        print(f"{label}: relative error {err:.3e} (tolerance {rtol:g}), shape {y.shape}")
        ok = ok and err <= rtol
    return ok


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
    sys.exit(0 if compare([np.load(p) for p in a.kiln], refs, a.rtol, a.kiln) else 1)


if __name__ == "__main__":
    main()
