#!/usr/bin/env bash
# Checks Systemd/sensorgw.service the way systemd itself judges it (Debian's systemd):
#   - `systemd-analyze security --offline=yes --threshold=20`: exposure 2.0 or lower;
#   - `systemd-analyze verify`: no warnings (the Exec paths are pointed at an existing binary,
#     since verify refuses a missing one);
#   - the settings the hardening must not lose or gain: adjtimex/clock_adjtime stay allowed (the
#     clock-sync flag), the clock setters stay denied, no PrivateUsers= (it unmaps the device groups), the
#     device ACL names the three bus devices, the key arrives as a credential, MemoryMax is set;
#   - and that the threshold bites: the unit without its sandboxing must fail it.
# Ends with "N passed, N failed"; exit status non-zero if anything failed.
# Usage: Scripts/check-unit.sh [UNIT]   (default Systemd/sensorgw.service)
set -uo pipefail
cd "$(dirname "$0")/.."
unit=${1:-Systemd/sensorgw.service}
command -v systemd-analyze >/dev/null || { echo "systemd-analyze missing (apt-get install systemd)"; echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
check() {  # check NAME COMMAND...
  local name=$1
  shift
  if "$@"; then
    echo "PASS $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name"
    failed=$((failed + 1))
  fi
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# verify wants the unit's file name to be the unit's name, and its Exec binaries to exist.
sed 's#/usr/bin/sensorgw#/bin/true#g' "$unit" > "$work/sensorgw.service"

exposure_ok() {
  systemd-analyze security --offline=yes --threshold=20 "$1" > "$work/security.txt" 2>&1
  local rc=$?
  tail -n 1 "$work/security.txt"
  return $rc
}
verify_clean() {
  systemd-analyze verify "$work/sensorgw.service" > "$work/verify.txt" 2>&1
  local rc=$?
  cat "$work/verify.txt"
  [ "$rc" -eq 0 ] && [ ! -s "$work/verify.txt" ]
}
# The effective value of a setting as systemd would parse it: every line of KEY=, in order.
settings() { grep -E "^$1=" "$work/sensorgw.service" | sed "s/^$1=//"; }
# adjtimex and clock_adjtime (glibc's adjtimex() is clock_adjtime(CLOCK_REALTIME)) survive the
# filter as systemd evaluates it, and ProtectClock= does not deny them again.
adjtimex_allowed() {
  allowed_syscalls >"$work/final"
  grep -qx adjtimex "$work/final" && grep -qx clock_adjtime "$work/final" && ! settings ProtectClock | grep -qw yes
}
setters_denied() {
  allowed_syscalls >"$work/final"
  ! grep -qxE 'settimeofday|clock_settime|clock_settime64' "$work/final"
}
no_private_users() { ! settings PrivateUsers | grep -qE 'yes|true|1|identity|self'; }
device_acl() {
  settings DevicePolicy | grep -qx closed \
    && settings DeviceAllow | grep -qx 'char-i2c rw' \
    && settings DeviceAllow | grep -qx 'char-spi rw' \
    && settings DeviceAllow | grep -qx 'char-gpiochip rw'
}
no_capabilities() { [ "$(settings CapabilityBoundingSet)" = "" ] && grep -qx 'CapabilityBoundingSet=' "$work/sensorgw.service"; }
key_credential() { settings LoadCredential | grep -qx 'client.key:/etc/sensorgw/client.key'; }
memory_max() { settings MemoryMax | grep -qE '^[0-9]+M$'; }
# The unit's system-call filter, evaluated the way systemd does: the first allow line starts the
# set, later lines add (no ~) or remove (~) in order; groups are expanded by systemd-analyze.
expand_group() {  # the calls of one name: a @group (recursively) or a plain call
  case "$1" in
    @*) systemd-analyze syscall-filter "$1" 2>/dev/null | tail -n +2 | sed 's/^ *//' | grep -v '^#' | grep -v '^$' \
          | while read -r item; do expand_group "$item"; done ;;
    *) echo "$1" ;;
  esac
}
allowed_syscalls() {
  local line item
  : >"$work/allowed"
  while read -r line; do
    case "$line" in
      "~"*) for item in ${line#\~}; do expand_group "$item"; done | sort -u >"$work/remove"
            sort -u "$work/allowed" | comm -23 - "$work/remove" >"$work/allowed.new" ;;
      *) { cat "$work/allowed"; for item in $line; do expand_group "$item"; done; } | sort -u >"$work/allowed.new" ;;
    esac
    mv "$work/allowed.new" "$work/allowed"
  done < <(settings SystemCallFilter)
  sort -u "$work/allowed"
}
observed_allowed() {
  local missing
  missing=$(grep -v '^#' Systemd/observed-syscalls.txt | sort -u | comm -23 - <(allowed_syscalls))
  [ -z "$missing" ] || { echo "denied but used by the agent: $missing"; return 1; }
}

# The same unit with every sandboxing line removed must score above the threshold; otherwise
# the threshold check above would prove nothing.
threshold_bites() {
  grep -vE '^(Protect|Private|Restrict|SystemCall|Capability|NoNewPrivileges|Lock|MemoryDeny|Device|Remove|Keyring|ProcSubset|UMask|User=|Group=|SupplementaryGroups)' \
    "$work/sensorgw.service" > "$work/bare/sensorgw.service"
  ! systemd-analyze security --offline=yes --threshold=20 "$work/bare/sensorgw.service" >/dev/null 2>&1
}
mkdir -p "$work/bare"

check "exposure <= 2.0 (systemd-analyze security --offline=yes --threshold=20)" exposure_ok "$work/sensorgw.service"
check "systemd-analyze verify is clean" verify_clean
check "adjtimex and clock_adjtime allowed (read-only clock-sync query), ProtectClock off" adjtimex_allowed
check "clock setters denied by the system call filter" setters_denied
check "no PrivateUsers= (it would unmap the i2c/spi/gpio groups)" no_private_users
check "device ACL: closed policy plus i2c, spidev and gpiochip" device_acl
check "empty capability bounding set" no_capabilities
check "client key loaded as a credential" key_credential
check "MemoryMax set in megabytes" memory_max
check "every system call the agent was seen making is allowed (Systemd/observed-syscalls.txt)" observed_allowed
check "an unhardened copy fails the threshold" threshold_bites

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
