#!/usr/bin/env bash
# Builds sensorgw against libgpiod 2.x (Debian 13's, unpacked beside the tree by
# fetch-libgpiod2.sh) and runs the GPIO tests on it, proving the v2 backend was the one compiled.
#
# The system's libgpiod 1.6 stays installed and in use by the normal build: this build has its
# own scratch path (.build-gpiod2); Scripts/libgpiod2-flags.sh points it at the v2 headers and
# library.
#
# Usage: Scripts/test-libgpiod2.sh [extra swift test arguments]
# The last line is the test runner's summary.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=${LIBGPIOD2_PREFIX:-$PWD/.build-libgpiod2}
scratch=.build-gpiod2
bash Scripts/fetch-libgpiod2.sh "$prefix"
with2() { bash Scripts/libgpiod2-flags.sh "$prefix" "$@"; }

with2 swift build --scratch-path "$scratch" --product sensorgw
# The binary itself says which API it was built against, and must need libgpiod.so.3.
backend=$("$scratch/debug/sensorgw" probe gpio backend)
echo "sensorgw probe gpio backend: $backend"
[[ "$backend" == 2\ * ]] || { echo "error: expected the libgpiod 2 backend, got: $backend" >&2; exit 1; }
if command -v ldd >/dev/null; then
    # Captured first: under pipefail, `ldd | grep -q` fails at random when grep exits on the
    # first match and ldd is killed by SIGPIPE writing the lines after it.
    needed=$(ldd "$scratch/debug/sensorgw")
    [[ "$needed" == *libgpiod.so.3* ]] \
        || { echo "error: sensorgw does not load libgpiod.so.3; ldd says:" >&2; echo "$needed" >&2; exit 1; }
fi

export SENSORGW_EXPECT_LIBGPIOD=2
with2 swift test --scratch-path "$scratch" --filter GPIO "$@"
