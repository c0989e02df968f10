#!/usr/bin/env bash
# The demo: replays the bundled rotation story (examples/stories/rotation.jsonl) with
# secretstage-replay --table, which prints AWS's answer to each request and the versions × labels
# table after each step. Installs what the build needs (scripts/setup.sh) and builds the replay
# first. Extra arguments go to secretstage-replay (e.g. --seed 7).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Quiet unless something fails.
quietly() {
  local log
  log=$("$@" 2>&1) || { printf '%s\n' "$log" >&2; exit 1; }
}

quietly ./scripts/setup.sh
quietly cmake -S . -B build-demo -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DSECRETSTAGE_BUILD_TESTS=OFF -DSECRETSTAGE_BUILD_EXAMPLES=ON -DSECRETSTAGE_BUILD_BENCHMARKS=OFF
quietly cmake --build build-demo --target secretstage-replay -j 2
# The story's RotateSecret uses this function: registered as a built-in, it rotates at once.
exec ./build-demo/secretstage-replay --table \
  --rotation-function arn:aws:lambda:us-east-1:123456789012:function:orders-db-rotation=remove-pending \
  "$@" examples/stories/rotation.jsonl
