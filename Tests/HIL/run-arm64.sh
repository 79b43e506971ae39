#!/usr/bin/env bash
# The hardware-in-the-loop stage on arm64: the cross-built arm64 sensorgw against Debian's arm64
# Linux kernel under qemu-system-aarch64 (-M virt -cpu max, TCG), running the same guest checks
# (Tests/HIL/guest/tests.sh) as Tests/HIL/run.sh does on x86_64. See Tests/HIL/README.md.
#
# What differs from x86_64, and why:
# - The kernel, its headers and busybox are arm64 packages of the same suite and version as the
#   x86_64 stage's (linux-image-arm64 from bookworm + bookworm-security, through a private apt:
#   CrossCompile/debian-apt.sh; nothing is installed on the machine). The modules are cross-built
#   with gcc-aarch64-linux-gnu against linux-headers-KVER-arm64, with the host's amd64
#   linux-kbuild-6.1 (fixdep, modpost) of the same version.
# - Debian's arm64 kernel has neither i2c-stub nor gpio-sim: both are built out of tree from
#   linux-source-6.1 (gpio-sim as on x86_64).
# - virt has no ICH9 SMBus (i801) and no EEPROMs: the i801 scan is skipped; its NACK check runs
#   on i2c-stub, the other SMBus-only adapter (HIL_I801=0 in /hil/env).
# - virt has one UART (ttyAMA0, the console): the host's answers come over a virtconsole
#   (/dev/hvc0, virtio-serial on virtio-mmio).
# - The agent is CrossCompile/build-arm64.sh's trixie build (glibc 2.41, libgpiod 2.x): one
#   build, so the GPIO checks run once, with the 2.x backend. Its C libraries come from the
#   trixie arm64 sysroot.
#
# Usage: Tests/HIL/run-arm64.sh    (needs CrossCompile/make-toolchain.sh --libc-suite trixie;
#                                   caches under .build-hil-arm64/)
# Environment: HIL_TIMEOUT (seconds for the whole boot, default 1200), HIL_KEEP_CONSOLE=1,
# HIL_SKIP_AGENT_BUILD=1 (use the arm64 binary already built).
# Last line: "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
HIL=$ROOT/.build-hil-arm64
mkdir -p "$HIL"
START=$SECONDS
declare -a TIMES=()
step_start=$SECONDS
step() {
  TIMES+=("$1 $((SECONDS - step_start))s")
  step_start=$SECONDS
}
say() { printf 'hil-arm64: %s\n' "$*"; }
die() {
  printf 'hil-arm64: %s\n' "$*" >&2
  echo "0 passed, 1 failed"
  exit 1
}
cache=${SGW_CROSS_CACHE:-/var/cache/sensorgw-cross}
SYSROOT=$cache/swift-sdks/sensorgw-arm64.artifactbundle/trixie-arm64/sysroot
[ -f "$SYSROOT/.sgw-ready" ] || die "no trixie arm64 sysroot: run CrossCompile/make-toolchain.sh --libc-suite trixie"

# ---- 1. packages -------------------------------------------------------------------------------
bash Scripts/install-packages.sh qemu-system-arm gcc-aarch64-linux-gnu cpio kmod linux-source-6.1 >/dev/null
source CrossCompile/debian-apt.sh
KAPT=$HIL/apt
debian_apt_init "$KAPT" bookworm arm64
# The x86_64 stage's linux-image-amd64 comes from bookworm-security when it is newer; so does this.
echo "deb [arch=arm64 signed-by=$debian_keyring] ${SGW_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security} bookworm-security main" \
  >>"$KAPT/sources.list"
debian_apt_update
kversion=$(apt-cache "${debian_apt[@]}" show --no-all-versions linux-image-arm64 | sed -n 's/^Version: //p' | head -1)
KVER=$(apt-cache "${debian_apt[@]}" show --no-all-versions linux-image-arm64 | grep -o 'linux-image-[0-9][^ ,]*' | head -1)
KVER=${KVER#linux-image-}
[ -n "$KVER" ] && [ -n "$kversion" ] || die "cannot tell the arm64 kernel version from linux-image-arm64"
KABI=${KVER%-arm64}
KROOT=$HIL/kernel-$KVER
if [ ! -f "$KROOT/.extracted" ]; then
  say "fetching linux-image-$KVER $kversion (arm64) and its headers ..."
  rm -rf "$KROOT" "$HIL/debs"
  debian_apt_download "$HIL/debs" "linux-image-$KVER=$kversion" "linux-headers-$KVER=$kversion" \
    "linux-headers-$KABI-common=$kversion" busybox-static
  # kbuild's host programs run here: the amd64 linux-kbuild of the same version.
  (cd "$HIL/debs" && apt-get -qq download "linux-kbuild-${kversion%.*}=$kversion" 2>/dev/null \
    || apt-get -qq download "linux-kbuild-6.1=$kversion")
  mkdir -p "$KROOT"
  for deb in "$HIL"/debs/*.deb; do dpkg-deb --extract "$deb" "$KROOT"; done
  # The arch header directory includes the common one by its absolute path.
  sed -i "s|/usr/src/|$KROOT/usr/src/|" "$KROOT/usr/src/linux-headers-$KVER/Makefile"
  touch "$KROOT/.extracted"
fi
KDIR=$KROOT/usr/src/linux-headers-$KVER
MODDIR=$KROOT/lib/modules/$KVER
[ -f "$KROOT/boot/vmlinuz-$KVER" ] || die "missing vmlinuz-$KVER in $KROOT"
step packages

# ---- 2. the agent: arm64, trixie sysroot, static Swift stdlib --------------------------------------
AGENT=$ROOT/.build-arm64-trixie/aarch64-unknown-linux-gnu/release/sensorgw
STRIPPED=$ROOT/.build-arm64-trixie/sensorgw-trixie-arm64.stripped
if [ "${HIL_SKIP_AGENT_BUILD:-0}" != 1 ]; then
  say "building sensorgw for arm64 (CrossCompile/build-arm64.sh --libc-suite trixie) ..."
  CrossCompile/build-arm64.sh --libc-suite trixie >"$HIL/agent-build.log" 2>&1 \
    || { tail -30 "$HIL/agent-build.log" >&2; die "arm64 build failed (log: $HIL/agent-build.log)"; }
fi
[ -f "$STRIPPED" ] || die "no $STRIPPED"
step agent

# ---- 3. kernel modules, cross-built ------------------------------------------------------------
KBUILD=$HIL/modules-$KVER
mkdir -p "$KBUILD/testbus" "$KBUILD/gpio-sim" "$KBUILD/i2c-stub"
kmake() { make -C "$KDIR" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- M="$1" modules; }
install -C -m 644 Tests/HIL/module/sgw_testbus.c Tests/HIL/module/Kbuild "$KBUILD/testbus/"
kmake "$KBUILD/testbus" >"$KBUILD/testbus.log" 2>&1 \
  || { tail -30 "$KBUILD/testbus.log" >&2; die "sgw_testbus.ko failed to build"; }
if grep -q 'warning:' "$KBUILD/testbus.log"; then grep 'warning:' "$KBUILD/testbus.log" >&2; fi
SRC=$HIL/linux-source-6.1
if [ ! -f "$SRC/.extracted" ]; then
  say "extracting gpio-sim and i2c-stub from /usr/src/linux-source-6.1.tar.xz ..."
  rm -rf "$SRC" && mkdir -p "$SRC"
  tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$SRC" --strip-components=1 --wildcards \
    '*/drivers/gpio/gpio-sim.c' '*/drivers/gpio/gpiolib.h' '*/kernel/irq/irq_sim.c' '*/drivers/i2c/i2c-stub.c'
  touch "$SRC/.extracted"
fi
# gpio-sim exactly as run.sh builds it (irq_to_desc() is not exported to modules).
install -C -m 644 "$SRC/drivers/gpio/gpio-sim.c" "$SRC/drivers/gpio/gpiolib.h" "$KBUILD/gpio-sim/"
sed 's/handle_simple_irq(irq_to_desc(irqnum));/generic_handle_irq(irqnum);/' \
  "$SRC/kernel/irq/irq_sim.c" >"$KBUILD/gpio-sim/irq_sim.c.new"
grep -q 'generic_handle_irq(irqnum)' "$KBUILD/gpio-sim/irq_sim.c.new" \
  || die "irq_sim.c changed upstream: the irq_to_desc() replacement no longer applies"
if cmp -s "$KBUILD/gpio-sim/irq_sim.c.new" "$KBUILD/gpio-sim/irq_sim.c"; then
  rm "$KBUILD/gpio-sim/irq_sim.c.new"
else
  mv "$KBUILD/gpio-sim/irq_sim.c.new" "$KBUILD/gpio-sim/irq_sim.c"
fi
printf 'obj-m := sgw-gpio-sim.o\nsgw-gpio-sim-y := gpio-sim.o irq_sim.o\n' >"$KBUILD/gpio-sim/Kbuild.new"
cmp -s "$KBUILD/gpio-sim/Kbuild.new" "$KBUILD/gpio-sim/Kbuild" 2>/dev/null \
  && rm "$KBUILD/gpio-sim/Kbuild.new" || mv "$KBUILD/gpio-sim/Kbuild.new" "$KBUILD/gpio-sim/Kbuild"
kmake "$KBUILD/gpio-sim" >"$KBUILD/gpio-sim.log" 2>&1 \
  || { tail -30 "$KBUILD/gpio-sim.log" >&2; die "gpio-sim failed to build"; }
# i2c-stub (CONFIG_I2C_STUB is off in Debian's arm64 kernel): the unchanged upstream file.
install -C -m 644 "$SRC/drivers/i2c/i2c-stub.c" "$KBUILD/i2c-stub/"
printf 'obj-m := i2c-stub.o\n' >"$KBUILD/i2c-stub/Kbuild"
kmake "$KBUILD/i2c-stub" >"$KBUILD/i2c-stub.log" 2>&1 \
  || { tail -30 "$KBUILD/i2c-stub.log" >&2; die "i2c-stub failed to build"; }
for ko in "$KBUILD/testbus/sgw_testbus.ko" "$KBUILD/gpio-sim/sgw-gpio-sim.ko" "$KBUILD/i2c-stub/i2c-stub.ko"; do
  modinfo -F vermagic "$ko" | grep -q "^$KVER SMP" || die "$ko: vermagic '$(modinfo -F vermagic "$ko")' is not $KVER"
done
step modules

# ---- 4. the initramfs ------------------------------------------------------------------------------
RFS=$HIL/rootfs
rm -rf "$RFS"
mkdir -p "$RFS"/{dev,proc,sys,tmp,etc,root,hil,usr/bin,usr/lib,"usr/lib/modules/$KVER/extra"}
ln -s usr/bin "$RFS/bin"; ln -s usr/bin "$RFS/sbin"; ln -s usr/lib "$RFS/lib"
cp "$KROOT/bin/busybox" "$RFS/usr/bin/busybox"
# busybox --list needs an arm64 busybox to run: qemu-user, if registered or present, else a fixed list
applets=$(qemu-aarch64 -L "$SYSROOT" "$KROOT/bin/busybox" --list 2>/dev/null) || die "cannot list busybox applets (qemu-aarch64)"
for applet in $applets; do
  [ -e "$RFS/usr/bin/$applet" ] || ln -s busybox "$RFS/usr/bin/$applet"
done
cp Tests/HIL/guest/init "$RFS/init"
cp Tests/HIL/guest/tests.sh "$RFS/hil/tests.sh"
chmod 755 "$RFS/init" "$RFS/hil/tests.sh"
cat >"$RFS/hil/env" <<'EOF'
HIL_HOSTLINE=/dev/hvc0
HIL_MODULES="virtio_mmio virtio_console"
HIL_I801=0
HIL_BUILDS="2.x:/usr/bin/sensorgw"
EOF
cp "$STRIPPED" "$RFS/usr/bin/sensorgw"
# No ldd for a foreign binary: follow DT_NEEDED through the sysroot's library directories.
libdirs=("$SYSROOT/usr/lib/aarch64-linux-gnu" "$SYSROOT/usr/lib")
declare -A copied=()
copy_needed() {
  local file=$1 lib dir
  for lib in $(readelf -d "$file" | sed -nE 's/.*Shared library: \[(.*)\]/\1/p'); do
    [ -z "${copied[$lib]:-}" ] || continue
    for dir in "${libdirs[@]}"; do
      if [ -e "$dir/$lib" ]; then
        copied[$lib]=1
        cp -L "$dir/$lib" "$RFS/usr/lib/aarch64-linux-gnu/$lib" 2>/dev/null \
          || { mkdir -p "$RFS/usr/lib/aarch64-linux-gnu"; cp -L "$dir/$lib" "$RFS/usr/lib/aarch64-linux-gnu/$lib"; }
        copy_needed "$dir/$lib"
        break
      fi
    done
    [ -n "${copied[$lib]:-}" ] || die "$lib (needed by $file) is not in the sysroot"
  done
}
copy_needed "$RFS/usr/bin/sensorgw"
interp=$(readelf -l "$RFS/usr/bin/sensorgw" | sed -nE 's/.*Requesting program interpreter: (.*)\]/\1/p')
[ -e "$RFS/usr/lib/aarch64-linux-gnu/$(basename "$interp")" ] || cp -L "$SYSROOT$interp" "$RFS/usr/lib/aarch64-linux-gnu/"
ln -sf aarch64-linux-gnu/"$(basename "$interp")" "$RFS/usr/lib/$(basename "$interp")"
# The kernel's own modules: a modules.dep for the extracted tree, then each module's dependencies.
depmod -b "$KROOT" "$KVER"
for module in i2c-dev configfs virtio_mmio virtio_console; do
  for ko in $(modprobe -d "$KROOT" -S "$KVER" --show-depends "$module" | awk '$1 == "insmod" { print $2 }'); do
    target=${ko#"$KROOT"}
    target=/usr${target#/usr}
    mkdir -p "$RFS$(dirname "$target")"
    cp "$ko" "$RFS$target"
  done
done
cp "$KBUILD/testbus/sgw_testbus.ko" "$KBUILD/gpio-sim/sgw-gpio-sim.ko" "$KBUILD/i2c-stub/i2c-stub.ko" \
  "$RFS/usr/lib/modules/$KVER/extra/"
for f in modules.builtin modules.builtin.modinfo modules.order; do
  [ ! -f "$MODDIR/$f" ] || cp "$MODDIR/$f" "$RFS/usr/lib/modules/$KVER/"
done
depmod -b "$RFS" "$KVER"
cat >"$RFS/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
hil:x:1000:1000:unprivileged test user:/tmp:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/sh
EOF
cat >"$RFS/etc/group" <<'EOF'
root:x:0:
i2c:x:998:
spi:x:999:
hil:x:1000:
nogroup:x:65534:
EOF
echo /bin/sh >"$RFS/etc/shells"
INITRAMFS=$HIL/initramfs.cpio
(cd "$RFS" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$INITRAMFS"
step initramfs

# ---- 5. boot ---------------------------------------------------------------------------------------
CONSOLE=$HIL/console.log
HOSTLINE=$HIL/hostline   # QEMU's pipe chardev: $HOSTLINE.in goes to the guest's /dev/hvc0
rm -f "$HOSTLINE.in" "$HOSTLINE.out"
mkfifo "$HOSTLINE.in" "$HOSTLINE.out"
: >"$CONSOLE"
say "booting Linux $KVER under qemu-system-aarch64 -M virt -cpu max (TCG) ..."
timeout "${HIL_TIMEOUT:-1200}" qemu-system-aarch64 -M virt -cpu max -m 1024 -smp 1 \
  -nographic -no-reboot -nic none -kernel "$KROOT/boot/vmlinuz-$KVER" -initrd "$INITRAMFS" \
  -append "console=ttyAMA0 panic=-1 quiet loglevel=3 rdinit=/init" \
  -serial mon:stdio \
  -device virtio-serial-device -chardev "pipe,id=hostline,path=$HOSTLINE" -device virtconsole,chardev=hostline \
  </dev/null >"$CONSOLE" 2>&1 &
qemu_pid=$!
cat "$HOSTLINE.out" >/dev/null &
drain_pid=$!
cleanup() {
  kill "$drain_pid" 2>/dev/null || true
  kill "$qemu_pid" 2>/dev/null || true
}
trap cleanup EXIT

# The host's answers, as in run.sh.
answer() {
  local reply
  case "$1" in
    spi-temperature) reply="spi fa 82 9d 80" ;;
    *) reply="unknown-question $1" ;;
  esac
  printf '%s\n' "$reply" >"$HOSTLINE.in"
}

status=""
summary=""
passed=0
failed=0
skipped=0
showing=${HIL_KEEP_CONSOLE:-0}
while IFS= read -r line; do
  line=${line%$'\r'}
  case "$line" in
    *"HIL-BEGIN"*) showing=1 ;;
    "HIL-ASK "*) answer "${line#HIL-ASK }" ;;
    "HIL-EXIT "*) status=${line#HIL-EXIT } showing=0 ;;
    *" passed, "*" failed") summary=$line ;;
    *)
      case "$line" in
        "PASS "*) passed=$((passed + 1)) ;;
        "FAIL "*) failed=$((failed + 1)) ;;
        "SKIP "*) skipped=$((skipped + 1)) ;;
      esac
      [ "$showing" = 1 ] && printf '%s\n' "$line"
      ;;
  esac
done < <(tail -n +1 -F --pid="$qemu_pid" "$CONSOLE" 2>/dev/null)
qemu_status=0
wait "$qemu_pid" || qemu_status=$?
step boot-and-tests

say "timings: ${TIMES[*]}; total $((SECONDS - START))s; $skipped skipped (no such device on virt)"
if [ -z "$status" ] || [ -z "$summary" ]; then
  echo "FAIL guest: the guest did not finish (qemu exit $qemu_status); last console lines:"
  tail -25 "$CONSOLE" | tr -d '\r' | sed 's/^/  | /'
  echo "$passed passed, $((failed + 1)) failed"
  exit 1
fi
echo "$summary"
exit "$status"
