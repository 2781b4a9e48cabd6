#!/usr/bin/env bash
# What pantheros.snapshot.size would cost, measured on a loop btrfs (docs/BENCHMARK.md, "Snapshot
# sizes"): (1) `btrfs filesystem du -s --raw` over snapshots of a 100,000-file tree, cold and warm
# cache; (2) the same write workload and snapshot deletion with quotas (qgroups) off and on.
# Root only; everything lives under one mktemp directory removed on exit.
set -euo pipefail
FILES=${FILES:-100000}
WORK=$(mktemp -d /tmp/panther-bench-qg-XXXXXX)
LOOP=""
MNT="$WORK/mnt"
cleanup() {
  if mountpoint -q "$MNT"; then umount "$MNT"; fi
  if [ -n "$LOOP" ]; then losetup -d "$LOOP"; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir "$MNT"
truncate -s 6G "$WORK/disk.img"
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }

fresh() {
  if mountpoint -q "$MNT"; then umount "$MNT"; fi
  if [ -n "$LOOP" ]; then losetup -d "$LOOP"; fi
  LOOP=$(losetup -f --show "$WORK/disk.img")
  mkfs.btrfs -q -f "$LOOP" >/dev/null 2>&1
  mount -o noatime "$LOOP" "$MNT"
}
remount() { umount "$MNT"; mount -o noatime "$LOOP" "$MNT"; }
tree() { # $1 dir, $2 files: 1 KiB files, 1000 per directory
  mkdir -p "$1"
  local d
  for ((d = 0; d < $2 / 1000; d++)); do
    mkdir "$1/d$d"
    (cd "$1/d$d" && head -c $((1000 * 1024)) /dev/urandom | split -b 1024 -a 3 - f)
  done
}

if [ "${SKIP_DU:-0}" != 1 ]; then
echo "== du: $FILES files"
fresh
btrfs subvolume create "$MNT/data" >/dev/null
tree "$MNT/data" "$FILES"
mkdir "$MNT/snaps"
for i in 1 2 3; do
  btrfs subvolume snapshot -r "$MNT/data" "$MNT/snaps/s$i" >/dev/null
  find "$MNT/data" -name 'fa*' -path '*/d1*' -exec sh -c 'head -c 1024 /dev/urandom > "$1"' _ {} \; 2>/dev/null || true
done
sync; remount
t=$(now); btrfs filesystem du -s --raw "$MNT/snaps/s1" >/dev/null; echo "du one snapshot cold: $(since "$t") s"
t=$(now); btrfs filesystem du -s --raw "$MNT/snaps/s1" >/dev/null; echo "du one snapshot warm: $(since "$t") s"
remount
t=$(now); btrfs filesystem du -s --raw "$MNT"/snaps/s* >/dev/null; echo "du three snapshots cold: $(since "$t") s"
fi

workload() { # prints: seq write s, small files s, 10 snapshot deletions + cleaner s
  btrfs subvolume create "$MNT/w" >/dev/null
  tree "$MNT/w/base" 20000
  mkdir -p "$MNT/ws"
  for i in $(seq 1 10); do btrfs subvolume snapshot -r "$MNT/w" "$MNT/ws/s$i" >/dev/null; done
  sync
  local t a b c
  t=$(now); dd if=/dev/urandom of="$MNT/w/big" bs=1M count=1024 conv=fsync status=none; a=$(since "$t")
  t=$(now); tree "$MNT/w/more" 30000; sync; b=$(since "$t")
  # rewrite 10 % of the shared small files: every rewrite unshares an extent the snapshots hold
  t=$(now); for d in $(seq 0 1); do (cd "$MNT/w/base/d$d" && for f in *; do head -c 1024 /dev/urandom > "$f"; done); done; sync; c=$(since "$t")
  local t2 e
  t2=$(now); for i in $(seq 1 10); do btrfs subvolume delete "$MNT/ws/s$i" >/dev/null; done; btrfs subvolume sync "$MNT" >/dev/null; e=$(since "$t2")
  echo "1 GiB write+fsync: $a s; 30000 new small files: $b s; rewrite 2000 shared files: $c s; delete 10 snapshots: $e s"
}
echo "== quotas off"
fresh; workload
echo "== quotas on"
fresh; btrfs quota enable "$MNT"; workload
t=$(now); btrfs qgroup show --raw "$MNT" >/dev/null; echo "qgroup show: $(since "$t") s"
