#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs the
# whole test suite: the Catch2 unit tests and the integration tests, which
# start real crashwatch processes, through ctest; then the sanitizer and
# fuzzing stage (scripts/fuzz.sh: the unit tests again under ASan+UBSan,
# each fuzz target for FUZZ_SECONDS). SKIP_FUZZ=1 leaves that stage out
# (a quicker local run; CI never sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
(cd build && ctest --output-on-failure -j "$(nproc)" "$@")
if [[ ${SKIP_FUZZ:-0} != 1 ]]; then
  ./scripts/fuzz.sh
fi
