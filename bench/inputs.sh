# shellcheck shell=bash
# The pipeline benchmarks' inputs, shared by bench/run.sh, bench/compare.sh,
# bench/cluster_bench.sh and bench/report.sh; sourced, not run.
# make_inputs BIN generates them once with BIN (kept in $BENCH_DATA, default
# /tmp/crashwatch-bench: two files of $BENCH_RECORDS / 2 lines and one of
# $BENCH_RECORDS lines, default 10 M, of `crashwatch generate` defaults) and
# warms the page cache. Sets $data. A directory holds one size: give smaller
# inputs a $BENCH_DATA of their own.
data=${BENCH_DATA:-/tmp/crashwatch-bench}
bench_records=${BENCH_RECORDS:-10000000}

make_inputs() {
  local bin=$1
  mkdir -p "$data"
  local spec path records seed
  for spec in "half-0:$((bench_records / 2)):1" "half-1:$((bench_records / 2)):2" "full:$bench_records:3"; do
    IFS=: read -r path records seed <<<"$spec"
    [[ -s $data/$path.jsonl ]] \
      || "$bin" generate --output-file "$data/$path.jsonl" --records "$records" --seed "$seed"
  done
  cat "$data"/half-[01].jsonl "$data"/full.jsonl >/dev/null # page cache
}
