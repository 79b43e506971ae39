#!/usr/bin/env bash
# Unpacks Debian 13 (trixie)'s libgpiod 2.x (libgpiod-dev and libgpiod3) into PREFIX, so the
# libgpiod v2 backend can be built and tested on a Debian 12 machine whose system libgpiod is 1.6.
#
# Nothing on the system changes: apt reads a trixie source list, package lists and caches from a
# private directory (the system's sources, lists, caches and installed packages are not touched),
# `apt-get download` only fetches .debs, and `dpkg -x` unpacks them without installing.
# The two libraries do not collide at run time either: 1.6 is libgpiod.so.2, 2.x libgpiod.so.3.
#
# Usage: Scripts/fetch-libgpiod2.sh PREFIX
# Afterwards: PREFIX/usr/include/gpiod.h (v2) and PREFIX/usr/lib/<triplet>/libgpiod.so{,.3*}.
# Idempotent: does nothing when PREFIX already holds a v2 header and library.
set -euo pipefail

prefix=${1:?usage: $0 PREFIX}
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)

arch=$(dpkg --print-architecture)
triplet=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
libdir="$prefix/usr/lib/$triplet"

# v2's header lacks the v1-only GPIOD_LINE_BULK_MAX_LINES and declares gpiod_chip_request_lines.
have_v2() {
    [[ -f "$prefix/usr/include/gpiod.h" ]] \
        && grep -q 'gpiod_chip_request_lines' "$prefix/usr/include/gpiod.h" \
        && ! grep -q 'GPIOD_LINE_BULK_MAX_LINES' "$prefix/usr/include/gpiod.h" \
        && compgen -G "$libdir/libgpiod.so.3*" >/dev/null \
        && [[ -e "$libdir/libgpiod.so" ]]
}

if have_v2; then
    echo "libgpiod 2.x already in $prefix"
    exit 0
fi

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[[ -f "$keyring" ]] || { echo "error: $keyring is missing (apt-get install debian-archive-keyring)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/sources.list.d" "$work/debs"
echo "deb [arch=$arch signed-by=$keyring] http://deb.debian.org/debian trixie main" > "$work/sources.list"

apt_private=(
    -o "Dir::Etc::sourcelist=$work/sources.list"
    -o "Dir::Etc::sourceparts=$work/sources.list.d"
    -o "Dir::State::Lists=$work/lists"
    -o "Dir::Cache=$work/cache"
    -o "Dir::Cache::pkgcache=$work/cache/pkgcache.bin"
    -o "Dir::Cache::srcpkgcache=$work/cache/srcpkgcache.bin"
    -o "APT::Get::List-Cleanup=0"
    # The private directories belong to root; apt's _apt download sandbox could not write them.
    -o "APT::Sandbox::User=root"
)

apt-get "${apt_private[@]}" -qq update
# Pin the versions trixie resolves to so a later trixie point release cannot mix a dev package
# and a library of different versions.
version=$(apt-cache "${apt_private[@]}" show --no-all-versions libgpiod-dev | awk '/^Version:/ {print $2; exit}')
[[ -n "$version" ]] || { echo "error: trixie has no libgpiod-dev for $arch" >&2; exit 1; }
libversion=$(apt-cache "${apt_private[@]}" show --no-all-versions libgpiod3 | awk '/^Version:/ {print $2; exit}')
(cd "$work/debs" && apt-get "${apt_private[@]}" -qq download "libgpiod-dev=$version" "libgpiod3=$libversion")

for deb in "$work"/debs/*.deb; do
    dpkg -x "$deb" "$prefix"
done

if ! have_v2; then
    echo "error: unpacked libgpiod-dev $version but $prefix has no v2 gpiod.h and libgpiod.so.3" >&2
    exit 1
fi
echo "libgpiod-dev $version and libgpiod3 $libversion ($arch) unpacked into $prefix"
