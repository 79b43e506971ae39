#!/usr/bin/env bash
# Cross-builds sensorgw for aarch64 with Debian's Swift 6.2.3 (the sid amd64 root) and the arm64
# Swift SDK that CrossCompile/make-toolchain.sh made, then prints the stripped size and the glibc
# symbol versions the binary needs.
#
# Usage: CrossCompile/build-arm64.sh [--libc-suite sid|trixie] [--tests] [extra swift build args...]
#   default    release, --static-swift-stdlib: the binary needs only Debian's C libraries
#   --tests    debug, `--build-tests` (the test bundle links the shared Swift runtime)
# Output: .build-arm64-<suite>/aarch64-unknown-linux-gnu/{release/sensorgw,debug/sensorgwPackageTests.xctest}
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tree=$(cd "$here/.." && pwd)
cache=${SGW_CROSS_CACHE:-/var/cache/sensorgw-cross}
suite=sid tests=0 extra=()
while [[ $# -gt 0 ]]; do
    case $1 in
        --libc-suite) suite=${2:?}; shift 2 ;;
        --tests) tests=1; shift ;;
        *) extra+=("$1"); shift ;;
    esac
done
sdk_dir=$cache/swift-sdks/sensorgw-arm64.artifactbundle/$suite-arm64
sysroot=$sdk_dir/sysroot
[[ -f "$sysroot/.sgw-ready" ]] || { echo "error: no $suite arm64 sysroot (run CrossCompile/make-toolchain.sh --libc-suite $suite)" >&2; exit 1; }
scratch=.build-arm64-$suite
triple=aarch64-unknown-linux-gnu
multiarch=aarch64-linux-gnu

if [[ $tests -eq 1 ]]; then
    mode=(-c debug --build-tests)
else
    # Full RELRO and immediate binding, as Debian's hardening gives every package (the .deb of
    # Scripts/build-deb.sh SGW_DEB_ARCH=arm64 packages this binary).
    mode=(-c release --static-swift-stdlib -Xlinker -z -Xlinker relro -Xlinker -z -Xlinker now)
fi

started=$(date +%s)
# pkg-config must read the target's .pc files, and prefix their -I/-L with the sysroot.
"$here/in-root.sh" env \
    PKG_CONFIG_PATH="$sysroot/usr/lib/$multiarch/pkgconfig:$sysroot/usr/share/pkgconfig" \
    PKG_CONFIG_LIBDIR="$sysroot/usr/lib/$multiarch/pkgconfig:$sysroot/usr/share/pkgconfig" \
    PKG_CONFIG_SYSROOT_DIR="$sysroot" \
    swift build "${mode[@]}" --scratch-path "$scratch" \
        --swift-sdks-path "$cache/swift-sdks" --swift-sdk "sensorgw-$suite-arm64" "${extra[@]}"
echo "build: $(( $(date +%s) - started ))s"

[[ $tests -eq 1 ]] && exit 0
binary=$tree/$scratch/$triple/release/sensorgw
stripped=$tree/$scratch/sensorgw-$suite-arm64.stripped
# The root's LLVM tools strip aarch64 objects (the machine's binutils strip only amd64).
llvm=/usr/libexec/swift/bin
"$here/in-root.sh" "$llvm/llvm-objcopy" --strip-all "$binary" "$stripped"
echo "binary: $binary ($(stat -c %s "$binary") bytes; stripped $(stat -c %s "$stripped") bytes in $stripped)"
echo "needs (DT_NEEDED): $(readelf -d "$binary" | sed -nE 's/.*Shared library: \[(.*)\]/\1/p' | tr '\n' ' ')"
# The version needs (what `objdump -T | grep GLIBC_` shows); readelf reads any architecture's ELF.
versions=$(readelf -V -W "$binary" | grep -oE 'GLIBC_[0-9.]+' | sort -u -V)
echo "glibc symbol versions: $(tr '\n' ' ' <<<"$versions")"
echo "libstdc++ symbol versions: $(readelf -V -W "$binary" | grep -oE 'GLIBCXX_[0-9.]+' | sort -u -V | tr '\n' ' ')"
echo "newest: $(tail -1 <<<"$versions") (Raspberry Pi OS and Debian 13 trixie have glibc 2.41, Debian 12 bookworm 2.36)"
