#!/usr/bin/env bash
# The whole pkg-config consumer: one compiler command. Run by ../run.sh with PKG_CONFIG_PATH set.
# Usage: build.sh <main.cpp> <output>
set -euo pipefail
# shellcheck disable=SC2046  # pkg-config output must word-split into separate flags
"${CXX:-c++}" -std=c++20 "$1" $(pkg-config --cflags --libs secretstage) -o "$2"
