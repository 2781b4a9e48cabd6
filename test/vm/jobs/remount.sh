# Boot 2 of a spec host: the same disks, mounted from the fstab `panther render fstab` wrote from the
# plan boot 1 recorded (the host puts it beside this job), then doctor again, with that fstab.
t() { cut -d' ' -f1 /proc/uptime; }
echo "start $(t)"
# udev would scan for multi-device btrfs at boot; the VM has none.
btrfs device scan > /dev/null
mkdir -p /mnt/target
# mount --all leaves out "/" (the running root is mounted already), so the root line is mounted by hand.
mount --fstab fstab --target-prefix /mnt/target /
mount --all --fstab fstab --target-prefix /mnt/target
# swapon --all would take the paths as they are: the swap lines' files live below the prefix too.
awk '$3 == "swap" { print $1 }' fstab | while IFS= read -r file; do swapon "/mnt/target$file"; done
findmnt -J -R -o TARGET,SOURCE,FSTYPE,OPTIONS /mnt/target > mounts.json
swapon --show=NAME,TYPE,SIZE --bytes > swaps.txt
echo "mounted $(t)"
rc=0
panther doctor --root /mnt/target --fstab fstab --json > doctor.json || rc=$?
echo "$rc" > doctor.rc
echo "doctor $(t) (exit $rc)"
# The plan's no-CoW subvolumes (the host lists their mount points in nocow.txt): "mount point,
# whether it is a mountpoint, lsattr's attributes" per line, for the test to hold to the plan.
while IFS= read -r mp; do
  [ -n "$mp" ] || continue
  m=no; mountpoint -q "/mnt/target$mp" && m=yes
  attrs=$(lsattr -d "/mnt/target$mp" 2>&1 | cut -d' ' -f1) || attrs=lsattr-failed
  echo "$mp $m $attrs"
done < nocow.txt > nocow-check.txt
