# SPDX-License-Identifier: Apache-2.0
"""Median ms of PyTorch's best mode (eager, or TorchScript frozen and
optimized for inference): time_torch.py NAME X.npy THREADS MIN_REPS"""
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import build  # noqa: E402
from timing import median_ms  # noqa: E402

name, xfile, threads, reps = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(threads)
model, _ = build(name)
x = torch.from_numpy(np.load(xfile))
best = None
with torch.no_grad():
    modes = [model]
    try:
        modes.append(torch.jit.optimize_for_inference(
            torch.jit.freeze(torch.jit.script(model))))
    except Exception:  # some modules do not script; eager stays
        pass
    for f in modes:
        ms = median_ms(lambda: f(x), reps)
        best = ms if best is None else min(best, ms)
print(f"{best:.4f}")
