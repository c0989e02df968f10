#!/usr/bin/env bash
# Installs secretstage from <source-dir> into a scratch prefix, then builds and runs one consumer
# project against that installed copy. Registered in ctest as consume_cmake / _pkgconfig / _meson.
# Usage: run.sh <cmake|pkgconfig|meson> <source-dir> <scratch-dir>
set -euo pipefail

kind=$1
src=$(cd "$2" && pwd)
scratch=$3
rm -rf "$scratch"
mkdir -p "$scratch"
scratch=$(cd "$scratch" && pwd)
prefix=$scratch/prefix
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

# Configured for one prefix, installed into another: the CMake package and the .pc must both be
# relocatable.
cmake -S "$src" -B "$scratch/library-build" "${generator[@]}" -DCMAKE_INSTALL_PREFIX=/nonexistent \
  -DSECRETSTAGE_BUILD_TESTS=OFF -DSECRETSTAGE_BUILD_EXAMPLES=OFF -DSECRETSTAGE_BUILD_BENCHMARKS=OFF
cmake --install "$scratch/library-build" --prefix "$prefix"

consumer=$scratch/consumer
cp -r "$src/tests/consume/$kind" "$consumer"
cp "$src/tests/consume/main.cpp" "$consumer/main.cpp"
export PKG_CONFIG_PATH=$prefix/share/pkgconfig

case $kind in
  cmake)
    cmake -S "$consumer" -B "$consumer/build" "${generator[@]}" -DCMAKE_PREFIX_PATH="$prefix" \
      -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
    cmake --build "$consumer/build"
    ;;
  pkgconfig)
    test "$(pkg-config --modversion secretstage)" = 0.1.0
    mkdir -p "$consumer/build"
    bash "$consumer/build.sh" "$consumer/main.cpp" "$consumer/build/consumer"
    ;;
  meson)
    meson setup "$consumer/build" "$consumer"
    meson compile -C "$consumer/build"
    ;;
  *)
    echo "run.sh: unknown consumer kind '$kind' (expected cmake, pkgconfig or meson)" >&2
    exit 2
    ;;
esac

"$consumer/build/consumer"
