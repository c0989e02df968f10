#!/usr/bin/env bash
# Golden tests of secretstage-replay: replays an input and compares what it prints with the
# checked-in expected output (every expected line was checked by hand against the rules of
# docs/semantics.md when it was written; see tests/golden/README.md).
# Usage: check.sh <secretstage-replay> <plain|table|bad-lines>
#   plain      examples/stories/rotation.jsonl            → rotation.out
#   table      the same story with --table                → rotation.table.out
#   bad-lines  bad-lines.jsonl on standard input (exit 1) → bad-lines.out
#   scheduled  examples/stories/scheduled-rotation.jsonl   → scheduled-rotation.out
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
replay=$1
mode=$2

# The story's RotateSecret names this function; scripts/demo.sh registers it the same way.
story_args=(--rotation-function
            arn:aws:lambda:us-east-1:123456789012:function:orders-db-rotation=remove-pending)
actual=$(mktemp)
trap 'rm -f "$actual"' EXIT
status=0
case $mode in
  plain)
    expected=$here/rotation.out
    "$replay" "${story_args[@]}" "$root/examples/stories/rotation.jsonl" >"$actual" || status=$?
    want_status=0
    ;;
  table)
    expected=$here/rotation.table.out
    "$replay" --table "${story_args[@]}" "$root/examples/stories/rotation.jsonl" >"$actual" || status=$?
    want_status=0
    ;;
  scheduled)
    expected=$here/scheduled-rotation.out
    "$replay" --rotation-function \
      arn:aws:lambda:us-east-1:123456789012:function:scheduled-rotation=remove-pending \
      "$root/examples/stories/scheduled-rotation.jsonl" >"$actual" || status=$?
    want_status=0
    ;;
  bad-lines)
    expected=$here/bad-lines.out
    "$replay" --seed 1 <"$here/bad-lines.jsonl" >"$actual" || status=$?
    want_status=1
    ;;
  *)
    echo "check.sh: unknown mode '$mode' (plain, table, bad-lines or scheduled)" >&2
    exit 2
    ;;
esac

if ! diff -u "$expected" "$actual"; then
  echo "check.sh: the $mode output differs from $(basename "$expected") (- expected, + actual)" >&2
  exit 1
fi
if [[ $status -ne $want_status ]]; then
  echo "check.sh: secretstage-replay exited with $status, expected $want_status" >&2
  exit 1
fi
echo "check.sh: $mode output matches $(basename "$expected")"
