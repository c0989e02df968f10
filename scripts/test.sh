#!/usr/bin/env bash
# Two tiers, each from clean build directories, with warnings as errors (but for the sanitizer builds):
#
# ./scripts/test.sh — the everyday tier (under 10 minutes on 2 cores: 487 s on 2026-12-08): one CMake +
#   Ninja + clang++ build (Debug without debug information, -D_GLIBCXX_ASSERTIONS, no benchmarks;
#   the tests compiled in batches with precompiled headers) in build-cmake-clang, then ctest: every
#   unit, property (250 random cases each), wire, allocation, golden and example test, the server
#   under the AWS CLI, boto3 and hostile clients, the rotation functions run by the server, and the
#   same client stories on a PostgreSQL database. The consumer projects (ctest label `consumer`),
#   the long system runs (label `system`: the crash rounds, the database under load, restarted, and
#   its background sweep), the header self-containment check and the fuzz-corpus replays are left
#   to the full tier.
#
# ./scripts/test.sh --full — CI's tier (.ci/run; about 70 minutes on the slow 2-core VM, 4188 s on
#   2026-12-08; every build compiles the unit, property and wire tests in batches):
#   1. Meson + clang++ in Release (-O3, NDEBUG; build-meson-clang): meson test (see meson_clang),
#      then the benchmark step, meson test --benchmark (smoke pass, server benchmark smoke run,
#      compile-time budget);
#   2. the Meson source lists against the folders CMake globs;
#   3. every libFuzzer target for a bounded number of runs (scripts/fuzz.sh, clang++ + ASan/UBSan:
#      200,000 runs, 30,000 for the operation sequences; SECRETSTAGE_FUZZ_RUNS sets one count);
#   4. CMake + g++ with ThreadSanitizer (build-cmake-tsan): the service and server concurrency tests,
#      and the server's rotation workers running built-in and exec: functions;
#   5. CMake + g++ with AddressSanitizer + UndefinedBehaviorSanitizer and -D_GLIBCXX_ASSERTIONS
#      (build-cmake-asan): ctest but the consumer projects and the system runs (see sanitizers);
#   6. CMake + Ninja + g++ in Release (-O3, NDEBUG; build-cmake-release): ctest, consumers and
#      system runs included, last, so its summary is the final line.
#   Both Release builds compile everything (tests, examples, tools, benchmarks) warning-free.
#
# A failing step does not stop the later ones; the exit code is non-zero if any step failed.
# Each step's output also goes to build-ci-logs/<step>.log. CI keeps only the tail of the output, so
# the step report and the last lines of every failed step's log are printed again after ctest,
# just before the repeated summary line.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

full=0
case ${1:-} in
  '') ;;
  --full) full=1 ;;
  -h|--help) sed -n '2,33p' "$0"; exit 0 ;;
  *) echo "test.sh: unknown option $1 (--full runs CI's tier)" >&2; exit 2 ;;
esac

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

# A fresh CMake + Ninja build: cmake_build <dir> <compiler> <cmake arguments>...
cmake_build() {
  local dir=$1 cxx=$2
  shift 2
  rm -rf "$dir"
  CXX=$cxx cmake -S . -B "$dir" -G Ninja -DSECRETSTAGE_WERROR=ON "$@" &&
    cmake --build "$dir" -j 2
}

# Meson runs the compiled tests, the examples, the goldens, the client stories and the crash
# rounds on clang's build; the suites `rotation` and `database` (Python functions run by the
# server, PostgreSQL clusters: the same server code, minutes of waiting on processes) run in the
# ASan and CMake Release builds, `system` (the rotation checker's whole plans among them) in the
# CMake Release build.
# Every build of the full tier compiles the unit, property and wire tests in batches (Meson's
# fast_test_build, CMake's SECRETSTAGE_FAST_TEST_BUILD): compiled one file at a time, three times
# over, they made the tier outlast CI's 90 minutes on a slow runner.
meson_clang() {
  rm -rf build-meson-clang
  CXX=clang++ meson setup build-meson-clang --buildtype=release -Dwerror=true -Dfast_test_build=true &&
    meson compile -C build-meson-clang -j 2 &&
    meson test -C build-meson-clang --print-errorlogs --no-suite rotation --no-suite database \
      --no-suite system &&
    meson test -C build-meson-clang --benchmark --print-errorlogs
}

# The suite again under ASan + UBSan; any report aborts the test that triggered it. The ASan build
# is the longest step, so it compiles only what it tests and runs what only it can find:
# - not the consumer builds (they install and build other projects), the benchmarks and timing
#   checks (their smoke passes run in both Release builds; timings mean nothing instrumented);
# - not the long system runs (label `system`: the crash rounds, the database under load, the
#   rotation checker's whole plans: minutes of waiting on processes, over code the shorter server,
#   database and rotation tests run here too); the g++ Release build runs them;
# - not the header self-containment check (both Release builds compile it) nor the corpus replays
#   (the fuzz step runs the same targets under ASan + UBSan, from the same corpus);
# - 250 random cases per property (the two Release builds draw 1000);
# - the unit, property and wire tests compiled in batches (g++: without precompiled headers; see
#   secretstage_test_batches in CMakeLists.txt).
# Warnings are errors in the two Release builds, which compile everything; the sanitizer builds
# look for memory and thread errors, and g++'s flow warnings under instrumentation at -O1 are not
# the code's (the cmake_build default -DSECRETSTAGE_WERROR=ON is overridden below).
# -Og -g1 (line tables, enough for the reports' stack traces) rather than -O1 -g: the instrumented
# build was CI's longest step, and its heaviest source (stateful_store_test.cpp) takes 94 s of CPU
# this way against 198 s.
sanitizers() {
  local flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -Og -g1"
  cmake_build build-cmake-asan g++ -DCMAKE_BUILD_TYPE=None -DSECRETSTAGE_BUILD_BENCHMARKS=OFF -DSECRETSTAGE_WERROR=OFF \
    -DCMAKE_CXX_FLAGS="$flags -D_GLIBCXX_ASSERTIONS" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DSECRETSTAGE_FAST_TEST_BUILD=ON -DSECRETSTAGE_PROPERTY_RUNS=250 \
    -DSECRETSTAGE_CHECK_HEADERS=OFF -DSECRETSTAGE_FUZZ_REPLAY=OFF &&
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-cmake-asan --output-on-failure -j 2 -LE 'consumer|system'
}

# The threaded parts under ThreadSanitizer: the service's 8-thread unit tests (wire_tests), the
# server under 8 concurrent clients, and its rotation worker pool and watcher (the smoke test and
# the boto3 story rotate with a built-in function, whose steps call the server from a worker;
# rotation_async runs exec: functions, their timeouts, cancellations and SIGTERM); a race report
# stops the server with a non-zero status, which the tests check.
thread_sanitizer() {
  rm -rf build-cmake-tsan
  CXX=g++ cmake -S . -B build-cmake-tsan -G Ninja -DCMAKE_BUILD_TYPE=None -DSECRETSTAGE_WERROR=OFF \
    -DCMAKE_CXX_FLAGS="-fsanitize=thread -O1 -g1" -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread \
    -DSECRETSTAGE_BUILD_BENCHMARKS=OFF -DSECRETSTAGE_FAST_TEST_BUILD=ON &&
    cmake --build build-cmake-tsan -j 2 --target secretstage-server secretstage-replay wire_tests &&
    TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
    ctest --test-dir build-cmake-tsan --output-on-failure \
      -R '^(wire_tests|server_smoke|server_concurrency|client_boto3_story|rotation_async)$'
}

if ((full)); then
  step meson-clang meson_clang
  step meson-lists ./scripts/check-meson-lists.sh
  step fuzz ./scripts/fuzz.sh ${SECRETSTAGE_FUZZ_RUNS:+--runs "$SECRETSTAGE_FUZZ_RUNS"}
  step thread-sanitizer thread_sanitizer
  step sanitizers sanitizers
  step cmake-gcc cmake_build build-cmake-release g++ -DCMAKE_BUILD_TYPE=Release -DSECRETSTAGE_FAST_TEST_BUILD=ON
  last=build-cmake-release
  ctest_args=(-LE benchmark)  # the benchmark step ran them (meson test --benchmark)
else
  # Debug without debug information (-g0): a third less compile time for a build that only runs
  # the tests (42 s against 30 s for stateful_store_test.cpp); configure your own build with
  # -DCMAKE_BUILD_TYPE=Debug to debug.
  # clang++ (a third less compile time than g++ here; the full tier builds with both), the unit,
  # property and wire tests compiled in batches with precompiled headers
  # (SECRETSTAGE_FAST_TEST_BUILD), 250 random cases per property (the full tier: 1000). The header
  # self-containment check and the fuzz-corpus replays, a third of this build, run in the full
  # tier, which also fuzzes.
  step cmake-clang cmake_build build-cmake-clang clang++ -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g0 \
    -DCMAKE_CXX_FLAGS=-D_GLIBCXX_ASSERTIONS -DSECRETSTAGE_BUILD_BENCHMARKS=OFF \
    -DSECRETSTAGE_FAST_TEST_BUILD=ON -DSECRETSTAGE_PROPERTY_RUNS=250 \
    -DSECRETSTAGE_CHECK_HEADERS=OFF -DSECRETSTAGE_FUZZ_REPLAY=OFF
  last=build-cmake-clang
  ctest_args=(-LE 'consumer|system')
fi

echo "==> ctest ($last)"
mkdir -p "$last"
ctest --test-dir "$last" --output-on-failure -j 2 "${ctest_args[@]}" 2>&1 | tee "$last/ctest.log"
ctest_status=${PIPESTATUS[0]}
printf '==> %s\n' "${timings[@]}"
for name in "${failed[@]}"; do
  echo "==> FAILED: $name; the last lines of build-ci-logs/$name.log:"
  tail -n 40 "build-ci-logs/$name.log"
done
# ctest ends with its timing line; repeat the summary so it is the last line printed.
summary=$(grep -E '^[0-9]+% tests passed|^No tests were found' "$last/ctest.log" | tail -n 1)
[[ -n $summary ]] && echo "$summary"

if ((${#failed[@]})) || ((ctest_status != 0)); then
  exit 1
fi
