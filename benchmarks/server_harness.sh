# The server harness the benchmark scripts (server.sh, durable.sh, database.sh) source: a work
# directory removed at exit, servers started in the background and stopped by their PID, and
# requests sent with curl. Set before sourcing:
#   harness_name   the script's name, for messages
#   work_parent    (optional) where the work directory goes (durable.sh measures that disk)
# Defines: $work, start, server, stop, call, machine_line.

work=$(mktemp -d ${work_parent:+-p "$work_parent"})
pids=()
harness_cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap harness_cleanup EXIT

# start <name> <command…>: starts a server that prints "listening on http://…" first, and waits
# up to 60 s for that line (a server recovering a large data directory takes a while); sets
# $url and $pid. Its output goes to $work/<name>.out and .err.
start() {
  local name=$1
  shift
  "$@" >"$work/$name.out" 2>"$work/$name.err" &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 1 600); do
    url=$(sed -n 's/^listening on //p' "$work/$name.out" | head -n 1)
    [[ -n $url ]] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "$harness_name: $name did not start" >&2
  cat "$work/$name.err" >&2
  return 1
}

# server <name> <arguments…>: start $build/secretstage-server on a free port.
server() { start "$1" "$build/secretstage-server" --port 0 "${@:2}"; }

# stop <pid>: SIGTERM, then wait for it (a server writes its exit line, counters included).
stop() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# call <url> <operation> <json>: one request, its answer discarded; fails on a non-2xx status.
# The Authorization header carries a credential scope because moto routes a request to a
# service by it; secretstage-server without --credentials ignores the signature.
call() {
  curl -sf -X POST "$1/" -H "X-Amz-Target: secretsmanager.$2" \
    -H "Content-Type: application/x-amz-json-1.1" \
    -H "Authorization: AWS4-HMAC-SHA256 Credential=x/20261128/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=0" \
    -d "$3" >/dev/null
}

machine_line() {
  echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
}
