#!/usr/bin/env bash
# Installs the Debian bookworm packages crashwatch needs to build, test and benchmark.
# Skips everything that is already installed, so it is cheap to call before every build.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libcaf-dev libcaf-doc libcaf-openssl0.17 libssl-dev openssl
  libboost1.81-dev libboost-json1.81-dev
  libsqlite3-dev sqlite3
  catch2
  clang-format
  clang-14 libclang-rt-14-dev
  librdkafka-dev
  kcat
  libcli11-dev
  prometheus-cpp-dev libcivetweb-dev
  curl
  python3
  strace
  time
  docker-compose
  iproute2
  python3-yaml
  chromium
  prometheus
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
