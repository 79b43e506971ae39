#!/usr/bin/env bash
# Installs the Debian packages sensorgw builds and tests with, if any is missing.
# Usage: Scripts/install-packages.sh [extra packages...]
set -euo pipefail
packages=(libsqlite3-dev libmosquitto-dev libyaml-dev libgpiod-dev libi2c-dev libssl-dev mosquitto mosquitto-clients openssl pkg-config "$@")
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The mosquitto package starts a plaintext broker on port 1883 where systemd runs; the tests and
# the demo start their own TLS brokers and do not need it.
