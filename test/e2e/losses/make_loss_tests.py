#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the loss tests of this folder. Each file is an identity model
whose prediction `p` kiln-add-loss turns into a Keras loss of `p` and the
targets `y_true`; the library's values are checked against Keras 3's
formulas in NumPy (check_model.py) and its VJP against finite differences
(check_vjp.py). Run it after adding a loss; the files are committed.
"""

EPS = "1e-7"
RUN = ("// RUN: kiln-opt %s --kiln-add-loss=\"{opts}\" -o %t.mlir"
       " && kiln compile %t.mlir --entry f_loss -o %t --name l"
       " && %check %t/libl.so l %s"
       " && kiln-opt %t.mlir --kiln-autodiff=function=f_loss -o %t.vjp.mlir"
       " && kiln compile %t.vjp.mlir --entry f_loss_vjp -o %t --name g"
       " && %check-vjp %t/libl.so l %t/libg.so g %s\n")

T = "tensor<?x5xf64>"
MODEL = f"""func.func @f(%p: {T} {{kiln.name = "p"}}) -> {T} {{
  return %p : {T}
}}
"""

CASES = {
    "mean_squared_error": ("loss=mse reduction=none", [], "loss = np.mean((y_true - p) ** 2, -1)"),
    "mean_squared_error_mean": ("loss=mean_squared_error", [],
                                "loss = np.mean(np.mean((y_true - p) ** 2, -1))"),
    "mean_absolute_error_sum": ("loss=mae reduction=sum", [], "loss = np.sum(np.mean(np.abs(y_true - p), -1))"),
    "huber": ("loss=huber reduction=none delta=0.8", ["p -3 3"],
              "e = p - y_true; a = np.abs(e); loss = np.mean(np.where(a <= 0.8, 0.5 * e * e, 0.8 * a - 0.5 * 0.64), -1)"),
    "binary_crossentropy": ("loss=binary_crossentropy reduction=none", ["p 0.05 0.95", "y_true 0 1"],
                            f"q = np.clip(p, {EPS}, 1 - {EPS}); loss = -np.mean(y_true * np.log(q) + (1 - y_true) * np.log(1 - q), -1)"),
    "binary_crossentropy_logits": ("loss=binary_crossentropy from-logits=true reduction=none", ["p -3 3", "y_true 0 1"],
                                   "loss = np.mean(np.maximum(p, 0) - p * y_true + np.log1p(np.exp(-np.abs(p))), -1)"),
    "categorical_crossentropy": ("loss=categorical_crossentropy reduction=none", ["p 0.05 1", "y_true 0 1"],
                                 f"q = np.clip(p / p.sum(-1, keepdims=True), {EPS}, 1 - {EPS}); loss = -np.sum(y_true * np.log(q), -1)"),
    "categorical_crossentropy_logits": ("loss=categorical_crossentropy from-logits=true reduction=none", ["p -3 3", "y_true 0 1"],
                                        "m = p.max(-1, keepdims=True); ls = p - m - np.log(np.exp(p - m).sum(-1, keepdims=True)); loss = -np.sum(y_true * ls, -1)"),
    "sparse_categorical_crossentropy": ("loss=sparse_categorical_crossentropy reduction=none", ["p 0.05 1", "y_true 0 4"],
                                        f"q = np.clip(p / p.sum(-1, keepdims=True), {EPS}, 1 - {EPS}); loss = -np.log(np.take_along_axis(q, y_true[:, None], -1))[:, 0]"),
    "sparse_categorical_crossentropy_logits": ("loss=sparse_categorical_crossentropy from-logits=true reduction=none", ["p -3 3", "y_true 0 4"],
                                               "m = p.max(-1, keepdims=True); ls = p - m - np.log(np.exp(p - m).sum(-1, keepdims=True)); loss = -np.take_along_axis(ls, y_true[:, None], -1)[:, 0]"),
    "kl_divergence": ("loss=kld reduction=none", ["p 0.05 1", "y_true 0.05 1"],
                      f"yc = np.clip(y_true, {EPS}, 1); pc = np.clip(p, {EPS}, 1); loss = np.sum(yc * np.log(yc / pc), -1)"),
    "hinge": ("loss=hinge reduction=none", ["p -2 2", "y_true -1 1"],
              "b = np.all((y_true == 0) | (y_true == 1)); s = 2 * y_true - 1 if b else y_true; loss = np.mean(np.maximum(1 - s * p, 0), -1)"),
}

for name, (opts, ranges, ref) in CASES.items():
    with open(f"{name}.mlir", "w") as f:
        f.write("// SPDX-License-Identifier: Apache-2.0\n")
        f.write(f"// Keras loss {opts.split()[0][5:]} ({opts}): values against Keras 3's formula, VJP against finite differences.\n")
        f.write(RUN.replace("{opts}", opts))
        f.write(f"// NUMPY: {ref}\n")
        for r in ranges:
            f.write(f"// RANGE: {r}\n")
        f.write(MODEL)

T8 = "tensor<?x8xf64>"
MODEL8 = f"""func.func @f(%p: {T8} {{kiln.name = "p"}}) -> {T8} {{
  return %p : {T8}
}}
"""
SPARSE_LOSS = ("m = p.max(-1, keepdims=True); ls = p - m - np.log(np.exp(p - m).sum(-1, keepdims=True)); "
               "loss = np.mean(-np.take_along_axis(ls, y_true[:, None], -1))")
METRIC_CASES = {
    "metrics_sparse": (
        "loss=sparse_categorical_crossentropy from-logits=true metrics=accuracy,sparse_top_k_categorical_accuracy",
        ["p -3 3", "y_true 0 7"],
        [SPARSE_LOSS,
         "accuracy = np.mean(np.argmax(p, -1) == y_true)",
         "t = np.take_along_axis(p, y_true[:, None], -1); sparse_top_k_categorical_accuracy = np.mean((p > t).sum(-1) < 5)"]),
    "metrics_categorical": (
        "loss=categorical_crossentropy metrics=acc,top_k_categorical_accuracy,mae,mse",
        ["p 0.05 1", "y_true 0 1"],
        [f"q = np.clip(p / p.sum(-1, keepdims=True), {EPS}, 1 - {EPS}); loss = np.mean(-np.sum(y_true * np.log(q), -1))",
         "acc = np.mean(np.argmax(y_true, -1) == np.argmax(p, -1))",
         "t = np.take_along_axis(p, np.argmax(y_true, -1)[:, None], -1); top_k_categorical_accuracy = np.mean((p > t).sum(-1) < 5)",
         "mae = np.mean(np.abs(y_true - p))",
         "mse = np.mean((y_true - p) ** 2)"]),
    "metrics_binary": (
        "loss=binary_crossentropy from-logits=true metrics=accuracy",
        ["p -3 3", "y_true 0 1"],
        ["loss = np.mean(np.mean(np.maximum(p, 0) - p * y_true + np.log1p(np.exp(-np.abs(p))), -1))",
         "accuracy = np.mean(y_true == (p > 0.5))"]),
}

for name, (opts, ranges, refs) in METRIC_CASES.items():
    with open(f"{name}.mlir", "w") as f:
        f.write("// SPDX-License-Identifier: Apache-2.0\n")
        f.write(f"// Loss and metrics ({opts}) against Keras 3's formulas; the metrics are\n"
                "// piecewise constant, so the VJP check sees only the loss's gradient.\n")
        f.write(RUN.replace("{opts}", opts))
        for r in refs:
            f.write(f"// NUMPY: {r}\n")
        for r in ranges:
            f.write(f"// RANGE: {r}\n")
        f.write(MODEL8)
