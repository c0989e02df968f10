#!/usr/bin/env bash
# Issue 16, item 5: the cost of durability, in one run on this machine.
#
#   benchmarks/durable.sh [--duration SECONDS] [--build-dir DIR] [--secrets N] [--records M]
#
# Builds (Release) secretstage-server and benchmarks/durable/recovery_bench.cpp, then:
#   1. PutSecretValue/s under wrk (benchmarks/server/requests.lua) at 1, 8 and 64 connections,
#      the in-memory server and the server with --data-dir (a fresh directory under the build
#      directory, so on the same disk as the build) one after the other;
#   2. recovery_bench: recover() of a journal creating N secrets (default 10^5), snapshot bytes per
#      secret, snapshot encode/decode, recover() of M PutSecretValue records (default 10^6);
#   3. the server's start-up on a data directory of N secrets (recovery + the new generation's
#      snapshot), from its own log.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build-bench-durable
duration=5
secrets=100000
records=1000000
while (($#)); do
  case $1 in
    --duration) duration=$2; shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    --secrets) secrets=$2; shift 2 ;;
    --records) records=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "durable.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "durable.sh: wrk is missing (scripts/setup.sh installs it)" >&2; exit 2; }

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="${CXX:-g++}" \
  -DSECRETSTAGE_BUILD_TESTS=OFF -DSECRETSTAGE_BUILD_EXAMPLES=ON -DSECRETSTAGE_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$build" --target secretstage-server -j 2 >/dev/null
"${CXX:-g++}" -std=c++20 -O2 -DNDEBUG -I"$root/include" "$root/benchmarks/durable/recovery_bench.cpp" \
  -o "$build/recovery_bench" -pthread

harness_name=durable.sh work_parent=$build
source "$root/benchmarks/server_harness.sh"

machine_line
echo "== disk of the data directory: $(df -T "$work" | awk 'NR == 2 {print $1, $2}')"
echo "== wrk PutSecretValue, ${duration}s each, $(date -u +%Y-%m-%dT%H:%MZ)"
printf '%-12s %-12s %12s %10s %10s %8s\n' clients server "req/s" p50 p99 non-2xx
for c in 1 8 64; do
  t=2
  ((c == 1)) && t=1
  for mode in memory durable; do
    args=(--seed 1)
    [[ $mode == durable ]] && args+=(--data-dir "$work/data-$c")
    server "$mode-$c" "${args[@]}"
    call "$url" CreateSecret '{"Name":"bench","SecretString":"v1","ClientRequestToken":"00000000-0000-4000-8000-000000000001"}'
    out=$(OP=PutSecretValue wrk -t"$t" -c"$c" -d"${duration}s" --latency -s "$root/benchmarks/server/requests.lua" "$url/")
    printf '%-12s %-12s %12s %10s %10s %8s\n' "$c" "$mode" \
      "$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")" "$(awk '$1 == "50%" {print $2}' <<<"$out")" \
      "$(awk '$1 == "99%" {print $2}' <<<"$out")" "$(awk '/^non-2xx:/ {print $2}' <<<"$out")"
    stop "$pid"
  done
done

echo "== recovery (library): $secrets secrets, $records journal records"
"$build/recovery_bench" "$secrets" "$records"

echo "== server start-up on a data directory of $secrets secrets"
server fill --data-dir "$work/big"
python3 - "$url" "$secrets" <<'PY'
import http.client, json, sys, threading
url, n = sys.argv[1], int(sys.argv[2])
host, port = url.split("//")[1].split(":")
def run(k):
    c = http.client.HTTPConnection(host, int(port))
    for i in range(k, n, 16):
        body = json.dumps({"Name": f"app/service-{i}/db", "SecretString": "x" * 64,
                           "ClientRequestToken": "00000000-0000-4000-8000-%012d" % i})
        c.request("POST", "/", body, {"X-Amz-Target": "secretsmanager.CreateSecret",
                                      "Content-Type": "application/x-amz-json-1.1"})
        r = c.getresponse(); r.read()
        assert r.status == 200, r.status
threads = [threading.Thread(target=run, args=(k,)) for k in range(16)]
[t.start() for t in threads]; [t.join() for t in threads]
PY
stop "$pid"
ls -l "$work/big" | awk 'NR > 1 {print "   ", $5, $9}'
t0=$(date +%s.%N)
server restart --data-dir "$work/big"
t1=$(date +%s.%N)
stop "$pid"
grep recovered "$work/restart.err" | sed 's/^/    /'
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "    start-up to listening: %.2f s (recovery + writing the next generation)\n", b - a }'
