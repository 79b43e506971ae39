#!/usr/bin/env bash
# Runs a `swift build` or `swift test` command against libgpiod 2.x unpacked in PREFIX (by
# Scripts/fetch-libgpiod2.sh), leaving the system's libgpiod 1.6 in place for every other build.
# Usage: Scripts/libgpiod2-flags.sh PREFIX swift build|test [arguments...]
#
# The v2 gpiod.h is found first through -I, the v2 libgpiod.so through -L, and libgpiod.so.3 at
# run time through an rpath (1.6 is libgpiod.so.2, so the two never mix in one process).
set -euo pipefail
prefix=${1:?usage: libgpiod2-flags.sh PREFIX swift build|test [arguments...]}
shift
triplet=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
libdir="$prefix/usr/lib/$triplet"

# SwiftPM copies pkg-config's -L flags verbatim, so sqlite3.pc puts -L/usr/lib/<triplet> on the
# link line ahead of every user -L, and -lgpiod would find the system's 1.6 libgpiod.so there.
# For this build only, read those .pc files without their -L (the libraries stay in the default
# search path, so they are still found); the system's files are not touched.
pcdir="$prefix/pkgconfig-no-system-L"
mkdir -p "$pcdir"
for module in sqlite3 libmosquitto yaml-0.1; do
    pcfile="$(pkg-config --variable=pcfiledir "$module")/$module.pc"
    sed -E 's#-L\$\{libdir\}##g' "$pcfile" > "$pcdir/$module.pc"
done
export PKG_CONFIG_PATH="$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

exec "$@" -Xcc "-I$prefix/usr/include" -Xlinker "-L$libdir" -Xlinker -rpath -Xlinker "$libdir"
