# SPDX-License-Identifier: Apache-2.0
"""One train step (Adam, mean sparse cross-entropy) of the benchmark MLP or
CNN at a given batch, in Kiln or in PyTorch, from the same initial weights:

  time_train.py kiln KILN LIB MODEL INIT.npz THREADS MIN_REPS OUT.npz
  time_train.py torch MODEL INIT.npz THREADS MIN_REPS OUT.npz

Saves the loss and Adam's first moments after the first step (0.1 times
the gradients; Kiln's layouts: dense kernels [in, out], filters HWIO) to
OUT.npz for the check, then prints the median ms of a step. (The updated
parameters themselves are not compared: after one Adam step each moves by
about lr * sign(gradient), which flips with rounding where a gradient is
near zero.)"""
import ctypes
import json
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from timing import median_ms  # noqa: E402

LR, EPS = 0.001, 1e-7
NP = {"f32": np.float32, "i64": np.int64, "i32": np.int32}


def kiln_step(kiln, lib_path, init, threads, reps, out):
    name = os.path.basename(lib_path)[3:-3]
    desc = json.loads(subprocess.check_output([kiln, "describe", lib_path]))
    lib = ctypes.CDLL(lib_path)
    getattr(lib, f"{name}_set_num_threads")(ctypes.c_int(threads))
    model = ctypes.c_void_p()
    assert getattr(lib, f"{name}_create")(ctypes.byref(model)) == 0
    batch = init["x"].shape[0]
    shape = lambda dims: [batch if d < 0 else d for d in dims]
    args, keep = [model, ctypes.c_int64(batch)], []
    for t in desc["inputs"]:
        v = (init[t["name"]] if t["name"] in init.files
             else np.zeros(shape(t["dims"]), NP[t["dtype"]]))
        v = np.ascontiguousarray(v.astype(NP[t["dtype"]]).reshape(shape(t["dims"])))
        keep.append(v)
        args += [v.ctypes.data_as(ctypes.c_void_p), ctypes.c_size_t(v.size)]
    outs = {}
    for t in desc["outputs"]:
        o = np.zeros(shape(t["dims"]), NP[t["dtype"]])
        outs[t["name"]] = o
        args += [o.ctypes.data_as(ctypes.c_void_p), ctypes.c_size_t(o.size)]
    step = getattr(lib, f"{name}_predict")
    assert step(*args) == 0, "train step failed"
    np.savez(out, loss=outs["loss"],
             **{n[4:-2]: v for n, v in outs.items()
                if n.startswith("new_") and n.endswith("_m")
                and n[4:-2] in init.files})
    return median_ms(lambda: step(*args), reps)


def torch_step(model_name, init, threads, reps, out):
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(threads)
    p = {n: torch.tensor(init[n]) for n in init.files if n not in ("x", "labels")}
    # PyTorch layouts: Linear [out, in], Conv2d OIHW, activations NCHW.
    tp = {}
    for n, v in p.items():
        if v.dim() == 2:
            tp[n] = v.t().contiguous()
        elif v.dim() == 4:
            tp[n] = v.permute(3, 2, 0, 1).contiguous()
        else:
            tp[n] = v.clone()
    for v in tp.values():
        v.requires_grad_(True)
    x = torch.tensor(init["x"])
    labels = torch.tensor(init["labels"])
    if model_name == "mlp":
        def loss_fn():
            h = torch.relu(F.linear(x, tp["w1"], tp["b1"]))
            h = torch.relu(F.linear(h, tp["w2"], tp["b2"]))
            return F.cross_entropy(F.linear(h, tp["w3"], tp["b3"]), labels)
    else:
        xc = x.permute(0, 3, 1, 2).contiguous()
        def loss_fn():
            h = F.max_pool2d(torch.relu(F.conv2d(xc, tp["k1"], tp["c1"])), 2)
            h = F.max_pool2d(torch.relu(F.conv2d(h, tp["k2"], tp["c2"])), 2)
            h = h.permute(0, 2, 3, 1).reshape(x.shape[0], -1)
            h = torch.relu(F.linear(h, tp["w1"], tp["b1"]))
            return F.cross_entropy(F.linear(h, tp["w2"], tp["b2"]), labels)
    opt = torch.optim.Adam(list(tp.values()), lr=LR, eps=EPS)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        opt.step()
        return loss

    loss = step()
    back = {}
    for n, v in tp.items():
        v = opt.state[v]["exp_avg"].detach()
        if v.dim() == 2:
            v = v.t()
        elif v.dim() == 4:
            v = v.permute(2, 3, 1, 0)
        back[n] = v.contiguous().numpy()
    np.savez(out, loss=loss.detach().numpy(), **back)
    return median_ms(step, reps)


if __name__ == "__main__":
    if sys.argv[1] == "kiln":
        kiln, lib, _, init, threads, reps, out = sys.argv[2:9]
        ms = kiln_step(kiln, lib, np.load(init), int(threads), int(reps), out)
    else:
        model, init, threads, reps, out = sys.argv[2:7]
        ms = torch_step(model, np.load(init), int(threads), int(reps), out)
    print(f"{ms:.4f}")
