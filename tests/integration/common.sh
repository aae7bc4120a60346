# Shared by the integration tests (tests/integration/*_test.sh); sourced, not
# run. ctest calls each test as `bash SCRIPT PATH_TO_CRASHWATCH` with the build
# dir as working directory.
set -euo pipefail

if [[ $# -lt 1 || ! -x $1 ]]; then
  echo "usage: bash $0 PATH_TO_CRASHWATCH_BINARY" >&2
  exit 2
fi
BIN=$(realpath "$1")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ORACLE="$HERE/oracle.py"
TEST_NAME=$(basename "$0" .sh)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/crashwatch-$TEST_NAME.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# A binary that hangs must not hang the test suite.
RUN_TIMEOUT=${RUN_TIMEOUT:-120}

# free_port: a TCP port on 127.0.0.1 that was free a moment ago (another
# process may take it before the caller binds it).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

fail() {
  echo "FAIL [$TEST_NAME]: $*" >&2
  exit 1
}

note() {
  echo "[$TEST_NAME] $*"
}

# cw ARGS...: the binary under a time limit.
cw() {
  timeout "$RUN_TIMEOUT" "$BIN" "$@"
}

# gen FILE ARGS...: generated records, quietly.
gen() {
  local out=$1
  shift
  cw generate --output-file "$out" "$@" 2>"$TMP/generate.err" \
    || fail "generate $* failed: $(cat "$TMP/generate.err")"
}

# same_file EXPECTED ACTUAL WHAT: byte comparison with a readable diff.
same_file() {
  if ! cmp -s "$1" "$2"; then
    echo "--- expected ($1, $(wc -l <"$1") lines) vs actual ($2, $(wc -l <"$2") lines), first differences:" >&2
    diff "$1" "$2" | head -20 >&2 || true
    fail "$3 differ"
  fi
}

# offsets JSONL OUT: "partition offset" lines of a late or dead-letter file.
offsets() {
  python3 "$ORACLE" offsets "$1" >"$2" || fail "cannot read side output $1"
}

# at_least N ACTUAL WHAT: guards against passing vacuously.
at_least() {
  [[ $2 -ge $1 ]] || fail "only $2 $3 (want at least $1): the test would be vacuous"
}

# oracle_outputs PREFIX ARGS...: what the oracle expects for ARGS (its
# --input files and run options): alerts in PREFIX.jsonl, late records in
# PREFIX.late, malformed ones in PREFIX.malformed.
oracle_outputs() {
  local prefix=$1
  shift
  python3 "$ORACLE" "$@" --alerts "$prefix.jsonl" --late "$prefix.late" \
    --malformed "$prefix.malformed" 2>"$prefix.oracle.err" \
    || fail "oracle failed: $(cat "$prefix.oracle.err")"
}

# outputs_at_least N PREFIX: PREFIX.jsonl, .late and .malformed (from
# oracle_outputs) each hold at least N lines.
outputs_at_least() {
  at_least "$1" "$(wc -l <"$2.jsonl")" "alerts"
  at_least "$1" "$(wc -l <"$2.late")" "late records"
  at_least "$1" "$(wc -l <"$2.malformed")" "malformed records"
}
