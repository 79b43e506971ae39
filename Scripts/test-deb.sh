#!/usr/bin/env bash
# Installs the sensorgw .deb into clean Debian roots made with debootstrap and checks it as an
# administrator would: dpkg -i, apt-get -f install for the dependencies, the files and their
# owners, the user and groups, `sensorgw --version`, `config check`, the embedded board profiles,
# an upgrade that keeps an edited conffile, a remove that keeps the outbox and a purge that does
# not. Then lintian on each package.
#
# The roots are made once and cached in /var/cache/sensorgw-debroots/<suite> (about 210 MB each;
# debootstrap needs the Debian mirror); each run works on an overlay over the cached root (or a
# copy where overlayfs is not available), so the cache stays clean.
# Needs root. Heavy (a release build per suite, a few minutes with warm caches): not part of
# Scripts/test.sh.
# Usage: sudo Scripts/test-deb.sh [SUITE...]      (default: bookworm trixie)
#   SUITE trixie-arm64: the cross-built arm64 package (Scripts/build-deb.sh SGW_DEB_ARCH=arm64) in
#   an arm64 trixie root (debootstrap --foreign, second stage and every check under
#   qemu-aarch64-static through binfmt_misc, which this registers if it is not).
# Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "run as root (debootstrap, chroot, mount)"; echo "0 passed, 1 failed"; exit 1; }
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(bookworm trixie)
cache=${SGW_DEBROOT_CACHE:-/var/cache/sensorgw-debroots}
bash Scripts/install-packages.sh debootstrap lintian >/dev/null || exit 1

passed=0
failed=0
check() {  # check NAME COMMAND...   (COMMAND runs on the host; use `in_root` for the chroot)
  local name=$1
  shift
  if "$@" >"$work/check.log" 2>&1; then
    echo "PASS $suite: $name"
    passed=$((passed + 1))
  else
    echo "FAIL $suite: $name"
    sed 's/^/     /' "$work/check.log" | tail -n 15
    failed=$((failed + 1))
  fi
}
in_root() { chroot "$mnt" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }

mounted=()
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount "${mounted[$i]}" 2>/dev/null || umount -l "${mounted[$i]}" 2>/dev/null; done
  mounted=()
  [ -n "${work:-}" ] && rm -rf "$work"
}
trap cleanup EXIT

# binfmt_misc runs arm64 programs in the arm64 root through qemu-aarch64-static; the F flag of
# Debian's registration opens the interpreter now, so it works inside the chroot too.
register_aarch64_binfmt() {
  bash Scripts/install-packages.sh qemu-user-static >/dev/null || return 1
  [ -f /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || return 1
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || cat /usr/lib/binfmt.d/qemu-aarch64.conf >/proc/sys/fs/binfmt_misc/register
}

for suite in "${suites[@]}"; do
  echo "=== $suite"
  debarch=""
  case "$suite" in
    *-arm64) debarch=arm64 ;;
  esac
  dsuite=${suite%-arm64}
  if [ -n "$debarch" ] && ! register_aarch64_binfmt; then
    work=$(mktemp -d /var/tmp/sgw-test-deb.XXXXXX)
    check "qemu-aarch64 registered with binfmt_misc" false
    cleanup
    continue
  fi
  work=$(mktemp -d /var/tmp/sgw-test-deb.XXXXXX)
  base="$cache/$suite"
  if [ ! -x "$base/usr/bin/apt-get" ]; then
    echo "making the $suite root in $base (debootstrap, once)"
    mkdir -p "$cache"
    rm -rf "$base.tmp"
    if [ -n "$debarch" ]; then
      # Foreign: the first stage unpacks on the host, the second configures under emulation.
      made() {
        debootstrap --variant=minbase --arch="$debarch" --foreign "$dsuite" "$base.tmp" http://deb.debian.org/debian \
          && chroot "$base.tmp" /debootstrap/debootstrap --second-stage
      }
    else
      made() { debootstrap --variant=minbase "$dsuite" "$base.tmp" http://deb.debian.org/debian; }
    fi
    if ! made >"$work/debootstrap.log" 2>&1; then
      tail -n 5 "$work/debootstrap.log"
      check "debootstrap $suite" false
      cleanup
      continue
    fi
    mv "$base.tmp" "$base"
  fi

  echo "building the $suite package"
  if ! SGW_DEB_SUITE=$dsuite SGW_DEB_ARCH=${debarch:-$(dpkg --print-architecture)} bash Scripts/build-deb.sh "$work/deb" >"$work/build.log" 2>&1; then
    tail -n 20 "$work/build.log"
    check "build the .deb" false
    cleanup
    continue
  fi
  deb=$(tail -n 1 "$work/build.log")
  grep -E '^(Depends|size):' "$work/build.log"

  # A throwaway root: an overlay on the cached one (changes go to $work/upper).
  mnt="$work/root"
  mkdir -p "$mnt" "$work/upper" "$work/overlay-work"
  if mount -t overlay overlay -o "lowerdir=$base,upperdir=$work/upper,workdir=$work/overlay-work" "$mnt" 2>/dev/null; then
    mounted+=("$mnt")
  else
    cp -a "$base/." "$mnt/"
  fi
  mount -t proc proc "$mnt/proc" && mounted+=("$mnt/proc")
  mount --bind /dev "$mnt/dev" && mounted+=("$mnt/dev")
  cp /etc/resolv.conf "$mnt/etc/resolv.conf"
  cp "$deb" "$mnt/tmp/sensorgw.deb"

  # dpkg -i alone stops at the missing libraries (a minbase root has none of them); apt-get -f
  # install then brings them and finishes the configuration, as on a real board.
  in_root dpkg -i /tmp/sensorgw.deb >"$work/dpkg.log" 2>&1
  in_root apt-get -qq update >"$work/apt.log" 2>&1
  check "dpkg -i, then apt-get -f install brings the dependencies" \
    in_root env DEBIAN_FRONTEND=noninteractive apt-get -y -q -f install --no-install-recommends
  check "package installed" sh -c "chroot '$mnt' dpkg-query -W -f='\${Status}' sensorgw | grep -qx 'install ok installed'"
  check "files in place" in_root sh -c 'test -x /usr/bin/sensorgw && test -f /lib/systemd/system/sensorgw.service \
    && test -f /usr/share/doc/sensorgw/copyright && test -f /usr/share/man/man1/sensorgw.1.gz && test -f /usr/share/doc/sensorgw/BOARD.md'
  check "the configuration is a conffile" sh -c "chroot '$mnt' dpkg-query -W -f='\${Conffiles}' sensorgw | grep -q '/etc/sensorgw/sensorgw.yaml'"
  check "configuration root:sensorgw 0640, directory 0750" in_root sh -c \
    '[ "$(stat -c %U:%G:%a /etc/sensorgw/sensorgw.yaml)" = root:sensorgw:640 ] && [ "$(stat -c %U:%G:%a /etc/sensorgw)" = root:sensorgw:750 ]'
  check "state directory /var/lib/sensorgw owned by sensorgw, 0750" in_root sh -c \
    '[ "$(stat -c %U:%G:%a /var/lib/sensorgw)" = sensorgw:sensorgw:750 ]'
  check "system user sensorgw without a login shell" in_root sh -c \
    'getent passwd sensorgw | awk -F: '"'"'$3 < 1000 && $7 == "/usr/sbin/nologin" { ok = 1 } END { exit !ok }'"'"''
  check "sensorgw is in the i2c, spi and gpio groups" in_root sh -c \
    'for g in i2c spi gpio; do id -nG sensorgw | tr " " "\n" | grep -qx "$g" || exit 1; done'
  version=$(sed -n 's/.*current = "\(.*\)".*/\1/p' Sources/Agent/Version.swift)
  check "sensorgw --version prints $version" sh -c "chroot '$mnt' /usr/bin/sensorgw --version | grep -qx '$version'"
  check "probe i2c scan --bus 1 --simulated finds the simulated board's BME280 at 0x76" sh -c \
    "chroot '$mnt' /usr/bin/sensorgw probe i2c scan --bus 1 --simulated | grep -qE '^70: .* 76 '"
  want_api=1
  [ "$dsuite" = bookworm ] || want_api=2
  check "the binary uses the suite's libgpiod (API $want_api)" sh -c \
    "chroot '$mnt' /usr/bin/sensorgw probe gpio backend | grep -q '^$want_api '"
  check "the unit names the packaged binary" grep -q '^ExecStart=/usr/bin/sensorgw run' "$mnt/lib/systemd/system/sensorgw.service"

  # The default configuration is incomplete on purpose: it must fail with 78, naming the missing
  # CA file and nothing else.
  in_root /usr/bin/sensorgw config check /etc/sensorgw/sensorgw.yaml >"$work/default-check.log" 2>&1
  rc=$?
  check "default config: exit 78 on the missing CA certificate only" sh -c \
    "[ $rc -eq 78 ] && grep -q '/etc/sensorgw/ca.pem' '$work/default-check.log' && [ \$(grep -c '^error' '$work/default-check.log') -eq 1 ]"
  cat "$work/default-check.log"
  cat >"$mnt/tmp/simulated.yaml" <<'EOF'
gateway: { id: debroot }
board: simulated
sensors:
  - { id: air, type: bme280, i2c: { bus: 1, address: 0x76 }, interval: 5s }
storage: { path: /var/lib/sensorgw/outbox.sqlite }
mqtt: { host: localhost, port: 1883, tls: false }
EOF
  check "config check passes on a complete (simulated, plaintext) configuration" in_root /usr/bin/sensorgw config check /tmp/simulated.yaml
  check "embedded board profiles: probe board --board raspberry-pi-4" sh -c \
    "chroot '$mnt' /usr/bin/sensorgw probe board --board raspberry-pi-4 | grep -E '^11 +GPIO17 +pinctrl-bcm2711'"
  mkdir -p "$mnt/tmp/dt/proc/device-tree"
  printf 'Raspberry Pi 5 Model B Rev 1.0\0' >"$mnt/tmp/dt/proc/device-tree/model"
  check "board auto from a device-tree model: raspberry-pi-5" sh -c \
    "chroot '$mnt' /usr/bin/sensorgw probe board --root /tmp/dt --json | grep -q '\"board\":\"raspberry-pi-5\"'"

  # Upgrade (a reinstall of the same package): the administrator's edit survives.
  in_root sh -c 'sed -i "s/id: sensorgw-1 /id: edited-by-admin /" /etc/sensorgw/sensorgw.yaml'
  check "reinstall keeps an edited conffile" sh -c \
    "chroot '$mnt' dpkg -i /tmp/sensorgw.deb >/dev/null && grep -q 'id: edited-by-admin' '$mnt/etc/sensorgw/sensorgw.yaml'"
  # Remove keeps the outbox and the configuration; purge deletes both.
  in_root sh -c 'echo unacknowledged > /var/lib/sensorgw/outbox.sqlite'
  check "dpkg -r keeps the outbox and the configuration" sh -c \
    "chroot '$mnt' dpkg -r sensorgw >/dev/null && test -f '$mnt/var/lib/sensorgw/outbox.sqlite' && test -f '$mnt/etc/sensorgw/sensorgw.yaml' && test ! -e '$mnt/usr/bin/sensorgw'"
  check "dpkg -P deletes the outbox and /etc/sensorgw" sh -c \
    "chroot '$mnt' dpkg -P sensorgw >/dev/null && test ! -e '$mnt/var/lib/sensorgw' && test ! -e '$mnt/etc/sensorgw'"

  # lintian: every remaining tag is overridden with its reason in the package's overrides file.
  lintian --tag-display-limit 0 -I --pedantic "$deb" >"$work/lintian.log" 2>&1
  sed -n '/running with root/!p' "$work/lintian.log" | sed 's/^/     lintian: /'
  check "lintian: no errors or warnings" sh -c "! grep -qE '^(E|W):' '$work/lintian.log'"
  cp "$deb" "${SGW_DEB_KEEP:-.build/deb}/" 2>/dev/null || true

  cleanup
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
