#!/usr/bin/env bash
# Installs everything Panther's demo and tests need on Debian 12, then the npm dependencies.
# Idempotent: packages already present are skipped quickly.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  btrfs-progs   # mkfs.btrfs, btrfs subvolume/property/send/receive
  util-linux    # losetup, mount, findmnt, blkid, partx, wipefs
  fdisk         # sfdisk (Debian 12 ships it in fdisk, not util-linux)
  mount         # mount, umount, losetup (priority required, but not Essential)
  e2fsprogs     # chattr, lsattr
  gdisk         # sgdisk for GPT
  dosfstools    # mkfs.vfat for the ESP
  nix-bin       # nix-instantiate evaluates every Nix file we render
  systemd       # systemd-analyze checks calendars and units
  zstd
  age           # the standard age CLI opens our key files (tested)
  attr          # setfattr/getfattr for the xattr round-trip tests
  postgresql    # real PostgreSQL for the database-consistent snapshot tests
  redis-server  # real Redis for the same
  prometheus    # scrapes our exporter in the tests; promtool checks and tests the alert rules
  prometheus-alertmanager  # amtool tests the alert routes
  chromium      # headless, driven by playwright-core: the web UI tests
  fonts-dejavu-core  # so the UI's screenshots show text, not boxes
  caddy         # adapts and runs the rendered Caddy site blocks (render caddy)
  qemu-system-x86  # the VM tests boot real virtual disks under QEMU (TCG)
  busybox-static   # the VM's init, depmod and cpio (the host has no kmod or cpio)
  xz-utils         # unpacks the kernel's vmlinux (busybox unxz lacks the x86 BCJ filter)
)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi


# The kernel the VM tests (test/vm/) boot, unpacked outside the repository.
bash scripts/setup-vm.sh
