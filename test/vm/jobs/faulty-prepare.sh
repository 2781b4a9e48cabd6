# After boot 2's checks (the host puts lib.sh, $BACKUP_SERIAL and $MARKER before this job): a btrfs on
# the backup disk holding a file whose first block starts with $MARKER. The host finds that block in
# the disk image and has blkdebug fail reads and writes of it at the next boot.
faulty=$(disk_by_serial "$BACKUP_SERIAL")
mkfs.btrfs -q -f -L vm-faulty "$faulty"
mkdir -p /mnt/faulty
mount "$faulty" /mnt/faulty
{ printf '%s' "$MARKER"; head -c 1048576 /dev/urandom; } > /mnt/faulty/victim
sync
umount /mnt/faulty
echo "faulty $(t)"
