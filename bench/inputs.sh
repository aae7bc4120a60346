# The pipeline benchmarks' inputs, shared by bench/run.sh and
# bench/compare.sh; sourced, not run. make_inputs BIN generates them once
# with BIN (kept in $BENCH_DATA, default /tmp/crashwatch-bench: two 5 M-line
# files and one 10 M-line file of `crashwatch generate` defaults) and warms
# the page cache. Sets $data.
data=${BENCH_DATA:-/tmp/crashwatch-bench}

make_inputs() {
  local bin=$1
  mkdir -p "$data"
  local spec path records seed
  for spec in half-0:5000000:1 half-1:5000000:2 full:10000000:3; do
    IFS=: read -r path records seed <<<"$spec"
    [[ -s $data/$path.jsonl ]] \
      || "$bin" generate --output-file "$data/$path.jsonl" --records "$records" --seed "$seed"
  done
  cat "$data"/*.jsonl >/dev/null # page cache
}
