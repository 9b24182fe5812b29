#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The README's main command: installs what is missing, builds Kiln, trains
# a small CNN (examples/models/digits_cnn.json, a Keras 3 model file with
# its compile_config) on the UCI handwritten digits with `kiln train`,
# reports the held-out accuracy, exports the trained model as
# libdigits.so + digits.h, builds the example application against it with
# CMake, and runs it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${KILN_BUILD_DIR:-$root/build}
"$root/scripts/build.sh" kiln kiln_runtime
out=$build/demo
mkdir -p "$out"

# Every fifth digit is held out for the test (20%); of the rest, the last
# 10% validates.
zcat "$root/examples/data/digits.csv.gz" | awk "NR % 5 != 0" > "$out/digits-train.csv"
zcat "$root/examples/data/digits.csv.gz" | awk "NR % 5 == 0" > "$out/digits-test.csv"

echo "== kiln train examples/models/digits_cnn.json (1437 digits, 20 epochs)"
"$build/bin/kiln" train "$root/examples/models/digits_cnn.json" --name digits \
  --data "$out/digits-train.csv" --validation-split 0.1 --epochs 20 \
  --batch-size 32 --seed 0 --test-data "$out/digits-test.csv" \
  --save "$out/digits.safetensors" --export "$out"
echo "== ldd libdigits.so"
ldd "$out/libdigits.so"

echo "== build examples/digits against it"
cmake -S "$root/examples/digits" -B "$out/digits-app" -G Ninja \
  -DKILN_MODEL_DIR="$out" >/dev/null
ninja -C "$out/digits-app" >/dev/null

echo "== run it on the held-out digits"
"$out/digits-app/recognize" "$out/digits-test.csv"
