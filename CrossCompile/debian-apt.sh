# Sourced, not run. A private apt for one Debian suite and architecture, as
# Scripts/fetch-libgpiod2.sh does: its own sources list, package lists and caches under DIR, so
# the machine's sources, lists, caches and installed packages are never touched. apt only
# resolves and downloads here; nothing is installed on the build machine.
#
#   debian_apt_init DIR SUITE ARCH   sets up DIR and fills the array `debian_apt` with the -o options
#   debian_apt_update                refreshes DIR's package lists
#   debian_apt_closure PKG...        prints "name=version" for PKG and everything they depend on
#   debian_apt_download DEST NAME=VERSION...   fetches exactly those .debs into DEST

debian_keyring=/usr/share/keyrings/debian-archive-keyring.gpg
debian_mirror=${SGW_DEBIAN_MIRROR:-http://deb.debian.org/debian}

debian_apt_init() {
    local dir=$1 suite=$2 arch=$3
    [[ -f "$debian_keyring" ]] || { echo "error: $debian_keyring is missing (apt-get install debian-archive-keyring)" >&2; return 1; }
    mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/sources.list.d" "$dir/status.d"
    echo "deb [arch=$arch signed-by=$debian_keyring] $debian_mirror $suite main" > "$dir/sources.list"
    # An empty dpkg status: resolve as for an empty system, not against this machine's packages.
    : > "$dir/status.d/status"
    debian_apt=(
        -o "Dir::Etc::sourcelist=$dir/sources.list"
        -o "Dir::Etc::sourceparts=$dir/sources.list.d"
        -o "Dir::State::Lists=$dir/lists"
        -o "Dir::State::status=$dir/status.d/status"
        -o "Dir::Cache=$dir/cache"
        -o "Dir::Cache::pkgcache=$dir/cache/pkgcache.bin"
        -o "Dir::Cache::srcpkgcache=$dir/cache/srcpkgcache.bin"
        -o "APT::Architecture=$arch"
        -o "APT::Architectures=$arch"
        -o "APT::Get::List-Cleanup=0"
        # The mirror this machine reaches is a frozen copy whose Release files are past their
        # Valid-Until date; the signatures are still checked.
        -o "Acquire::Check-Valid-Until=false"
        # The private directories belong to root; apt's _apt download sandbox could not write them.
        -o "APT::Sandbox::User=root"
    )
}

debian_apt_update() {
    apt-get "${debian_apt[@]}" -qq update
}

# Depends and Pre-Depends, recursively; a virtual package is replaced by the first real package
# apt lists for it. Recommends and Suggests are left out: a sysroot needs headers and libraries.
debian_apt_closure() {
    apt-cache "${debian_apt[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts \
            --no-breaks --no-replaces --no-enhances "$@" \
        | awk '/^[^ <]/ {print $1}' | sort -u \
        | while read -r name; do
            # awk reads to the end: an early exit would kill apt-cache with SIGPIPE, which
            # pipefail turns into a failed assignment and a truncated lock.
            version=$(apt-cache "${debian_apt[@]}" show --no-all-versions "$name" 2>/dev/null \
                | awk '/^Version:/ && !v {v = $2} END {print v}')
            [[ -n "$version" ]] && echo "$name=$version"
        done
}

debian_apt_download() {
    local dest=$1; shift
    mkdir -p "$dest"
    (cd "$dest" && apt-get "${debian_apt[@]}" -qq download "$@")
}
