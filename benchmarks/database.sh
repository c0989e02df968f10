#!/usr/bin/env bash
# Issue 17, item 4: secretstage-server --database under wrk, beside the in-memory server, in one run.
#
#   benchmarks/database.sh [--duration SECONDS] [--build-dir DIR]
#
# Starts a throwaway PostgreSQL 15 cluster (tests/rotation/pg_cluster.py: initdb as a non-root
# user, a free port, password authentication, fsync off) and builds (Release) secretstage-server,
# then for GetSecretValue and PutSecretValue on one secret (benchmarks/server/requests.lua) runs:
#   1. the in-memory server: one wrk, 2 threads, 4 connections;
#   2. one server on the database: the same wrk;
#   3. two servers on one database: two wrk at once, 1 thread and 2 connections each, one per
#      server (the same 4 connections in all), requests/s summed.
# PutSecretValue on one secret from every connection is the hot-secret case: its conflict rate
# is the servers' "conflicts retried" per request (their exit line) — each conflict is one more
# attempt of the same request. Each database case gets a fresh database.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build-bench-server
duration=5
args=("$@")
while (($#)); do
  case $1 in
    --duration) duration=$2; shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "database.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "database.sh: wrk is missing (scripts/setup.sh installs it)" >&2; exit 2; }

# Run again inside a throwaway cluster: pg_cluster.py sets PGHOST, PGPORT, PGUSER and
# PG_CLUSTER_PASSWORD_FILE, and stops the cluster when this script ends.
if [[ -z ${PG_CLUSTER_PASSWORD_FILE:-} ]]; then
  exec /usr/bin/python3 "$root/tests/rotation/pg_cluster.py" -- bash "${BASH_SOURCE[0]}" "${args[@]}"
fi
PGPASSWORD=$(head -n 1 "$PG_CLUSTER_PASSWORD_FILE")
export PGPASSWORD  # the servers' libpq reads it; never on a command line

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="${CXX:-g++}" \
  -DSECRETSTAGE_BUILD_TESTS=OFF -DSECRETSTAGE_BUILD_EXAMPLES=ON -DSECRETSTAGE_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$build" --target secretstage-server >/dev/null

harness_name=database.sh
source "$root/benchmarks/server_harness.sh"

prepare() {  # the secret "bench" with V1 and V2 (AWSCURRENT)
  call "$1" CreateSecret '{"Name":"bench","SecretString":"v1","ClientRequestToken":"00000000-0000-4000-8000-000000000001"}'
  call "$1" PutSecretValue '{"SecretId":"bench","SecretString":"v2","ClientRequestToken":"00000000-0000-4000-8000-000000000002"}'
}

database=0
fresh_database() {  # creates a database; sets $uri
  database=$((database + 1))
  psql --no-psqlrc --quiet -c "CREATE DATABASE bench$database" postgres
  uri="postgresql://$PGUSER@$PGHOST:$PGPORT/bench$database"
}

wrk_run() {  # wrk_run <out> <threads> <connections> <id base> <url> <operation>
  OP=$6 ID_BASE=$4 wrk -t"$2" -c"$3" -d"${duration}s" --latency \
    -s "$root/benchmarks/server/requests.lua" "$5/" >"$1"
}

report() {  # report <label> <wrk outputs…>: summed requests/s, p50/p99 of the first, non-2xx sum
  local label=$1
  shift
  local rps p50 p99 bad
  rps=$(cat "$@" | awk '/^Requests\/sec:/ {s += $2} END {printf "%.0f", s}')
  bad=$(cat "$@" | awk '/^non-2xx:/ {s += $2} END {print s + 0}')
  p50=$(awk '$1 == "50%" {print $2}' "$1")
  p99=$(awk '$1 == "99%" {print $2}' "$1")
  printf '%-46s %8s req/s   p50 %-9s p99 %-9s non-2xx %s\n' "$label" "$rps" "$p50" "$p99" "$bad"
}

conflicts() {  # conflicts <server names…>: the summed database counters of their exit lines
  local requests=0 retried=0 exhausted=0 line
  for name in "$@"; do
    line=$(grep 'database: .* requests' "$work/$name.err" | tail -n 1)
    requests=$((requests + $(sed -E 's/.*database: ([0-9]+) requests.*/\1/' <<<"$line")))
    retried=$((retried + $(sed -E 's/.* ([0-9]+) conflicts retried.*/\1/' <<<"$line")))
    exhausted=$((exhausted + $(sed -E 's/.* ([0-9]+) out of attempts.*/\1/' <<<"$line")))
  done
  awk -v r="$requests" -v c="$retried" -v x="$exhausted" 'BEGIN { printf "    conflicts retried: %d in %d requests (%.2f per request); out of attempts (InternalServiceError): %d\n", c, r, (r ? c / r : 0), x }'
}

machine_line
echo "== PostgreSQL $(psql --no-psqlrc -tA -c 'SHOW server_version' postgres) (fsync off), wrk ${duration}s, 4 connections in all, $(date -u +%Y-%m-%dT%H:%MZ)"
for op in GetSecretValue PutSecretValue; do
  server memory --seed 1
  prepare "$url"
  wrk_run "$work/w1" 2 4 0 "$url" "$op"
  report "in memory, $op" "$work/w1"
  stop "$pid"

  fresh_database
  server one --database "$uri"
  prepare "$url"
  wrk_run "$work/w1" 2 4 0 "$url" "$op"
  stop "$pid"
  report "database, one server, $op" "$work/w1"
  conflicts one

  fresh_database
  server a --database "$uri"
  url_a=$url pid_a=$pid
  server b --database "$uri"
  url_b=$url pid_b=$pid
  prepare "$url_a"
  wrk_run "$work/wa" 1 2 0 "$url_a" "$op" &
  wa=$!
  wrk_run "$work/wb" 1 2 100 "$url_b" "$op"
  wait "$wa"
  stop "$pid_a"
  stop "$pid_b"
  report "database, two servers, $op" "$work/wa" "$work/wb"
  conflicts a b
done
