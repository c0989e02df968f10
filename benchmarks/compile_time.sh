#!/usr/bin/env bash
# Issue 5, item 7: the parse cost of the library's headers.
#
#   benchmarks/compile_time.sh [--runs N]
#
# For each probe, a one-line .cpp that includes the header is compiled N times (default 5) with
# `g++ -std=c++20 -fsyntax-only -I include`; the script prints the median wall-clock time and the
# median CPU time (user + sys) and fails (exit 1) when a probe's median is above its budget:
#
#   <secretstage/secretstage.hpp>   the umbrella header       1.0 s
#   <secretstage/aws_json.hpp>      the JSON wire adapter     2.0 s   (skipped, with a message,
#                                                                      while the header does not exist)
#
# The budget is checked against the CPU time: g++ is single-threaded, so on an idle machine the two
# are the same, and on a machine shared with other jobs the CPU time still measures the compiler
# while the wall clock also measures the neighbours. The load average is printed with the results.
# SECRETSTAGE_COMPILE_TIME_CXX overrides the compiler (default g++: the budget is g++'s).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cxx=${SECRETSTAGE_COMPILE_TIME_CXX:-g++}
runs=5
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "compile_time.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

status=0
echo "compile time: $cxx -std=c++20 -fsyntax-only, median of $runs runs ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-34s %8s %8s %8s  %s\n' "probe" "cpu s" "wall s" "budget" "result"
probe() {
  local header=$1 budget=$2 name=$3
  if [[ ! -f $root/include/$header ]]; then
    printf '%-34s %8s %8s %8s  %s\n' "$name" "-" "-" "$budget" "SKIP ($header does not exist yet)"
    return
  fi
  printf '#include <%s>\n' "$header" >"$work/probe.cpp"
  : >"$work/times"
  for ((i = 0; i < runs; ++i)); do
    /usr/bin/time -f '%e %U %S' -a -o "$work/times" \
      "$cxx" -std=c++20 -fsyntax-only -I "$root/include" "$work/probe.cpp"
  done
  local wall cpu verdict
  wall=$(awk '{ print $1 }' "$work/times" | median)
  cpu=$(awk '{ print $2 + $3 }' "$work/times" | median)
  if awk -v t="$cpu" -v b="$budget" 'BEGIN { exit !(t <= b) }'; then
    verdict=PASS
  else
    verdict=FAIL
    status=1
  fi
  printf '%-34s %8.2f %8.2f %8.1f  %s\n' "$name" "$cpu" "$wall" "$budget" "$verdict"
}
probe secretstage/secretstage.hpp 1.0 "umbrella (secretstage.hpp)"
probe secretstage/aws_json.hpp 2.0 "JSON adapter (aws_json.hpp)"
exit "$status"
