#!/usr/bin/env bash
# Runs a client story against a fresh secretstage-server, then stops the server with SIGTERM and
# checks that it shut down cleanly (exit status 0).
#
#   tests/clients/with_server.sh <secretstage-server> <client command…>
#
# The client finds the server in SECRETSTAGE_ENDPOINT (http://127.0.0.1:<port>), the registered
# rotation function in STORY_ROTATION_ARN (finishSecret removes AWSPENDING; its createSecret step
# writes STORY_ROTATED_VALUE) and the server's commit log in STORY_COMMIT_LOG. With STORY_DATABASE
# set (a libpq URI; tests/database/with_server.sh sets it), the server keeps its stores in that
# database instead, and writes no commit log.
set -euo pipefail

server=$1
shift

export STORY_ROTATION_ARN="arn:aws:lambda:us-east-1:123456789012:function:story-rotation"
export STORY_ROTATED_VALUE="rotated-by-the-story"

work=$(mktemp -d)
trap '[[ -n ${pid:-} ]] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"' EXIT
if [[ -n ${STORY_DATABASE:-} ]]; then
  store=(--database "$STORY_DATABASE")
else
  export STORY_COMMIT_LOG="$work/commits.jsonl"
  store=(--commit-log "$STORY_COMMIT_LOG")
fi

"$server" --port 0 --seed 7 --region us-east-1 --account-id 123456789012 \
  --rotation-function "$STORY_ROTATION_ARN=remove-pending,value=$STORY_ROTATED_VALUE" \
  "${store[@]}" \
  >"$work/stdout" 2>"$work/stderr" &
pid=$!

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
  status=1
fi
# The request log must never carry the story's secret values.
if grep -n -s -e 'story-value-' -e 'fixture-' -e 'value-[0-9]' -e 'never-stored' -e "$STORY_ROTATED_VALUE" \
  "$work/stderr" "$work/stdout" ${STORY_COMMIT_LOG:+"$STORY_COMMIT_LOG"}; then
  echo "with_server: a secret value appears in the server's output" >&2
  status=1
fi
exit "$status"
