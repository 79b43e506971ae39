#!/usr/bin/env bash
# Hardware-in-the-loop stage: runs sensorgw's real Linux backends (I2C_RDWR, SMBus, spidev,
# GPIO character device) against a real Linux kernel under QEMU. See Tests/HIL/README.md.
#
# Installs what it needs if missing, builds the agent statically, builds the test kernel modules
# (Tests/HIL/module/sgw_testbus.c, and gpio-sim from Debian's linux-source) against the guest
# kernel's headers, packs an uncompressed initramfs, boots Debian's kernel under
# qemu-system-x86_64 and runs Tests/HIL/guest/tests.sh in it. The host answers the guest's
# questions over a second serial port (ttyS1). Exits with the guest's status; the last line is
# "N passed, N failed".
#
# Usage: Tests/HIL/run.sh            (caches under .build-hil/)
# Environment: HIL_TIMEOUT (seconds for the whole boot, default 600), HIL_KEEP_CONSOLE=1 to print
# the whole guest console.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
HIL=$ROOT/.build-hil
mkdir -p "$HIL"
START=$SECONDS
declare -a TIMES=()
step_start=$SECONDS
step() {  # step NAME: records how long the previous step took
  TIMES+=("$1 $((SECONDS - step_start))s")
  step_start=$SECONDS
}
say() { printf 'hil: %s\n' "$*"; }
die() {
  printf 'hil: %s\n' "$*" >&2
  echo "0 passed, 1 failed"
  exit 1
}

# ---- 1. packages ---------------------------------------------------------------------------
# INITRD=No: Debian's kernel postinst would otherwise spend ~30 s building an initrd for the
# host, which is never used (the guest gets our own initramfs).
export INITRD=No
bash Scripts/install-packages.sh qemu-system-x86 linux-image-amd64 linux-headers-amd64 \
  busybox-static cpio kmod xz-utils linux-source-6.1 sqlite3 gcc libc6-dev >/dev/null
# The guest kernel is the one the metapackage points at, not the host's `uname -r`.
KVER=$(dpkg-query -W -f='${Depends}' linux-image-amd64 | grep -o 'linux-image-[0-9][^ ,]*' | head -1)
KVER=${KVER#linux-image-}
[ -n "$KVER" ] || die "cannot tell the guest kernel version from linux-image-amd64"
if [ ! -d "/usr/src/linux-headers-$KVER" ]; then
  bash Scripts/install-packages.sh "linux-headers-$KVER" >/dev/null
fi
KDIR=/usr/src/linux-headers-$KVER
MODDIR=/lib/modules/$KVER
[ -f "/boot/vmlinuz-$KVER" ] || die "missing /boot/vmlinuz-$KVER"
step packages

# ---- 2. the agent, statically linked ---------------------------------------------------------
# Release, not debug: on this machine both take about a minute from scratch, and release code
# runs several times faster under TCG. A scratch path of its own leaves the main .build alone.
say "building sensorgw (release, static Swift stdlib) ..."
if ! swift build -c release --static-swift-stdlib --scratch-path "$HIL/swift" --product sensorgw \
  >"$HIL/swift-build.log" 2>&1; then
  tail -30 "$HIL/swift-build.log" >&2
  die "swift build failed (log: $HIL/swift-build.log)"
fi
AGENT=$HIL/swift/release/sensorgw
if [ ! -f "$HIL/sensorgw.stripped" ] || [ "$AGENT" -nt "$HIL/sensorgw.stripped" ]; then
  cp "$AGENT" "$HIL/sensorgw.stripped.tmp"
  strip "$HIL/sensorgw.stripped.tmp"
  mv "$HIL/sensorgw.stripped.tmp" "$HIL/sensorgw.stripped"
fi
# The same agent against libgpiod 2.x (Debian 13's, unpacked beside the tree; the system's 1.6
# stays): the guest runs its GPIO checks with both builds.
say "building sensorgw against libgpiod 2.x (release, static Swift stdlib) ..."
GPIOD2=${LIBGPIOD2_PREFIX:-$PWD/.build-libgpiod2}
bash Scripts/fetch-libgpiod2.sh "$GPIOD2" >"$HIL/fetch-libgpiod2.log" 2>&1 \
  || { tail -20 "$HIL/fetch-libgpiod2.log" >&2; die "cannot fetch libgpiod 2.x"; }
if ! bash Scripts/libgpiod2-flags.sh "$GPIOD2" swift build -c release --static-swift-stdlib \
  --scratch-path "$HIL/swift-gpiod2" --product sensorgw >"$HIL/swift-build-gpiod2.log" 2>&1; then
  tail -30 "$HIL/swift-build-gpiod2.log" >&2
  die "swift build against libgpiod 2.x failed (log: $HIL/swift-build-gpiod2.log)"
fi
AGENT2=$HIL/swift-gpiod2/release/sensorgw
cp "$AGENT2" "$HIL/sensorgw-gpiod2.stripped.tmp" && strip "$HIL/sensorgw-gpiod2.stripped.tmp"
mv "$HIL/sensorgw-gpiod2.stripped.tmp" "$HIL/sensorgw-gpiod2.stripped"
step agent

# ---- 3. kernel modules -----------------------------------------------------------------------
KBUILD=$HIL/modules-$KVER
mkdir -p "$KBUILD/testbus" "$KBUILD/gpio-sim"
# install -C keeps the copy's mtime when nothing changed, so kbuild's own rebuild check holds.
install -C -m 644 Tests/HIL/module/sgw_testbus.c Tests/HIL/module/Kbuild "$KBUILD/testbus/"
make -C "$KDIR" M="$KBUILD/testbus" modules >"$KBUILD/testbus.log" 2>&1 \
  || { tail -30 "$KBUILD/testbus.log" >&2; die "sgw_testbus.ko failed to build"; }
if grep -q 'warning:' "$KBUILD/testbus.log"; then grep 'warning:' "$KBUILD/testbus.log" >&2; fi

# sgw_iio (an IIO device through industrialio) and sgw_w1 (a w1 bus master with a DS18B20), each
# in its own directory, so Tests/HIL/module/Kbuild (shared with the arm64 stage) stays as it is.
for extra in iio w1; do
  mkdir -p "$KBUILD/$extra"
  install -C -m 644 "Tests/HIL/module/sgw_$extra.c" "$KBUILD/$extra/"
  printf 'obj-m := sgw_%s.o\n' "$extra" >"$KBUILD/$extra/Kbuild.new"
  cmp -s "$KBUILD/$extra/Kbuild.new" "$KBUILD/$extra/Kbuild" 2>/dev/null \
    && rm "$KBUILD/$extra/Kbuild.new" || mv "$KBUILD/$extra/Kbuild.new" "$KBUILD/$extra/Kbuild"
  make -C "$KDIR" M="$KBUILD/$extra" modules >"$KBUILD/$extra.log" 2>&1 \
    || { tail -30 "$KBUILD/$extra.log" >&2; die "sgw_$extra.ko failed to build"; }
  if grep -q 'warning:' "$KBUILD/$extra.log"; then grep 'warning:' "$KBUILD/$extra.log" >&2; fi
done

# gpio-sim is not enabled in Debian's kernel: build it out of tree from the linux-source package
# (three files, extracted once; never committed). irq_to_desc() is not exported to modules, so
# irq_sim.c calls generic_handle_irq(), which runs the same handle_simple_irq flow handler.
SRC=$HIL/linux-source-6.1
if [ ! -f "$SRC/.extracted" ]; then
  say "extracting gpio-sim from /usr/src/linux-source-6.1.tar.xz ..."
  rm -rf "$SRC" && mkdir -p "$SRC"
  tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$SRC" --strip-components=1 --wildcards \
    '*/drivers/gpio/gpio-sim.c' '*/drivers/gpio/gpiolib.h' '*/kernel/irq/irq_sim.c'
  touch "$SRC/.extracted"
fi
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
make -C "$KDIR" M="$KBUILD/gpio-sim" modules >"$KBUILD/gpio-sim.log" 2>&1 \
  || { tail -30 "$KBUILD/gpio-sim.log" >&2; die "gpio-sim failed to build"; }
# sgw-clock (Tests/HIL/helpers): sets the guest's clock and clears STA_UNSYNC, which busybox's
# adjtimex applet cannot; static, as the guest has no compiler and no libc headers.
if [ ! -f "$KBUILD/sgw-clock" ] || [ Tests/HIL/helpers/sgw-clock.c -nt "$KBUILD/sgw-clock" ]; then
  gcc -static -O2 -Wall -Werror -o "$KBUILD/sgw-clock" Tests/HIL/helpers/sgw-clock.c \
    || die "sgw-clock failed to build"
fi
step modules

# ---- 4. an uncompressed kernel -----------------------------------------------------------------
# vmlinux boots several seconds faster than bzImage under TCG (no xz decompression); Debian builds
# with CONFIG_PVH, so QEMU's -kernel takes the ELF directly.
VMLINUX=$HIL/vmlinux-$KVER
if [ ! -f "$VMLINUX" ]; then
  say "extracting vmlinux from /boot/vmlinuz-$KVER ..."
  offset=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "/boot/vmlinuz-$KVER" | head -1 | cut -d: -f1)
  [ -n "$offset" ] || die "no xz stream in /boot/vmlinuz-$KVER"
  # xz stops at the end of its stream and complains about the trailing bytes: expected.
  tail -c +$((offset + 1)) "/boot/vmlinuz-$KVER" | xz -dc >"$VMLINUX.tmp" 2>/dev/null || true
  head -c 4 "$VMLINUX.tmp" | grep -q 'ELF' || die "vmlinux extraction failed"
  mv "$VMLINUX.tmp" "$VMLINUX"
fi
step vmlinux

# ---- 5. the initramfs ------------------------------------------------------------------------
RFS=$HIL/rootfs
rm -rf "$RFS"
mkdir -p "$RFS"/{bin,dev,proc,sys,tmp,etc,root,hil,usr/bin,"lib/modules/$KVER/extra"}
cp /bin/busybox "$RFS/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ -e "$RFS/bin/$applet" ] || ln -s busybox "$RFS/bin/$applet"
done
ln -sf bin "$RFS/sbin"
cp Tests/HIL/guest/init "$RFS/init"
cp Tests/HIL/guest/tests.sh "$RFS/hil/tests.sh"
chmod 755 "$RFS/init" "$RFS/hil/tests.sh"
cp "$HIL/sensorgw.stripped" "$RFS/usr/bin/sensorgw"
# The static Swift stdlib leaves libc, libm, libstdc++, libgcc_s and the system C libraries
# (sqlite, mosquitto and its OpenSSL, libi2c, libgpiod): copy exactly what ldd lists.
cp "$HIL/sensorgw-gpiod2.stripped" "$RFS/usr/bin/sensorgw-gpiod2"
# The 2.x build's libgpiod.so.3 sits in the host's unpack directory (its rpath), which may be
# under /tmp, a tmpfs in the guest: put it in the guest's system library directory instead, where
# the loader looks by default. Its soname differs from 1.6's libgpiod.so.2, so both fit there.
triplet=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
# sqlite3 reads the outbox in the clock-trust checks.
cp /usr/bin/sqlite3 "$KBUILD/sgw-clock" "$RFS/usr/bin/"
for lib in $( (ldd "$AGENT"; ldd "$AGENT2"; ldd /usr/bin/sqlite3) | grep -o '/[^ ]*' | sort -u); do
  case "$lib" in
    "$GPIOD2"/*) target=/usr/lib/$triplet/$(basename "$lib") ;;
    *) target=$lib ;;
  esac
  mkdir -p "$RFS$(dirname "$target")"
  cp -L "$lib" "$RFS$target"
done
for module in i2c-dev i2c-i801 i2c-stub configfs industrialio wire w1_therm; do
  for ko in $(modprobe -S "$KVER" --show-depends "$module" | awk '$1 == "insmod" { print $2 }'); do
    mkdir -p "$RFS$(dirname "$ko")"
    cp "$ko" "$RFS$ko"
  done
done
cp "$KBUILD/testbus/sgw_testbus.ko" "$KBUILD/gpio-sim/sgw-gpio-sim.ko" "$KBUILD/iio/sgw_iio.ko" \
  "$KBUILD/w1/sgw_w1.ko" "$RFS/lib/modules/$KVER/extra/"
for f in modules.builtin modules.builtin.modinfo modules.order; do
  [ ! -f "$MODDIR/$f" ] || cp "$MODDIR/$f" "$RFS/lib/modules/$KVER/"
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
# Uncompressed: gunzip would cost the guest ~3 s under TCG.
(cd "$RFS" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$INITRAMFS"
step initramfs

# ---- 6. boot -----------------------------------------------------------------------------------
CONSOLE=$HIL/console.log
HOSTLINE=$HIL/hostline   # QEMU's pipe chardev: $HOSTLINE.in goes to the guest's ttyS1
rm -f "$HOSTLINE.in" "$HOSTLINE.out"
mkfifo "$HOSTLINE.in" "$HOSTLINE.out"
: >"$CONSOLE"
accel=tcg
cpu=max
# /dev/kvm can exist on a CPU without virtualization, where a KVM guest hangs: trust only the flags.
if grep -qwE 'vmx|svm' /proc/cpuinfo && [ -w /dev/kvm ]; then accel=kvm; cpu=host; fi
say "booting Linux $KVER under qemu ($accel) ..."
timeout "${HIL_TIMEOUT:-600}" qemu-system-x86_64 -M "q35,accel=$accel" -cpu "$cpu" -m 1024 -smp 1 \
  -nographic -no-reboot -kernel "$VMLINUX" -initrd "$INITRAMFS" \
  -append "console=ttyS0 panic=-1 quiet loglevel=3 rdinit=/init" \
  -serial mon:stdio -serial "pipe:$HOSTLINE" \
  </dev/null >"$CONSOLE" 2>&1 &
qemu_pid=$!
# The guest never writes to ttyS1, but drain it so a stray echo can never fill the pipe.
cat "$HOSTLINE.out" >/dev/null &
drain_pid=$!
cleanup() {
  kill "$drain_pid" 2>/dev/null || true
  kill "$qemu_pid" 2>/dev/null || true
}
trap cleanup EXIT

# The host's side of the conversation: the guest prints "HIL-ASK QUESTION" on its console and
# reads one line from ttyS1.
answer() {
  local reply
  case "$1" in
    # New raw temperature for the SPI chip while the agent runs: adc_T 535000 (0x829D8),
    # written as temp_msb 0x82, temp_lsb 0x9D, temp_xlsb 0x80 -> 29.81 °C (see tests.sh).
    spi-temperature) reply="spi fa 82 9d 80" ;;
    # The host's time, for the guest's clock-trust checks (the guest starts them in 2020).
    clock) reply="clock $(date -u +%s.%N)" ;;
    *) reply="unknown-question $1" ;;
  esac
  printf '%s\n' "$reply" >"$HOSTLINE.in"
}

status=""
summary=""
passed=0
failed=0
showing=${HIL_KEEP_CONSOLE:-0}
while IFS= read -r line; do
  line=${line%$'\r'}
  case "$line" in
    *"HIL-BEGIN"*) showing=1 ;;  # SeaBIOS leaves no newline before it
    "HIL-ASK "*) answer "${line#HIL-ASK }" ;;
    "HIL-EXIT "*) status=${line#HIL-EXIT } showing=0 ;;
    *" passed, "*" failed") summary=$line ;;
    *)
      case "$line" in
        "PASS "*) passed=$((passed + 1)) ;;
        "FAIL "*) failed=$((failed + 1)) ;;
      esac
      [ "$showing" = 1 ] && printf '%s\n' "$line"
      ;;
  esac
done < <(tail -n +1 -F --pid="$qemu_pid" "$CONSOLE" 2>/dev/null)
qemu_status=0
wait "$qemu_pid" || qemu_status=$?
step boot-and-tests

say "timings: ${TIMES[*]}; total $((SECONDS - START))s"
if [ -z "$status" ] || [ -z "$summary" ]; then
  echo "FAIL guest: the guest did not finish (qemu exit $qemu_status); last console lines:"
  tail -25 "$CONSOLE" | tr -d '\r' | sed 's/^/  | /'
  echo "$passed passed, $((failed + 1)) failed"
  exit 1
fi
echo "$summary"
exit "$status"
