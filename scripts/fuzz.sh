#!/usr/bin/env bash
# The sanitizer and fuzzing stage (docs/FUZZING.md), run by scripts/test.sh
# after ctest and so by CI: builds build-fuzz/ with clang-14, ASan and UBSan
# (-DCRASHWATCH_FUZZ=ON), runs the whole Catch2 unit suite under them once,
# then each libFuzzer target of fuzz/ for FUZZ_SECONDS (default 20, at most
# 60) on its seed corpus. Fails on any sanitizer report, leak, fuzz crash,
# mismatch, timeout or oversized allocation. New corpus entries go to a
# temporary directory, never into fuzz/corpus/; crashing inputs are kept in
# build-fuzz/fuzz-artifacts/.
#
#   scripts/fuzz.sh                    # all of it
#   FUZZ_SECONDS=5 scripts/fuzz.sh     # shorter fuzz runs
#   scripts/fuzz.sh record_parser      # only the fuzz targets named
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-20}
if ((seconds > 60)); then
  echo "fuzz.sh: FUZZ_SECONDS is at most 60 here (CI time); run a target" \
       "by hand for longer (docs/FUZZING.md)" >&2
  exit 2
fi
targets=("$@")
((${#targets[@]} > 0)) || targets=(record_parser event_time messages journal frame_guard)
jobs=$(nproc)

./scripts/install-deps.sh
CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DCRASHWATCH_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fuzzers=()
for t in "${targets[@]}"; do fuzzers+=("${t}_fuzz"); done
cmake --build build-fuzz -j "$jobs" --target unit_tests "${fuzzers[@]}"

# Any sanitizer report fails the run; leaks too. What is excluded, and why,
# is in fuzz/sanitizer-suppressions/ (UBSan: at compile time, see
# ubsan-ignorelist.txt; LeakSanitizer: lsan.supp).
supp=$PWD/fuzz/sanitizer-suppressions
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"

echo "fuzz.sh: unit tests under ASan+UBSan"
start=$SECONDS
(cd build-fuzz && tests/unit_tests) >build-fuzz/unit_tests.log 2>&1 || {
  tail -n 80 build-fuzz/unit_tests.log >&2
  echo "fuzz.sh: unit tests failed under ASan+UBSan (build-fuzz/unit_tests.log)" >&2
  exit 1
}
echo "fuzz.sh: $(tail -n 3 build-fuzz/unit_tests.log | grep -E 'passed|assertions' | head -1) ($((SECONDS - start)) s)"

# Per target: -malloc_limit_mb is the largest single allocation an input of
# at most -max_len bytes can justify (messages: 64 MB, far above any of our
# own messages decoded from 4 KiB); the journal's inputs include a whole
# journal file (52 KiB).
malloc_limit() {
  case $1 in
    messages) echo 64 ;;
    *) echo 256 ;;
  esac
}
max_len() {
  case $1 in
    journal) echo 65536 ;;
    *) echo 4096 ;;
  esac
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p build-fuzz/fuzz-artifacts
run_target() {
  local t=$1
  mkdir -p "$work/$t"
  build-fuzz/fuzz/${t}_fuzz -max_total_time="$seconds" -timeout=10 \
    -malloc_limit_mb="$(malloc_limit "$t")" -rss_limit_mb=2048 -max_len="$(max_len "$t")" \
    -print_final_stats=1 -artifact_prefix="$PWD/build-fuzz/fuzz-artifacts/$t-" \
    "$work/$t" "fuzz/corpus/$t" >"$work/$t.log" 2>&1
}
echo "fuzz.sh: fuzzing ${targets[*]} for $seconds s each, $jobs at a time"
failed=()
pids=()
names=()
for t in "${targets[@]}"; do
  run_target "$t" &
  pids+=($!)
  names+=("$t")
  if ((${#pids[@]} >= jobs)); then
    wait "${pids[0]}" || failed+=("${names[0]}")
    pids=("${pids[@]:1}")
    names=("${names[@]:1}")
  fi
done
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || failed+=("${names[$i]}")
done
for t in "${targets[@]}"; do
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$work/$t.log" | grep -o '[0-9]*$' || true)
  echo "fuzz.sh: $t: ${runs:-?} executions"
done
if ((${#failed[@]} > 0)); then
  for t in "${failed[@]}"; do
    echo "---- $t ----" >&2
    grep -v -E '^(#[0-9]+|INFO:|\s+NEW_FUNC)' "$work/$t.log" | tail -n 60 >&2
  done
  echo "fuzz.sh: failed: ${failed[*]} (inputs in build-fuzz/fuzz-artifacts/;" \
       "docs/FUZZING.md says how to reproduce)" >&2
  exit 1
fi
echo "fuzz.sh: all passed"
