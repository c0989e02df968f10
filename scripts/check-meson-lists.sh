#!/usr/bin/env bash
# Meson cannot glob, CMake does: fail if the two builds would compile different sources.
# Every .cpp in the folders CMake globs must appear, quoted, in the source-list block of
# meson.build, and every file listed there must exist.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

folders=(tests/unit tests/unit/operations tests/regressions tests/examples tests/property tests/wire
         tests/tools tests/alloc tests/fuzz tests/sigv4 tests/invoker examples tools benchmarks
         benchmarks/memory)

listed=$(sed -n '/^# >>> source lists/,/^# <<< source lists/p' meson.build |
         grep -o "'[^']*\.cpp'" | tr -d "'" | sort -u || true)
status=0

for folder in "${folders[@]}"; do
  [[ -d $folder ]] || continue
  while IFS= read -r file; do
    if ! grep -qxF "$file" <<<"$listed"; then
      echo "check-meson-lists: $file is not listed in meson.build (source lists block)" >&2
      status=1
    fi
  done < <(find "$folder" -maxdepth 1 -name '*.cpp' | sort)
done

while IFS= read -r file; do
  [[ -z $file || -f $file ]] && continue
  echo "check-meson-lists: meson.build lists $file, which does not exist" >&2
  status=1
done <<<"$listed"

if [[ $status -eq 0 ]]; then
  echo "check-meson-lists: meson.build lists all $(grep -c . <<<"$listed" || true) sources"
fi
exit "$status"
