#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The README's test command: installs, builds and runs every test (lit suites,
# unit tests, generated-doc check) through ctest. Exits non-zero on any failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${KILN_BUILD_DIR:-$root/build}
"$root/scripts/build.sh"
cd "$build"
ctest --output-on-failure -j "$(nproc)"
