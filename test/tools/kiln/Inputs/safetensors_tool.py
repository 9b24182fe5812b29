#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""An independent .safetensors reader/writer for tests (plain Python).

  safetensors_tool.py check FILE name:dtype:AxB ...   exact tensor list
  safetensors_tool.py mutate IN OUT reshape NAME AxB  change a shape
  safetensors_tool.py mutate IN OUT drop NAME         remove a tensor
"""
import json
import struct
import sys

SIZES = {"F32": 4, "F64": 8, "F16": 2, "BF16": 2, "I8": 1, "I16": 2, "I32": 4, "I64": 8}


def read(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    return header, raw[8 + n:]


def write(path, header, data):
    hb = json.dumps(header).encode()
    hb += b" " * ((8 - len(hb) % 8) % 8)
    open(path, "wb").write(struct.pack("<Q", len(hb)) + hb + data)


def main():
    if sys.argv[1] == "check":
        header, data = read(sys.argv[2])
        header.pop("__metadata__", None)
        want = {}
        for spec in sys.argv[3:]:
            name, dtype, shape = spec.split(":")
            want[name] = (dtype.upper(), [int(d) for d in shape.split("x")])
        got = {k: (v["dtype"], v["shape"]) for k, v in header.items()}
        assert got == want, f"tensors {got} != {want}"
        for name, entry in header.items():
            b, e = entry["data_offsets"]
            count = 1
            for d in entry["shape"]:
                count *= d
            assert e - b == count * SIZES[entry["dtype"]] and e <= len(data), name
        print("ok")
    else:
        _, src, dst, action, name, *rest = sys.argv[1:]
        header, data = read(src)
        if action == "reshape":
            header[name]["shape"] = [int(d) for d in rest[0].split("x")]
        else:
            del header[name]
        write(dst, header, data)


if __name__ == "__main__":
    main()
