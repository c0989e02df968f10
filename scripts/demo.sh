#!/usr/bin/env bash
# Builds and runs the hand-driven rotation example (examples/rotation_by_hand.cpp).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Quiet unless something fails.
quietly() {
  local log
  log=$("$@" 2>&1) || { printf '%s\n' "$log" >&2; exit 1; }
}

if [[ ! -f examples/rotation_by_hand.cpp ]]; then
  echo "demo.sh: examples/rotation_by_hand.cpp does not exist yet" >&2
  exit 1
fi
quietly ./scripts/setup.sh
quietly cmake -S . -B build-demo -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DSECRETSTAGE_BUILD_TESTS=OFF -DSECRETSTAGE_BUILD_EXAMPLES=ON -DSECRETSTAGE_BUILD_BENCHMARKS=OFF
quietly cmake --build build-demo --target rotation_by_hand -j 2
exec ./build-demo/examples/rotation_by_hand "$@"
