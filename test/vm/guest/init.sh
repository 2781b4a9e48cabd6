#!/bin/busybox sh
# PID 1 of the test VM (busybox, in the initramfs test/vm/initramfs.ts builds). It loads the modules
# the disks and filesystems need, mounts the host's root read-only over 9p under a writable overlay
# (tmpfs), runs the job the host left in the shared `out` directory in a chroot of that root, writes
# the job's exit code beside it and powers off. Every line on the console starts with "pvm:" so the
# host can tell init's words from the kernel's.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
say() { echo "pvm: $* (uptime $(cut -d' ' -f1 /proc/uptime))"; }
bye() { sync; say "poweroff"; poweroff -f; sleep 5; }
say "init"

for m in $(cat /etc/pvm-modules); do
  modprobe "$m" 2>/dev/null || say "modprobe $m failed"
done
say "modules loaded"

arg() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" /proc/cmdline; }
# The host says how many disks it attached; wait for them (NVMe probes asynchronously), but a disk
# that never comes (a fault test pulls one) must not hang the boot: go on after 10 s.
want=$(arg pvm.disks); want=${want:-0}
i=0
while [ "$i" -lt 100 ]; do
  n=0
  for d in /sys/block/nvme* /sys/block/sd* /sys/block/vd*; do [ -e "$d" ] && n=$((n + 1)); done
  [ "$n" -ge "$want" ] && break
  sleep 0.1; i=$((i + 1))
done
say "disks $n of $want: $(ls /sys/block | tr '\n' ' ')"

mkdir -p /out /host /rw /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 out /out || { say "cannot mount the out share"; bye; }
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose hostroot /host || { say "cannot mount the host root"; bye; }
mount -t tmpfs -o size=512m tmpfs /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/host,upperdir=/rw/upper,workdir=/rw/work overlay /newroot || { say "cannot mount the overlay root"; bye; }
R=/newroot
mount -t proc proc $R/proc
mount -t sysfs sys $R/sys
mount -t devtmpfs dev $R/dev
mkdir -p $R/dev/pts $R/dev/shm
mount -t devpts devpts $R/dev/pts
mount -t tmpfs tmpfs $R/dev/shm
# Fresh /run and /tmp: the host's own sockets and pid files mean nothing here.
mount -t tmpfs -o mode=755 tmpfs $R/run
mount -t tmpfs -o mode=1777 tmpfs $R/tmp
mkdir -p $R/run/vmout $R/mnt $R/var/cache/pvm
mount --bind /out $R/run/vmout
# Node's compile cache survives the boot here (under TCG, stripping and compiling panther's modules
# is seconds per command); the VM runs without it when the host shares no cache.
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 cache $R/var/cache/pvm 2>/dev/null || say "no cache share"
say "root ready"

if [ -f /out/job.sh ]; then
  chroot $R /bin/bash /run/vmout/job.sh > /out/job.log 2>&1 < /dev/null
  rc=$?
  # What the job left mounted on the disks is unmounted (deepest first), so the next boot finds
  # clean filesystems; a swapfile still active would keep its subvolume busy.
  chroot $R swapoff -a 2>/dev/null
  for m in $(awk -v r="$R/mnt/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r); do umount "$m" || say "cannot unmount $m"; done
  sync
  echo "$rc" > /out/job.rc
  say "job exit $rc"
else
  say "no job"
fi
bye
