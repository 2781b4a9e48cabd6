// QEMU's command line for one boot of a test VM. Pure: the harness (vm.ts) runs it.
//
// Software emulation (TCG): this machine's /dev/kvm is a paravirtual variant that cannot run a stock
// kernel. One vCPU (MTTCG with two is slower on a busy 2-core host), qboot and an uncompressed vmlinux
// booted through its PVH note (no BIOS scan, no xz under emulation), no default devices, no network.
// The host's root is shared read-only over 9p (tag hostroot; the guest puts a tmpfs overlay on it),
// the job's directory read-write (tag out), and optionally a cache the guest keeps (tag cache).
import type { Bus, VmDisk } from './hosts.ts';

export interface AttachedDisk extends VmDisk {
  image: string;
  /** Left out of this boot (a disk that died or was pulled). */
  absent?: boolean;
  /** A blkdebug config (inject-error rules): the disk is attached through it and fails as it says. */
  blkdebug?: string;
}

export interface QemuBoot {
  vmlinux: string;
  initramfs: string;
  consoleLog: string;
  outDir: string;
  disks: readonly AttachedDisk[];
  /** A host directory the guest keeps across boots (tag cache): Node's compile cache. */
  cacheDir?: string;
  memoryMiB?: number;
}

export const QEMU = 'qemu-system-x86_64';
export const QBOOT = '/usr/share/qemu/qboot.rom';

/** QEMU splits option values on ","; a path with one (or a newline) is refused rather than escaped. */
function plain(value: string, what: string): string {
  if (/[,\n=]/.test(value) || value === '') throw new Error(`${what} ${JSON.stringify(value)}: QEMU options cannot carry it (",", "=" or newline)`);
  return value;
}

const DEVICE: Record<Bus, (id: string, serial: string) => string[]> = {
  nvme: (id, serial) => ['-device', `nvme,serial=${serial},drive=${id}`],
  'virtio-scsi': (id, serial) => ['-device', `scsi-hd,drive=${id},bus=scsi0.0,serial=${serial}`],
  'virtio-blk': (id, serial) => ['-device', `virtio-blk-pci,drive=${id},serial=${serial}`],
};

export function qemuArgs(boot: QemuBoot): string[] {
  const disks = boot.disks.filter((d) => d.absent !== true);
  const args = [
    '-accel', 'tcg,tb-size=256', '-cpu', 'max', '-smp', '1', '-m', String(boot.memoryMiB ?? 1024),
    '-machine', 'pc', '-bios', QBOOT,
    '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot',
    '-serial', `file:${plain(boot.consoleLog, 'console log')}`,
    '-kernel', plain(boot.vmlinux, 'kernel'), '-initrd', plain(boot.initramfs, 'initramfs'),
    // panic=-1: a panic reboots at once, and -no-reboot turns that into QEMU exiting (never a hang).
    '-append', `console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init pvm.disks=${disks.length}`,
  ];
  if (disks.some((d) => d.bus === 'virtio-scsi')) args.push('-device', 'virtio-scsi-pci,id=scsi0');
  disks.forEach((d, i) => {
    if (!/^[A-Za-z0-9-]{1,20}$/.test(d.serial)) throw new Error(`disk serial ${JSON.stringify(d.serial)}: 1–20 of A-Z a-z 0-9 -`);
    const id = `d${i}`;
    const image = plain(d.image, 'disk image');
    // blkdebug sits between the raw format and the file, so the raw driver's read/write events fire its rules.
    const source = d.blkdebug === undefined ? `file=${image},format=raw`
      : `driver=raw,file.driver=blkdebug,file.config=${plain(d.blkdebug, 'blkdebug config')},file.image.driver=file,file.image.filename=${image}`;
    args.push('-drive', `${source},if=none,id=${id},cache=unsafe,discard=unmap`);
    args.push(...DEVICE[d.bus](id, d.serial));
  });
  args.push(
    '-virtfs', 'local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap',
    '-virtfs', `local,path=${plain(boot.outDir, 'out directory')},mount_tag=out,security_model=none,multidevs=remap`,
  );
  if (boot.cacheDir !== undefined) {
    args.push('-virtfs', `local,path=${plain(boot.cacheDir, 'cache directory')},mount_tag=cache,security_model=none,multidevs=remap`);
  }
  return args;
}
