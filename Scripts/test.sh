#!/usr/bin/env bash
# Sets up and runs every test, in stages:
#   1. swift test: unit tests on simulated and scripted buses, real SQLite files, and end-to-end
#      tests of the built agent against real mosquitto brokers with mutual TLS (each test starts
#      its own broker on a free loopback port, so no service needs to be running);
#   2. the hardware-in-the-loop stage (Linux): the Linux backends against a real kernel under
#      QEMU, with the GPIO checks run for libgpiod 1.6 and 2.x builds (Tests/HIL/run.sh);
#   3. the GPIO unit tests built against libgpiod 2.x (Scripts/test-libgpiod2.sh);
#   4. the fault suite, reduced form (Scripts/fault-suite.py);
#   5. the systemd unit's hardening and syntax (Scripts/check-unit.sh: systemd-analyze security
#      exposure 2.0 or lower, systemd-analyze verify);
#   and on Linux the C shims' layout checks for armhf and arm64 (CrossCompile/check-shim-layouts.sh)
#   and the arm64 stage: the unit tests cross-built with Debian's Swift 6.2.3 and run under
#   qemu-aarch64 (CrossCompile/test-arm64.sh; the toolchain is made once and cached).
# Every stage runs even when an earlier one failed; the last line adds them up as
# "all stages: N passed, N failed" and the exit status is non-zero if anything failed.
# Usage: Scripts/test.sh      (SGW_SKIP_HIL=1 leaves out the QEMU stage, SGW_SKIP_FAULTS=1 the
#                              fault suite, SGW_SKIP_GPIOD2=1 the libgpiod 2.x build,
#                              SGW_SKIP_CROSS_SHIMS=1 the armhf/arm64 shim checks,
#                              SGW_SKIP_ARM64=1 the arm64 unit tests)
set -uo pipefail
cd "$(dirname "$0")/.."
bash Scripts/install-packages.sh || exit 1
# Every import must be a declared dependency (a target that imports what it does not declare
# builds only by accident of build order).
swift build --build-tests --explicit-target-dependency-import-check error || exit 1
logs=.build/test-logs
mkdir -p "$logs"
passed=0
failed=0
status=0
summary=()
failed_stages=()

# Swift Testing prints one line per test: "✔ Test x() passed after" / "✘ Test x() failed after".
count_swift_tests() {
  local p f
  p=$(grep -E '^✔ Test .* passed after' "$1" | grep -c -v '^✔ Test run with')
  f=$(grep -E '^✘ Test .* failed after' "$1" | grep -c -v '^✘ Test run with')
  echo "$p $f"
}
# A stage's own last "N passed, N failed" line.
count_plain() {
  grep -oE '[0-9]+ passed, [0-9]+ failed' "$1" | tail -1 | awk '{ print $1, $3 }'
}
stage() {  # stage NAME COUNTER COMMAND...
  local name=$1 counter=$2 rc p f
  shift 2
  echo "=== stage: $name"
  "$@" 2>&1 | tee "$logs/$name.txt"
  rc=${PIPESTATUS[0]}
  read -r p f < <($counter "$logs/$name.txt")
  p=${p:-0}
  f=${f:-0}
  # A stage that failed without naming a failed test still counts as one failure.
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p))
  failed=$((failed + f))
  [ "$rc" -eq 0 ] || { status=1; failed_stages+=("$name"); }
  summary+=("$name: $p passed, $f failed (exit $rc)")
}
# CI keeps only the tail of this output, so a failed stage's own lines (which test, which
# expectation) are repeated at the end: Swift Testing's "✘" lines, other stages' FAIL lines, or
# failing that the stage's last lines.
show_failures() {  # show_failures NAME
  local log="$logs/$1.txt" lines
  lines=$(grep -E '^(✘|FAIL|not ok)' "$log" | grep -v '^✘ Test run with' | head -40)
  [ -n "$lines" ] || lines=$(tail -20 "$log")
  echo "--- $1 ($log)"
  printf '%s\n' "$lines"
}

stage swift-test count_swift_tests swift test --skip-build
if [ "$(uname -s)" = Linux ]; then
  # The C shims compiled for armhf and arm64 against Debian sysroots: struct layouts and ioctl
  # values per architecture (CrossCompile/README.md).
  [ "${SGW_SKIP_CROSS_SHIMS:-0}" = 1 ] || stage cross-shims count_plain bash CrossCompile/check-shim-layouts.sh
  # debootstrap and chroot need root: with sudo when not root, as install-packages.sh does.
  as_root=()
  [ "$(id -u)" -eq 0 ] || as_root=(sudo)
  [ "${SGW_SKIP_ARM64:-0}" = 1 ] || stage arm64 count_plain "${as_root[@]}" bash CrossCompile/test-arm64.sh
  [ "${SGW_SKIP_HIL:-0}" = 1 ] || stage hil count_plain bash Tests/HIL/run.sh
  [ "${SGW_SKIP_GPIOD2:-0}" = 1 ] || stage libgpiod2 count_swift_tests bash Scripts/test-libgpiod2.sh
fi
[ "${SGW_SKIP_FAULTS:-0}" = 1 ] || stage fault-suite count_plain python3 Scripts/fault-suite.py
stage systemd-unit count_plain bash Scripts/check-unit.sh

if [ "${#failed_stages[@]}" -gt 0 ]; then
  echo "=== failures"
  for name in "${failed_stages[@]}"; do show_failures "$name"; done
fi
echo "=== stages"
printf '  %s\n' "${summary[@]}"
echo "all stages: $passed passed, $failed failed"
exit "$status"
