#!/bin/sh
# Hardware-in-the-loop checks, run by the guest's /init under a real Linux kernel (busybox sh).
# Every check goes through sensorgw's real Linux backends: i2c-dev (I2C_RDWR and SMBus), spidev,
# and the GPIO character device. Each check prints "PASS name" or "FAIL name: detail"; the last
# line is "N passed, N failed" and the exit status is non-zero when anything failed.
#
# Buses in the guest:
#   i801     q35's ICH9 SMBus: SMBus only, 8 EEPROMs at 0x50-0x57
#   stub     i2c-stub (SMBus only, no I2C_FUNC_I2C) with a BME280 image at 0x76, set with i2cset
#   testbus  sgw_testbus.ko (Tests/HIL/module): plain I2C, BME280 images at 0x76 and 0x77, and an
#            SPI controller with a BME280 image behind /dev/spidevB.0; debugfs changes them live
#   gpio-sim a simulated GPIO chip labelled "sgw-hil" with named lines, and two labelled like a
#            Raspberry Pi 4's and a Pi 5's header chips (pinctrl-bcm2711, pinctrl-rp1)
set -u
export PATH=/bin:/usr/bin
# What differs per architecture, written by the host script into /hil/env (defaults: x86_64, q35):
#   HIL_HOSTLINE  the serial line the host answers on (q35: ttyS1; virt has one UART: a virtconsole)
#   HIL_MODULES   modules to load before anything else (virt: the virtio-mmio transport and console)
#   HIL_I801      1 where the machine has an ICH9 SMBus (q35), 0 where it cannot (arm64 virt)
#   HIL_BUILDS    "LIBGPIOD-VERSION:PATH ..." of the agent builds the GPIO checks run with
HIL_HOSTLINE=/dev/ttyS1
HIL_MODULES=""
HIL_I801=1
HIL_BUILDS="1.6:/usr/bin/sensorgw 2.x:/usr/bin/sensorgw-gpiod2"
[ ! -f /hil/env ] || . /hil/env
SGW=/usr/bin/sensorgw
W=/tmp/hil
TB=/sys/kernel/debug/sgw_testbus
mkdir -p "$W"
PASSED=0
FAILED=0

# PREFIX names the libgpiod build while the GPIO checks run once per build.
PREFIX=""
pass() { PASSED=$((PASSED + 1)); echo "PASS $PREFIX$1"; }
# skip NAME REASON: a check whose device cannot exist on this machine; counted in neither total.
skip() { echo "SKIP $PREFIX$1: $2"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $PREFIX$1: $2"; }
# expect NAME WANT GOT
expect() {
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected '$2', got '$3'"; fi
}
# first line of a file, for details
first() { head -c 300 "$1" 2>/dev/null | tr '\n' ' '; }

# ---- the BME280 register image -----------------------------------------------------------------
# Calibration: Bosch's worked example (datasheet BST-BME280-DS002, and the BMP280 datasheet's
# 3.12 example) dig_T1=27504 dig_T2=26435 dig_T3=-1000 dig_P1=36477 dig_P2=-10685 dig_P3=3024
# dig_P4=2855 dig_P5=140 dig_P6=-7 dig_P7=15500 dig_P8=-14600 dig_P9=6000, and humidity values
# from a real chip dig_H1=75 dig_H2=362 dig_H3=0 dig_H4=313 dig_H5=50 dig_H6=30; little endian
# from 0x88, H1 at 0xA1, H2..H6 from 0xE1 (H4 = E4[7:0]<<4 | E5[3:0], H5 = E6<<4 | E5[7:4]).
CALIB1="88 70 6b 43 67 18 fc 7d 8e 43 d6 d0 0b 27 0b 8c 00 f9 ff 8c 3c f8 c6 70 17 00 4b"
CALIB2="e1 6a 01 00 13 29 03 1e"
# Data 0xF7..0xFE: adc_P 415148 (0x655AC), adc_T 519888 (0x7EED0), adc_H 30000 (0x7530).
DATA="f7 65 5a c0 7e ed 00 75 30"
# The datasheet's integer compensation (section 4.2.3 / 8.2) gives, for this image:
#   t_fine 128422, T = 2508 -> 25.08 °C (Bosch's own example result)
#   p (Q24.8) = 25767233 -> 25767233/256 = 100653.25390625 Pa (the float formula: 100653.27)
#   h (Q22.10) = 56317 -> 56317/1024 = 54.9970703125 %RH
T_EXPECTED=25.08
P_EXPECTED=100653.25390625
H_EXPECTED=54.9970703125
# After the host's change (adc_T 535000 = 0x829D8: FA=82 FB=9D FC=80), same P and H raw values:
#   t_fine 152650, T = 2981 -> 29.81 °C; p = 25953980/256 = 101382.734375 Pa (pressure and
#   humidity depend on t_fine); h = 56483/1024 = 55.1591796875 %RH
T_CHANGED=29.81
P_CHANGED=101382.734375
H_CHANGED=55.1591796875
# 0xD0 chip id 0x60; 0xF3 status 0x00: im_update (bit 0) clear at start, measuring (bit 3) clear
# right after the forced-mode write (a register file does not convert).
IMAGE="d0 60|f3 00|$CALIB1|$CALIB2|$DATA"

# load_testbus CHIPDIR: writes the image through sgw_testbus's debugfs "set" file.
load_testbus() {
  old_ifs=$IFS; IFS='|'
  for line in $IMAGE; do echo "$line" >"$1/set" || return 1; done
  IFS=$old_ifs
}
# load_stub BUS ADDR: writes the image into i2c-stub byte by byte with i2cset (SMBus write byte data).
load_stub() {
  old_ifs=$IFS; IFS='|'
  for line in $IMAGE; do
    IFS=$old_ifs
    set -- $line
    reg=$((0x$1)); shift
    for byte in "$@"; do
      # busybox i2cset reads the data address as hex
      i2cset -y "$STUB_BUS" 0x76 "$(printf '0x%02x' "$reg")" "0x$byte" b || return 1
      reg=$((reg + 1))
    done
    IFS='|'
  done
  IFS=$old_ifs
}
# reg CHIPDIR REG: one register of a testbus chip as two hex digits.
reg() { dd if="$1/regs" bs=1 skip=$(($2)) count=1 2>/dev/null | od -An -tx1 | tr -d ' \n'; }
# senml FILE QUANTITY: the "v" of the record named QUANTITY in a probe's SenML output.
senml() { tr '{' '\n' <"$1" | grep "\"n\":\"$2\"" | sed -n 's/.*"v":\([^,}]*\).*/\1/p'; }

# check_reading NAME FILE T P H: a probe's SenML output has exactly these values.
check_reading() {
  got="$(senml "$2" temperature) $(senml "$2" pressure) $(senml "$2" humidity)"
  expect "$1" "$3 $4 $5" "$got"
}

# ask QUESTION: asks the host over the console; the answer comes back on $HIL_HOSTLINE.
ask() {
  echo "HIL-ASK $1" >/dev/console
  answer=""
  read -r -t 30 answer <&7 || true
  echo "$answer"
}

# ---- setup ---------------------------------------------------------------------------------------
for module in $HIL_MODULES; do modprobe "$module"; done
modprobe i2c-dev
[ "$HIL_I801" != 1 ] || modprobe i2c-i801
modprobe i2c-stub chip_addr=0x76
modprobe sgw_testbus chip_addr=0x76,0x77 sht_addr=0x44 word_addr=0x48
modprobe configfs && mount -t configfs configfs /sys/kernel/config
modprobe sgw-gpio-sim
# The host's line: open it once (bytes arriving while it is closed would be dropped).
# clocal: do not wait for a carrier on open; -echo: nothing goes back to the host.
# A virtconsole's node appears once its driver has probed: wait for it a little.
tries=0
while [ ! -c "$HIL_HOSTLINE" ] && [ $tries -lt 50 ]; do sleep 0.1; tries=$((tries + 1)); done
stty -F "$HIL_HOSTLINE" clocal -echo 2>/dev/null
exec 7<"$HIL_HOSTLINE"

bus_named() {  # bus_named PATTERN: the N of the i2c-N adapter whose name matches
  for d in /sys/class/i2c-adapter/i2c-*; do
    case "$(cat "$d/name")" in $1) echo "${d##*/i2c-}"; return 0 ;; esac
  done
  return 1
}
I801_BUS=$(bus_named 'SMBus I801 adapter*')
STUB_BUS=$(bus_named 'SMBus stub driver*')
TB_BUS=$(bus_named 'sgw_testbus I2C*')
SPI_BUS=$(ls /sys/devices/platform/sgw_testbus/spi_master/ 2>/dev/null | sed -n 's/^spi//p' | head -1)
SPIDEV=/dev/spidev$SPI_BUS.0
echo "# buses: i801=i2c-$I801_BUS stub=i2c-$STUB_BUS testbus=i2c-$TB_BUS spi=$SPIDEV"
if { [ -n "$I801_BUS" ] || [ "$HIL_I801" != 1 ]; } && [ -n "$STUB_BUS" ] && [ -n "$TB_BUS" ] && [ -c "$SPIDEV" ]; then
  pass "setup: adapters and spidev present"
else
  fail "setup: adapters and spidev present" "$(ls /dev/i2c-* /dev/spidev* 2>&1 | tr '\n' ' ')"
fi
load_testbus "$TB/i2c-0x76" && load_testbus "$TB/i2c-0x77" && load_testbus "$TB/spi" \
  && load_stub && pass "setup: BME280 images loaded" || fail "setup: BME280 images loaded" "see above"

# ---- I2C scans: exactly the devices present --------------------------------------------------
scan() {  # scan NAME BUS EXPECTED-ADDRESSES
  if "$SGW" probe i2c scan --bus "$2" --json >"$W/scan.out" 2>"$W/scan.err"; then
    expect "$1" "{\"bus\":$2,\"addresses\":[$3]}" "$(cat "$W/scan.out")"
  else
    fail "$1" "exit $?: $(first "$W/scan.err")"
  fi
}
if [ "$HIL_I801" = 1 ]; then
  scan "i2c scan: i801 SMBus finds its 8 EEPROMs" "$I801_BUS" \
    '"0x50","0x51","0x52","0x53","0x54","0x55","0x56","0x57"'
else
  skip "i2c scan: i801 SMBus finds its 8 EEPROMs" "no ICH9 SMBus on this machine"
fi
scan "i2c scan: i2c-stub finds its chip" "$STUB_BUS" '"0x76"'
scan "i2c scan: testbus finds its chips" "$TB_BUS" '"0x44","0x48","0x76","0x77"'

# ---- BME280 over three paths -----------------------------------------------------------------
probe() {  # probe OUTFILE ARGS...: sensorgw probe bme280 ARGS --json
  out=$1; shift
  "$SGW" probe bme280 "$@" --json >"$out" 2>"$out.err"
}
if probe "$W/i2c.json" --bus "$TB_BUS" --address 0x76; then
  check_reading "bme280 over I2C_RDWR (testbus)" "$W/i2c.json" $T_EXPECTED $P_EXPECTED $H_EXPECTED
  # The driver's writes reached the chip: ctrl_hum x1 (0x01), ctrl_meas x1/x1/forced (0x25), as
  # one pair write [f2 01 f4 25] that leaves status 0xF3 alone (an auto-increment reading of the
  # same bytes would put 0xf4 there).
  expect "bme280 over I2C_RDWR: ctrl_hum and ctrl_meas written as pairs, status untouched" "01 00 25" \
    "$(reg "$TB/i2c-0x76" 0xf2) $(reg "$TB/i2c-0x76" 0xf3) $(reg "$TB/i2c-0x76" 0xf4)"
else
  fail "bme280 over I2C_RDWR (testbus)" "exit $?: $(first "$W/i2c.json.err")"
fi
# The premise: the adapter itself says it cannot do plain I2C, so the backend must use SMBus.
if i2cdetect -F "$STUB_BUS" | grep -Eq '^I2C +no$'; then
  pass "i2c-stub: I2C_FUNCS lacks I2C_FUNC_I2C"
else
  fail "i2c-stub: I2C_FUNCS lacks I2C_FUNC_I2C" "$(i2cdetect -F "$STUB_BUS" | head -3 | tr '\n' ' ')"
fi
if probe "$W/smbus.json" --bus "$STUB_BUS" --address 0x76; then
  # i2c-stub has no master_xfer: I2C_FUNCS lacks I2C_FUNC_I2C, so only SMBus calls can succeed.
  check_reading "bme280 over SMBus only (i2c-stub)" "$W/smbus.json" $T_EXPECTED $P_EXPECTED $H_EXPECTED
  # The pair write [f2 01 f4 25] goes out as one SMBus I2C-block write; i2c-stub is not a BME280
  # and stores a block at consecutive registers, so 0xF3 gets 0xf4. That proves the bytes left
  # as one block, which a real chip reads as two pairs.
  expect "bme280 over SMBus: ctrl_hum and ctrl_meas in one I2C-block write" "0x01 0xf4 0x25" \
    "$(i2cget -y "$STUB_BUS" 0x76 0xf2 b) $(i2cget -y "$STUB_BUS" 0x76 0xf3 b) $(i2cget -y "$STUB_BUS" 0x76 0xf4 b)"
else
  fail "bme280 over SMBus only (i2c-stub)" "exit $?: $(first "$W/smbus.json.err")"
fi
if probe "$W/spi.json" --spi "$SPIDEV"; then
  check_reading "bme280 over SPI (spidev)" "$W/spi.json" $T_EXPECTED $P_EXPECTED $H_EXPECTED
  # On SPI a write sends the register with bit 7 cleared, both pairs in one frame:
  # 0x72 <- 0x01, 0x74 <- 0x25; status 0xF3 untouched.
  expect "bme280 over SPI: ctrl_hum and ctrl_meas written as pairs, status untouched" "01 00 25" \
    "$(reg "$TB/spi" 0xf2) $(reg "$TB/spi" 0xf3) $(reg "$TB/spi" 0xf4)"
else
  fail "bme280 over SPI (spidev)" "exit $?: $(first "$W/spi.json.err")"
fi

# ---- faults ------------------------------------------------------------------------------------
# nack NAME ARGS...: the probe exits 74 (EX_IOERR) and names addressNACK, without a crash.
nack() {
  name=$1; shift
  probe "$W/nack.json" "$@"
  code=$?
  if [ "$code" = 74 ] && grep -q addressNACK "$W/nack.json.err"; then
    pass "$name"
  else
    fail "$name" "exit $code: $(first "$W/nack.json.err")"
  fi
}
nack "fault: empty address on testbus gives addressNACK (exit 74)" --bus "$TB_BUS" --address 0x55
if [ "$HIL_I801" = 1 ]; then
  nack "fault: empty address on SMBus i801 gives addressNACK (exit 74)" --bus "$I801_BUS" --address 0x76
else
  # The same SMBus-only path on the other SMBus-only adapter: i2c-stub NACKs every address but its chip.
  nack "fault: empty address on SMBus i2c-stub gives addressNACK (exit 74)" --bus "$STUB_BUS" --address 0x55
fi
echo N >"$TB/i2c-0x77/present"
nack "fault: chip made absent gives addressNACK (exit 74)" --bus "$TB_BUS" --address 0x77
echo Y >"$TB/i2c-0x77/present"
if probe "$W/back.json" --bus "$TB_BUS" --address 0x77; then
  check_reading "fault: chip present again reads again" "$W/back.json" $T_EXPECTED $P_EXPECTED $H_EXPECTED
else
  fail "fault: chip present again reads again" "exit $?: $(first "$W/back.json.err")"
fi

# Permission denied: the node as a board without udev rules would have it, and an unprivileged
# user; the message must tell the operator which group to join.
chgrp i2c "/dev/i2c-$TB_BUS" && chmod 660 "/dev/i2c-$TB_BUS"
su -s /bin/sh hil -c "$SGW probe i2c scan --bus $TB_BUS" >"$W/perm.out" 2>"$W/perm.err"
code=$?
if [ "$code" = 74 ] && grep -q "permissionDenied" "$W/perm.err" && grep -q "'i2c' group" "$W/perm.err"; then
  pass "fault: permission denied names the i2c group"
else
  fail "fault: permission denied names the i2c group" "exit $code: $(first "$W/perm.err")"
fi
chmod 600 "/dev/i2c-$TB_BUS"

# ---- command and word-register chips, and an MCP3008, on the test bus -----------------------------
# sensor PROBE-OUT KIND ARGS...: sensorgw probe KIND ARGS --json
sensor() {
  out=$1; shift
  "$SGW" probe "$@" --json >"$out" 2>"$out.err"
}
# SHT3x at 0x44, Sensirion protocol (datasheet 4.3-4.12): the module sends the words with their
# CRC-8. T = -45 + 175 * S_T / 65535, RH = 100 * S_RH / 65535 (4.13). Words picked so the
# conversion is an exact decimal: S = 13107 * k (0x3333 = 65535 / 5) gives T = -45 + 35k and
# RH = 20k: 0x6666 -> 25 °C, 0x9999 -> 60 %RH; 0x3333 -> -10 °C and 20 %RH.
SHT=$TB/sht3x-0x44
echo "6666 9999" >"$SHT/words" && echo >"$SHT/commands"
if sensor "$W/sht.json" sht3x --bus "$TB_BUS" --address 0x44; then
  expect "sht3x over I2C: words 0x6666 0x9999 read as 25 °C and 60 %RH" "25 60" \
    "$(senml "$W/sht.json" temperature) $(senml "$W/sht.json" humidity)"
  # The driver's commands reached the chip: soft reset 0x30A2, read status 0xF32D, then a
  # single shot at high repeatability without clock stretching 0x2400 (table 9).
  expect "sht3x over I2C: commands soft reset, status, single shot high" "30a2 f32d 2400" "$(cat "$SHT/commands")"
else
  fail "sht3x over I2C: words 0x6666 0x9999 read as 25 °C and 60 %RH" "exit $?: $(first "$W/sht.json.err")"
fi
echo "3333 3333" >"$SHT/words"
if sensor "$W/sht.json" sht3x --bus "$TB_BUS" --address 0x44; then
  expect "sht3x over I2C: words 0x3333 0x3333 read as -10 °C and 20 %RH" "-10 20" \
    "$(senml "$W/sht.json" temperature) $(senml "$W/sht.json" humidity)"
else
  fail "sht3x over I2C: words 0x3333 0x3333 read as -10 °C and 20 %RH" "exit $?: $(first "$W/sht.json.err")"
fi
echo Y >"$SHT/badcrc"
sensor "$W/sht.json" sht3x --bus "$TB_BUS" --address 0x44
code=$?
if [ "$code" = 74 ] && grep -q badData "$W/sht.json.err" && grep -qi crc "$W/sht.json.err"; then
  pass "sht3x over I2C: a bad CRC gives badData (exit 74)"
else
  fail "sht3x over I2C: a bad CRC gives badData (exit 74)" "exit $code: $(first "$W/sht.json.err")"
fi
echo N >"$SHT/badcrc"

# TMP102 at 0x48, word registers (datasheet 7.5.3): pointer byte, then MSB-first 16-bit words.
# Table 7-2 (12-bit format, the upper 12 bits in 1/16 °C): 0x1900 -> 25 °C, 0xE700 -> -25 °C.
WORD=$TB/word-0x48
echo "0 1900" >"$WORD/words"
# Shut down (SD, bit 8) at 0.25 Hz (CR 00): the driver's write of 0x60A0 must wake it at 4 Hz.
echo "1 6120" >"$WORD/words"
if sensor "$W/tmp.json" tmp102 --bus "$TB_BUS" --address 0x48; then
  expect "tmp102 over I2C: temperature 0x1900 reads 25 °C (table 7-2)" "25" "$(senml "$W/tmp.json" temperature)"
  # The driver wrote the power-up configuration 0x60A0 (continuous, 4 Hz) over the shut-down one.
  expect "tmp102 over I2C: configuration 0x6120 (shut down) rewritten to 0x60a0" "60a0" "$(cut -d' ' -f2 "$WORD/words")"
else
  fail "tmp102 over I2C: temperature 0x1900 reads 25 °C (table 7-2)" "exit $?: $(first "$W/tmp.json.err")"
fi
echo "0 e700" >"$WORD/words"
if sensor "$W/tmp.json" tmp102 --bus "$TB_BUS" --address 0x48; then
  expect "tmp102 over I2C: temperature 0xE700 reads -25 °C (table 7-2)" "-25" "$(senml "$W/tmp.json" temperature)"
else
  fail "tmp102 over I2C: temperature 0xE700 reads -25 °C (table 7-2)" "exit $?: $(first "$W/tmp.json.err")"
fi
# Configuration R1:R0 read 11 on a TMP102; a chip that reads them 00 is not one: badData.
echo "1 00a0" >"$WORD/words"
sensor "$W/tmp.json" tmp102 --bus "$TB_BUS" --address 0x48
code=$?
if [ "$code" = 74 ] && grep -q badData "$W/tmp.json.err"; then
  pass "tmp102 over I2C: a configuration read back wrong gives badData (exit 74)"
else
  fail "tmp102 over I2C: a configuration read back wrong gives badData (exit 74)" "exit $code: $(first "$W/tmp.json.err")"
fi
echo "1 60a0" >"$WORD/words"

# MCP3008 on chip select 1 (datasheet figure 6-1, equation 4-1): VIN = code * VREF / 1024, with
# the probe's default VREF 3.3 V. The module answers bit by bit from the start bit on.
MCP=$TB/mcp3008
SPIDEV1=/dev/spidev$SPI_BUS.1
CODES="0 1 256 512 700 1000 1022 1023"
echo "$CODES" >"$MCP/codes"
if sensor "$W/mcp.json" mcp3008 --spi "$SPIDEV1"; then
  got=$(tr '{' '\n' <"$W/mcp.json" | sed -n 's/.*"v":\([^,}]*\).*/\1/p' | tr '\n' ' ')
  # awk's doubles: each value within 1e-12 V of code * 3.3 / 1024, channel by channel
  ok=$(echo "$CODES|$got" | awk -F'|' '{ n = split($1, c, " "); m = split($2, v, " "); bad = (n != m)
    for (i = 1; i <= n; i++) { d = v[i] - c[i] * 3.3 / 1024; if (d < 0) d = -d; if (d > 1e-12) bad = 1 }
    print bad ? "no" : "yes" }')
  expect "mcp3008 over SPI: ch0-ch7 read code * 3.3 / 1024 for codes $CODES" "yes" "$ok"
  [ "$ok" = yes ] || echo "# mcp3008 values: $got"
else
  fail "mcp3008 over SPI: ch0-ch7 read code * 3.3 / 1024 for codes $CODES" "exit $?: $(first "$W/mcp.json.err")"
fi
echo N >"$MCP/present"
sensor "$W/mcp.json" mcp3008 --spi "$SPIDEV1"
code=$?
if [ "$code" = 74 ] && grep -q badData "$W/mcp.json.err" && grep -q 'null bit' "$W/mcp.json.err"; then
  pass "mcp3008 over SPI: floating MISO (null bit 1) gives badData (exit 74)"
else
  fail "mcp3008 over SPI: floating MISO (null bit 1) gives badData (exit 74)" "exit $code: $(first "$W/mcp.json.err")"
fi
echo Y >"$MCP/present"
# VREF from the config (docs/SENSORS.md: `vref: 0.25...5.5`): the agent with vref 4 stores
# code * 4 / 1024 V, an exact binary fraction, for each channel (read back from the outbox).
if [ -x /usr/bin/sqlite3 ]; then
  cat >"$W/mcp.yaml" <<MCPCONF
gateway:
  id: hil-mcp
board: linux
sensors:
  - id: adc
    type: mcp3008
    spi: { device: $SPIDEV1, speed_hz: 1000000, mode: 0 }
    vref: 4
    interval: 1s
storage:
  path: $W/mcp.sqlite
mqtt:
  host: 127.0.0.1
  port: 1
  tls: false
MCPCONF
  "$SGW" run --config "$W/mcp.yaml" 2>"$W/mcp.log" &
  mcpagent=$!
  i=0
  while [ "$i" -lt 150 ] && [ "$(sqlite3 -cmd '.timeout 5000' "$W/mcp.sqlite" 'SELECT count(*) FROM readings' 2>/dev/null || echo 0)" -lt 8 ] \
    && kill -0 "$mcpagent" 2>/dev/null; do usleep 200000; i=$((i + 1)); done
  kill -TERM "$mcpagent" 2>/dev/null; wait "$mcpagent"
  got=$(sqlite3 -cmd '.timeout 5000' "$W/mcp.sqlite" "SELECT value FROM readings ORDER BY seq LIMIT 8" 2>&1 | tr '\n' ' ')
  ok=$(echo "$CODES|$got" | awk -F'|' '{ n = split($1, c, " "); m = split($2, v, " "); bad = (n != m)
    for (i = 1; i <= n; i++) if (v[i] + 0 != c[i] * 4 / 1024) bad = 1
    print bad ? "no" : "yes" }')
  expect "mcp3008 over SPI: the agent with vref 4 stores code * 4 / 1024 V per channel" "yes" "$ok"
  [ "$ok" = yes ] || echo "# mcp3008 agent values: $got / $(tail -2 "$W/mcp.log" | tr '\n' ' ')"
else
  skip "mcp3008 over SPI: the agent with vref 4" "no sqlite3 in this guest"
fi

# ---- an IIO device through the kernel's IIO core ---------------------------------------------------
# sgw_iio.ko registers "sgw_iio" with industrialio (iio_dummy needs IIO_SW_DEVICE, which Debian
# lacks). The ABI (sysfs-bus-iio): temperature in m°C = (raw + offset) * scale, voltage in mV =
# raw * scale; the iio kind gives °C and V. Start: (300 + 100) * 62.5 = 25000 m°C -> 25 °C,
# 2048 * 0.5 = 1024 mV -> 1.024 V.
IIO=/sys/kernel/debug/sgw_iio
if ! modprobe sgw_iio 2>"$W/iio.err"; then
  skip "iio" "no sgw_iio module in this guest ($(first "$W/iio.err"))"
else
  IIODEV=$(grep -l '^sgw_iio$' /sys/bus/iio/devices/iio:device*/name 2>/dev/null | head -1)
  IIODEV=${IIODEV%/name}
  expect "iio: the IIO core lists in_temp_raw/offset/scale, in_voltage0_raw, in_voltage_scale" \
    "300 100 62.500000 2048 0.500000" \
    "$(cat "$IIODEV/in_temp_raw" "$IIODEV/in_temp_offset" "$IIODEV/in_temp_scale" "$IIODEV/in_voltage0_raw" "$IIODEV/in_voltage_scale" 2>&1 | tr '\n' ' ' | sed 's/ $//')"
  if sensor "$W/iio.json" iio; then
    expect "iio: (300 + 100) * 62.5 m°C reads 25 Cel, 2048 * 0.5 mV reads 1.024 V" "25 Cel 1.024 V" \
      "$(senml "$W/iio.json" temperature) $(tr '{' '\n' <"$W/iio.json" | grep '"n":"temperature"' | sed -n 's/.*"u":"\([^"]*\)".*/\1/p') $(senml "$W/iio.json" voltage0) $(tr '{' '\n' <"$W/iio.json" | grep '"n":"voltage0"' | sed -n 's/.*"u":"\([^"]*\)".*/\1/p')"
  else
    fail "iio: (300 + 100) * 62.5 m°C reads 25 Cel, 2048 * 0.5 mV reads 1.024 V" "exit $?: $(first "$W/iio.json.err")"
  fi
  # New values: (4 + 0) * 0.25 = 1 m°C -> 0.001 °C; 1000 * 1.25 = 1250 mV -> 1.25 V.
  echo 4 >"$IIO/temp_raw"; echo 0 >"$IIO/temp_offset"; echo 250000 >"$IIO/temp_scale_micro"
  echo 1000 >"$IIO/voltage0_raw"; echo 1250000 >"$IIO/voltage_scale_micro"
  if sensor "$W/iio.json" iio; then
    expect "iio: changed values (4 + 0) * 0.25 m°C and 1000 * 1.25 mV read 0.001 Cel and 1.25 V" "0.001 1.25" \
      "$(senml "$W/iio.json" temperature) $(senml "$W/iio.json" voltage0)"
  else
    fail "iio: changed values read 0.001 Cel and 1.25 V" "exit $?: $(first "$W/iio.json.err")"
  fi
  if rmmod sgw_iio; then pass "iio: sgw_iio unloads cleanly"; else fail "iio: sgw_iio unloads cleanly" "rmmod failed"; fi
fi

# ---- DS18B20 through the kernel's w1 core and w1_therm ---------------------------------------------
# sgw_w1.ko is a w1 bus master (reset, byte read/write, search) with one emulated DS18B20, ROM
# 28-00000053474b; w1_therm itself runs Convert T and Read Scratchpad and writes w1_slave. The
# scratchpad word 0x0191 is 25.0625 °C (datasheet table 1: 1/16 °C per LSB); w1_therm prints
# t=25062 (millidegrees, truncated).
W1DEV=/sys/bus/w1/devices/28-00000053474b
if ! { modprobe w1_therm && modprobe sgw_w1; } 2>"$W/w1.err"; then
  skip "ds18b20 via w1" "no wire, w1_therm or sgw_w1 module in this guest ($(first "$W/w1.err"))"
else
  i=0
  while [ ! -e "$W1DEV/w1_slave" ] && [ "$i" -lt 100 ]; do usleep 100000; i=$((i + 1)); done
  if [ -e "$W1DEV/w1_slave" ]; then
    pass "ds18b20 via w1: the w1 core found ROM 28-00000053474b (CRC checked by the core) and bound w1_therm"
  else
    fail "ds18b20 via w1: the w1 core found ROM 28-00000053474b and bound w1_therm" "$(ls /sys/bus/w1/devices/ 2>&1 | tr '\n' ' ')"
  fi
  slave=$(cat "$W1DEV/w1_slave" 2>&1 | tr '\n' '|')
  case "$slave" in
    "91 01 4b 46 7f ff 0c 10 "*" : crc="*" YES|91 01 4b 46 7f ff 0c 10 "*" t=25062|")
      pass "ds18b20 via w1: w1_therm reads the scratchpad, CRC YES, t=25062 ($slave)" ;;
    *) fail "ds18b20 via w1: w1_therm reads the scratchpad, CRC YES, t=25062" "$slave" ;;
  esac
  if sensor "$W/w1.json" ds18b20; then
    expect "ds18b20 via w1: the ds18b20 kind reads 0x0191 as 25.0625 °C" "25.0625" "$(senml "$W/w1.json" temperature)"
  else
    fail "ds18b20 via w1: the ds18b20 kind reads 0x0191 as 25.0625 °C" "exit $?: $(first "$W/w1.json.err")"
  fi
  # Table 1: 0xFF5E is -10.125 °C.
  echo 0xff5e >/sys/kernel/debug/sgw_w1/temperature
  if sensor "$W/w1.json" ds18b20; then
    expect "ds18b20 via w1: 0xFF5E reads -10.125 °C (table 1)" "-10.125" "$(senml "$W/w1.json" temperature)"
  else
    fail "ds18b20 via w1: 0xFF5E reads -10.125 °C (table 1)" "exit $?: $(first "$W/w1.json.err")"
  fi
  # A bad scratchpad CRC: w1_therm 6.1's read_scratchpad returns -EIO on a mismatch, convert_t
  # retries and gives up, and w1_slave_show then returns 0 bytes, so "crc=.. NO" is never printed
  # on this path: an empty read is what a board with a noisy bus shows.
  echo Y >/sys/kernel/debug/sgw_w1/badcrc
  expect "ds18b20 via w1: a bad scratchpad CRC makes w1_therm return an empty w1_slave (6.1)" "0" \
    "$(wc -c <"$W1DEV/w1_slave" 2>&1)"
  sensor "$W/w1.json" ds18b20
  code=$?
  if [ "$code" = 74 ] && grep -q badData "$W/w1.json.err"; then
    pass "ds18b20 via w1: the kernel's empty read after a bad CRC gives badData (exit 74; $(first "$W/w1.json.err"))"
  else
    fail "ds18b20 via w1: the kernel's empty read after a bad CRC gives badData (exit 74)" "exit $code: $(first "$W/w1.json.err")"
  fi
  echo N >/sys/kernel/debug/sgw_w1/badcrc
  if rmmod sgw_w1; then pass "ds18b20 via w1: sgw_w1 unloads cleanly"; else fail "ds18b20 via w1: sgw_w1 unloads cleanly" "rmmod failed"; fi
fi

# ---- the agent: two sensors, one made absent mid-run, a value changed by the host --------------
cat >"$W/agent.yaml" <<EOF
gateway:
  id: hil-guest
board: linux
sensors:
  - id: air
    type: bme280
    i2c: { bus: $TB_BUS, address: 0x77 }
    interval: 1s
  - id: shed
    type: bme280
    spi: { device: $SPIDEV, speed_hz: 1000000, mode: 0 }
    interval: 1s
storage:
  path: $W/outbox.sqlite
mqtt:
  host: 127.0.0.1
  port: 1
  tls: false
log:
  level: debug
EOF
LOG=$W/agent.log
"$SGW" run --config "$W/agent.yaml" 2>"$LOG" &
agent=$!
# count PATTERN...: lines of the agent log that contain every pattern
count() {
  n=$(cat "$LOG")
  for p in "$@"; do n=$(printf '%s\n' "$n" | grep -F -- "$p"); done
  [ -n "$n" ] && printf '%s\n' "$n" | wc -l || echo 0
}
# wait_for SECONDS PATTERN...: until the log has such a line
wait_for() {
  limit=$1; shift
  i=0
  while [ "$i" -lt $((limit * 5)) ]; do
    [ "$(count "$@")" -gt 0 ] && return 0
    kill -0 "$agent" 2>/dev/null || return 1
    usleep 200000
    i=$((i + 1))
  done
  return 1
}
if wait_for 40 "readings stored" "sensor=air" && wait_for 10 "readings stored" "sensor=shed"; then
  pass "agent: both sensors store readings"
else
  fail "agent: both sensors store readings" "$(tail -5 "$LOG" | tr '\n' ' ')"
fi
expect "agent: stored values are the datasheet's" "1" \
  "$(count "readings stored" "sensor=shed" "temperature=$T_EXPECTED,pressure=$P_EXPECTED,humidity=$H_EXPECTED" | awk '{ print ($1 > 0) }')"

# air's chip comes loose
echo N >"$TB/i2c-0x77/present"
shed_before=$(count "readings stored" "sensor=shed")
if wait_for 30 "sensor unhealthy" "sensor=air"; then
  if grep -F "sensor unhealthy" "$LOG" | grep -F "sensor=air" | grep -q addressNACK; then
    pass "agent: absent chip -> sensor unhealthy (addressNACK)"
  else
    fail "agent: absent chip -> sensor unhealthy (addressNACK)" "$(grep -F 'sensor unhealthy' "$LOG" | head -1)"
  fi
else
  fail "agent: absent chip -> sensor unhealthy (addressNACK)" "$(tail -5 "$LOG" | tr '\n' ' ')"
fi
# Meanwhile the host changes shed's raw temperature registers over the host line.
answer=$(ask spi-temperature)
set -- $answer
if [ "${1:-}" = spi ]; then
  shift
  echo "$*" >"$TB/spi/set"
  echo "# host set spi registers: $*"
else
  fail "agent: host line received" "got '$answer'"
fi
if wait_for 15 "readings stored" "sensor=shed" "temperature=$T_CHANGED,pressure=$P_CHANGED,humidity=$H_CHANGED"; then
  pass "agent: host-changed temperature gives $T_CHANGED °C on the next reading"
else
  fail "agent: host-changed temperature gives $T_CHANGED °C on the next reading" \
    "$(grep -F 'sensor=shed' "$LOG" | tail -1)"
fi
shed_after=$(count "readings stored" "sensor=shed")
if [ "$shed_after" -gt "$shed_before" ] && [ "$(count "sensor unhealthy" "sensor=shed")" = 0 ]; then
  pass "agent: the other sensor keeps storing while one is unhealthy ($shed_before -> $shed_after)"
else
  fail "agent: the other sensor keeps storing while one is unhealthy" "$shed_before -> $shed_after"
fi
# air's chip is back
echo Y >"$TB/i2c-0x77/present"
if wait_for 30 "sensor recovered" "sensor=air"; then
  pass "agent: chip present again -> sensor recovered"
else
  fail "agent: chip present again -> sensor recovered" "$(grep -F 'sensor=air' "$LOG" | tail -1)"
fi
kill -TERM "$agent" 2>/dev/null
i=0
while kill -0 "$agent" 2>/dev/null && [ "$i" -lt 100 ]; do usleep 200000; i=$((i + 1)); done
if kill -0 "$agent" 2>/dev/null; then
  kill -KILL "$agent"
  fail "agent: stops on SIGTERM" "still running after 20 s"
else
  wait "$agent"
  code=$?
  expect "agent: stops on SIGTERM with status 0" 0 "$code"
fi

# ---- clock trust: readings stored before the clock synced are re-based once it syncs ------------
# A Pi without a battery clock boots in the past (fake-hwclock) and unsynced. The guest's clock is
# set to 2020 (settimeofday sets STA_UNSYNC: the kernel's ntp_clear), the agent stores readings,
# then the host's time arrives over the host line and sgw-clock sets it and clears STA_UNSYNC
# through adjtimex (what an NTP daemon does once it trusts a source). The outbox must re-base the
# pre-sync readings from their monotonic times onto the synced wall clock (docs/RELIABILITY.md).
q() { sqlite3 -cmd '.timeout 5000' "$W/clock.sqlite" "$1" 2>&1; }
if [ ! -x /usr/bin/sqlite3 ] || [ ! -x /usr/bin/sgw-clock ]; then
  skip "clock trust" "no sqlite3 or sgw-clock in this guest"
else
  date -s '2020-01-01 00:00:00' >/dev/null
  clock=$(sgw-clock status)
  case "$clock" in
    *unsync=1*) pass "clock: the guest's clock set to 2020 reads unsynced (STA_UNSYNC; $clock)" ;;
    *) fail "clock: the guest's clock set to 2020 reads unsynced" "$clock" ;;
  esac
  cat >"$W/clock.yaml" <<CLOCK
gateway:
  id: hil-clock
board: linux
sensors:
  - id: air
    type: bme280
    i2c: { bus: $TB_BUS, address: 0x76 }
    interval: 1s
storage:
  path: $W/clock.sqlite
mqtt:
  host: 127.0.0.1
  port: 1
  tls: false
log:
  level: debug
CLOCK
  LOG=$W/clock.log
  "$SGW" run --config "$W/clock.yaml" 2>"$LOG" &
  agent=$!
  # wait_rows SECONDS SQL-CONDITION: until the outbox has a reading matching it
  wait_rows() {
    i=0
    while [ "$i" -lt $(($1 * 5)) ]; do
      [ "$(q "SELECT count(*) FROM readings WHERE $2")" -gt 0 ] 2>/dev/null && return 0
      kill -0 "$agent" 2>/dev/null || return 1
      usleep 200000
      i=$((i + 1))
    done
    return 1
  }
  # stop_agent NAME: SIGTERM, then the exit status must be 0
  stop_agent() {
    kill -TERM "$agent" 2>/dev/null
    i=0
    while kill -0 "$agent" 2>/dev/null && [ "$i" -lt 100 ]; do usleep 200000; i=$((i + 1)); done
    if kill -0 "$agent" 2>/dev/null; then
      kill -KILL "$agent"; wait "$agent"
      fail "$1" "still running after 20 s"
    else
      wait "$agent"
      expect "$1" 0 "$?"
    fi
  }
  # Three reads (nine rows) before the sync, so the re-based times span a few seconds.
  if wait_rows 40 "synced = 0 AND seq >= 9"; then
    pass "clock: the agent stores readings unsynced ($(q 'SELECT count(*) FROM readings') rows)"
  else
    fail "clock: the agent stores readings unsynced" "$(q 'SELECT count(*) FROM readings') rows; $(tail -3 "$LOG" | tr '\n' ' ')"
  fi
  answer=$(ask clock)
  set -- $answer
  if [ "${1:-}" = clock ] && [ -n "${2:-}" ]; then
    now=$2
  else
    now=1796083200   # 2026-12-01T00:00:00Z: any time well after 2020 will do
    fail "clock: host line received the time" "got '$answer'"
  fi
  synced=$(sgw-clock sync "$now" 2>&1)
  echo "# clock synced to $now: $synced"
  # mono and wall right after the clock was set: a reading taken at monotonic time m was taken at
  # wall time SYNC_WALL + (m - SYNC_MONO) on the right clock.
  SYNC_MONO=$(echo "$synced" | sed -n 's/.*mono=\([0-9.]*\).*/\1/p')
  SYNC_WALL=$(echo "$synced" | sed -n 's/.*wall=\([0-9.]*\).*/\1/p')
  clock=$(sgw-clock status)
  case "$clock" in
    *unsync=0*state=0*) pass "clock: sgw-clock cleared STA_UNSYNC (adjtimex TIME_OK; $clock)" ;;
    *) fail "clock: sgw-clock cleared STA_UNSYNC" "$synced / $clock" ;;
  esac
  if wait_rows 20 "synced = 1"; then
    pass "clock: the agent sees the sync and stores synced readings"
  else
    fail "clock: the agent sees the sync and stores synced readings" \
      "$(q 'SELECT synced, count(*) FROM readings GROUP BY synced' | tr '\n' ' '); $(tail -3 "$LOG" | tr '\n' ' ')"
  fi
  stop_agent "clock: agent stops on SIGTERM with status 0"
  PRE="synced = 0"
  POST="synced = 1"
  predicted="($SYNC_WALL + mono / 1e9 - $SYNC_MONO)"
  # Pre-sync readings keep their original (2020) wall time and get a re-based one.
  expect "clock: pre-sync readings keep their 2020 wall time and are flagged re-based" "0" \
    "$(q "SELECT count(*) FROM readings WHERE $PRE AND (wall > 1577840400 OR rebased IS NULL)")"
  # Re-based = the synced wall clock at the reading's monotonic time: within a second of the
  # prediction (the sync offset is taken from the first synced reading, microseconds later).
  expect "clock: re-based times are the synced clock at each reading's monotonic time (within 1 s)" "0" \
    "$(q "SELECT count(*) FROM readings WHERE $PRE AND abs(rebased - $predicted) > 1.0")"
  # One offset for the whole boot: the spacing of the re-based times is the monotonic spacing.
  expect "clock: re-based times keep the monotonic spacing (one offset, under 1 ms spread)" "1" \
    "$(q "SELECT max(rebased - mono / 1e9) - min(rebased - mono / 1e9) < 0.001 FROM readings WHERE $PRE")"
  expect "clock: synced readings carry the synced wall time and no re-based time" "0" \
    "$(q "SELECT count(*) FROM readings WHERE $POST AND (rebased IS NOT NULL OR abs(wall - $predicted) > 1.0)")"
  echo "# clock rows: $(q "SELECT synced, count(*), min(wall), max(wall), min(rebased), max(rebased) FROM readings GROUP BY synced" | tr '\n' ' ')"
  # A second run (same boot, clock synced) adds readings and rewrites none of the stored ones.
  snapshot="SELECT seq, printf('%.9f', wall), mono, synced, printf('%.9f', rebased), boot FROM readings WHERE seq <= $(q 'SELECT max(seq) FROM readings') ORDER BY seq"
  q "$snapshot" >"$W/clock.before"
  last=$(q 'SELECT max(seq) FROM readings')
  LOG=$W/clock2.log
  "$SGW" run --config "$W/clock.yaml" 2>"$LOG" &
  agent=$!
  if wait_rows 30 "seq > $last"; then
    pass "clock: a second agent run stores more readings"
  else
    fail "clock: a second agent run stores more readings" "$(tail -3 "$LOG" | tr '\n' ' ')"
  fi
  stop_agent "clock: second agent run stops on SIGTERM with status 0"
  q "$snapshot" >"$W/clock.after"
  if [ -s "$W/clock.before" ] && cmp -s "$W/clock.before" "$W/clock.after"; then
    pass "clock: the second run rewrote no stored timestamp ($(wc -l <"$W/clock.before") rows compared)"
  else
    fail "clock: the second run rewrote no stored timestamp" "$(diff "$W/clock.before" "$W/clock.after" | head -4 | tr '\n' ' ')"
  fi
fi

# ---- GPIO through gpio-sim -----------------------------------------------------------------------
G=/sys/kernel/config/gpio-sim/hil
mkdir "$G" "$G/bank0"
echo 8 >"$G/bank0/num_lines"
echo sgw-hil >"$G/bank0/label"
i=0
for name in button led door relay; do
  mkdir "$G/bank0/line$i" && echo "$name" >"$G/bank0/line$i/name"
  i=$((i + 1))
done
echo 1 >"$G/live"
GCHIP=$(cat "$G/bank0/chip_name" 2>/dev/null)
SIM=/sys/devices/platform/$(cat "$G/dev_name" 2>/dev/null)/$GCHIP
if [ -n "$GCHIP" ] && [ -c "/dev/$GCHIP" ] && [ -f "$SIM/sim_gpio0/pull" ]; then
  pass "gpio: gpio-sim chip $GCHIP live"
else
  fail "gpio: gpio-sim chip live" "$(ls /dev/gpiochip* 2>&1)"
fi
# The same GPIO checks run once with the agent built against libgpiod 1.6 (Debian 12) and once
# with the one built against libgpiod 2.x (Debian 13, Ubuntu 24.04): one source, two backends.
gpio_suite() {
pull() { echo "$2" >"$SIM/sim_gpio$1/pull"; }

gget() {  # gget ARGS...: prints the value or "exit N: stderr"
  if "$SGW" probe gpio get "$@" >"$W/gget.out" 2>"$W/gget.err"; then
    tr -d '\n' <"$W/gget.out"
  else
    echo "exit $?: $(first "$W/gget.err")"
  fi
}
pull 0 pull-up
expect "gpio get: input high (chip label, line name)" 1 "$(gget --chip sgw-hil --line button)"
pull 0 pull-down
expect "gpio get: input low (chip label, line name)" 0 "$(gget --chip sgw-hil --line button)"
pull 0 pull-up
expect "gpio get: by chip name and offset" 1 "$(gget --chip "$GCHIP" --line 0)"
# gpio-sim applies a requested bias like a pull resistor: it reaches the kernel.
expect "gpio get: --bias pull-up reaches the line" 1 "$(gget --chip sgw-hil --line relay --bias pull-up)"
expect "gpio get: --bias pull-down reaches the line" 0 "$(gget --chip sgw-hil --line relay --bias pull-down)"
"$SGW" probe gpio get --chip sgw-hil --line no-such-line >/dev/null 2>"$W/gnone.err"
code=$?
# Not a usage error (64), not a crash (>= 128), and the message names the line.
if [ "$code" -ne 0 ] && [ "$code" -ne 64 ] && [ "$code" -lt 128 ] && grep -q no-such-line "$W/gnone.err"; then
  pass "gpio get: unknown line name is an error, not a crash (exit $code)"
else
  fail "gpio get: unknown line name is an error, not a crash" "exit $code: $(first "$W/gnone.err")"
fi

# Outputs: the simulator's "value" shows what the agent drives.
"$SGW" probe gpio set --chip sgw-hil --line led --value 1 --hold 4 2>"$W/gset.err" &
setter=$!
i=0
while [ "$(cat "$SIM/sim_gpio1/value")" != 1 ] && [ "$i" -lt 50 ]; do usleep 100000; i=$((i + 1)); done
expect "gpio set: output high seen by the simulator" 1 "$(cat "$SIM/sim_gpio1/value")"
wait "$setter"
expect "gpio set: exits 0 after --hold" 0 "$?"
"$SGW" probe gpio set --chip sgw-hil --line led --value 0 --hold 4 2>"$W/gset.err" &
setter=$!
pull 1 pull-up   # the line must go low because it is driven, not because of a pull
usleep 1500000
expect "gpio set: output low seen by the simulator" 0 "$(cat "$SIM/sim_gpio1/value")"
wait "$setter"

# watch NAME LINE EDGES COUNT DEBOUNCE -- then the caller toggles; results in $W/watch.out
watch_start() {
  rm -f "$W/watch.out" "$W/watch.err"
  "$SGW" probe gpio watch --chip sgw-hil --line "$1" --edges "$2" --count "$3" --timeout "$4" \
    --debounce-us "$5" --json >"$W/watch.out" 2>"$W/watch.err" &
  watcher=$!
  i=0
  while ! grep -q ready "$W/watch.err" 2>/dev/null; do
    kill -0 "$watcher" 2>/dev/null || return 1
    [ "$i" -ge 100 ] && return 1
    usleep 100000
    i=$((i + 1))
  done
}
watch_end() { wait "$watcher"; watch_code=$?; }
edges() { sed -n 's/.*"edge":"\([a-z]*\)".*/\1/p' "$W/watch.out" | tr '\n' ' ' | sed 's/ $//'; }
# increasing FIELD: the values of FIELD in watch.out strictly increase (and there are some)
increasing() {
  sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" "$W/watch.out" | awk '
    NR > 1 && $1 <= last { bad = 1 } { last = $1; n++ } END { exit !(n > 0 && !bad) }'
}
toggle() {  # toggle LINE up|down ...
  line=$1; shift
  for level in "$@"; do pull "$line" "pull-$level"; usleep 20000; done
}

for spec in "rising:down up down up:rising rising" "falling:up down up down:falling falling" \
  "both:down up down up:rising falling rising"; do
  kind=${spec%%:*}; rest=${spec#*:}; moves=${rest%%:*}; want=${rest#*:}
  n=$(echo "$want" | wc -w)
  pull 2 "pull-${moves%% *}"
  usleep 50000
  if watch_start door "$kind" "$n" 20 0; then
    toggle 2 ${moves#* }
    watch_end
    if [ "$watch_code" = 0 ] && [ "$(edges)" = "$want" ] && increasing timestamp_ns && increasing sequence; then
      pass "gpio watch: $kind edges with increasing kernel timestamps and sequence numbers"
    else
      fail "gpio watch: $kind edges" "exit $watch_code, edges '$(edges)', want '$want': $(first "$W/watch.out")"
    fi
  else
    fail "gpio watch: $kind edges" "no 'ready': $(first "$W/watch.err")"
    kill "$watcher" 2>/dev/null
  fi
done

# Debounce: a contact that chatters 9 times in ~0.2 s and ends high. Without debounce every edge
# arrives; with a 1 s window at most the first rising edge (software leading-edge debounce) or
# the settled level (the kernel's debounce) comes through.
pull 2 pull-down
usleep 50000
if watch_start door both 50 4 0; then
  toggle 2 up down up down up down up down up
  watch_end
  raw=$(edges | wc -w)
else
  raw="no ready: $(first "$W/watch.err")"
fi
pull 2 pull-down
usleep 50000
if watch_start door both 50 4 1000000; then
  toggle 2 up down up down up down up down up
  watch_end
  debounced=$(edges)
else
  debounced="no ready: $(first "$W/watch.err")"
fi
if [ "$raw" -ge 5 ] 2>/dev/null && [ "$(echo "$debounced" | cut -d' ' -f1)" = rising ] \
  && [ "$(echo "$debounced" | wc -w)" -le 2 ]; then
  pass "gpio watch: debounce (raw $raw edges, debounced '$debounced')"
else
  fail "gpio watch: debounce" "raw '$raw', debounced '$debounced'"
fi
# Timeout before N events: exit 75.
if watch_start door both 5 2 0; then
  watch_end
  expect "gpio watch: timeout before --count events exits 75" 75 "$watch_code"
else
  fail "gpio watch: timeout before --count events exits 75" "no 'ready': $(first "$W/watch.err")"
  kill "$watcher" 2>/dev/null
fi

}

for build in $HIL_BUILDS; do
  SGW=${build#*:}
  PREFIX="[libgpiod ${build%%:*}] "
  if [ ! -x "$SGW" ]; then
    fail "gpio: agent built against libgpiod ${build%%:*}" "$SGW missing"
    continue
  fi
  backend=$("$SGW" probe gpio backend 2>&1)
  case "$backend" in
    "${build%%.*}"*) pass "gpio: $SGW uses the libgpiod ${build%%:*} backend ($backend)" ;;
    *) fail "gpio: $SGW uses the libgpiod ${build%%:*} backend" "$backend" ;;
  esac
  gpio_suite
done
SGW=/usr/bin/sensorgw
PREFIX=""

# ---- board profiles: header pins on chips with the boards' labels ---------------------------------
# Two more gpio-sim chips, labelled like a Raspberry Pi 4's GPIO block (pinctrl-bcm2711, with GPIO2
# and GPIO3 named SDA1/SCL1 as older device trees name them) and a Pi 5's RP1 (pinctrl-rp1,
# GPIOn), and fake device-tree roots with the boards' model strings. `--pin` must find each line
# by chip label and line name, whatever gpiochip numbers the kernel gave the chips.
B=/sys/kernel/config/gpio-sim/boards
mkdir "$B" "$B/bank0" "$B/bank1"
echo 28 >"$B/bank0/num_lines"
echo pinctrl-bcm2711 >"$B/bank0/label"
echo 28 >"$B/bank1/num_lines"
echo pinctrl-rp1 >"$B/bank1/label"
for n in 2:SDA1 3:SCL1 17:GPIO17 27:GPIO27; do
  mkdir "$B/bank0/line${n%%:*}" && echo "${n#*:}" >"$B/bank0/line${n%%:*}/name"
done
for n in 2 3 17 27; do
  mkdir "$B/bank1/line$n" && echo "GPIO$n" >"$B/bank1/line$n/name"
done
echo 1 >"$B/live"
PI4CHIP=$(cat "$B/bank0/chip_name" 2>/dev/null)
PI5CHIP=$(cat "$B/bank1/chip_name" 2>/dev/null)
BSIM=/sys/devices/platform/$(cat "$B/dev_name" 2>/dev/null)
mkdir -p "$W/pi4/proc/device-tree" "$W/pi5/proc/device-tree"
printf 'Raspberry Pi 4 Model B Rev 1.4\000' >"$W/pi4/proc/device-tree/model"
printf 'Raspberry Pi 5 Model B Rev 1.0\000' >"$W/pi5/proc/device-tree/model"
bpull() { echo "$3" >"$BSIM/$1/sim_gpio$2/pull"; }
pinget() { "$SGW" probe gpio get "$@" 2>"$W/pin.err" || echo "exit $?: $(first "$W/pin.err")"; }
if [ -n "$PI4CHIP" ] && [ -n "$PI5CHIP" ] && [ -f "$BSIM/$PI4CHIP/sim_gpio17/pull" ]; then
  pass "board pins: gpio-sim chips pinctrl-bcm2711 ($PI4CHIP) and pinctrl-rp1 ($PI5CHIP) live"
  bpull "$PI4CHIP" 17 pull-up
  expect "board pins: Pi 4 (board auto) pin 11 is GPIO17 on pinctrl-bcm2711, high" 1 "$(pinget --root "$W/pi4" --pin 11)"
  bpull "$PI4CHIP" 17 pull-down
  expect "board pins: Pi 4 (board auto) pin 11 low" 0 "$(pinget --root "$W/pi4" --pin 11)"
  bpull "$PI4CHIP" 2 pull-up
  expect "board pins: Pi 4 pin 3 found under its older line name SDA1" '{"chip":"pinctrl-bcm2711","line":"SDA1","value":1}' \
    "$(pinget --board raspberry-pi-4 --pin 3 --json)"
  # Line 27 low on the Pi 4 chip and high on RP1: pin 13 must read the chip of the board named.
  bpull "$PI4CHIP" 27 pull-down
  bpull "$PI5CHIP" 27 pull-up
  expect "board pins: Pi 5 (board auto) pin 13 is GPIO27 on pinctrl-rp1" 1 "$(pinget --root "$W/pi5" --pin 13)"
  expect "board pins: Pi 4 pin GPIO27 (by name) is on pinctrl-bcm2711" 0 "$(pinget --board raspberry-pi-4 --pin GPIO27)"
  "$SGW" probe gpio get --board raspberry-pi-4 --pin 6 >/dev/null 2>"$W/pin.err"
  expect "board pins: a ground pin is a configuration error (exit 78)" 78 "$?"
else
  fail "board pins: gpio-sim chips with board labels live" "$(ls /dev/gpiochip* 2>&1)"
fi

# ---- the kernel side stayed healthy ----------------------------------------------------------------
if rmmod sgw_testbus; then
  pass "sgw_testbus unloads cleanly"
else
  fail "sgw_testbus unloads cleanly" "rmmod failed"
fi
if dmesg | grep -Eq 'BUG:|WARNING:|Oops|Call Trace'; then
  fail "kernel log has no warnings, BUGs or oopses" "$(dmesg | grep -E -m 3 'BUG:|WARNING:|Oops|Call Trace' | tr '\n' ' ')"
else
  pass "kernel log has no warnings, BUGs or oopses"
fi

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
