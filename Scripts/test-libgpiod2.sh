#!/usr/bin/env bash
# Builds sensorgw against libgpiod 2.x (Debian 13's, unpacked beside the tree by
# fetch-libgpiod2.sh) and runs the GPIO tests on it, proving the v2 backend was the one compiled.
#
# The system's libgpiod 1.6 stays installed and in use by the normal build: this build has its
# own scratch path (.build-gpiod2), finds the v2 gpiod.h first through -I, links the v2
# libgpiod.so through -L, and finds libgpiod.so.3 at run time through an rpath (1.6 is
# libgpiod.so.2, so the two never mix in one process).
#
# Usage: Scripts/test-libgpiod2.sh [extra swift test arguments]
# The last line is the test runner's summary.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=${LIBGPIOD2_PREFIX:-$PWD/.build-libgpiod2}
scratch=.build-gpiod2
bash Scripts/fetch-libgpiod2.sh "$prefix"
triplet=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
libdir="$prefix/usr/lib/$triplet"

# SwiftPM copies pkg-config's -L flags verbatim, so sqlite3.pc puts -L/usr/lib/<triplet> on the
# link line ahead of every user -L, and -lgpiod would find the system's 1.6 libgpiod.so there.
# For this build only, read those .pc files without their -L (the libraries stay in the default
# search path, so they are still found); the system's files are not touched.
pcdir="$prefix/pkgconfig-no-system-L"
mkdir -p "$pcdir"
for module in sqlite3 libmosquitto; do
    pcfile="$(pkg-config --variable=pcfiledir "$module")/$module.pc"
    sed -E 's#-L\$\{libdir\}##g' "$pcfile" > "$pcdir/$module.pc"
done
export PKG_CONFIG_PATH="$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

flags=(
    --scratch-path "$scratch"
    -Xcc "-I$prefix/usr/include"
    -Xlinker "-L$libdir"
    -Xlinker -rpath -Xlinker "$libdir"
)

swift build "${flags[@]}" --product sensorgw
# The binary itself says which API it was built against, and must need libgpiod.so.3.
backend=$("$scratch/debug/sensorgw" probe gpio backend)
echo "sensorgw probe gpio backend: $backend"
[[ "$backend" == 2\ * ]] || { echo "error: expected the libgpiod 2 backend, got: $backend" >&2; exit 1; }
if command -v ldd >/dev/null; then
    ldd "$scratch/debug/sensorgw" | grep -q 'libgpiod\.so\.3' \
        || { echo "error: sensorgw does not load libgpiod.so.3" >&2; exit 1; }
fi

export SENSORGW_EXPECT_LIBGPIOD=2
exec swift test "${flags[@]}" --filter GPIO "$@"
