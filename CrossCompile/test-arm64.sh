#!/usr/bin/env bash
# The arm64 stage of Scripts/test.sh: makes the toolchain if the cache lacks it
# (CrossCompile/make-toolchain.sh, idempotent), cross-builds the debug test bundle with Debian's
# Swift 6.2.3 against the sid arm64 sysroot, and runs every unit test under qemu-aarch64 user
# mode with that sysroot as the root file system. EndToEndTests are left out here: the bundle's
# copy of them would start mosquitto from the sysroot, which has none; they run against the
# arm64 agent from the amd64 bundle instead (CrossCompile/test-arm64-all.sh).
#
# Usage: CrossCompile/test-arm64.sh    (as root; heavy: run it under the build lock)
# Prints each step's time; the last line is "N passed, N failed" (tests, not steps).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tree=$(cd "$here/.." && pwd)
cache=${SGW_CROSS_CACHE:-/var/cache/sensorgw-cross}
logs=$tree/.build-arm64-sid/logs
mkdir -p "$logs"
fail() { echo "arm64: $*" >&2; echo "0 passed, 1 failed"; exit 1; }
timed() {  # timed NAME COMMAND...: runs it with its output in $logs/NAME.log, prints the time
  local name=$1 started=$SECONDS rc=0
  shift
  "$@" >"$logs/$name.log" 2>&1 || rc=$?
  echo "arm64: $name: $((SECONDS - started))s (exit $rc)"
  [ $rc -eq 0 ] || { tail -20 "$logs/$name.log" >&2; return $rc; }
}
timed toolchain "$here/make-toolchain.sh" || fail "make-toolchain.sh failed (log: $logs/toolchain.log)"
timed build-tests "$here/build-arm64.sh" --tests || fail "the arm64 test build failed (log: $logs/build-tests.log)"
sysroot=$cache/swift-sdks/sensorgw-arm64.artifactbundle/sid-arm64/sysroot
bundle=$tree/.build-arm64-sid/aarch64-unknown-linux-gnu/debug/sensorgwPackageTests.xctest
command -v qemu-aarch64 >/dev/null || bash "$tree/Scripts/install-packages.sh" qemu-user >/dev/null
status=0
timed unit-tests qemu-aarch64 -L "$sysroot" -E LD_LIBRARY_PATH="$sysroot/usr/lib/swift/linux" "$bundle" \
    --testing-library swift-testing --skip EndToEndTests || status=$?
log=$logs/unit-tests.log
grep -E 'Test run with' "$log" | tail -1 | sed 's/^/arm64: /'
grep -E '^✘ Test .* failed after' "$log" | grep -v '^✘ Test run with' | sed 's/^/arm64: /'
passed=$(grep -E '^(✔|✘) Test .* passed after' "$log" | grep -c -v 'Test run with')
failed=$(grep -E '^✘ Test .* failed after' "$log" | grep -c -v '^✘ Test run with')
# A run that stopped (crash, signal) without naming a failed test is still a failure.
if [ $status -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
[ $status -eq 0 ]
