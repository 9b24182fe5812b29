#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Compiles one real Keras file with `kiln compile`, runs the library with
`kiln run` on seeded random inputs (batch 3), and compares the predictions
with keras_reference.py (float64 NumPy over the file's own weights, read with
h5py). Files without weights (architecture-only JSON) are compiled with
Kiln's seeded initializers and checked for finite outputs of the declared
shape only.

  check_corpus_model.py --kiln PATH FILE WORKDIR [--weights W.h5] [--rtol R]
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keras_reference as ref  # noqa: E402


def input_specs(config):
    """(shape without batch, dtype, integer range or None) per model input."""
    cfg = config["config"]
    layers = cfg["layers"] if isinstance(cfg, dict) else cfg
    def name(l):
        return l.get("name") or l["config"].get("name")
    def shape_of(c):
        s = c.get("batch_shape") or c.get("batch_input_shape")
        return list(s[1:]) if s else None
    specs = []
    if config["class_name"] == "Sequential":
        first = layers[0]
        c = first["config"]
        shape = shape_of(c)
        emb = next((l for l in layers if l["class_name"] != "InputLayer"), None)
        rng = emb["config"]["input_dim"] if emb and emb["class_name"] == "Embedding" else None
        specs.append((shape, c.get("dtype", "float32"), rng))
        return specs
    inputs = []
    ref_list = []
    def collect(j):
        if isinstance(j, dict) and j.get("class_name") == "__keras_tensor__":
            ref_list.append(j["config"]["keras_history"][0])
        elif isinstance(j, list) and len(j) >= 3 and isinstance(j[0], str):
            ref_list.append(j[0])
        elif isinstance(j, list):
            for x in j: collect(x)
    collect(cfg["input_layers"])
    by_name = {name(l): l for l in layers}
    for n in ref_list:
        c = by_name[n]["config"]
        rng = None
        for l in layers:
            if l["class_name"] == "Embedding" and n in json.dumps(l.get("inbound_nodes", [])):
                rng = l["config"]["input_dim"]
        specs.append((shape_of(c), c.get("dtype", "float32"), rng))
    return specs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiln", required=True)
    ap.add_argument("file")
    ap.add_argument("workdir")
    ap.add_argument("--weights")
    ap.add_argument("--rtol", type=float, default=1e-4)
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    cmd = [a.kiln, "compile", a.file, "-o", a.workdir, "--name", "m"]
    if a.weights:
        cmd += ["--weights", a.weights]
    subprocess.run(cmd, check=True)

    if a.file.endswith(".json"):
        config = json.load(open(a.file))
        weights, major = None, int(str(config.get("keras_version", "3")).split(".")[0])
        if a.weights:
            import h5py
            weights = ref.legacy_weights(h5py.File(a.weights, "r"))
    else:
        config, weights, major = ref.load(a.file)

    rng = np.random.default_rng(7)
    paths = []
    for i, (shape, dtype, irange) in enumerate(input_specs(config)):
        if shape is None or any(d is None for d in shape):
            sys.exit(f"input {i}: needs a known shape, got {shape}")
        if irange:
            x = rng.integers(0, irange, size=[3] + shape)
        else:
            x = rng.standard_normal([3] + shape)
        masking = [l for l in (config["config"]["layers"] if isinstance(config["config"], dict)
                               else config["config"]) if l["class_name"] == "Masking"]
        if masking and not irange and len(shape) >= 2:
            # Mask about a third of the timesteps so the masked path runs.
            x[rng.random([3, shape[0]]) < 0.3] = ref.mask_value(masking[0]["config"])
        np_dtype = np.dtype(dtype if isinstance(dtype, str) else "float32")
        p = os.path.join(a.workdir, f"x{i}.npy")
        np.save(p, x.astype(np_dtype))
        paths.append(p)
    run = [a.kiln, "run", os.path.join(a.workdir, "libm.so")]
    for p in paths:
        run += ["--input", p]
    # One output per model output; kiln run reports a count mismatch.
    cfg = config["config"]
    n_out = 1
    if config["class_name"] != "Sequential":
        out_refs = []
        def count(j):
            if isinstance(j, dict) and j.get("class_name") == "__keras_tensor__": out_refs.append(1)
            elif isinstance(j, list) and len(j) >= 3 and isinstance(j[0], str): out_refs.append(1)
            elif isinstance(j, list):
                for x in j: count(x)
        count(cfg["output_layers"])
        n_out = len(out_refs)
    outs = [os.path.join(a.workdir, f"y{i}.npy") for i in range(n_out)]
    for o in outs:
        run += ["--output", o]
    subprocess.run(run, check=True)
    ys = [np.load(o) for o in outs]
    for y in ys:
        if not np.all(np.isfinite(y)):
            sys.exit("non-finite predictions")
    if weights is None:
        print(f"compiled without weights; outputs {[y.shape for y in ys]} are finite")
        return
    xs = [np.load(p).astype(np.float64) for p in paths]
    try:
        expected = ref.evaluate(config, {k: [w.astype(np.float64) for w in v] for k, v in weights.items()},
                                xs, major)
    except ref.Unsupported as e:
        sys.exit(f"unsupported by the reference: {e}")
    sys.exit(0 if ref.compare(ys, expected, a.rtol) else 1)

if __name__ == "__main__":
    main()
