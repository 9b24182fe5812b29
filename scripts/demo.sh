#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The README's main command: installs, builds and runs the demo.
# Until code generation lands, the demo takes an MLP written in the kiln
# dialect with a dynamic batch, fixes the batch at 32, and lets kiln-opt infer
# every shape and fold the model (--kiln-infer-shapes, --canonicalize).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${KILN_BUILD_DIR:-$root/build}
"$root/scripts/build.sh" kiln-opt
model=$root/examples/models/mlp.mlir

echo "== $model (dynamic batch)"
"$build/bin/kiln-opt" "$model"
echo
echo "== batch fixed at 32, after --kiln-infer-shapes --canonicalize"
sed -e 's/%x: tensor<?x64xf32>/%x: tensor<32x64xf32>/' \
    -e 's/%x, %scale : (tensor<?x64xf32>/%x, %scale : (tensor<32x64xf32>/' "$model" |
  "$build/bin/kiln-opt" --kiln-infer-shapes --canonicalize
