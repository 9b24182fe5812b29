#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The benchmark, one command: installs what it needs (Debian packages; ONNX
# Runtime from npm into a cache folder), builds Kiln, exports the models and
# prints one table from one run (docs/performance.md).
# Usage: bench/run.sh [--threads 1,2] [--cases mlp_b1,...] [--no-sgemm]
#   [--no-train] [--rounds N] (engines in turn N times per case; default 3)
# Environment: KILN_BENCH_CACHE (default ~/.cache/kiln-bench).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${KILN_BENCH_CACHE:-$HOME/.cache/kiln-bench}
mkdir -p "$cache/work"

# PyTorch and torchvision (exporter and peer), oneDNN (sgemm peer), and
# OpenBLAS: PyTorch on Debian calls the system libblas.so.3, the reference
# BLAS unless libopenblas0-pthread provides it.
need=()
for p in python3-torch python3-torchvision python3-numpy libdnnl-dev \
         libopenblas0-pthread; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
# Node.js and npm: Debian's packages, unless a Node.js with npm is there.
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get install -y --no-install-recommends "${need[@]}"
fi
# ONNX Runtime's CPU build is in the npm package; its install script tries
# to download GPU binaries, so it does not run.
ort=$cache/ort/node_modules/onnxruntime-node
if [ ! -d "$ort" ]; then
  npm install --ignore-scripts --no-audit --no-fund --prefix "$cache/ort" \
    onnxruntime-node >/dev/null
fi

"$root/scripts/build.sh" kiln kiln_runtime >/dev/null
cc=$(command -v clang-22 || command -v cc)
"$cc" -O2 "$root/bench/peak.c" -o "$cache/work/peak"
"$cc" -O2 -march=native -I"$root/runtime/src" "$root/bench/sgemm.c" \
  "$root/build/lib/libkiln_runtime.a" -ldnnl -lm -lpthread -o "$cache/work/sgemm"

exec /usr/bin/python3 "$root/bench/bench.py" "$root" "$cache/work" "$ort" "$@"
