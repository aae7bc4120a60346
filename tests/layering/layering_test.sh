#!/usr/bin/env bash
# The build refuses an include that runs up the layers: for each library,
# a probe including a header of the layer above must fail to compile with
# "No such file" for that header, and a probe including a header of the
# layer below must compile (so the failure is the layering, nothing else).
# Arguments: the build dir, then LAYER:HEADER_ABOVE:HEADER_BELOW entries
# (tests/layering/CMakeLists.txt).
set -uo pipefail
build=$1
shift
failures=0
for entry in "$@"; do
  IFS=: read -r layer above below <<<"$entry"
  if ! out=$(cmake --build "$build" --target "layering_${layer}_down" 2>&1); then
    echo "FAIL: $layer cannot include $below (a layer below it):" >&2
    echo "$out" | grep -m3 -E 'error|Error' >&2
    failures=$((failures + 1))
  fi
  if out=$(cmake --build "$build" --target "layering_${layer}_up" 2>&1); then
    echo "FAIL: $layer can include $above (a layer above it)" >&2
    failures=$((failures + 1))
  elif ! grep -qF "$above: No such file or directory" <<<"$out"; then
    echo "FAIL: including $above from $layer failed for another reason:" >&2
    echo "$out" | grep -m3 -E 'error|Error' >&2
    failures=$((failures + 1))
  fi
done
if ((failures > 0)); then
  echo "layering: $failures of $(($# * 2)) probes wrong" >&2
  exit 1
fi
echo "layering: $# layers see the layer below and not the one above"
