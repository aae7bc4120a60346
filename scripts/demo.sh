#!/usr/bin/env bash
# The README's demo command: installs what is missing, builds, and runs the
# demo (sample log records through the pipeline, alerts on the console).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
exec build/crashwatch demo "$@"
