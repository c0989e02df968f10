#!/usr/bin/env bash
# The full check, from clean build directories:
#   1. Meson + clang++ (build-meson-clang): meson test, then the benchmark smoke pass;
#   2. the Meson source lists against the folders CMake globs;
#   3. every libFuzzer target for a bounded number of runs (scripts/fuzz.sh, clang++ + ASan/UBSan:
#      200,000 runs, 30,000 for the operation sequences; SECRETSTAGE_FUZZ_RUNS sets one count);
#   4. CMake + g++ with ThreadSanitizer (build-cmake-tsan): the service and server concurrency tests;
#   5. CMake + g++ with AddressSanitizer + UndefinedBehaviorSanitizer (build-cmake-asan): ctest;
#   6. CMake + Ninja + g++ (build-cmake-gcc): ctest, last, so its summary is the final line.
# A failing step does not stop the later ones; the exit code is non-zero if any step failed.
# Each step's output also goes to build-ci-logs/<step>.log. CI keeps only the tail of the output, so
# the step report and the last lines of every failed step's log are printed again after ctest,
# just before the repeated summary line.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

./scripts/setup.sh || exit 1

failed=()
timings=()
rm -rf build-ci-logs && mkdir -p build-ci-logs
step() {
  local name=$1 start=$SECONDS result=ok
  shift
  echo "==> $name"
  "$@" 2>&1 | tee "build-ci-logs/$name.log"
  ((PIPESTATUS[0] == 0)) || { failed+=("$name"); result=FAILED; }
  timings+=("$name: $result in $((SECONDS - start)) s")
  echo "==> $name: $result in $((SECONDS - start)) s"
}

meson_clang() {
  rm -rf build-meson-clang
  # debug: the -O2 default makes the rapidcheck translation units several times slower to compile.
  CXX=clang++ meson setup build-meson-clang --buildtype=debug &&
    meson compile -C build-meson-clang -j 2 &&
    meson test -C build-meson-clang --print-errorlogs &&
    meson test -C build-meson-clang --benchmark --print-errorlogs
}

cmake_gcc() {
  rm -rf build-cmake-gcc
  CXX=g++ cmake -S . -B build-cmake-gcc -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS=-D_GLIBCXX_ASSERTIONS &&
    cmake --build build-cmake-gcc -j 2
}

# The whole suite again under ASan + UBSan; any report aborts the test that triggered it. The
# consumer builds (they install and build other projects) and the compile-time budget (a timing
# check, meaningless under instrumentation) run in the plain build only.
sanitizers() {
  rm -rf build-cmake-asan
  local flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -O1 -g"
  CXX=g++ cmake -S . -B build-cmake-asan -G Ninja -DCMAKE_BUILD_TYPE=None \
    -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" &&
    cmake --build build-cmake-asan -j 2 &&
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-cmake-asan --output-on-failure -j 2 -E '^(consume_|compile_time_budget|bench_server_smoke)'
}

# The threaded parts under ThreadSanitizer: the service's 8-thread unit tests (wire_tests), and the
# server under 8 concurrent clients; a race report stops the server with a non-zero status, which
# the test checks.
thread_sanitizer() {
  rm -rf build-cmake-tsan
  CXX=g++ cmake -S . -B build-cmake-tsan -G Ninja -DCMAKE_BUILD_TYPE=None \
    -DCMAKE_CXX_FLAGS="-fsanitize=thread -O1 -g" -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread \
    -DSECRETSTAGE_BUILD_BENCHMARKS=OFF &&
    cmake --build build-cmake-tsan -j 2 --target secretstage-server secretstage-replay wire_tests &&
    TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
    ctest --test-dir build-cmake-tsan --output-on-failure -R '^(wire_tests|server_smoke|server_concurrency)$'
}

step meson-clang meson_clang
step meson-lists ./scripts/check-meson-lists.sh
step fuzz ./scripts/fuzz.sh ${SECRETSTAGE_FUZZ_RUNS:+--runs "$SECRETSTAGE_FUZZ_RUNS"}
step thread-sanitizer thread_sanitizer
step sanitizers sanitizers
step cmake-gcc cmake_gcc

echo "==> ctest (build-cmake-gcc)"
mkdir -p build-cmake-gcc
ctest --test-dir build-cmake-gcc --output-on-failure -j 2 2>&1 | tee build-cmake-gcc/ctest.log
ctest_status=${PIPESTATUS[0]}
printf '==> %s\n' "${timings[@]}"
for name in "${failed[@]}"; do
  echo "==> FAILED: $name; the last lines of build-ci-logs/$name.log:"
  tail -n 40 "build-ci-logs/$name.log"
done
# ctest ends with its timing line; repeat the summary so it is the last line printed.
summary=$(grep -E '^[0-9]+% tests passed|^No tests were found' build-cmake-gcc/ctest.log | tail -n 1)
[[ -n $summary ]] && echo "$summary"

if ((${#failed[@]})) || ((ctest_status != 0)); then
  exit 1
fi
