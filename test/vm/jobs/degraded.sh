# A boot after provisioning with faults (the host puts lib.sh and $BACKUP_SERIAL before this job, the
# fstab beside it): a pool's disk is absent, and the backup disk's btrfs fails reads of one block
# (blkdebug). Nothing here may stop the job: it must end, and what mount and doctor say comes back.
t() { cut -d' ' -f1 /proc/uptime; }
echo "start $(t)"
btrfs device scan > /dev/null || true
mkdir -p /mnt/target
mount --fstab fstab --target-prefix /mnt/target /
rc=0
mount --all --fstab fstab --target-prefix /mnt/target 2> mount-errors.txt || rc=$?
echo "$rc" > mount.rc
cat mount-errors.txt
# Some I/O on the failing disk's btrfs, mounted below the root doctor looks at.
faulty=$(disk_by_serial "$BACKUP_SERIAL")
mkdir -p /mnt/target/mnt/faulty
mount "$faulty" /mnt/target/mnt/faulty
rc=0
cat /mnt/target/mnt/faulty/victim > /dev/null 2> read-errors.txt || rc=$?
echo "$rc" > read.rc
btrfs device stats /mnt/target/mnt/faulty > device-stats.txt 2>&1 || true
findmnt -J -R -o TARGET,SOURCE,FSTYPE,OPTIONS /mnt/target > mounts.json
echo "mounted $(t)"
rc=0
panther doctor --root /mnt/target --fstab fstab --json > doctor.json || rc=$?
echo "$rc" > doctor.rc
echo "doctor $(t) (exit $rc)"
