#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The README's main command: installs what is missing, builds Kiln, compiles
# a digit classifier written in the kiln dialect into libclassifier.so +
# classifier.h, builds the example application against them with CMake, and
# runs it on handwritten digits.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${KILN_BUILD_DIR:-$root/build}
"$root/scripts/build.sh" kiln kiln_runtime
out=$build/demo
mkdir -p "$out"

echo "== kiln compile examples/models/classifier.mlir --name classifier"
start=$(date +%s.%N)
"$build/bin/kiln" compile "$root/examples/models/classifier.mlir" -o "$out" --name classifier
printf 'compiled in %.2f s: ' "$(echo "$(date +%s.%N) - $start" | bc)"
ls "$out"/libclassifier.so "$out"/classifier.h | tr '\n' ' '; echo
echo "== ldd libclassifier.so"
ldd "$out/libclassifier.so"

echo "== build examples/predict against it"
cmake -S "$root/examples/predict" -B "$out/predict" -G Ninja \
  -DKILN_MODEL_DIR="$out" >/dev/null
ninja -C "$out/predict" >/dev/null

echo "== run it on 12 digits"
zcat "$root/examples/data/digits.csv.gz" | tail -n 12 > "$out/digits-tail.csv"
"$out/predict/predict" "$out/digits-tail.csv" 12
