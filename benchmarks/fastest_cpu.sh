#!/usr/bin/env bash
# Prints the number of the CPU this process may run on that runs a fixed single-threaded job
# fastest (the median of 3 parses of <string> + <vector> by g++ on each), or nothing when CPUs
# cannot be pinned (no taskset, or one CPU only).
#
# Why: on the 2-core VM these benchmarks were written on, one vCPU runs the same g++ job in 0.38 s
# and the other in 0.62 s (its host core is shared), and the scheduler picks either for each
# process; a median over runs then measures the mix, not the code. The single-threaded benchmarks
# (run.sh, compile_time.sh) pin themselves to the fastest CPU with `taskset -c`.
set -euo pipefail

command -v taskset >/dev/null || exit 0
allowed=$(taskset -pc $$ 2>/dev/null | sed 's/.*: //') || exit 0
cpus=()
IFS=, read -ra ranges <<<"$allowed"
for r in "${ranges[@]}"; do
  if [[ $r == *-* ]]; then
    for ((c = ${r%-*}; c <= ${r#*-}; ++c)); do cpus+=("$c"); done
  else
    cpus+=("$r")
  fi
done
((${#cpus[@]} > 1)) || exit 0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '#include <string>\n#include <vector>\n' >"$work/probe.cpp"
best= best_time=
for c in "${cpus[@]}"; do
  : >"$work/times"
  for _ in 1 2 3; do
    taskset -c "$c" /usr/bin/time -f '%U %S' -a -o "$work/times" \
      "${SECRETSTAGE_COMPILE_TIME_CXX:-g++}" -std=c++20 -fsyntax-only "$work/probe.cpp" 2>/dev/null || exit 0
  done
  t=$(awk '{ print $1 + $2 }' "$work/times" | sort -g | sed -n 2p)
  if [[ -z $best ]] || awk -v a="$t" -v b="$best_time" 'BEGIN { exit !(a < b) }'; then
    best=$c best_time=$t
  fi
done
echo "$best"
