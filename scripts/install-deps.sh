#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs every build and test dependency of Kiln from Debian packages.
# Idempotent: when everything is already present it prints nothing and exits 0.
# Usage: scripts/install-deps.sh [--with-test-refs]
set -euo pipefail

# Build: compiler toolchain, LLVM/MLIR 22, Ninja, ccache.
pkgs=(
  build-essential cmake ninja-build ccache git pkg-config bc
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools clang-22 lld-22
  libgtest-dev libbenchmark-dev
  zlib1g-dev libzstd-dev
  # Frontends: ONNX + protobuf, HDF5 for Keras weights, JSON, zip.
  libonnx-dev libprotobuf-dev protobuf-compiler libhdf5-dev nlohmann-json3-dev
  libzip-dev
  # Test references and ONNX backend test data.
  python3 python3-numpy python3-torch libonnx-testdata python3-onnx python3-h5py
)

missing=()
for p in "${pkgs[@]}"; do
  # dpkg-query prints "install ok installed" only for fully installed packages.
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
