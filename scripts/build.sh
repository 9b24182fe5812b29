#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs missing dependencies, configures (once) and builds Kiln in build/.
# Usage: scripts/build.sh [ninja targets...]
# Environment: KILN_BUILD_DIR (default build), KILN_JOBS (default: all cores).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${KILN_BUILD_DIR:-$root/build}

"$root/scripts/install-deps.sh"

# ccache keeps its cache outside the tree (~/.cache/ccache unless CCACHE_DIR).
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}

if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_USE_LINKER=lld \
    -DKILN_WERROR=ON >/dev/null
fi
ninja -C "$build" ${KILN_JOBS:+-j "$KILN_JOBS"} "$@"
