#!/usr/bin/env bash
# The few programs some suites need that no npm package ships, as Debian packages:
#   test:  kcat (librdkafka as a second Kafka client), prometheus + promtool (alert rules, the scrape test),
#          chromium (the release tracker's browser tests drive it with playwright-core)
#   bench: the above, plus librdkafka-dev, gcc and pkg-config (the librdkafka mock cluster is compiled)
# Installs what is missing with apt-get when it may (root, or sudo without a password); otherwise stops
# with the missing programs and the command that installs them. SYSTEM_PACKAGES_INSTALL=never only checks.
set -euo pipefail

purpose=${1:-test}
# program or file to look for → the Debian package that provides it
declare -A needed=(
  [kcat]=kcat
  [prometheus]=prometheus
  [promtool]=prometheus
  [/usr/bin/chromium]=chromium
)
if [ "$purpose" = bench ]; then
  needed[gcc]=gcc
  needed[pkg-config]=pkg-config
  needed[/usr/include/librdkafka/rdkafka.h]=librdkafka-dev
fi

missing_programs=()
missing_packages=()
for program in "${!needed[@]}"; do
  if [[ $program == /* ]]; then [ -e "$program" ] && continue; else command -v "$program" >/dev/null 2>&1 && continue; fi
  missing_programs+=("$program")
  package=${needed[$program]}
  [[ " ${missing_packages[*]} " == *" $package "* ]] || missing_packages+=("$package")
done
[ ${#missing_packages[@]} -eq 0 ] && exit 0

sudo=''
[ "$(id -u)" -eq 0 ] || sudo='sudo -n'
install_command="apt-get update && apt-get install -y --no-install-recommends ${missing_packages[*]}"

can_install() {
  [ "${SYSTEM_PACKAGES_INSTALL:-auto}" != never ] || return 1
  command -v apt-get >/dev/null 2>&1 || return 1
  [ -z "$sudo" ] || sudo -n true 2>/dev/null
}

if ! can_install; then
  {
    echo "Missing for the $purpose run: ${missing_programs[*]}"
    echo "Install them (Debian or Ubuntu, as root): $install_command"
  } >&2
  exit 1
fi

echo "Installing Debian packages the $purpose run needs: ${missing_packages[*]}"
export DEBIAN_FRONTEND=noninteractive
# Quiet unless it fails: debconf's notes would bury the test output.
if ! output=$($sudo apt-get update -qq 2>&1 && $sudo apt-get install -y -qq --no-install-recommends "${missing_packages[@]}" 2>&1); then
  printf '%s\n' "$output" >&2
  echo "Installing failed; run by hand: $install_command" >&2
  exit 1
fi
