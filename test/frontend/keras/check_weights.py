# SPDX-License-Identifier: Apache-2.0
"""Checks kiln-keras-inspect's weights against h5py, independently.

Usage: check_weights.py INSPECT_OUTPUT MODEL [WEIGHTS]

Reads MODEL (and WEIGHTS, for a JSON config) with h5py/zipfile/json, works
out for every layer which HDF5 datasets Keras would load into it and in what
order (FORMAT.md §5.2 for legacy files, §7.2 for Keras 3 files, written here
from the Keras sources' rules, not from the C++ reader), and compares the
layer keys, dtypes, shapes and CRC-32 of the little-endian bytes with the
`weight` lines kiln-keras-inspect printed. It also checks that every layer
dataset of the file was reported exactly once. Exits 1 on any mismatch.
"""

import io
import json
import re
import sys
import zipfile
import zlib

import h5py
import numpy as np


def to_snake_case(name):
    # keras/src/utils/naming.py
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name)
    return name.lower()


def dtype_name(ds):
    if ds.attrs.get("dtype") in ("bfloat16", b"bfloat16"):
        return "bf16"
    dt = ds.dtype
    if dt == np.bool_:
        return "i1"
    kind = {"f": "f", "i": "i", "u": "u"}[dt.kind]
    return "%s%d" % (kind, dt.itemsize * 8)


def describe(ds):
    value = np.asarray(ds[()])
    le = np.ascontiguousarray(value).astype(value.dtype.newbyteorder("<"))
    return (dtype_name(ds), list(value.shape), zlib.crc32(le.tobytes()),
            value.nbytes)


def decode(values):
    if isinstance(values, (bytes, str)):
        values = [values]
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def read_chunked(attrs, name):
    if name in attrs:
        return decode(attrs[name])
    out, i = [], 0
    while "%s%d" % (name, i) in attrs:
        out += decode(attrs["%s%d" % (name, i)])
        i += 1
    return out


def layer_list(model):
    config = model.get("config")
    if isinstance(config, list):
        return config
    if isinstance(config, dict) and isinstance(config.get("layers"), list):
        return config["layers"]
    return None


def layer_name(entry):
    config = entry.get("config")
    if isinstance(config, dict) and config.get("name"):
        return config["name"]
    return entry.get("name", "")


def model_layers(model):
    layers = layer_list(model) or []
    out = []
    for i, entry in enumerate(layers):
        if model.get("class_name") == "Sequential" and i == 0 and \
                entry.get("class_name") == "InputLayer":
            continue
        if str(entry.get("module") or "").startswith("keras.src.ops"):
            continue
        out.append(entry)
    return out


def is_model(entry):
    return entry.get("class_name") in ("Sequential", "Functional", "Model") \
        or layer_list(entry) is not None


def config_entries(model, prefix=""):
    """{layer key: entry} for every (nested) layer of a model config."""
    out = {}
    for entry in model_layers(model):
        key = prefix + layer_name(entry)
        out[key] = entry
        if is_model(entry):
            out.update(config_entries(entry, key + "/"))
    return out


def check_against_config(model, expected, errors):
    """The first array's last dimension follows from the layer config; a
    layer paired with another layer's weights would (almost always) break
    this. Returns how many layers were checked."""
    rules = {
        "Dense": lambda c: c["units"],
        "Conv1D": lambda c: c["filters"],
        "Conv2D": lambda c: c["filters"],
        "Embedding": lambda c: c["output_dim"],
        "LSTM": lambda c: 4 * c["units"],
        "GRU": lambda c: 3 * c["units"],
        "MultiHeadAttention": lambda c: c["key_dim"],
        "BatchNormalization": None,
    }
    entries = config_entries(model)
    checked = 0
    for key, datasets in expected.items():
        entry = entries.get(key)
        if entry is None or not datasets:
            continue
        rule = rules.get(entry.get("class_name"))
        if rule is None:
            continue
        want = rule(entry["config"])
        got = datasets[0].shape[-1]
        if want != got:
            errors.append("%s (%s): config implies last dimension %d, the "
                          "paired array has %d" % (key, entry["class_name"],
                                                   want, got))
        checked += 1
    return checked


def legacy_expected(group, model):
    """{key: [dataset, ...]} and the set of dataset names covered."""
    expected, covered = {}, set()
    names = read_chunked(group.attrs, "layer_names")
    config_names = None
    if model is not None:
        config_names = {layer_name(e) for e in model_layers(model)}
    for name in names:
        layer = group[name]
        datasets = [layer[w] for w in read_chunked(layer.attrs, "weight_names")]
        if not datasets:
            continue
        if config_names is not None and name not in config_names:
            raise SystemExit("check_weights.py: stored layer %r is not in the "
                             "config (positional pairing is not checked here)"
                             % name)
        expected[name] = datasets
        covered.update(d.name for d in datasets)
    all_datasets = set()
    group.visititems(lambda n, o: all_datasets.add(o.name)
                     if isinstance(o, h5py.Dataset) else None)
    return expected, covered, all_datasets


class V3File:
    def __init__(self, f):
        self.index = {}

        def visit(name, obj):
            norm = name.replace("\\", "/")
            if norm.split("/")[0] in ("optimizer", "metrics"):
                return
            self.index.setdefault(norm, obj)
        f.visititems(visit)

    def is_group(self, path):
        obj = self.index.get(path)
        if obj is not None:
            return isinstance(obj, h5py.Group)
        return any(k.startswith(path + "/") for k in self.index)

    def vars_name(self, group):
        obj = self.index.get(group + "/vars")
        if isinstance(obj, h5py.Group) and "name" in obj.attrs:
            return decode(obj.attrs["name"])[0]
        return None

    def child_groups(self, path):
        names = set()
        for k in self.index:
            if k.startswith(path + "/"):
                names.add(k[len(path) + 1:].split("/")[0])
        return sorted(n for n in names if self.is_group(path + "/" + n))

    def container(self, prefix):
        for name in ("layers", "_layer_checkpoint_dependencies"):
            path = prefix + "/" + name if prefix else name
            if self.is_group(path):
                return path
        return None

    def variables(self, group, cls):
        out = []
        numbered = []
        for k, obj in self.index.items():
            if k.startswith(group + "/vars/") and isinstance(obj, h5py.Dataset):
                tail = k[len(group) + 6:]
                if tail.isdigit():
                    numbered.append((int(tail), obj))
        out += [obj for _, obj in sorted(numbered, key=lambda t: t[0])]
        fwd, bwd = group + "/forward_layer", group + "/backward_layer"
        if cls == "Bidirectional" or (cls is None and self.is_group(fwd)
                                      and self.is_group(bwd)):
            return out + self.variables(fwd, None) + self.variables(bwd, None)
        for sub in ("cell", "query_dense", "key_dense", "value_dense",
                    "output_dense", "_query_dense", "_key_dense",
                    "_value_dense", "_output_dense", "_gate_dense", "layer"):
            if self.is_group(group + "/" + sub):
                out += self.variables(group + "/" + sub, None)
        return out

    def structural(self, container, prefix, expected):
        for child in self.child_groups(container):
            group = container + "/" + child
            key = self.vars_name(group) or child
            nested = self.container(group)
            if nested:
                self.structural(nested, prefix + key + "/", expected)
                continue
            arrays = self.variables(group, None)
            if arrays:
                expected[prefix + key] = arrays

    def map_model(self, model, prefix, key_prefix, expected):
        container = self.container(prefix)
        if layer_list(model) is None:
            if container:
                self.structural(container, key_prefix, expected)
            return
        counters = {}
        for entry in model_layers(model):
            cls = entry["class_name"]
            name = layer_name(entry)
            base = to_snake_case(cls)
            k = counters.get(base, -1) + 1
            counters[base] = k
            group = container + "/" + (base if k == 0 else "%s_%d" % (base, k))
            stored = self.vars_name(group)
            if stored is not None and stored != name:
                for child in self.child_groups(container):
                    if self.vars_name(container + "/" + child) == name:
                        group = container + "/" + child
            assert self.is_group(group), "no group %s for %s" % (group, name)
            stored = self.vars_name(group)
            assert stored is None or stored == name, \
                "group %s is named %r, not %r" % (group, stored, name)
            if is_model(entry):
                self.map_model(entry, group, key_prefix + name + "/", expected)
                continue
            arrays = self.variables(group, cls)
            if arrays:
                expected[key_prefix + name] = arrays


def v3_expected(f, model):
    v3 = V3File(f)
    expected = {}
    if model is not None:
        v3.map_model(model, "", "", expected)
    else:
        container = v3.container("")
        if container:
            v3.structural(container, "", expected)
    covered = {d.name for ds in expected.values() for d in ds}
    all_datasets = {o.name for k, o in v3.index.items()
                    if isinstance(o, h5py.Dataset) and "/" in k
                    and k.split("/")[0] != "vars"}
    return expected, covered, all_datasets


def open_expected(model_path, weights_path):
    """(model config or None, (expected, covered, all_datasets))."""
    with open(model_path, "rb") as fh:
        head = fh.read(8)
    model = None
    if head.startswith(b"PK"):
        archive = zipfile.ZipFile(model_path)
        model = json.loads(archive.read("config.json"))
        f = h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r")
    elif head.startswith(b"\x89HDF"):
        f = h5py.File(model_path, "r")
        if "model_config" in f.attrs:
            model = json.loads(decode(f.attrs["model_config"])[0])
            return model, legacy_expected(f["model_weights"], model)
    else:
        with open(model_path) as fh:
            model = json.load(fh)
        if not weights_path:
            return model, ({}, set(), set())
        f = h5py.File(weights_path, "r")
    if "model_config" in f.attrs:
        return model, legacy_expected(f["model_weights"], model)
    if "layer_names" in f.attrs or "layer_names0" in f.attrs:
        return model, legacy_expected(f, model)
    return model, v3_expected(f, model)


def main():
    if len(sys.argv) not in (3, 4):
        raise SystemExit(__doc__)
    reported = {}
    for line in open(sys.argv[1]):
        m = re.match(r"weight (.+)\[(\d+)\] (\S+) \[([0-9,]*)\] "
                     r"crc32=([0-9a-f]{8}) name=", line)
        if m:
            shape = [int(d) for d in m.group(4).split(",") if d]
            reported.setdefault(m.group(1), []).append(
                (m.group(3), shape, int(m.group(5), 16)))
    model, (expected, covered, all_datasets) = open_expected(
        sys.argv[2], sys.argv[3] if len(sys.argv) == 4 else None)

    errors = []
    checked = 0
    if model is not None:
        checked = check_against_config(model, expected, errors)
    if covered != all_datasets:
        errors.append("layer datasets not mapped to any layer: %s"
                      % sorted(all_datasets - covered))
    for key in sorted(set(expected) | set(reported)):
        want = [describe(d) for d in expected.get(key, [])]
        got = reported.get(key, [])
        if len(want) != len(got):
            errors.append("%s: expected %d arrays, reported %d"
                          % (key, len(want), len(got)))
            continue
        for i, (w, g) in enumerate(zip(want, got)):
            if tuple(w[:3]) != g:
                errors.append("%s[%d]: expected %s %s crc32=%08x, reported "
                              "%s %s crc32=%08x" % ((key, i) + w[:3] + g))
    if errors:
        print("\n".join("error: " + e for e in errors))
        sys.exit(1)
    arrays = sum(len(v) for v in expected.values())
    nbytes = sum(describe(d)[3] for v in expected.values() for d in v)
    print("ok: %d layers, %d arrays, %d bytes match; %d layers agree with "
          "their config" % (len(expected), arrays, nbytes, checked))


if __name__ == "__main__":
    main()
