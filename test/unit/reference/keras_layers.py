# SPDX-License-Identifier: Apache-2.0
"""Reference outputs of Keras layers for KerasLayersTest.cpp, computed in
float64 with PyTorch and NumPy, independently of Kiln.

Usage: keras_layers.py DIR. DIR holds params.json ({"kind": ..., layer
parameters, "inputs": [shape, ...], "weights": [shape, ...]}), the inputs
in0.bin, in1.bin, ... and the layer's Keras weights w0.bin, w1.bin, ... (raw
little-endian float64, row-major, in Keras `get_weights()` order). Writes
DIR/out.bin (float64), or out0.bin, out1.bin, ... for several outputs.

Where PyTorch has the layer (LSTM, GRU with reset_after, SimpleRNN,
convolutions) the Keras weights are converted to its layout and its module
or functional op computes the result; the rest (hard_sigmoid gates, the
Keras 2 GRU, masking, attention) are written out from the Keras formulas.
"""

import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def load(d, name, shape):
    a = np.fromfile(os.path.join(d, name), dtype="<f8")
    return torch.from_numpy(a.reshape(shape).copy())


def activation(name, x, major=3):
    if name == "tanh":
        return torch.tanh(x)
    if name == "sigmoid":
        return torch.sigmoid(x)
    if name == "relu":
        return torch.relu(x)
    if name == "linear":
        return x
    if name == "hard_sigmoid":
        # Keras 2: clip(0.2 x + 0.5, 0, 1); Keras 3: relu6(x + 3) / 6.
        if major == 2:
            return torch.clamp(0.2 * x + 0.5, 0.0, 1.0)
        return torch.clamp(x + 3.0, 0.0, 6.0) / 6.0
    raise ValueError("unknown activation " + name)


# ---------------------------------------------------------------------------
# Recurrent layers
# ---------------------------------------------------------------------------

def uses_torch_module(p, mask):
    """Whether torch.nn.LSTM/GRU/RNN computes exactly this Keras layer."""
    if mask is not None or p["activation"] != "tanh":
        return False
    if p["cell"] == "SimpleRNN":
        return True
    if p["recurrent_activation"] != "sigmoid":
        return False
    return p["cell"] == "LSTM" or p["reset_after"]


def torch_params(p, w):
    """Keras kernel/recurrent_kernel/bias -> PyTorch weight_ih, weight_hh,
    bias_ih, bias_hh. Keras LSTM gates i,f,c,o match PyTorch's i,f,g,o;
    Keras GRU gates z,r,h become PyTorch's r,z,n."""
    u = p["units"]
    kernel, rec = w[0], w[1]
    if p["use_bias"]:
        bias = w[2]
    else:
        bias = torch.zeros(2, kernel.shape[1]) if p["cell"] == "GRU" and \
            p["reset_after"] else torch.zeros(kernel.shape[1])
    if p["cell"] == "GRU":
        order = torch.cat([torch.arange(u, 2 * u), torch.arange(0, u),
                           torch.arange(2 * u, 3 * u)])
        return (kernel[:, order].T, rec[:, order].T, bias[0][order],
                bias[1][order])
    return kernel.T, rec.T, bias, torch.zeros_like(bias)


def torch_rnn(p, x, w, bidirectional=False, w_back=None):
    module = {"LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU,
              "SimpleRNN": torch.nn.RNN}[p["cell"]]
    rnn = module(x.shape[2], p["units"], batch_first=True,
                 bidirectional=bidirectional)
    with torch.no_grad():
        for suffix, ws in [("l0", w)] + ([("l0_reverse", w_back)]
                                         if bidirectional else []):
            wih, whh, bih, bhh = torch_params(p, ws)
            getattr(rnn, "weight_ih_" + suffix).copy_(wih)
            getattr(rnn, "weight_hh_" + suffix).copy_(whh)
            getattr(rnn, "bias_ih_" + suffix).copy_(bih)
            getattr(rnn, "bias_hh_" + suffix).copy_(bhh)
        out, state = rnn(x)
    h_n = state[0] if p["cell"] == "LSTM" else state
    return out, h_n


def manual_rnn(p, x, w, mask, go_backwards, zero_output):
    """Keras's backend rnn loop over the Keras cell formulas."""
    u, cell = p["units"], p["cell"]
    act = lambda v: activation(p["activation"], v, p["keras_major"])
    gate = lambda v: activation(p["recurrent_activation"], v,
                                p["keras_major"])
    kernel, rec = w[0], w[1]
    if p["use_bias"]:
        bias = w[2]
    else:
        bias = torch.zeros(2, kernel.shape[1]) if cell == "GRU" and \
            p["reset_after"] else torch.zeros(kernel.shape[1])
    batch, steps = x.shape[0], x.shape[1]
    h = torch.zeros(batch, u)
    c = torch.zeros(batch, u)
    prev_out = torch.zeros(batch, u)
    outs = []
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    for t in order:
        xt = x[:, t]
        c_new = c
        if cell == "SimpleRNN":
            h_new = act(xt @ kernel + bias + h @ rec)
        elif cell == "LSTM":
            z = xt @ kernel + h @ rec + bias
            i, f, g, o = (z[:, k * u:(k + 1) * u] for k in range(4))
            c_new = gate(f) * c + gate(i) * act(g)
            h_new = gate(o) * act(c_new)
        elif p["reset_after"]:
            xz = xt @ kernel + bias[0]
            rz = h @ rec + bias[1]
            z = gate(xz[:, :u] + rz[:, :u])
            r = gate(xz[:, u:2 * u] + rz[:, u:2 * u])
            hh = act(xz[:, 2 * u:] + r * rz[:, 2 * u:])
            h_new = z * h + (1 - z) * hh
        else:
            xz = xt @ kernel + bias
            z = gate(xz[:, :u] + h @ rec[:, :u])
            r = gate(xz[:, u:2 * u] + h @ rec[:, u:2 * u])
            hh = act(xz[:, 2 * u:] + (r * h) @ rec[:, 2 * u:])
            h_new = z * h + (1 - z) * hh
        if mask is None:
            h, c, out = h_new, c_new, h_new
        else:
            m = mask[:, t:t + 1]
            h = torch.where(m, h_new, h)
            c = torch.where(m, c_new, c)
            out = torch.where(m, h_new,
                              torch.zeros_like(h_new) if zero_output
                              else prev_out)
        prev_out = out
        outs.append(out)
    return torch.stack(outs, 1)


def keras_mask(p, x):
    if "mask_value" not in p:
        return None
    return (x != p["mask_value"]).any(dim=-1)


def recurrent(p, x, w):
    mask = keras_mask(p, x)
    if mask is not None:
        x = x * mask.unsqueeze(-1)  # the Masking layer's output
    if uses_torch_module(p, mask):
        xin = x.flip(1) if p["go_backwards"] else x
        seq, _ = torch_rnn(p, xin, w)
    else:
        seq = manual_rnn(p, x, w, mask, p["go_backwards"],
                         p.get("zero_output_for_mask", False))
    return seq if p["return_sequences"] else seq[:, -1]


def bidirectional(p, x, w):
    n = len(w) // 2
    wf, wb = w[:n], w[n:]
    mask = keras_mask(p, x)
    if mask is not None:
        x = x * mask.unsqueeze(-1)
    if uses_torch_module(p, mask):
        seq, h_n = torch_rnn(p, x, wf, True, wb)
        u = p["units"]
        if p["return_sequences"]:
            fwd, bwd = seq[..., :u], seq[..., u:]
        else:
            fwd, bwd = h_n[0], h_n[1]
    else:
        zero = p["return_sequences"]
        fwd = manual_rnn(p, x, wf, mask, False, zero)
        bwd = manual_rnn(p, x, wb, mask, True, zero)
        if p["return_sequences"]:
            bwd = bwd.flip(1)
        else:
            fwd, bwd = fwd[:, -1], bwd[:, -1]
    mode = p["merge_mode"]
    if mode == "concat":
        return torch.cat([fwd, bwd], -1)
    if mode == "sum":
        return fwd + bwd
    if mode == "mul":
        return fwd * bwd
    if mode == "ave":
        return (fwd + bwd) / 2
    return [fwd, bwd]


# ---------------------------------------------------------------------------
# Attention
# ---------------------------------------------------------------------------

def multi_head_attention(p, inputs, w):
    """Keras MultiHeadAttention's einsums. With attention_axes None and
    inputs of rank > 3, Keras attends over all the middle axes jointly (one
    softmax over every key position), which is attention over the
    flattened positions."""
    query, value = inputs[0], inputs[1]
    key = inputs[2] if len(inputs) > 2 else value
    if query.dim() > 3:
        out_shape = query.shape[:-1]
        flat = lambda t: t.reshape(t.shape[0], -1, t.shape[-1])
        y = multi_head_attention(p, [flat(query), flat(value), flat(key)], w)
        return y.reshape(*out_shape, y.shape[-1])
    if p["use_bias"]:
        wq, bq, wk, bk, wv, bv, wo, bo = w
    else:
        wq, wk, wv, wo = w
        bq = bk = bv = bo = 0.0
    q = torch.einsum("abc,cde->abde", query, wq) + bq
    k = torch.einsum("abc,cde->abde", key, wk) + bk
    v = torch.einsum("abc,cde->abde", value, wv) + bv
    q = q * (1.0 / math.sqrt(p["key_dim"]))
    scores = torch.einsum("aecd,abcd->acbe", k, q)
    attention = torch.softmax(scores, dim=-1)
    out = torch.einsum("acbe,aecd->abcd", attention, v)
    return torch.einsum("abcd,cde->abe", out, wo) + bo


# ---------------------------------------------------------------------------
# Convolutions and upsampling (NHWC in, NCHW for PyTorch)
# ---------------------------------------------------------------------------

def tf_same_pads(size, k, s, d):
    keff = (k - 1) * d + 1
    out = -(-size // s)
    total = max((out - 1) * s + keff - size, 0)
    return total // 2, total - total // 2


def depthwise_nchw(p, x, kernel):
    """x NCHW; Keras kernel (kh, kw, in, dm)."""
    kh, kw, cin, dm = kernel.shape
    weight = kernel.reshape(kh, kw, cin * dm).permute(2, 0, 1).unsqueeze(1)
    s, d = p["strides"], p["dilation"]
    if p["padding"] == "same":
        top, bottom = tf_same_pads(x.shape[2], kh, s[0], d[0])
        left, right = tf_same_pads(x.shape[3], kw, s[1], d[1])
        x = F.pad(x, (left, right, top, bottom))
    return F.conv2d(x, weight, stride=s, dilation=d, groups=cin)


def depthwise_conv(p, x, w):
    y = depthwise_nchw(p, x.permute(0, 3, 1, 2), w[0])
    if p["use_bias"]:
        y = y + w[1].view(1, -1, 1, 1)
    return y.permute(0, 2, 3, 1)


def separable_conv(p, x, w):
    y = depthwise_nchw(p, x.permute(0, 3, 1, 2), w[0])
    y = F.conv2d(y, w[1].permute(3, 2, 0, 1),
                 bias=w[2] if p["use_bias"] else None)
    return y.permute(0, 2, 3, 1)


def keras_deconv_length(size, k, s, d, padding):
    keff = (k - 1) * d + 1
    if padding == "valid":
        return size * s + max(keff - s, 0)
    return size * s


def conv_transpose(p, x, w):
    """tf.nn.conv_transpose as Keras calls it: the full transposed
    convolution, cropped by the padding that conv2d would use to map an
    output of Keras's size back to the input."""
    kernel = w[0]  # (k..., filters, in)
    rank = kernel.dim() - 2
    s, d = p["strides"], p["dilation"]
    xt = x.permute(0, rank + 1, *range(1, rank + 1))
    perm = (rank + 1, rank) + tuple(range(rank))
    weight = kernel.permute(*perm)
    op = F.conv_transpose1d if rank == 1 else F.conv_transpose2d
    full = op(xt, weight, stride=s, dilation=d)
    y = full
    for i in range(rank):
        size, k = x.shape[1 + i], kernel.shape[i]
        out = keras_deconv_length(size, k, s[i], d[i], p["padding"])
        before = 0
        if p["padding"] == "same":
            before = tf_same_pads(out, k, s[i], d[i])[0]
        axis = 2 + i
        y = y.narrow(axis, before, min(out, y.shape[axis] - before))
        if y.shape[axis] < out:
            pad_shape = list(y.shape)
            pad_shape[axis] = out - y.shape[axis]
            y = torch.cat([y, torch.zeros(pad_shape)], axis)
    if p["use_bias"]:
        y = y + w[1].view(1, -1, *([1] * rank))
    return y.permute(0, *range(2, rank + 2), 1)


def upsampling(p, x, w):
    y = x
    for i, s in enumerate(p["size"]):
        y = y.repeat_interleave(s, dim=1 + i)
    return y


# ---------------------------------------------------------------------------

def main():
    d = sys.argv[1]
    with open(os.path.join(d, "params.json")) as f:
        p = json.load(f)
    inputs = [load(d, "in%d.bin" % i, s) for i, s in enumerate(p["inputs"])]
    w = [load(d, "w%d.bin" % i, s) for i, s in enumerate(p["weights"])]
    kind = p["kind"]
    if kind == "recurrent":
        y = recurrent(p, inputs[0], w)
    elif kind == "bidirectional":
        y = bidirectional(p, inputs[0], w)
    elif kind == "multi_head_attention":
        y = multi_head_attention(p, inputs, w)
    elif kind == "depthwise_conv":
        y = depthwise_conv(p, inputs[0], w)
    elif kind == "separable_conv":
        y = separable_conv(p, inputs[0], w)
    elif kind == "conv_transpose":
        y = conv_transpose(p, inputs[0], w)
    elif kind == "upsampling":
        y = upsampling(p, inputs[0], w)
    else:
        raise ValueError("unknown kind " + kind)
    ys = y if isinstance(y, list) else [y]
    for i, out in enumerate(ys):
        name = "out.bin" if len(ys) == 1 else "out%d.bin" % i
        out.detach().numpy().astype("<f8").tofile(os.path.join(d, name))


if __name__ == "__main__":
    main()
