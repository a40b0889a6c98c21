#!/usr/bin/env bash
# System packages the dev-kafka tests and benchmark need: kcat (librdkafka client) for the librdkafka
# conformance tests, librdkafka-dev and gcc to build the librdkafka mock cluster used by the benchmark.
# Idempotent: installs only what is missing.
set -euo pipefail

packages=(kcat librdkafka-dev gcc pkg-config)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=''
if [ "$(id -u)" -ne 0 ]; then SUDO='sudo'; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
