#!/usr/bin/env bash
# Everything that runs on arm64 here, in order, with each step's time:
#   1. CrossCompile/test-arm64.sh: the toolchain (if not cached), the arm64 test bundle, and the
#      unit tests under qemu-aarch64 (Scripts/test.sh runs this one as its arm64 stage);
#   2. CrossCompile/build-arm64.sh --libc-suite trixie: the release binary for boards;
#   3. CrossCompile/smoke-arm64.sh --libc-suite trixie: that binary's command line under qemu;
#   4. CrossCompile/e2e-arm64.sh: the end-to-end tests with that agent against mosquitto;
#   5. Tests/HIL/run-arm64.sh: the real-kernel stage on Debian's arm64 kernel (qemu-system-aarch64);
#   6. Scripts/test-deb.sh trixie-arm64: the arm64 .deb installed into an arm64 trixie root.
# Every step runs even when an earlier one failed. As root, under the build lock:
#   flock /work/build.lock nice -n 10 CrossCompile/test-arm64-all.sh
# Last line: "all arm64 steps: N passed, N failed" (the steps' own counts added up).
set -uo pipefail
cd "$(dirname "$0")/.."
logs=.build-arm64-trixie/logs-all
mkdir -p "$logs"
passed=0 failed=0 status=0
summary=()
step() {  # step NAME COMMAND...
  local name=$1 started=$SECONDS rc p f
  shift
  echo "=== arm64: $name"
  "$@" 2>&1 | tee "$logs/$name.txt"
  rc=${PIPESTATUS[0]}
  read -r p f < <(grep -oE '[0-9]+ passed, [0-9]+ failed' "$logs/$name.txt" | tail -1 | awk '{ print $1, $3 }')
  p=${p:-0} f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p)) failed=$((failed + f))
  [ "$rc" -eq 0 ] || status=1
  summary+=("$name: $p passed, $f failed (exit $rc, $((SECONDS - started))s)")
}
step unit-tests bash CrossCompile/test-arm64.sh
step release-build bash -c 'CrossCompile/make-toolchain.sh --libc-suite trixie >/dev/null && CrossCompile/build-arm64.sh --libc-suite trixie && echo "1 passed, 0 failed"'
step smoke bash CrossCompile/smoke-arm64.sh --libc-suite trixie
step end-to-end bash CrossCompile/e2e-arm64.sh
step real-kernel env HIL_SKIP_AGENT_BUILD=1 bash Tests/HIL/run-arm64.sh
step deb bash Scripts/test-deb.sh trixie-arm64
echo "=== arm64 steps"
printf '  %s\n' "${summary[@]}"
echo "all arm64 steps: $passed passed, $failed failed"
exit "$status"
