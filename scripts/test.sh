#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs the
# whole test suite (Catch2 unit tests and the integration tests, which start
# real crashwatch processes) through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
cd build
ctest --output-on-failure -j "$(nproc)" "$@"
