#!/usr/bin/env bash
# Installs what is missing, then configures and builds crashwatch into build/
# (the binary lands at build/crashwatch).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build build -j "$(nproc)"
