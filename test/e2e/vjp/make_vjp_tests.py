#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the VJP test files of this folder: one kiln function per op form,
in f64, whose kiln-autodiff VJP is checked against central finite
differences by check_vjp.py. Run it after adding an op form; the files are
committed.
"""
import os

RUN = ("// RUN: kiln-opt %s --kiln-autodiff -o %t.mlir && kiln compile %s -o %t --name f"
       " && kiln compile %t.mlir --entry f_vjp -o %t --name g"
       " && %check-vjp %t/libf.so f %t/libg.so g %s\n")

T = "tensor<?x5xf64>"

UNARY = {
    "neg": "", "exp": "", "log": "// RANGE: x 0.5 3\n", "sqrt": "// RANGE: x 0.5 3\n",
    "rsqrt": "// RANGE: x 0.5 3\n", "reciprocal": "// RANGE: x 0.5 3\n", "tanh": "",
    "sin": "", "cos": "", "abs": "// RANGE: x 0.2 2\n", "sigmoid": "", "softplus": "",
    "softsign": "// RANGE: x 0.2 2\n", "silu": "", "erf": "", "relu": "// RANGE: x 0.2 2\n",
    "selu": "",
}
PARAM_UNARY = {
    "leaky_relu": "{alpha = 0.2 : f64}", "elu": "{alpha = 1.5 : f64}",
    "gelu": "", "gelu_tanh": "{approximate = true}",
    "hard_sigmoid": "{alpha = 0.2 : f64, beta = 0.5 : f64}",
}
BINARY = ["add", "sub", "mul", "div", "maximum", "minimum", "pow"]


def write(name, body, comment, extra=""):
    with open(f"{name}.mlir", "w") as f:
        f.write("// SPDX-License-Identifier: Apache-2.0\n")
        f.write(f"// {comment}\n")
        f.write(RUN)
        f.write(extra)
        f.write(body)


for op, extra in UNARY.items():
    write(op, f"""func.func @f(%x: {T} {{kiln.name = "x"}}) -> ({T} {{kiln.name = "y"}}) {{
  %y = kiln.{op} %x : {T}
  return %y : {T}
}}
""", f"VJP of kiln.{op} against finite differences.", extra)

for op, attrs in PARAM_UNARY.items():
    mnemonic = "gelu" if op.startswith("gelu") else op
    write(op, f"""func.func @f(%x: {T} {{kiln.name = "x"}}) -> ({T} {{kiln.name = "y"}}) {{
  %y = kiln.{mnemonic} %x {attrs} : {T}
  return %y : {T}
}}
""".replace("  :", " :"), f"VJP of kiln.{mnemonic} {attrs} against finite differences.",
          "// RANGE: x 0.2 2\n" if op == "hard_sigmoid" else "")

for op in BINARY:
    # The right operand broadcasts along the batch (summed in its VJP).
    write(op, f"""func.func @f(%a: {T} {{kiln.name = "a"}}, %b: tensor<5xf64> {{kiln.name = "b"}}) -> ({T} {{kiln.name = "y"}}) {{
  %y = kiln.{op} %a, %b : ({T}, tensor<5xf64>) -> {T}
  return %y : {T}
}}
""", f"VJP of a broadcasting kiln.{op} against finite differences.",
          "// RANGE: a 0.5 2\n// RANGE: b 0.5 2\n" if op in ("div", "pow") else "")

STRUCTURE = {
    "matmul_batched": ("Batched matmul whose right operand broadcasts over the batch.", "", """
func.func @f(%a: tensor<?x3x4xf64> {kiln.name = "a"}, %w: tensor<4x6xf64> {kiln.name = "w"}) -> (tensor<?x3x6xf64> {kiln.name = "y"}) {
  %y = kiln.matmul %a, %w : (tensor<?x3x4xf64>, tensor<4x6xf64>) -> tensor<?x3x6xf64>
  return %y : tensor<?x3x6xf64>
}
"""),
    "reduce_sum": ("reduce_sum over the last axis, without keep_dims.", "", """
func.func @f(%x: tensor<?x4x5xf64> {kiln.name = "x"}) -> (tensor<?x4xf64> {kiln.name = "y"}) {
  %y = kiln.reduce_sum %x {axes = array<i64: 2>} : (tensor<?x4x5xf64>) -> tensor<?x4xf64>
  return %y : tensor<?x4xf64>
}
"""),
    "reduce_mean_batch": ("reduce_mean over the dynamic batch and a static axis (a loss mean).", "", """
func.func @f(%x: tensor<?x4x5xf64> {kiln.name = "x"}) -> (tensor<5xf64> {kiln.name = "y"}) {
  %y = kiln.reduce_mean %x {axes = array<i64: 0, 1>} : (tensor<?x4x5xf64>) -> tensor<5xf64>
  return %y : tensor<5xf64>
}
"""),
    "reduce_max": ("reduce_max over the middle axis.", "", """
func.func @f(%x: tensor<?x4x5xf64> {kiln.name = "x"}) -> (tensor<?x5xf64> {kiln.name = "y"}) {
  %y = kiln.reduce_max %x {axes = array<i64: 1>} : (tensor<?x4x5xf64>) -> tensor<?x5xf64>
  return %y : tensor<?x5xf64>
}
"""),
    "reduce_min_keep": ("reduce_min over the last axis, keep_dims.", "", """
func.func @f(%x: tensor<?x4x5xf64> {kiln.name = "x"}) -> (tensor<?x4x1xf64> {kiln.name = "y"}) {
  %y = kiln.reduce_min %x {axes = array<i64: 2>, keep_dims = true} : (tensor<?x4x5xf64>) -> tensor<?x4x1xf64>
  return %y : tensor<?x4x1xf64>
}
"""),
    "reduce_prod": ("reduce_prod over the last axis (inputs away from zero).", "// RANGE: x 0.5 1.5\n", """
func.func @f(%x: tensor<?x4x3xf64> {kiln.name = "x"}) -> (tensor<?x4xf64> {kiln.name = "y"}) {
  %y = kiln.reduce_prod %x {axes = array<i64: 2>} : (tensor<?x4x3xf64>) -> tensor<?x4xf64>
  return %y : tensor<?x4xf64>
}
"""),
    "reshape_transpose": ("reshape then transpose.", "", """
func.func @f(%x: tensor<?x12xf64> {kiln.name = "x"}) -> (tensor<?x4x3xf64> {kiln.name = "y"}) {
  %r = kiln.reshape %x {shape = array<i64: -1, 3, 4>} : (tensor<?x12xf64>) -> tensor<?x3x4xf64>
  %y = kiln.transpose %r {permutation = array<i64: 0, 2, 1>} : (tensor<?x3x4xf64>) -> tensor<?x4x3xf64>
  return %y : tensor<?x4x3xf64>
}
"""),
    "dynamic_reshape": ("dynamic_reshape to [N, 3, 4] (two sizes unknown to the compiler), transposed and reshaped back: both cotangents need the input's run-time shape.", "", """
func.func @f(%x: tensor<?x12xf64> {kiln.name = "x"}) -> (tensor<?x12xf64> {kiln.name = "y"}) {
  %s = kiln.constant dense<[0, -1, 4]> : tensor<3xi64>
  %r = kiln.dynamic_reshape %x(%s) {copy_zero} : (tensor<?x12xf64>, tensor<3xi64>) -> tensor<?x?x4xf64>
  %t = kiln.transpose %r {permutation = array<i64: 0, 2, 1>} : (tensor<?x?x4xf64>) -> tensor<?x4x?xf64>
  %e = kiln.exp %t : tensor<?x4x?xf64>
  %y = kiln.reshape %e {shape = array<i64: -1, 12>} : (tensor<?x4x?xf64>) -> tensor<?x12xf64>
  return %y : tensor<?x12xf64>
}
"""),
    "broadcast_to": ("broadcast_to of a bias to the batch.", "", """
func.func @f(%b: tensor<1x5xf64> {kiln.name = "b"}, %x: tensor<?x5xf64> {kiln.name = "x"}) -> (tensor<?x5xf64> {kiln.name = "y"}) {
  %y = kiln.broadcast_to %b {shape = array<i64: -1, 5>} like %x : (tensor<1x5xf64>, tensor<?x5xf64>) -> tensor<?x5xf64>
  %z = kiln.mul %y, %x : (tensor<?x5xf64>, tensor<?x5xf64>) -> tensor<?x5xf64>
  return %z : tensor<?x5xf64>
}
"""),
    "concat_slice_pad": ("concat, slice and pad.", "", """
func.func @f(%a: tensor<?x3xf64> {kiln.name = "a"}, %b: tensor<?x2xf64> {kiln.name = "b"}) -> (tensor<?x6xf64> {kiln.name = "y"}) {
  %c = kiln.concat %a, %b {axis = 1 : i64} : (tensor<?x3xf64>, tensor<?x2xf64>) -> tensor<?x5xf64>
  %s = kiln.slice %c {axes = array<i64: 1>, starts = array<i64: 1>, ends = array<i64: 5>, steps = array<i64: 1>} : (tensor<?x5xf64>) -> tensor<?x4xf64>
  %y = kiln.pad %s {low = array<i64: 0, 2>, high = array<i64: 0, 0>} : (tensor<?x4xf64>) -> tensor<?x6xf64>
  return %y : tensor<?x6xf64>
}
"""),
    "softmax": ("softmax over the last axis.", "", """
func.func @f(%x: tensor<?x6xf64> {kiln.name = "x"}) -> (tensor<?x6xf64> {kiln.name = "y"}) {
  %y = kiln.softmax %x {axis = 1 : i64} : (tensor<?x6xf64>) -> tensor<?x6xf64>
  return %y : tensor<?x6xf64>
}
"""),
    "log_softmax": ("log_softmax over the middle axis.", "", """
func.func @f(%x: tensor<?x4x3xf64> {kiln.name = "x"}) -> (tensor<?x4x3xf64> {kiln.name = "y"}) {
  %y = kiln.log_softmax %x {axis = 1 : i64} : (tensor<?x4x3xf64>) -> tensor<?x4x3xf64>
  return %y : tensor<?x4x3xf64>
}
"""),
    "softmax_cross_entropy": ("softmax cross-entropy with soft labels (both operands differentiated).", "// RANGE: z 0 1\n", """
func.func @f(%x: tensor<?x5xf64> {kiln.name = "x"}, %z: tensor<?x5xf64> {kiln.name = "z"}) -> (tensor<?xf64> {kiln.name = "y"}) {
  %y = kiln.softmax_cross_entropy %x, %z {axis = 1 : i64} : (tensor<?x5xf64>, tensor<?x5xf64>) -> tensor<?xf64>
  return %y : tensor<?xf64>
}
"""),
    "sparse_softmax_cross_entropy": ("sparse softmax cross-entropy (integer labels get no cotangent).", "// RANGE: labels 0 4\n", """
func.func @f(%x: tensor<?x5xf64> {kiln.name = "x"}, %labels: tensor<?xi64> {kiln.name = "labels"}) -> (tensor<?xf64> {kiln.name = "y"}) {
  %y = kiln.sparse_softmax_cross_entropy %x, %labels : (tensor<?x5xf64>, tensor<?xi64>) -> tensor<?xf64>
  return %y : tensor<?xf64>
}
"""),
    "sigmoid_cross_entropy": ("sigmoid cross-entropy from logits.", "// RANGE: z 0 1\n", """
func.func @f(%x: tensor<?x3xf64> {kiln.name = "x"}, %z: tensor<?x3xf64> {kiln.name = "z"}) -> (tensor<?x3xf64> {kiln.name = "y"}) {
  %y = kiln.sigmoid_cross_entropy %x, %z : (tensor<?x3xf64>, tensor<?x3xf64>) -> tensor<?x3xf64>
  return %y : tensor<?x3xf64>
}
"""),
    "select_clamp": ("select on a comparison, and clamp.", "", """
func.func @f(%a: tensor<?x5xf64> {kiln.name = "a"}, %b: tensor<?x5xf64> {kiln.name = "b"}) -> (tensor<?x5xf64> {kiln.name = "y"}) {
  %zero = kiln.constant dense<0.25> : tensor<f64>
  %c = kiln.compare gt, %a, %zero : (tensor<?x5xf64>, tensor<f64>) -> tensor<?x5xi1>
  %s = kiln.select %c, %a, %b : (tensor<?x5xi1>, tensor<?x5xf64>, tensor<?x5xf64>) -> tensor<?x5xf64>
  %y = kiln.clamp %s {min = -1.5 : f64, max = 1.5 : f64} : tensor<?x5xf64>
  return %y : tensor<?x5xf64>
}
"""),
    "gather_embedding": ("an embedding lookup (gather on axis 0; repeated ids sum).", "// RANGE: ids 0 6\n", """
func.func @f(%t: tensor<7x4xf64> {kiln.name = "t"}, %ids: tensor<?x5xi64> {kiln.name = "ids"}) -> (tensor<?x5x4xf64> {kiln.name = "y"}) {
  %y = kiln.gather %t, %ids {axis = 0 : i64} : (tensor<7x4xf64>, tensor<?x5xi64>) -> tensor<?x5x4xf64>
  return %y : tensor<?x5x4xf64>
}
"""),
    "gather_elements": ("gather_elements along axis 1 with negative and repeated indices (repeats sum).", "// RANGE: i -5 4\n", """
func.func @f(%x: tensor<?x5xf64> {kiln.name = "x"}, %i: tensor<?x7xi64> {kiln.name = "i"}) -> (tensor<?x7xf64> {kiln.name = "y"}) {
  %g = kiln.gather_elements %x, %i {axis = 1 : i64} : (tensor<?x5xf64>, tensor<?x7xi64>) -> tensor<?x7xf64>
  %y = kiln.mul %g, %g : (tensor<?x7xf64>, tensor<?x7xf64>) -> tensor<?x7xf64>
  return %y : tensor<?x7xf64>
}
"""),
    "scan_rnn": ("a SimpleRNN as a scan: the recurrent weight is captured from above (a carry for the VJP), final state and every step's output used.", "", """
func.func @f(%x: tensor<?x5x4xf64> {kiln.name = "x"}, %h0: tensor<?x6xf64> {kiln.name = "h0"},
             %w: tensor<4x6xf64> {kiln.name = "w"}, %u: tensor<6x6xf64> {kiln.name = "u"})
    -> (tensor<?x6xf64> {kiln.name = "last"}, tensor<?x5x6xf64> {kiln.name = "all"}) {
  %xw = kiln.matmul %x, %w : (tensor<?x5x4xf64>, tensor<4x6xf64>) -> tensor<?x5x6xf64>
  %last, %all = kiln.scan (%h0) over (%xw) axis = 1
      : (tensor<?x6xf64>), (tensor<?x5x6xf64>) -> (tensor<?x6xf64>, tensor<?x5x6xf64>) {
  ^bb0(%h: tensor<?x6xf64>, %xt: tensor<?x6xf64>):
    %r = kiln.matmul %h, %u : (tensor<?x6xf64>, tensor<6x6xf64>) -> tensor<?x6xf64>
    %z = kiln.add %xt, %r : (tensor<?x6xf64>, tensor<?x6xf64>) -> tensor<?x6xf64>
    %hn = kiln.tanh %z : tensor<?x6xf64>
    kiln.yield %hn, %hn : tensor<?x6xf64>, tensor<?x6xf64>
  }
  return %last, %all : tensor<?x6xf64>, tensor<?x5x6xf64>
}
"""),
    "scan_reverse_two_carries": ("a reverse scan over axis 0 with two carries and two sequences.", "", """
func.func @f(%a: tensor<4x3x2xf64> {kiln.name = "a"}, %b: tensor<4x3x2xf64> {kiln.name = "b"},
             %s0: tensor<3x2xf64> {kiln.name = "s0"}, %m0: tensor<3x2xf64> {kiln.name = "m0"})
    -> (tensor<3x2xf64> {kiln.name = "sum"}, tensor<4x3x2xf64> {kiln.name = "out"}) {
  %s, %m, %d = kiln.scan (%s0, %m0) over (%a, %b) axis = 0 reverse
      : (tensor<3x2xf64>, tensor<3x2xf64>), (tensor<4x3x2xf64>, tensor<4x3x2xf64>)
      -> (tensor<3x2xf64>, tensor<3x2xf64>, tensor<4x3x2xf64>) {
  ^bb0(%sp: tensor<3x2xf64>, %mp: tensor<3x2xf64>, %at: tensor<3x2xf64>, %bt: tensor<3x2xf64>):
    %p = kiln.mul %at, %bt : (tensor<3x2xf64>, tensor<3x2xf64>) -> tensor<3x2xf64>
    %sn = kiln.add %sp, %p : (tensor<3x2xf64>, tensor<3x2xf64>) -> tensor<3x2xf64>
    %q = kiln.mul %mp, %sn : (tensor<3x2xf64>, tensor<3x2xf64>) -> tensor<3x2xf64>
    %mn = kiln.sigmoid %q : tensor<3x2xf64>
    %dn = kiln.sub %sn, %mn : (tensor<3x2xf64>, tensor<3x2xf64>) -> tensor<3x2xf64>
    kiln.yield %sn, %mn, %dn : tensor<3x2xf64>, tensor<3x2xf64>, tensor<3x2xf64>
  }
  return %s, %d : tensor<3x2xf64>, tensor<4x3x2xf64>
}
"""),
    "mlp_loss": ("a two-layer MLP with a mean cross-entropy loss: fan-out of the hidden layer, weights and biases.", "// RANGE: labels 0 3\n", """
func.func @f(%x: tensor<?x6xf64> {kiln.name = "x"}, %labels: tensor<?xi64> {kiln.name = "labels"},
             %w1: tensor<6x8xf64> {kiln.name = "w1"}, %b1: tensor<8xf64> {kiln.name = "b1"},
             %w2: tensor<8x4xf64> {kiln.name = "w2"}, %b2: tensor<4xf64> {kiln.name = "b2"}) -> (tensor<f64> {kiln.name = "loss"}) {
  %h0 = kiln.matmul %x, %w1 : (tensor<?x6xf64>, tensor<6x8xf64>) -> tensor<?x8xf64>
  %h1 = kiln.add %h0, %b1 : (tensor<?x8xf64>, tensor<8xf64>) -> tensor<?x8xf64>
  %h = kiln.tanh %h1 : tensor<?x8xf64>
  %g = kiln.mul %h, %h : (tensor<?x8xf64>, tensor<?x8xf64>) -> tensor<?x8xf64>
  %o0 = kiln.matmul %g, %w2 : (tensor<?x8xf64>, tensor<8x4xf64>) -> tensor<?x4xf64>
  %o = kiln.add %o0, %b2 : (tensor<?x4xf64>, tensor<4xf64>) -> tensor<?x4xf64>
  %l = kiln.sparse_softmax_cross_entropy %o, %labels : (tensor<?x4xf64>, tensor<?xi64>) -> tensor<?xf64>
  %loss = kiln.reduce_mean %l {axes = array<i64: 0>} : (tensor<?xf64>) -> tensor<f64>
  return %loss : tensor<f64>
}
"""),
}

for name, (comment, extra, body) in STRUCTURE.items():
    write(name, body.lstrip("\n"), f"VJP of {comment}", extra.replace("\\n", "\n"))

NN = {
    "conv2d_strided": ("a 2-D convolution with stride 2, dilation 1 and asymmetric padding.", "", """
func.func @f(%x: tensor<?x7x6x2xf64> {kiln.name = "x"}, %w: tensor<3x2x2x3xf64> {kiln.name = "w"}) -> (tensor<?x4x3x3xf64> {kiln.name = "y"}) {
  %y = kiln.conv %x, %w {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 0, 1>} : (tensor<?x7x6x2xf64>, tensor<3x2x2x3xf64>) -> tensor<?x4x3x3xf64>
  return %y : tensor<?x4x3x3xf64>
}
"""),
    "conv1d_dilated": ("a 1-D convolution with dilation 2 (causal padding).", "", """
func.func @f(%x: tensor<?x9x3xf64> {kiln.name = "x"}, %w: tensor<3x3x4xf64> {kiln.name = "w"}) -> (tensor<?x9x4xf64> {kiln.name = "y"}) {
  %y = kiln.conv %x, %w {dilations = array<i64: 2>, padding = array<i64: 4, 0>} : (tensor<?x9x3xf64>, tensor<3x3x4xf64>) -> tensor<?x9x4xf64>
  return %y : tensor<?x9x4xf64>
}
"""),
    "conv_depthwise": ("a depthwise convolution (groups = channels, multiplier 2), stride 2, same padding.", "", """
func.func @f(%x: tensor<?x6x6x3xf64> {kiln.name = "x"}, %w: tensor<3x3x1x6xf64> {kiln.name = "w"}) -> (tensor<?x3x3x6xf64> {kiln.name = "y"}) {
  %y = kiln.conv %x, %w {strides = array<i64: 2, 2>, padding = array<i64: 0, 1, 0, 1>, groups = 3 : i64} : (tensor<?x6x6x3xf64>, tensor<3x3x1x6xf64>) -> tensor<?x3x3x6xf64>
  return %y : tensor<?x3x3x6xf64>
}
"""),
    "conv_grouped": ("a grouped 1-D convolution (2 groups).", "", """
func.func @f(%x: tensor<?x7x4xf64> {kiln.name = "x"}, %w: tensor<3x2x6xf64> {kiln.name = "w"}) -> (tensor<?x5x6xf64> {kiln.name = "y"}) {
  %y = kiln.conv %x, %w {groups = 2 : i64} : (tensor<?x7x4xf64>, tensor<3x2x6xf64>) -> tensor<?x5x6xf64>
  return %y : tensor<?x5x6xf64>
}
"""),
    "conv_transpose_grouped": ("a grouped 2-D transposed convolution (2 groups), stride 2.", "", """
func.func @f(%x: tensor<?x3x3x4xf64> {kiln.name = "x"}, %w: tensor<2x2x3x4xf64> {kiln.name = "w"}) -> (tensor<?x6x6x6xf64> {kiln.name = "y"}) {
  %y = kiln.conv_transpose %x, %w {strides = array<i64: 2, 2>, groups = 2 : i64} : (tensor<?x3x3x4xf64>, tensor<2x2x3x4xf64>) -> tensor<?x6x6x6xf64>
  return %y : tensor<?x6x6x6xf64>
}
"""),
    "conv_transpose": ("a 2-D transposed convolution, stride 2 with padding and output padding.", "", """
func.func @f(%x: tensor<?x3x3x4xf64> {kiln.name = "x"}, %w: tensor<3x3x2x4xf64> {kiln.name = "w"}) -> (tensor<?x6x6x2xf64> {kiln.name = "y"}) {
  %y = kiln.conv_transpose %x, %w {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, output_padding = array<i64: 1, 1>} : (tensor<?x3x3x4xf64>, tensor<3x3x2x4xf64>) -> tensor<?x6x6x2xf64>
  return %y : tensor<?x6x6x2xf64>
}
"""),
    "avg_pool_padded": ("average pooling, 3x3 windows, stride 2, padding not counted.", "", """
func.func @f(%x: tensor<?x5x5x2xf64> {kiln.name = "x"}) -> (tensor<?x3x3x2xf64> {kiln.name = "y"}) {
  %y = kiln.avg_pool %x {window = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<?x5x5x2xf64>) -> tensor<?x3x3x2xf64>
  return %y : tensor<?x3x3x2xf64>
}
"""),
    "avg_pool_valid": ("average pooling, 2x2 windows, stride 2.", "", """
func.func @f(%x: tensor<?x4x6x3xf64> {kiln.name = "x"}) -> (tensor<?x2x3x3xf64> {kiln.name = "y"}) {
  %y = kiln.avg_pool %x {window = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x4x6x3xf64>) -> tensor<?x2x3x3xf64>
  return %y : tensor<?x2x3x3xf64>
}
"""),
    "max_pool_padded": ("max pooling, 3x3 windows, stride 2, padded (overlapping windows).", "", """
func.func @f(%x: tensor<?x5x5x2xf64> {kiln.name = "x"}) -> (tensor<?x3x3x2xf64> {kiln.name = "y"}) {
  %y = kiln.max_pool %x {window = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<?x5x5x2xf64>) -> tensor<?x3x3x2xf64>
  return %y : tensor<?x3x3x2xf64>
}
"""),
    "max_pool_valid": ("max pooling, 2x2 windows, stride 2.", "", """
func.func @f(%x: tensor<?x4x6x3xf64> {kiln.name = "x"}) -> (tensor<?x2x3x3xf64> {kiln.name = "y"}) {
  %y = kiln.max_pool %x {window = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x4x6x3xf64>) -> tensor<?x2x3x3xf64>
  return %y : tensor<?x2x3x3xf64>
}
"""),
    "batch_norm_training": ("batch normalization with batch statistics (all three results).", "", """
func.func @f(%x: tensor<?x4x3xf64> {kiln.name = "x"}, %g: tensor<3xf64> {kiln.name = "g"}, %b: tensor<3xf64> {kiln.name = "b"})
    -> (tensor<?x4x3xf64> {kiln.name = "y"}, tensor<3xf64> {kiln.name = "mean"}, tensor<3xf64> {kiln.name = "var"}) {
  %y, %m, %v = kiln.batch_norm_training %x, %g, %b {epsilon = 1.0e-3 : f64, feature_axis = 2 : i64}
      : (tensor<?x4x3xf64>, tensor<3xf64>, tensor<3xf64>) -> (tensor<?x4x3xf64>, tensor<3xf64>, tensor<3xf64>)
  return %y, %m, %v : tensor<?x4x3xf64>, tensor<3xf64>, tensor<3xf64>
}
"""),
    "batch_norm_inference": ("batch normalization with given statistics.", "// RANGE: var 0.5 2\\n", """
func.func @f(%x: tensor<?x3x4xf64> {kiln.name = "x"}, %g: tensor<3xf64> {kiln.name = "g"}, %b: tensor<3xf64> {kiln.name = "b"},
             %mean: tensor<3xf64> {kiln.name = "mean"}, %var: tensor<3xf64> {kiln.name = "var"}) -> (tensor<?x3x4xf64> {kiln.name = "y"}) {
  %y = kiln.batch_norm_inference %x, %g, %b, %mean, %var {epsilon = 1.0e-3 : f64, feature_axis = 1 : i64}
      : (tensor<?x3x4xf64>, tensor<3xf64>, tensor<3xf64>, tensor<3xf64>, tensor<3xf64>) -> tensor<?x3x4xf64>
  return %y : tensor<?x3x4xf64>
}
"""),
    "layer_norm": ("layer normalization over the last two axes.", "", """
func.func @f(%x: tensor<?x3x4xf64> {kiln.name = "x"}, %g: tensor<3x4xf64> {kiln.name = "g"}, %b: tensor<3x4xf64> {kiln.name = "b"}) -> (tensor<?x3x4xf64> {kiln.name = "y"}) {
  %y = kiln.layer_norm %x, %g, %b {axes = array<i64: 1, 2>, epsilon = 1.0e-3 : f64} : (tensor<?x3x4xf64>, tensor<3x4xf64>, tensor<3x4xf64>) -> tensor<?x3x4xf64>
  return %y : tensor<?x3x4xf64>
}
"""),
    "dropout_training": ("dropout in training mode (the same mask on the cotangent).", "", """
func.func @f(%x: tensor<?x16xf64> {kiln.name = "x"}) -> (tensor<?x16xf64> {kiln.name = "y"}) {
  %y = kiln.dropout %x {rate = 0.3 : f64, seed = 7 : i64, training = true} : (tensor<?x16xf64>) -> tensor<?x16xf64>
  return %y : tensor<?x16xf64>
}
"""),
}

for name, (comment, extra, body) in NN.items():
    write(name, body.lstrip("\n"), f"VJP of {comment}", extra.replace("\\n", "\n"))
