#!/usr/bin/env bash
# Installs the Debian packages sensorgw builds and tests with, if any is missing.
# Usage: Scripts/install-packages.sh [extra packages...]
set -euo pipefail
packages=(libsqlite3-dev libmosquitto-dev libyaml-dev libgpiod-dev libi2c-dev libssl-dev mosquitto mosquitto-clients openssl pkg-config systemd "$@")
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# pip, for the Python packages below, only where python3 has none (pyenv and venvs bring their own).
python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# cbor2 from PyPI: the independent decoder the SenML CBOR tests check the encoder against
# (Scripts/senml-cbor-check.py). Debian's python3 refuses pip installs outside a venv (PEP 668)
# unless told; cbor2 has no dependencies, so it cannot break a system package.
if ! python3 -c 'import cbor2' >/dev/null 2>&1; then
  echo "installing: cbor2 (pip)"
  python3 -m pip install -q cbor2 2>/dev/null || $sudo python3 -m pip install -q --break-system-packages cbor2
fi
# prometheus_client from PyPI: the independent parser the metrics tests check the exposition
# format against (Scripts/prometheus-text-check.py); it has no dependencies either.
if ! python3 -c 'import prometheus_client' >/dev/null 2>&1; then
  echo "installing: prometheus_client (pip)"
  python3 -m pip install -q prometheus_client 2>/dev/null || $sudo python3 -m pip install -q --break-system-packages prometheus_client
fi
# The mosquitto package starts a plaintext broker on port 1883 where systemd runs; the tests and
# the demo start their own TLS brokers and do not need it.
