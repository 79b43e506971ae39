#!/usr/bin/env bash
# Makes the arm64 cross toolchain for sensorgw from Debian's Swift 6.2.3, in a cache outside the
# work tree ($SGW_CROSS_CACHE, default /var/cache/sensorgw-cross):
#
#   sid-amd64/          a Debian sid amd64 root (debootstrap) with swiftlang 6.2.3-1+b1: Swift
#                       modules load only in the compiler that built them, so the host compiler
#                       must be the same 6.2.3 build as the arm64 modules, not the machine's 6.3.1
#   swift-sdks/sensorgw-arm64.artifactbundle/
#     <suite>-arm64/sysroot   arm64 libc6-dev, the -dev packages sensorgw links and sid's arm64
#                       Swift runtime, modules and static libraries; a Swift SDK for SwiftPM
#
# Every package is installed at an exact version: CrossCompile/locks/<name>.lock lists
# name=version for each set; a missing lock is resolved once, written, and should be committed.
# Idempotent: a step whose result is in the cache does nothing and says so.
#
# Usage: CrossCompile/make-toolchain.sh [--libc-suite sid|trixie]
#   --libc-suite trixie: the sysroot's libc and -dev packages come from Debian 13 (glibc 2.41,
#   what Raspberry Pi OS runs); the Swift runtime is still sid's 6.2.3 arm64 build.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source "$here/debian-apt.sh"
cache=${SGW_CROSS_CACHE:-/var/cache/sensorgw-cross}
locks=$here/locks
swift_version=6.2.3-1+b1
libc_suite=sid
while [[ $# -gt 0 ]]; do
    case $1 in
        --libc-suite) libc_suite=${2:?}; shift 2 ;;
        *) echo "usage: $0 [--libc-suite sid|trixie]" >&2; exit 64 ;;
    esac
done
[[ $(id -u) -eq 0 ]] || { echo "error: run as root (debootstrap and chroot)" >&2; exit 1; }
# debootstrap makes the root; qemu-user runs the arm64 results (CrossCompile/smoke-arm64.sh).
"$here/../Scripts/install-packages.sh" debootstrap qemu-user
mkdir -p "$cache" "$locks"

# Prints how long a step took and how much disk its directory holds.
step_done() {
    local name=$1 started=$2 dir=$3
    printf '%s: %ds, %s\n' "$name" $(( $(date +%s) - started )) "$(du -sh "$dir" 2>/dev/null | cut -f1)"
}

# Debian's swiftlang 6.2.3-1+b1 ships the _Testing_Foundation module (Testing's overlay for
# files that import both Testing and Foundation) but not its library lib_Testing_Foundation.so,
# so every test bundle with such a file fails to link (-l_Testing_Foundation). Without the
# cross-import declaration the overlay is never imported; our tests use none of its API
# (Attachable Data/URL). In the root this is a dpkg diversion, so apt keeps it.
disable_testing_foundation_overlay() {
    local linux_dir=$1 root=${2:-}
    local overlay=Testing.swiftcrossimport/Foundation.swiftoverlay
    if [[ -n "$root" ]]; then
        local path=${linux_dir#"$root"}/$overlay
        chroot "$root" dpkg-divert --local --rename --quiet --divert "$path.disabled" --add "$path"
    else
        rm -f "$linux_dir/$overlay"
    fi
}

# --- Step 1: the sid amd64 root with swiftlang 6.2.3 -------------------------------------------
host_root=$cache/sid-amd64
host_lock=$locks/sid-amd64.lock
# What the root needs beyond debootstrap's minbase: the compiler, git for SwiftPM's packages,
# pkg-config, and the amd64 -dev packages for the native 6.2.3 build.
host_packages=(swiftlang="$swift_version" libswiftlang="$swift_version" git pkgconf
               libsqlite3-dev libmosquitto-dev libyaml-dev libgpiod-dev libi2c-dev)

make_host_root() {
    if [[ -f "$host_root/.sgw-ready" ]]; then
        echo "step 1, sid amd64 root: already in $host_root ($(cat "$host_root/.sgw-ready"))"
        return
    fi
    local started; started=$(date +%s)
    if [[ ! -x "$host_root/usr/bin/apt-get" ]]; then
        rm -rf "$host_root"
        debootstrap --variant=minbase --arch=amd64 --keyring="$debian_keyring" sid "$host_root" "$debian_mirror"
    fi
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $debian_mirror sid main" \
        > "$host_root/etc/apt/sources.list"
    cp "$debian_keyring" "$host_root/usr/share/keyrings/debian-archive-keyring.gpg"
    printf '%s\n' 'Acquire::Check-Valid-Until "false";' 'APT::Install-Recommends "false";' \
        > "$host_root/etc/apt/apt.conf.d/90sensorgw"
    chroot "$host_root" apt-get -qq update
    if [[ ! -f "$host_lock" ]]; then
        # Resolve once, on top of what debootstrap laid down, and record every version.
        {
            chroot "$host_root" dpkg-query -W -f '${Package}=${Version}\n'
            chroot "$host_root" apt-get -s install "${host_packages[@]}" \
                | awk '/^Inst / {gsub(/[()]/, "", $3); print $2 "=" $3}'
        } | sort -u > "$host_lock"
        echo "wrote $host_lock ($(wc -l < "$host_lock") packages): commit it"
    fi
    # debootstrap cannot take versions; check its packages against the lock instead.
    local drift
    drift=$(chroot "$host_root" dpkg-query -W -f '${Package}=${Version}\n' | sort | comm -23 - <(sort "$host_lock"))
    [[ -z "$drift" ]] || { echo "error: debootstrap installed versions not in $host_lock:" >&2; echo "$drift" >&2; exit 1; }
    # Every package that apt adds, at the lock's version.
    mapfile -t pinned < <(comm -13 <(chroot "$host_root" dpkg-query -W -f '${Package}=${Version}\n' | sort) <(sort "$host_lock"))
    if [[ ${#pinned[@]} -gt 0 ]]; then
        DEBIAN_FRONTEND=noninteractive chroot "$host_root" apt-get -y -qq install "${pinned[@]}" >/dev/null
    fi
    chroot "$host_root" apt-get clean
    disable_testing_foundation_overlay "$host_root/usr/libexec/swift/lib/swift/linux" "$host_root"
    # git inside the root reads github.com URLs from the machine's local package copies, as git
    # outside does (only the url.*.insteadOf rules are copied, nothing else of the machine's config).
    git config --system --get-regexp '^url\..*\.insteadof$' \
        | while read -r key value; do
            git config --file "$host_root/etc/gitconfig" --add "$key" "$value"
        done
    # The compiler finds its libraries through $ORIGIN, which glibc reads from /proc/self/exe:
    # /proc must be mounted (in a private namespace, so nothing stays mounted).
    local compiler
    compiler=$(unshare --mount --propagation private -- sh -c \
        'mount -t proc proc "$1/proc" && exec chroot "$1" swift --version' sh "$host_root" 2>&1 | head -1)
    [[ $compiler == *"Swift version 6.2.3"* ]] || { echo "error: the root's swift says: $compiler" >&2; exit 1; }
    echo "$compiler" > "$host_root/.sgw-ready"
    step_done "step 1, sid amd64 root ($compiler)" "$started" "$host_root"
}

# --- Step 2: the arm64 sysroot as a Swift SDK ---------------------------------------------------
bundle=$cache/swift-sdks/sensorgw-arm64.artifactbundle
sdk_name=sensorgw-$libc_suite-arm64
sysroot=$bundle/$libc_suite-arm64/sysroot
sysroot_lock=$locks/sysroot-$libc_suite-arm64.lock
swift_lock=$locks/swift-sid-arm64.lock

sysroot_dev_packages() {
    # The libstdc++ dev package brings the gcc runtime (crtbegin.o, libgcc.a) clang links with;
    # its version is the suite's default gcc's.
    local gcc_major
    gcc_major=$(apt-cache "${debian_apt[@]}" show --no-all-versions gcc \
        | sed -nE 's/^Version: ([0-9]+:)?([0-9]+)\..*/\2/p' | sed -n 1p)
    [[ -n "$gcc_major" ]] || { echo "error: no gcc version in $libc_suite" >&2; return 1; }
    # libssl-dev: COpenSSLCheck links libssl and libcrypto (the TLS files checked as libmosquitto loads them).
    echo libc6-dev libgpiod-dev libi2c-dev libmosquitto-dev libsqlite3-dev libssl-dev libyaml-dev "libstdc++-$gcc_major-dev"
}

make_sysroot() {
    # The sysroot is current when it was made from this very lock (its hash is in .sgw-ready).
    local lock_hash=none
    [[ -f "$sysroot_lock" ]] && lock_hash=$(sha256sum "$sysroot_lock" | cut -c1-16)
    if [[ -f "$sysroot/.sgw-ready" ]] && grep -q "lock $lock_hash" "$sysroot/.sgw-ready"; then
        echo "step 2, $libc_suite arm64 sysroot: already in $sysroot"
        return
    fi
    local started; started=$(date +%s)
    local debs=$cache/debs/$libc_suite-arm64
    debian_apt_init "$cache/apt/$libc_suite-arm64" "$libc_suite" arm64
    [[ -d "$cache/apt/$libc_suite-arm64/lists" ]] && compgen -G "$cache/apt/$libc_suite-arm64/lists/*Packages*" >/dev/null || debian_apt_update
    # shellcheck disable=SC2046
    local wanted; wanted=$(sysroot_dev_packages)
    # A package added to the wanted list (as libssl-dev was) re-resolves the lock once.
    local package
    for package in $wanted; do
        [[ ! -f "$sysroot_lock" ]] || grep -q "^$package=" "$sysroot_lock" || { echo "$sysroot_lock lacks $package: resolving again"; rm -f "$sysroot_lock"; }
    done
    if [[ ! -f "$sysroot_lock" ]]; then
        debian_apt_closure $wanted > "$sysroot_lock"
        # apt-cache depends skips names it does not know; a missing one must stop the build.
        for package in $wanted; do
            grep -q "^$package=" "$sysroot_lock" || { rm -f "$sysroot_lock"; echo "error: $libc_suite has no $package for arm64" >&2; exit 1; }
        done
        echo "wrote $sysroot_lock ($(wc -l < "$sysroot_lock") packages): commit it"
    fi
    mapfile -t pinned < "$sysroot_lock"
    debian_apt_download "$debs" "${pinned[@]}"

    # Swift's arm64 runtime, modules and static libraries always come from sid's 6.2.3 build.
    local swift_debs=$cache/debs/sid-arm64-swift
    debian_apt_init "$cache/apt/sid-arm64" sid arm64
    [[ -d "$cache/apt/sid-arm64/lists" ]] && compgen -G "$cache/apt/sid-arm64/lists/*Packages*" >/dev/null || debian_apt_update
    [[ -f "$swift_lock" ]] || printf '%s\n' "swiftlang=$swift_version" "libswiftlang=$swift_version" > "$swift_lock"
    mapfile -t swift_pinned < "$swift_lock"
    local deb missing=()
    for package in "${swift_pinned[@]}"; do
        deb="$swift_debs/${package%%=*}_${package#*=}_arm64.deb"
        [[ -f "${deb/:/%3a}" ]] || missing+=("$package")
    done
    [[ ${#missing[@]} -eq 0 ]] || debian_apt_download "$swift_debs" "${missing[@]}"

    rm -rf "$sysroot"
    mkdir -p "$sysroot/usr/lib" "$sysroot/usr/bin" "$sysroot/usr/sbin"
    # A merged-/usr layout, so /lib/ld-linux-aarch64.so.1 (the program interpreter) resolves.
    ln -s usr/lib "$sysroot/lib"; ln -s usr/bin "$sysroot/bin"; ln -s usr/sbin "$sysroot/sbin"
    for package in "${pinned[@]}"; do
        deb=$(compgen -G "$debs/${package%%=*}_*_arm64.deb" || compgen -G "$debs/${package%%=*}_*_all.deb")
        dpkg-deb --extract "$deb" "$sysroot"
    done
    link_sonames "$sysroot/usr/lib/aarch64-linux-gnu"
    # Packages still shipping files in /lib would have replaced the symlink by a directory.
    [[ -L "$sysroot/lib" ]] || { echo "error: $sysroot/lib is no longer a symlink" >&2; exit 1; }

    local unpack; unpack=$(mktemp -d)
    for package in "${swift_pinned[@]}"; do
        dpkg-deb --extract "$swift_debs/${package%%=*}_${package#*=}_arm64.deb" "$unpack"
    done
    # Only the target side: linux/ (modules, shared runtime, swiftrt.o, glibc modulemap),
    # swift_static/ and the clang resource headers; no arm64 compiler or host plugins.
    cp -a "$unpack/usr/libexec/swift/lib/swift" "$sysroot/usr/lib/swift"
    cp -a "$unpack/usr/libexec/swift/lib/swift_static" "$sysroot/usr/lib/swift_static"
    rm -rf "$sysroot/usr/lib/swift/host" "$sysroot/usr/lib/swift/pm"
    disable_testing_foundation_overlay "$sysroot/usr/lib/swift/linux"
    # lib/swift/clang links to ../clang/<llvm major>: the clang resource headers (stddef.h,
    # limits.h) the Clang importer needs, and the aarch64 compiler-rt libraries.
    mkdir -p "$sysroot/usr/lib/clang"
    cp -a "$unpack/usr/libexec/swift/lib/clang/." "$sysroot/usr/lib/clang/"
    rm -rf "$sysroot"/usr/lib/clang/*/bin
    [[ -f "$sysroot/usr/lib/swift/clang/include/stddef.h" ]] || { echo "error: no clang resource headers in the sysroot" >&2; exit 1; }
    rm -rf "$unpack"
    write_sdk_bundle
    echo "$(date -u +%FT%TZ) lock $(sha256sum "$sysroot_lock" | cut -c1-16)" > "$sysroot/.sgw-ready"
    step_done "step 2, $libc_suite arm64 sysroot" "$started" "$sysroot"
}

# What ldconfig does on an installed system: a SONAME link (libpicohttpparser.so.1 ->
# libpicohttpparser.so.1.2) for each library whose package ships only the versioned file; the
# dynamic loader (under qemu, or on a board run from the sysroot) looks for the SONAME.
link_sonames() {
    local dir=$1 lib soname
    for lib in "$dir"/*.so.*; do
        [[ -f "$lib" && ! -L "$lib" ]] || continue
        soname=$(readelf -d "$lib" 2>/dev/null | sed -nE 's/.*Library soname: \[(.*)\]/\1/p')
        [[ -n "$soname" && ! -e "$dir/$soname" ]] && ln -s "$(basename "$lib")" "$dir/$soname"
    done
    return 0
}

# The Swift SDK: the sysroot, where the target's Swift resources are, and lld as the linker (the
# toolchain's own, which clang finds beside itself; GNU ld in the root links only amd64).
write_sdk_bundle() {
    local dir=$bundle/$libc_suite-arm64
    cat > "$dir/swift-sdk.json" <<JSON
{
  "schemaVersion": "4.0",
  "targetTriples": {
    "aarch64-unknown-linux-gnu": {
      "sdkRootPath": "sysroot",
      "swiftResourcesPath": "sysroot/usr/lib/swift",
      "swiftStaticResourcesPath": "sysroot/usr/lib/swift_static",
      "toolsetPaths": ["toolset.json"]
    }
  }
}
JSON
    cat > "$dir/toolset.json" <<JSON
{
  "schemaVersion": "1.0",
  "swiftCompiler": { "extraCLIOptions": ["-use-ld=lld"] }
}
JSON
    # info.json lists every SDK in the bundle (sid and trixie sysroots can sit side by side). The
    # host triple is spelled both ways: Debian's swiftlang calls itself x86_64-pc-linux-gnu.
    {
        echo '{ "schemaVersion": "1.0", "artifacts": {'
        local first=1 d
        for d in "$bundle"/*-arm64; do
            [[ -f "$d/swift-sdk.json" ]] || continue
            [[ $first -eq 1 ]] || echo ','
            first=0
            printf '  "sensorgw-%s": { "type": "swiftSDK", "version": "6.2.3", "variants": [ { "path": "%s", "supportedTriples": ["x86_64-unknown-linux-gnu", "x86_64-pc-linux-gnu"] } ] }' \
                "$(basename "$d")" "$(basename "$d")"
        done
        echo; echo '} }'
    } > "$bundle/info.json"
}

make_host_root
make_sysroot
echo "toolchain ready: root $host_root, Swift SDK $sdk_name in $cache/swift-sdks"
