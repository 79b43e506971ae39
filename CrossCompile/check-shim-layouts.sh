#!/usr/bin/env bash
# Compiles the C shims (Sources/CI2C, Sources/CSPI, Sources/CGPIOD) for armhf and arm64 against
# Debian's headers, so their _Static_assert checks of i2c_msg, i2c_rdwr_ioctl_data and
# spi_ioc_transfer run for 32-bit and 64-bit ARM, and compares the ioctl request values the shims
# export on each architecture with the values the Swift tests expect
# (Tests/HALLinuxTests/KernelConstantTests.swift, read from the file itself).
#
# No Swift and no emulation: clang cross-compiles to objects and the values are read back from a
# data section (both ARM ABIs are little-endian). Headers come from Debian bookworm (linux-libc-dev,
# libc6-dev, libgpiod-dev 1.6 and libi2c-dev, CrossCompile/locks/shims-bookworm-ARCH.lock) plus
# trixie's libgpiod-dev 2.x for the v2 GPIO backend, unpacked once into the cache
# ($SGW_CROSS_CACHE, default /var/cache/sensorgw-cross/shims). About 11 MB per architecture;
# 20 to 40 s cold, about 1 s warm.
#
# Usage: CrossCompile/check-shim-layouts.sh      Ends with "N passed, N failed"; exit 1 if any failed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tree=$(cd "$here/.." && pwd)
source "$here/debian-apt.sh"
cache=${SGW_CROSS_CACHE:-/var/cache/sensorgw-cross}/shims
locks=$here/locks
expectations=$tree/Tests/HALLinuxTests/KernelConstantTests.swift
clang=${CLANG:-$(command -v clang || echo /opt/swift/usr/bin/clang)}
[[ -x "$clang" ]] || { echo "error: no clang (set CLANG)" >&2; exit 1; }
mkdir -p "$cache" "$locks"
passed=0 failed=0
pass() { passed=$((passed + 1)); printf '  ok    %s\n' "$1"; }
fail() { failed=$((failed + 1)); printf '  FAIL  %s\n' "$1"; [[ -z ${2:-} ]] || sed 's/^/        /' <<<"$2" | head -20; }

# SUITE ARCH LOCK PACKAGE...: the headers of exactly the locked versions, unpacked into the cache.
headers() {
    local suite=$1 arch=$2 lock=$3; shift 3
    local dir=$cache/$suite-$arch
    if [[ -f "$dir/.sgw-ready" ]] && cmp -s "$lock" "$dir/.sgw-ready"; then
        echo "$dir/root"; return
    fi
    debian_apt_init "$cache/apt/$suite-$arch" "$suite" "$arch"
    debian_apt_update >&2
    if [[ ! -f "$lock" ]]; then
        local package version
        for package in "$@"; do
            version=$(apt-cache "${debian_apt[@]}" show --no-all-versions "$package" | awk '/^Version:/ && !v {v = $2} END {print v}')
            [[ -n "$version" ]] || { echo "error: $suite has no $package for $arch" >&2; exit 1; }
            echo "$package=$version"
        done > "$lock"
        echo "wrote $lock: commit it" >&2
    fi
    local pinned; mapfile -t pinned < "$lock"
    rm -rf "$dir"
    debian_apt_download "$dir/debs" "${pinned[@]}" >&2
    local deb
    for deb in "$dir"/debs/*.deb; do dpkg-deb --extract "$deb" "$dir/root"; done
    rm -rf "$dir/debs" "$dir/root/usr/share" "$dir/root/usr/lib"
    cp "$lock" "$dir/.sgw-ready"
    # The package lists (about 90 MB a suite) are needed again only when the lock changes.
    rm -rf "$cache/apt/$suite-$arch"
    echo "$dir/root"
}

# The Swift side's expectations: every `#expect(SGW_NAME == 0x...)` and
# `#expect(sgw_spi_ioc_message(N) == 0x...)` line, as "C-expression value label".
expected_values() {
    sed -nE 's/^[[:space:]]*#expect\((SGW_[A-Z0-9_]+) == (0x[0-9a-fA-F_]+|[0-9_]+)\).*/\1 \2 \1/p;
             s/^[[:space:]]*#expect\(sgw_spi_ioc_message\(([0-9]+)\) == (0x[0-9a-fA-F_]+|[0-9_]+)\).*/SGW_CHECK_SPI_MESSAGE(\1) \2 SPI_IOC_MESSAGE(\1)/p' \
        "$expectations" | awk '{ gsub(/_/, "", $2); print }'
}

# The request values and structure sizes ARCH's headers give, "label value" per line.
actual_values() {
    local target=$1 sysroot=$2 work=$3
    local -a checks=() labels=()
    while read -r expr value label; do checks+=("$expr"); labels+=("$label"); done < <(expected_values)
    checks+=("sizeof(struct i2c_msg)" "offsetof(struct i2c_msg, buf)" "sizeof(struct i2c_rdwr_ioctl_data)"
             "sizeof(struct spi_ioc_transfer)")
    labels+=("sizeof(i2c_msg)" "offsetof(i2c_msg.buf)" "sizeof(i2c_rdwr_ioctl_data)" "sizeof(spi_ioc_transfer)")
    {
        echo '#include <stddef.h>'
        echo '#include "sgw_i2c.h"'
        echo '#include "sgw_spi.h"'
        # What sgw_spi_ioc_message(n) returns (sgw_spi.c): 0 when n transfers overflow the size field.
        echo '#define SGW_CHECK_SPI_MESSAGE(n) ((n) > SGW_SPI_MAX_TRANSFERS ? 0 : SPI_IOC_MESSAGE(n))'
        echo '__attribute__((used, section(".sgw_values"))) static const unsigned long long sgw_values[] = {'
        printf '    (unsigned long long)(%s),\n' "${checks[@]}"
        echo '};'
    } > "$work/values.c"
    "$clang" --target="$target" --sysroot="$sysroot" -std=gnu11 -O0 -c "$work/values.c" -o "$work/values.o" \
        -I "$tree/Sources/CI2C/include" -I "$tree/Sources/CSPI/include" 2>"$work/values.err" || return 1
    # Little-endian 64-bit words, in order.
    local -a words
    "$(dirname "$clang")/llvm-objcopy" -O binary --only-section=.sgw_values "$work/values.o" "$work/values.bin"
    mapfile -t words < <(od -An -v -t x8 -w8 "$work/values.bin" | tr -d ' ')
    [[ ${#words[@]} -eq ${#labels[@]} ]] || { echo "read ${#words[@]} values for ${#labels[@]} checks" > "$work/values.err"; return 1; }
    local i
    for i in "${!labels[@]}"; do echo "${labels[$i]} $((16#${words[$i]}))"; done
}

arches=(armhf:arm-linux-gnueabihf arm64:aarch64-linux-gnu)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
declare -A actual
started=$(date +%s)
for entry in "${arches[@]}"; do
    arch=${entry%%:*} target=${entry#*:}
    echo "== $arch ($target)"
    sysroot=$(headers bookworm "$arch" "$locks/shims-bookworm-$arch.lock" linux-libc-dev libc6-dev libgpiod-dev libi2c-dev)
    gpiod2=$(headers trixie "$arch" "$locks/shims-trixie-$arch.lock" libgpiod-dev)
    cc=("$clang" --target="$target" --sysroot="$sysroot" -std=gnu11 -Wall -Werror -fsyntax-only)
    for shim in CI2C/sgw_i2c.c CSPI/sgw_spi.c; do
        module=${shim%%/*}
        if out=$("${cc[@]}" -I "$tree/Sources/$module/include" "$tree/Sources/$shim" 2>&1); then
            pass "$arch $shim compiles (layout _Static_asserts hold)"
        else
            fail "$arch $shim" "$out"
        fi
    done
    # libgpiod 1.6 (bookworm) builds the v1 backend; trixie's 2.x header, found first, the v2 one.
    for backend in v1 v2; do
        extra=(); [[ $backend == v2 ]] && extra=(-I "$gpiod2/usr/include")
        file=$tree/Sources/CGPIOD/sgw_gpio_$backend.c
        symbols=$("$clang" --target="$target" --sysroot="$sysroot" -std=gnu11 -Wall -Werror -c -o "$work/gpio.o" \
            "${extra[@]}" -I "$tree/Sources/CGPIOD/include" "$file" 2>&1 && "$(dirname "$clang")/llvm-nm" "$work/gpio.o" 2>/dev/null | grep -c ' T sgw_gpio_' || true)
        if [[ $symbols =~ ^[0-9]+$ && $symbols -gt 0 ]]; then
            pass "$arch CGPIOD/sgw_gpio_$backend.c compiles against libgpiod $backend ($symbols sgw_gpio_ functions)"
        else
            fail "$arch CGPIOD/sgw_gpio_$backend.c against libgpiod $backend" "$symbols"
        fi
    done
    if values=$(actual_values "$target" "$sysroot" "$work"); then
        while read -r label value; do actual[$arch:$label]=$value; done <<<"$values"
    else
        fail "$arch ioctl values" "$(cat "$work/values.err")"
    fi
done

echo "== ioctl request values: Swift tests' expectation vs. each architecture's headers"
printf '  %-32s %-12s %-12s %-12s\n' request expected armhf arm64
while read -r expr value label; do
    row=$(printf '%-32s 0x%08x' "$label" "$((value))")
    ok=1
    for entry in "${arches[@]}"; do
        arch=${entry%%:*}
        got=${actual[$arch:$label]:-}
        row+=$(printf ' %-12s' "${got:+$(printf '0x%08x' "$got")}")
        [[ -n $got && $got -eq $((value)) ]] || ok=0
    done
    if [[ $ok -eq 1 ]]; then pass "$row"; else fail "$row"; fi
done < <(expected_values)
echo "== structure sizes (informational; the _Static_asserts above are the checks)"
for label in "sizeof(i2c_msg)" "offsetof(i2c_msg.buf)" "sizeof(i2c_rdwr_ioctl_data)" "sizeof(spi_ioc_transfer)"; do
    printf '  %-32s armhf %-4s arm64 %s\n' "$label" "${actual[armhf:$label]:-?}" "${actual[arm64:$label]:-?}"
done
echo "($(( $(date +%s) - started ))s)"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
