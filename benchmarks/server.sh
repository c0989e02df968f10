#!/usr/bin/env bash
# Issue 5, item 8: server throughput under wrk on this machine, in one run.
#
#   benchmarks/server.sh [--duration SECONDS] [--connections N] [--build-dir DIR] [--no-targets]
#
# Builds (Release) secretstage-server and secretstage-empty-server (the same cpp-httplib setup
# answering `{}`: the ceiling of the HTTP layer), then for each of GetSecretValue, PutSecretValue
# and UpdateSecretVersionStage runs wrk (benchmarks/server/requests.lua; 2 threads, N connections,
# default 4; USVS with one connection per thread, as each moves its own label) against:
#   1. the empty server (GetSecretValue's request shape; the ceiling),
#   2. secretstage-server,
#   3. moto's server, when `moto_server` is on PATH (otherwise a line saying it was skipped).
# Prints requests/s, p50 and p99 latency and non-2xx answers for each, the ratios, and the
# targets: secretstage GetSecretValue ≥ 0.7 × the ceiling (issue 13: a read that changes nothing
# takes the service's shared path) and its p99 ≤ 2 ms (PASS/FAIL; exit 1
# on a FAIL unless --no-targets, which CI's smoke run uses: a loaded CI machine says nothing
# about the targets, only that the pipeline works).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build-bench-server
duration=5
connections=4
targets=1
while (($#)); do
  case $1 in
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    --no-targets) targets=0; shift ;;
    -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "server.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "server.sh: wrk is missing (scripts/setup.sh installs it)" >&2; exit 2; }

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="${CXX:-g++}" \
  -DSECRETSTAGE_BUILD_TESTS=OFF -DSECRETSTAGE_BUILD_EXAMPLES=ON -DSECRETSTAGE_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$build" --target secretstage-server secretstage-empty-server >/dev/null

harness_name=server.sh
source "$root/benchmarks/server_harness.sh"

prepare() {  # the secret "bench": V1, V2 (AWSCURRENT), labels bench-1..4 on V1
  local url=$1
  call "$url" CreateSecret '{"Name":"bench","SecretString":"v1","ClientRequestToken":"00000000-0000-4000-8000-000000000001"}'
  call "$url" PutSecretValue '{"SecretId":"bench","SecretString":"v2","ClientRequestToken":"00000000-0000-4000-8000-000000000002"}'
  for n in 1 2 3 4; do
    call "$url" UpdateSecretVersionStage "{\"SecretId\":\"bench\",\"VersionStage\":\"bench-$n\",\"MoveToVersionId\":\"00000000-0000-4000-8000-000000000001\"}"
  done
}

declare -A rps p50 p99 non2xx
measure() {  # measure <key> <url> <operation>
  local key=$1 url=$2 op=$3 c=$connections
  [[ $op == UpdateSecretVersionStage ]] && c=2
  local out
  out=$(OP=$op wrk -t2 -c"$c" -d"${duration}s" --latency -s "$root/benchmarks/server/requests.lua" "$url/")
  rps[$key]=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p50[$key]=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99[$key]=$(awk '$1 == "99%" {print $2}' <<<"$out")
  non2xx[$key]=$(awk '/^non-2xx:/ {print $2}' <<<"$out")
  printf '%-44s %10s req/s   p50 %-9s p99 %-9s non-2xx %s\n' "$key" "${rps[$key]}" "${p50[$key]}" "${p99[$key]}" "${non2xx[$key]}"
}

machine_line
echo "== wrk -t2 -c$connections -d${duration}s (USVS: -c2), $(date -u +%Y-%m-%dT%H:%MZ)"
start empty "$build/secretstage-empty-server" --port 0
measure "ceiling: cpp-httplib answering {}" "$url" GetSecretValue

server secretstage --seed 1
prepare "$url"
for op in GetSecretValue PutSecretValue UpdateSecretVersionStage; do
  measure "secretstage-server $op" "$url" "$op"
done

if command -v moto_server >/dev/null; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  moto_server -H 127.0.0.1 -p "$port" >"$work/moto.out" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -s "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.2; done
  prepare "http://127.0.0.1:$port"
  for op in GetSecretValue PutSecretValue UpdateSecretVersionStage; do
    measure "moto_server $op" "http://127.0.0.1:$port" "$op"
  done
else
  echo "moto_server: skipped — moto_server is not on PATH on this machine (pip install 'moto[server]' to compare)"
fi

ms() {  # wrk latency ("812.00us", "1.23ms", "2.00s") in milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}
ceiling=${rps["ceiling: cpp-httplib answering {}"]}
get=${rps["secretstage-server GetSecretValue"]}
ratio=$(awk -v a="$get" -v b="$ceiling" 'BEGIN { printf "%.2f", a / b }')
get_p99=$(ms "${p99["secretstage-server GetSecretValue"]}")
echo "== targets"
word() { if [[ $1 == 1 ]]; then echo PASS; else echo FAIL; fi; }
ratio_ok=$(awk -v r="$ratio" 'BEGIN { print (r >= 0.7) }')
p99_ok=$(awk -v p="$get_p99" 'BEGIN { print (p <= 2) }')
printf 'GetSecretValue / ceiling   %s (budget >= 0.70)  %s\n' "$ratio" "$(word "$ratio_ok")"
printf 'GetSecretValue p99         %s ms (budget <= 2 ms)  %s\n' "$get_p99" "$(word "$p99_ok")"
status=0
[[ $ratio_ok == 1 && $p99_ok == 1 ]] || status=1
if [[ -n ${rps["moto_server GetSecretValue"]:-} ]]; then
  for op in GetSecretValue PutSecretValue UpdateSecretVersionStage; do
    awk -v a="${rps["secretstage-server $op"]}" -v b="${rps["moto_server $op"]}" -v op="$op" \
      'BEGIN { printf "%-26s secretstage / moto = %.1fx\n", op, a / b }'
  done
fi
if [[ $targets -eq 0 ]]; then exit 0; fi
exit "$status"
