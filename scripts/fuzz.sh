#!/usr/bin/env bash
# Builds every tests/fuzz/<name>_fuzz.cpp as a libFuzzer target (clang++ with ASan + UBSan) and
# runs it, starting from its checked-in seed corpus tests/fuzz/corpus/<name>/, one target per core.
#
#   scripts/fuzz.sh                  CI's bounded pass: 200,000 runs of aws_json, policy, service
#                                    and snapshot, 30,000 of operations (each of its inputs is a whole
#                                    sequence of requests with every invariant checked after each:
#                                    ~5 ms a run); each target stops at 300 s all the same
#   scripts/fuzz.sh --runs N         N runs per target
#   scripts/fuzz.sh --time SECONDS   SECONDS per target (long campaigns: --time 3600)
#   scripts/fuzz.sh --only NAME      one target (e.g. operations)
#
# New inputs the fuzzer finds go to build-fuzz/corpus/<name>/ (the checked-in corpus is read,
# never written); a crash, leak, timeout or sanitizer report stops the run, saves the input as
# build-fuzz/artifacts/<name>/crash-… and makes the script fail. Turn each finding into a
# regression test (and add the input to the seed corpus) before fixing it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

runs=
seconds=
only=
while (($#)); do
  case $1 in
    --runs) runs=$2; seconds=; shift 2 ;;
    --time) seconds=$2; runs=; shift 2 ;;
    --only) only=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

./scripts/setup.sh >/dev/null

CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=None -DSECRETSTAGE_LIBFUZZER=ON \
  -DSECRETSTAGE_BUILD_EXAMPLES=OFF -DSECRETSTAGE_BUILD_BENCHMARKS=OFF -DSECRETSTAGE_WERROR=ON \
  -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null

targets=()
for source in tests/fuzz/*_fuzz.cpp; do
  name=$(basename "$source" _fuzz.cpp)
  [[ -z $only || $only == "$name" ]] && targets+=("$name")
done
((${#targets[@]})) || { echo "fuzz.sh: no target named '$only'" >&2; exit 2; }

cmake --build build-fuzz -j 2 --target "${targets[@]/%/_fuzz}"

# Run the targets side by side, at most one per core (each fuzzer is single-threaded), the longest
# first so the others fill in beside it; each target's result is printed as it ends.
jobs=$(nproc)
((jobs > 0)) || jobs=1
run_target() {
  local name=$1 limit
  mkdir -p "build-fuzz/corpus/$name" "build-fuzz/artifacts/$name"
  if [[ -n $runs ]]; then
    limit=(-runs="$runs")
  elif [[ -n $seconds ]]; then
    limit=(-max_total_time="$seconds")
  else  # CI's pass
    limit=(-runs="$( [[ $name == operations ]] && echo 30000 || echo 200000)" -max_total_time=300)
  fi
  echo "==> fuzz $name (${limit[*]})"
  if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "build-fuzz/${name}_fuzz" "build-fuzz/corpus/$name" "tests/fuzz/corpus/$name" \
    "${limit[@]}" -max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="build-fuzz/artifacts/$name/" >"build-fuzz/$name.log" 2>&1; then
    echo "fuzz $name: $(grep -E '^(Done|stat::number_of_executed_units)' "build-fuzz/$name.log" | tr '\n' ' ')"
  else
    echo "fuzz $name: FAILED — finding in build-fuzz/artifacts/$name/; log: build-fuzz/$name.log" >&2
    tail -n 40 "build-fuzz/$name.log" >&2
    return 1
  fi
}

# The two sequence targets take the longest (service ~230 s, operations ~135 s for CI's pass).
ordered=()
for name in service operations; do
  [[ " ${targets[*]} " == *" $name "* ]] && ordered+=("$name")
done
for name in "${targets[@]}"; do
  [[ $name == service || $name == operations ]] || ordered+=("$name")
done

status=0
running=0
for name in "${ordered[@]}"; do
  if ((running >= jobs)); then
    wait -n || status=1
    ((running--))
  fi
  run_target "$name" &
  ((++running))
done
while ((running > 0)); do
  wait -n || status=1
  ((running--))
done
exit "$status"
