#!/usr/bin/env bash
# Builds the sensorgw Debian package: a release binary with the Swift runtime linked statically,
# the hardened unit, a default configuration (a conffile), maintainer scripts that create the
# user and groups and never start an unconfigured agent, and Depends: computed by dpkg-shlibdeps
# from the libraries the binary really links (so a bookworm build depends on libgpiod2, the 1.6
# library, and a build on trixie on libgpiod3).
#
# Two flavours, because the GPIO library's ABI differs between the suites:
#   SGW_DEB_SUITE=bookworm (default): built against the system's libgpiod 1.6, Depends: libgpiod2;
#     version X-1~deb12.
#   SGW_DEB_SUITE=trixie: built here against Debian 13's libgpiod 2.2 (fetched beside the tree by
#     Scripts/fetch-libgpiod2.sh), Depends: libgpiod3; version X-1~deb13. The rest of the binary
#     needs only bookworm's glibc, OpenSSL 3, libmosquitto1 and libsqlite3, which trixie has (its
#     libssl3t64 provides libssl3).
#   SGW_DEB_ARCH=arm64 (with SGW_DEB_SUITE=trixie): the cross-built aarch64 binary from
#     CrossCompile/build-arm64.sh --libc-suite trixie (Debian's Swift 6.2.3, the trixie arm64
#     sysroot); Depends: from the sysroot packages' shlibs and symbols files. Needs qemu-aarch64
#     (help2man runs the binary).
# Usage: Scripts/build-deb.sh [OUTDIR]     (default .build/deb; prints the .deb's path last)
#        SGW_DEB_SKIP_BUILD=1 uses the release binary already built; SGW_DEB_BINARY=PATH packages
#        that binary instead (built for SGW_DEB_ARCH).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-.build/deb}
mkdir -p "$out"
out=$(cd "$out" && pwd)

bash Scripts/install-packages.sh dpkg-dev binutils help2man patchelf >/dev/null
suite=${SGW_DEB_SUITE:-bookworm}
arch=${SGW_DEB_ARCH:-$(dpkg --print-architecture)}
cross=0
[ "$arch" = "$(dpkg --print-architecture)" ] || cross=1
if [ $cross = 1 ] && { [ "$arch" != arm64 ] || [ "$suite" != trixie ]; }; then
  echo "error: the only cross package is SGW_DEB_ARCH=arm64 with SGW_DEB_SUITE=trixie" >&2; exit 1
fi
# Full RELRO and immediate binding, as Debian's hardening flags give every package.
release=(-c release --static-swift-stdlib -Xlinker -z -Xlinker relro -Xlinker -z -Xlinker now)
case "$suite" in
  bookworm)
    debsuffix="~deb12"
    swiftbuild=(swift build "${release[@]}")
    ;;
  trixie)
    debsuffix="~deb13"
    prefix=$PWD/.build-libgpiod2
    [ $cross = 1 ] || bash Scripts/fetch-libgpiod2.sh "$prefix" >/dev/null
    triplet=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
    swiftbuild=(bash Scripts/libgpiod2-flags.sh "$prefix" swift build --scratch-path .build-deb-gpiod2 "${release[@]}")
    ;;
  *) echo "error: SGW_DEB_SUITE must be bookworm or trixie" >&2; exit 1 ;;
esac
if [ $cross = 1 ]; then
  # The hardening flags are build-arm64.sh's own for every release build.
  sysroot=${SGW_CROSS_CACHE:-/var/cache/sensorgw-cross}/swift-sdks/sensorgw-arm64.artifactbundle/trixie-arm64/sysroot
  binary=${SGW_DEB_BINARY:-$PWD/.build-arm64-trixie/aarch64-unknown-linux-gnu/release/sensorgw}
  if [ "${SGW_DEB_SKIP_BUILD:-0}" != 1 ] && [ -z "${SGW_DEB_BINARY:-}" ]; then
    CrossCompile/build-arm64.sh --libc-suite trixie
  fi
  bash Scripts/install-packages.sh binutils-aarch64-linux-gnu qemu-user >/dev/null
elif [ -n "${SGW_DEB_BINARY:-}" ]; then
  binary=$SGW_DEB_BINARY
else
  if [ "${SGW_DEB_SKIP_BUILD:-0}" != 1 ]; then
    "${swiftbuild[@]}" --product sensorgw
  fi
  binary="$("${swiftbuild[@]}" --show-bin-path)/sensorgw"
fi
[ -x "$binary" ] || { echo "error: no release binary at $binary" >&2; exit 1; }

version=$(sed -n 's/.*current = "\(.*\)".*/\1/p' Sources/Agent/Version.swift)
[ -n "$version" ] || { echo "error: no version in Sources/Agent/Version.swift" >&2; exit 1; }
debversion="$version-1$debsuffix"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/root"
install -d "$root/DEBIAN" "$root/usr/bin" "$root/lib/systemd/system" "$root/etc/sensorgw" \
  "$root/usr/share/doc/sensorgw/examples"
# Stripped: the symbols are a third of the file and a board has no use for them.
install -m 0755 "$binary" "$root/usr/bin/sensorgw"
if [ $cross = 1 ]; then
  aarch64-linux-gnu-strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/sensorgw"
  # help2man reads --help from the binary: under qemu-aarch64 with the sysroot's libraries.
  printf '#!/bin/sh\nexec qemu-aarch64 -L %s %s "$@"\n' "$sysroot" "$root/usr/bin/sensorgw" > "$work/sensorgw"
  chmod 755 "$work/sensorgw"
  manbinary=$work/sensorgw
else
  strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/sensorgw"
  manbinary=$root/usr/bin/sensorgw
fi
# The libgpiod 2.x build carries an rpath into the build tree; on a board the library is the system's.
[ "$suite" = bookworm ] || [ $cross = 1 ] || patchelf --remove-rpath "$root/usr/bin/sensorgw"
install -d "$root/usr/share/man/man1"
help2man --no-info --no-discard-stderr --name "sensors over I2C/SPI/GPIO to an MQTT broker with mutual TLS" \
  --version-string "$version" "$manbinary" | gzip -9n > "$root/usr/share/man/man1/sensorgw.1.gz"
chmod 0644 "$root/usr/share/man/man1/sensorgw.1.gz"
install -m 0644 Systemd/sensorgw.service "$root/lib/systemd/system/sensorgw.service"
# 0644 in the package; the postinst narrows it to root:sensorgw 0640 once the group exists.
install -m 0644 Scripts/debian/sensorgw.yaml "$root/etc/sensorgw/sensorgw.yaml"
install -m 0644 docs/BOARD.md "$root/usr/share/doc/sensorgw/BOARD.md"
install -m 0644 Examples/raspberry-pi.yaml "$root/usr/share/doc/sensorgw/examples/raspberry-pi.yaml"
install -m 0644 Scripts/debian/copyright "$root/usr/share/doc/sensorgw/copyright"
install -D -m 0644 Scripts/debian/lintian-overrides "$root/usr/share/lintian/overrides/sensorgw"
sed -e "s/@VERSION@/$debversion/" -e "s/@DATE@/$(date -R -u -d @"${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")/" \
  Scripts/debian/changelog | gzip -9n > "$root/usr/share/doc/sensorgw/changelog.Debian.gz"
chmod 0644 "$root/usr/share/doc/sensorgw/changelog.Debian.gz"
for script in postinst prerm postrm; do
  install -m 0755 "Scripts/debian/$script" "$root/DEBIAN/$script"
done
echo /etc/sensorgw/sensorgw.yaml > "$root/DEBIAN/conffiles"

# Depends: from the binary's NEEDED libraries and the installed packages' shlibs/symbols files.
mkdir -p "$work/src/debian"
printf 'Source: sensorgw\n\nPackage: sensorgw\nArchitecture: any\n' > "$work/src/debian/control"
if [ $cross = 1 ]; then
  # The sysroot is unpacked debs, not installed ones: no dpkg database says which package ships
  # a library or what its symbols need. Each sysroot package whose control area has shlibs or
  # symbols becomes a package build directory (debian/<name>/DEBIAN/{shlibs,symbols} beside its
  # libraries), which dpkg-shlibdeps reads before the database, so Depends comes from the symbols
  # the binary really uses, as for a native package.
  debs=${SGW_CROSS_CACHE:-/var/cache/sensorgw-cross}/debs/trixie-arm64
  search=()
  for deb in "$debs"/*.deb; do
    name=$(dpkg-deb -f "$deb" Package)
    # Listed whole first: grep -q would stop reading early, and pipefail would count tar's SIGPIPE.
    members=$(dpkg-deb --ctrl-tarfile "$deb" | tar -t)
    grep -qE '^\./(shlibs|symbols)$' <<<"$members" || continue
    pkgdir=$work/src/debian/$name
    mkdir -p "$pkgdir"
    dpkg-deb --extract "$deb" "$pkgdir"
    dpkg-deb --control "$deb" "$pkgdir/DEBIAN"
    search+=("-S$pkgdir")
  done
  depends=$(cd "$work/src" && DEB_HOST_ARCH=arm64 DEB_HOST_MULTIARCH=aarch64-linux-gnu DEB_HOST_GNU_TYPE=aarch64-linux-gnu \
    dpkg-shlibdeps -O "${search[@]}" "$root/usr/bin/sensorgw" 2>"$work/shlibdeps.err" | sed -n 's/^shlibs:Depends=//p') \
    || { cat "$work/shlibdeps.err" >&2; exit 1; }
elif [ "$suite" = bookworm ]; then
  depends=$(cd "$work/src" && dpkg-shlibdeps -O "$root/usr/bin/sensorgw" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
else
  # libgpiod.so.3 is not an installed package here, so dpkg-shlibdeps has no shlibs for it: it is
  # left out and named by hand (the v2 backend uses the 2.0 API; trixie has 2.2.1).
  depends=$(cd "$work/src" && dpkg-shlibdeps -O -l"$prefix/usr/lib/$triplet" --ignore-missing-info "$root/usr/bin/sensorgw" 2>/dev/null \
    | sed -n 's/^shlibs:Depends=//p')
  depends="$depends, libgpiod3 (>= 2.0)"
fi
[ -n "$depends" ] || { echo "error: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
case "$depends" in *libgpiod*) ;; *) echo "error: Depends lacks libgpiod: $depends" >&2; exit 1 ;; esac
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$debversion/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" -e "s/@DEPENDS@/$depends/" \
  Scripts/debian/control.in > "$root/DEBIAN/control"
(cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums" "$root/DEBIAN/control" "$root/DEBIAN/conffiles"

deb="$out/sensorgw_${debversion}_${arch}.deb"
dpkg-deb --build --root-owner-group -Zxz "$root" "$deb" >/dev/null
echo "Depends: $depends"
echo "size: $(du -k "$deb" | cut -f1) KiB"
echo "$deb"
