#!/usr/bin/env bash
# Runs the cross-built arm64 sensorgw under qemu-aarch64 with the sysroot as its root file system
# (so it loads that Debian's glibc, libstdc++, libmosquitto ...): the version, the kind catalog,
# a simulated I2C scan and BME280 reading, and `config check` of Examples/simulated.yaml with
# throwaway certificates. Then, with --tests, the unit tests built by
# `CrossCompile/build-arm64.sh --tests`, end-to-end tests skipped (they start mosquitto, amd64 here).
#
# Usage: CrossCompile/smoke-arm64.sh [--libc-suite sid|trixie] [--tests]
# Ends with "N passed, N failed".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tree=$(cd "$here/.." && pwd)
cache=${SGW_CROSS_CACHE:-/var/cache/sensorgw-cross}
suite=sid tests=0
while [[ $# -gt 0 ]]; do
    case $1 in
        --libc-suite) suite=${2:?}; shift 2 ;;
        --tests) tests=1; shift ;;
        *) echo "usage: $0 [--libc-suite sid|trixie] [--tests]" >&2; exit 64 ;;
    esac
done
command -v qemu-aarch64 >/dev/null || "$tree/Scripts/install-packages.sh" qemu-user
sysroot=$cache/swift-sdks/sensorgw-arm64.artifactbundle/$suite-arm64/sysroot
binary=$tree/.build-arm64-$suite/aarch64-unknown-linux-gnu/release/sensorgw
[[ -x "$binary" ]] || { echo "error: no $binary (run CrossCompile/build-arm64.sh --libc-suite $suite)" >&2; exit 1; }
arm() { qemu-aarch64 -L "$sysroot" "$@"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
# NAME EXPECTED-EXIT GREP-PATTERN COMMAND...: the exit status and a line of output must match.
check() {
    local name=$1 want=$2 pattern=$3; shift 3
    local out status=0
    out=$("$@" 2>&1) || status=$?
    if [[ $status -eq $want ]] && grep -qE -- "$pattern" <<<"$out"; then
        passed=$((passed + 1)); echo "  ok    $name"
    else
        failed=$((failed + 1)); echo "  FAIL  $name (exit $status, wanted $want and /$pattern/)"; sed 's/^/        /' <<<"$out" | head -15
    fi
}

echo "== sensorgw ($suite arm64 sysroot) under $(qemu-aarch64 --version | head -1)"
mkdir -p "$work/Examples"
cp "$tree/Examples/simulated.yaml" "$work/Examples/"
"$tree/Scripts/make-test-certs.sh" "$work/run/certs" >/dev/null
sed 's/interval: 2s/interval: 2 seconds/' "$work/Examples/simulated.yaml" > "$work/Examples/bad.yaml"
check "--version" 0 '^[0-9]+\.[0-9]+\.[0-9]+' arm "$binary" --version
check "probe --list" 0 '^bme280 +i2c,spi' arm "$binary" probe --list
# The simulated board answers at the example's addresses: BME280 0x76, SHT3x 0x44, BH1750 0x23.
check "probe i2c scan --bus 1 --simulated" 0 '^70: .* 76 ' arm "$binary" probe i2c scan --bus 1 --simulated
check "probe bme280 --bus 1 --simulated --json" 0 '"n":"pressure","u":"Pa"' arm "$binary" probe bme280 --bus 1 --simulated --json
check "config check Examples/simulated.yaml" 0 ': OK .*mutual TLS' arm "$binary" config check "$work/Examples/simulated.yaml"
check "config check of a bad duration exits 78" 78 'bad.yaml:[0-9]+:[0-9]+: sensors\[0\]\.interval' arm "$binary" config check "$work/Examples/bad.yaml"

if [[ $tests -eq 1 ]]; then
    bundle=$tree/.build-arm64-$suite/aarch64-unknown-linux-gnu/debug/sensorgwPackageTests.xctest
    [[ -x "$bundle" ]] || { echo "error: no $bundle (run CrossCompile/build-arm64.sh --libc-suite $suite --tests)" >&2; exit 1; }
    echo "== unit tests under qemu (EndToEndTests skipped)"
    status=0
    qemu-aarch64 -L "$sysroot" -E LD_LIBRARY_PATH="$sysroot/usr/lib/swift/linux" "$bundle" \
        --testing-library swift-testing --skip EndToEndTests > "$work/tests.log" 2>&1 || status=$?
    grep -E '^(✘|.\[9[12]m✘).*(failed|recorded an issue)' "$work/tests.log" | grep -v 'known issue' | sed 's/^/        /' | head -20
    summary=$(grep -E 'Test run with' "$work/tests.log" | tail -1)
    if [[ $status -eq 0 ]]; then passed=$((passed + 1)); echo "  ok    $summary"
    else failed=$((failed + 1)); echo "  FAIL  $summary"; fi
fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
