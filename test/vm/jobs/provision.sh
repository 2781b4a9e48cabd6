# Boot 1 of a spec host (runs in the VM; vm.ts puts set -euo pipefail, $REPO and `panther` before it,
# the host puts $HOST and disks.json beside it). The spec host's facter report and inventory entry
# with the VM's disks swapped in → provision onto the real device names → doctor. The plan provision recorded on the root
# subvolume comes back as recorded-plan.json (the host renders the fstab from it). Every panther
# command costs seconds under emulation, so nothing is run twice: init unmounts at the end.
t() { cut -d' ' -f1 /proc/uptime; }
echo "start $(t)"
node "$REPO/test/vm/guest/facter.ts" "$HOST" "$REPO/examples/facter/$HOST.json" "$REPO/examples/inventory.json" disks.json .
cat devices.txt
devices=()
while IFS= read -r d; do devices+=(--device "$d"); done < devices.txt
echo "facter $(t)"
mkdir -p /mnt/target
panther provision --inventory inventory.json --host "$HOST" --facter facter.json \
  "${devices[@]}" --root /mnt/target --yes --fit-to-device --json > provision.json
echo "provision $(t)"
findmnt -J -R -o TARGET,SOURCE,FSTYPE,OPTIONS /mnt/target > mounts.json
cp /mnt/target/etc/panther/plan.json recorded-plan.json
rc=0
panther doctor --root /mnt/target --json > doctor.json || rc=$?
echo "$rc" > doctor.rc
echo "doctor $(t) (exit $rc)"
