#!/usr/bin/env bash
# Sets up and runs every test: unit tests on simulated buses, real SQLite files, and end-to-end
# tests of the built agent against real mosquitto brokers with mutual TLS (each test starts its
# own broker on a free loopback port, so no service needs to be running).
# Usage: Scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/install-packages.sh
swift build --build-tests
# The runner's own summary ("Test run with N tests ... passed/failed") is the last line.
exec swift test --skip-build
