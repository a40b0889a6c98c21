#!/usr/bin/env bash
# System packages the deploy tests need: Prometheus (the server for the scrape test, promtool for the
# alert rules). Idempotent and quiet: installs only when a binary is missing.
set -euo pipefail

if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
  exit 0
fi

SUDO=''
if [ "$(id -u)" -ne 0 ]; then SUDO='sudo'; fi
export DEBIAN_FRONTEND=noninteractive
# Output only when something fails: debconf's notes would otherwise clutter every CI log.
if ! output=$($SUDO apt-get update -qq 2>&1 && $SUDO apt-get install -y -qq --no-install-recommends prometheus 2>&1); then
  printf '%s\n' "$output" >&2
  exit 1
fi
