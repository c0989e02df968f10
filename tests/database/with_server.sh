#!/usr/bin/env bash
# Runs a command against secretstage-server --database on a throwaway PostgreSQL 15 cluster
# (tests/rotation/pg_cluster.py), with the environment tests/clients/with_server.sh gives: the
# real clients' stories then check the database mode answers as the in-memory server does.
#
#   tests/database/with_server.sh SERVER COMMAND [ARG]...
#
# Exits with COMMAND's status, or 1 if the server does not start or does not exit with 0 on
# SIGTERM. The cluster's password reaches the server in PGPASSWORD only.
set -euo pipefail

if [[ -z ${PG_CLUSTER_PASSWORD_FILE:-} ]]; then
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  exec /usr/bin/python3 "$here/../rotation/pg_cluster.py" -- bash "${BASH_SOURCE[0]}" "$@"
fi
server=$1
shift
PGPASSWORD=$(head -n 1 "$PG_CLUSTER_PASSWORD_FILE")
export PGPASSWORD
export STORY_ROTATION_ARN="arn:aws:lambda:us-east-1:123456789012:function:story-rotation"
export STORY_ROTATED_VALUE="rotated-by-the-story"
# The database mode does not replicate (docs/durability.md): the stories check its refusal instead.
export STORY_NO_REPLICATION=1

work=$(mktemp -d)
trap '[[ -n ${pid:-} ]] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"' EXIT
"$server" --port 0 --region us-east-1 --account-id 123456789012 \
  --rotation-function "$STORY_ROTATION_ARN=remove-pending,value=$STORY_ROTATED_VALUE" \
  --database "postgresql://$PGUSER@$PGHOST:$PGPORT/$PGDATABASE" \
  >"$work/stdout" 2>"$work/stderr" &
pid=$!
line=
for _ in $(seq 1 100); do
  line=$(head -n 1 "$work/stdout" 2>/dev/null || true)
  [[ $line == "listening on http://127.0.0.1:"* ]] && break
  kill -0 "$pid" 2>/dev/null || { echo "with_server: server exited early" >&2; cat "$work/stderr" >&2; exit 1; }
  sleep 0.1
done
if [[ $line != "listening on http://127.0.0.1:"* ]]; then
  echo "with_server: no 'listening on' line after 10 s (got: '$line')" >&2
  exit 1
fi
export SECRETSTAGE_ENDPOINT=${line#listening on }

status=0
"$@" || status=$?
kill -TERM "$pid"
server_status=0
wait "$pid" || server_status=$?
pid=
if [[ $server_status -ne 0 ]]; then
  echo "with_server: server exited with status $server_status after SIGTERM (expected 0)" >&2
  cat "$work/stderr" >&2
  exit 1
fi
exit "$status"
