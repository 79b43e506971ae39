#!/usr/bin/env bash
# Runs a command inside the sid amd64 root that CrossCompile/make-toolchain.sh made, in the
# work tree (bind-mounted at its own path), with the machine's Swift package copies
# (/opt/swift-packages, read-only) and the cache (for the arm64 Swift SDK) mounted at their own
# paths too, so paths printed inside are valid outside.
#
# The mounts live in a private mount namespace (unshare), so they vanish with the command, even
# when it is killed; nothing is left mounted on the machine.
#
# Usage: CrossCompile/in-root.sh COMMAND [ARGS...]   (run from anywhere; the cwd is the work tree)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tree=$(cd "$here/.." && pwd)
cache=${SGW_CROSS_CACHE:-/var/cache/sensorgw-cross}
root=$cache/sid-amd64
[[ -f "$root/.sgw-ready" ]] || { echo "error: no toolchain root in $root (run CrossCompile/make-toolchain.sh)" >&2; exit 1; }
[[ $# -gt 0 ]] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 64; }

exec unshare --mount --propagation private -- bash -euo pipefail -c '
    root=$1 tree=$2 cache=$3; shift 3
    mkdir -p "$root$tree" "$root/opt/swift-packages" "$root$cache" "$root/proc" "$root/dev" "$root/tmp"
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount --bind "$tree" "$root$tree"
    mount --bind -o ro /opt/swift-packages "$root/opt/swift-packages"
    mount --bind "$cache" "$root$cache"
    cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
    cd "$root$tree"
    exec chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
        TERM="${TERM:-dumb}" bash -c "cd \"\$0\" && exec \"\$@\"" "$tree" "$@"
' in-root "$root" "$tree" "$cache" "$@"
