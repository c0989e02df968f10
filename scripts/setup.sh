#!/usr/bin/env bash
# Installs the Debian 12 packages the builds, tests and demo need. Idempotent: when everything is
# already installed it only asks dpkg and returns.
set -euo pipefail

packages=(
  cmake ninja-build g++ clang pkg-config
  meson        # Meson finds doctest and rapidcheck through their CMake configs: keep cmake too
  libboost-dev doctest-dev librapidcheck-dev libbenchmark-dev
  nlohmann-json3-dev libcpp-httplib-dev
  libsodium-dev          # SHA-256 and HMAC-SHA-256 of the SigV4 verifier (include/secretstage/sigv4.hpp)
  awscli python3-boto3   # real clients of the example server; called as /usr/bin/aws, /usr/bin/python3
  postgresql-15 postgresql-client-15  # the rotation tests' throwaway cluster (tests/rotation/pg_cluster.py) and psql
  libpq-dev              # secretstage-server --database (tools/pg_store.hpp)
  wrk curl               # load generator of the server benchmark, and its set-up requests
  libclang-rt-14-dev     # sanitizer and libFuzzer runtimes for clang++
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [[ $status == installed ]] || missing+=("$package")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then
    sudo=(sudo)
  else
    echo "setup: missing ${missing[*]}, and not root with no sudo to install them" >&2
    exit 1
  fi
fi

echo "setup: installing ${missing[*]}"
"${sudo[@]}" apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y "${missing[@]}"
