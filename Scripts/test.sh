#!/usr/bin/env bash
# Sets up and runs every test: unit tests on simulated buses, real SQLite files, end-to-end
# tests of the built agent against real mosquitto brokers with mutual TLS (each test starts its
# own broker on a free loopback port, so no service needs to be running), and on Linux the
# hardware-in-the-loop stage (Tests/HIL/run.sh: the Linux backends against a real kernel under
# QEMU).
# Usage: Scripts/test.sh            (SGW_SKIP_HIL=1 leaves the QEMU stage out)
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/install-packages.sh
swift build --build-tests
# The HIL stage runs before `swift test` so that the runner's own summary ("Test run with N
# tests ... passed/failed") stays the last line; a HIL failure still fails the whole run.
hil_status=0
if [ "$(uname -s)" = Linux ] && [ "${SGW_SKIP_HIL:-0}" != 1 ]; then
  bash Tests/HIL/run.sh || hil_status=$?
  [ "$hil_status" -eq 0 ] || echo "HIL stage FAILED (exit $hil_status); see above. Running swift test anyway."
fi
test_status=0
swift test --skip-build || test_status=$?
[ "$test_status" -ne 0 ] && exit "$test_status"
exit "$hil_status"
