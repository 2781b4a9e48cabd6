# After boot 2's checks (the host puts lib.sh and $BACKUP_SERIAL before this job): snapshot run, a repository on
# the separate backup disk (found by serial, mkfs'd here), backup run of @home with a proof file in it,
# restore of that point onto the backup disk's btrfs, and the proof compared byte for byte.
backup_disk=$(disk_by_serial "$BACKUP_SERIAL")
mkfs.btrfs -q -f -L vm-backup "$backup_disk"
mkdir -p /mnt/backup
mount "$backup_disk" /mnt/backup
plan=/mnt/target/etc/panther/plan.json
head -c 200000 /dev/urandom > /mnt/target/home/vm-proof.bin
cp /mnt/target/home/vm-proof.bin proof.bin
printf 'panther vm test passphrase\n' > /run/vm-passphrase
keys=(--passphrase-file /run/vm-passphrase)
# The database hooks fail closed with no database running: the run may exit non-zero; @home is asserted.
rc=0
panther snapshot run --plan "$plan" --root /mnt/target --json > snapshot-run.json || rc=$?
echo "$rc" > snapshot-run.rc
echo "snapshot $(t) (exit $rc)"
panther backup init --repo /mnt/backup/repo --plan "$plan" "${keys[@]}" --scrypt-log-n 10 --json > backup-init.json
panther backup run --plan "$plan" --root /mnt/target --repo /mnt/backup/repo "${keys[@]}" --subvol @home \
  --ignore-window --state-dir /run/vm-panther-state --json > backup-run.json
echo "backup $(t)"
point=$(json backup-run.json items.0.point)
mkdir -p /mnt/backup/restored
panther restore "$point" --repo /mnt/backup/repo --plan "$plan" "${keys[@]}" --to /mnt/backup/restored --json > restore.json
restored=$(json restore.json path)
cp "$restored/vm-proof.bin" restored-proof.bin
echo "restore $(t)"
umount /mnt/backup
