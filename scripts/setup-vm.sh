#!/usr/bin/env bash
# Fetches the kernel the VM tests (test/vm/) boot under QEMU into a cache outside the repository.
# scripts/setup.sh runs this after installing qemu-system-x86 and busybox-static; it can run alone.
# Idempotent: an unpacked kernel already in the cache is kept.
#
# The kernel .deb is downloaded and unpacked, never installed: installing linux-image-amd64 would pull
# udev and initramfs-tools, upgrade the host's systemd and run update-initramfs. The ABI is the one
# the linux-image-amd64 metapackage depends on (the newest), so no ABI number is written here.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

cache=${PANTHER_VM_CACHE:-/var/cache/panther-test-vm}
newest_kernel() {
  apt-cache depends linux-image-amd64 2>/dev/null \
    | sed -n 's/^ *Depends: \(linux-image-[0-9][0-9.]*-[0-9][0-9]*-amd64\)$/\1/p' | head -n1
}
pkg=$(newest_kernel)
if [ -z "$pkg" ]; then
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  pkg=$(newest_kernel)
fi
if [ -z "$pkg" ]; then
  echo "setup-vm: apt knows no linux-image-amd64; add Debian 12's main component to the apt sources" >&2
  exit 1
fi
ver=${pkg#linux-image-}
dest=$cache/kernel/$ver
if [ -f "$dest/boot/vmlinuz-$ver" ]; then exit 0; fi

echo "setup-vm: fetching $pkg into $cache" >&2
as_root mkdir -p "$cache/debs" "$cache/kernel"
# apt's sandbox user cannot write a root-only cache directory; the download then runs as root (a warning).
(cd "$cache/debs" && as_root apt-get download -qq "$pkg" 2>&1 | grep -v 'unsandboxed' >&2 || true)
deb=$(ls "$cache/debs/${pkg}_"*.deb 2>/dev/null | head -n1)
if [ -z "$deb" ]; then
  echo "setup-vm: apt-get download $pkg gave no .deb in $cache/debs" >&2
  exit 1
fi
as_root rm -rf "$dest.partial"
as_root dpkg-deb -x "$deb" "$dest.partial"
as_root mv "$dest.partial" "$dest"
as_root rm -f "$deb"
echo "setup-vm: kernel $ver unpacked in $dest" >&2
