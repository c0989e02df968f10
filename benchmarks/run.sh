#!/usr/bin/env bash
# Issue 5's benchmarks and their targets, in one command:
#
#   benchmarks/run.sh [--json DIR] [--build-dir DIR] [--repetitions N] [--no-compile-time]
#
# Configures a Release build (CMake + Ninja, g++; default build dir: build-bench/), builds
# secretstage_benchmarks and secretstage_memory, runs them (the timed ones with N repetitions,
# default 5, in random interleaved order, so that every ratio compares medians taken in one run
# under the same conditions), runs benchmarks/compile_time.sh, and prints a table of each target:
# the measured figure, its budget, PASS or FAIL. Exits 1 if any target fails.
#
#   --json DIR         keep Google Benchmark's JSON output (timings.json, memory.json) in DIR
#   --build-dir DIR    where to configure the Release build
#   --repetitions N    repetitions of each timed benchmark (medians are reported)
#   --no-compile-time  skip item 7 (compile_time.sh)
#
# Needs cmake, ninja, g++, libbenchmark-dev and python3.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build-bench
json_dir=
repetitions=5
compile_time=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --json) json_dir=$2; shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    --repetitions) repetitions=$2; shift 2 ;;
    --no-compile-time) compile_time=0; shift ;;
    -h|--help) sed -n '2,19p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

out=${json_dir:-$(mktemp -d)}
mkdir -p "$out"
[[ -n $json_dir ]] || trap 'rm -rf "$out"' EXIT

echo "== configure and build (Release) in $build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="${CXX:-g++}" \
  -DSECRETSTAGE_BUILD_TESTS=OFF -DSECRETSTAGE_BUILD_EXAMPLES=OFF -DSECRETSTAGE_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$build" --target secretstage_benchmarks secretstage_memory

# Single-threaded benchmarks, pinned to the CPU that is fastest now (see fastest_cpu.sh: on the VM
# they were written on, one vCPU is at times 1.6x slower than the other).
pin=()
cpu=$("$root/benchmarks/fastest_cpu.sh" || true)
[[ -n $cpu ]] && pin=(taskset -c "$cpu")
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), load average $(cut -d' ' -f1-3 /proc/loadavg)${cpu:+; pinned to CPU $cpu}"
echo "== timed benchmarks ($repetitions repetitions, interleaved)"
"${pin[@]}" "$build/secretstage_benchmarks" --benchmark_repetitions="$repetitions" \
  --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true \
  --benchmark_out="$out/timings.json" --benchmark_out_format=json
echo "== memory"
"${pin[@]}" "$build/secretstage_memory" --benchmark_out="$out/memory.json" --benchmark_out_format=json

compile_status=0
compile_report=
if [[ $compile_time -eq 1 ]]; then
  echo "== compile time"
  compile_report=$("$root/benchmarks/compile_time.sh") || compile_status=$?
  echo "$compile_report"
fi

echo
status=0
python3 - "$out/timings.json" "$out/memory.json" "$compile_report" <<'EOF' || status=$?
import json, re, sys

timings = {b["run_name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]
           if b.get("aggregate_name") == "median"}
memory = {b["run_name"]: b for b in json.load(open(sys.argv[2]))["benchmarks"]}
compile_lines = [l for l in sys.argv[3].splitlines() if l.startswith(("umbrella", "JSON"))]

def ns(name):
    b = timings[name]
    scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b["time_unit"]]
    return b["cpu_time"] * scale  # CPU time: robust to neighbours preempting the run

rows, failed = [], False
def target(item, what, value, budget, unit="×", detail=""):
    global failed
    ok = budget is None or value <= budget
    failed |= not ok
    rows.append((item, what, f"{value:.2f}{unit}" if unit == "×" else f"{value:,.0f} {unit}",
                 "-" if budget is None else f"≤ {budget}{unit}" if unit == "×" else f"≤ {budget} {unit}",
                 "info" if budget is None else "PASS" if ok else "FAIL", detail))

def ratio(item, what, a, b, budget):
    target(item, what, ns(a) / ns(b), budget, detail=f"{ns(a):,.1f} ns / {ns(b):,.1f} ns")

ratio("1", "pure USVS / in-place (100 versions, 20 labels, 4 KiB)", "limit_library", "limit_in_place", 2.0)
ratio("2", "USVS at 10,000 / 10 versions", "usvs_versions/versions:10000", "usvs_versions/versions:10", 1.5)
ratio("2", "USVS at 64 KiB / 16 B values", "usvs_value_size/bytes:65536", "usvs_value_size/bytes:16", 1.2)
ratio("3", "PutSecretValue at 10,000 / 10 versions", "put/versions:10000", "put/versions:10", 2.0)
if "store_usvs/secrets:1000000/working_set:1" in timings:
    # The target, on both readings of "new store": a pure transition from a store that is kept
    # (every earlier store stays valid), and the store a service moves on with apply_in_place.
    ratio("4", "store: resolve + USVS + new store, 10⁶ / 10³ secrets (same secret, pure apply)",
          "store_usvs/secrets:1000000/working_set:1", "store_usvs/secrets:1000/working_set:1", 3.0)
    ratio("4", "  same, the store moved on by apply_in_place (same secret)",
          "store_usvs_moving/secrets:1000000/working_set:1", "store_usvs_moving/secrets:1000/working_set:1", 3.0)
    ratio("4", "  same, apply_in_place over a hot set of 1,000 secrets",
          "store_usvs_moving/secrets:1000000/working_set:1000", "store_usvs_moving/secrets:1000/working_set:1000", 3.0)
    flat_small = "store_in_place/secrets:1000/working_set:1000"
    def flat(ws):
        flat_big = f"store_in_place/secrets:1000000/working_set:{ws}"
        return (f"in-place store: {ns(flat_big) / ns(flat_small):.1f}x "
                f"({ns(flat_big):,.0f} / {ns(flat_small):,.0f} ns)")
    for kind, name, ws, what in (
            ("apply_in_place", "store_usvs_moving", "1000000", "every secret in turn (cache-miss bound)"),
            ("pure apply", "store_usvs", "1000", "a hot set of 1,000 secrets, every earlier store kept"),
            ("pure apply", "store_usvs", "1000000", "every secret in turn, every earlier store kept")):
        big, small = f"{name}/secrets:1000000/working_set:{ws}", f"{name}/secrets:1000/working_set:1000"
        target("4", f"  same, {kind}, {what}", ns(big) / ns(small), None,
               detail=f"{ns(big):,.0f} / {ns(small):,.0f} ns; {flat(ws)}")
h = memory["history_label_moves/iterations:1"]
target("5", "history of 10,000 states (label moves) / one state", h["ratio"], 5.0,
       detail=f"{h['bytes_per_state']:.0f} B per state; one state {h['one_state_bytes'] / 1024:.0f} KiB")
r = memory["history_rotations/iterations:1"]
target("5", "history of 10,000 states (rotations) − values / one state", r["ratio"], None,
       detail=f"{r['bytes_per_state']:.0f} B per state besides the values")
v = memory["version_bytes/iterations:1"]
target("5", "bytes per version (value excluded)", v["bytes_per_version"], None, unit="B",
       detail=f"{v['blocks_per_version']:.2f} allocations per version")
s = memory["store_secret_bytes/iterations:1"]
target("5", "bytes per secret in a store (2 versions of 16 B)", s["bytes_per_secret"], None, unit="B",
       detail=f"{s['blocks_per_secret']:.1f} allocations per secret")
m = timings["mixed/requests:10000"]
target("6", "mixed random requests", m["items_per_second"], None, unit="ops/s",
       detail=f"{100 * m['succeeded_share']:.0f}% of them succeed")
for line in compile_lines:
    name, cpu, wall, budget, verdict = re.match(r"^(.*?\))\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", line).groups()
    if verdict == "SKIP":
        rows.append(("7", f"compile time: {name}", "-", f"≤ {budget} s", "SKIP", "header not written yet"))
        continue
    rows.append(("7", f"compile time: {name}", f"{float(cpu):.2f} s", f"≤ {budget} s", verdict,
                 f"median CPU time; wall {wall} s"))
    failed |= verdict == "FAIL"

widths = [max(len(r[i]) for r in rows + [("item", "target", "figure", "budget", "result", "detail")]) for i in range(6)]
header = ("item", "target", "figure", "budget", "result", "detail")
for r in [header] + rows:
    print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
sys.exit(1 if failed else 0)
EOF
[[ -n $json_dir ]] && echo "JSON kept in $out"
exit $(( status | compile_status ))
