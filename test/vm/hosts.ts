// The virtual hardware of each spec host: the disks QEMU attaches, on the bus the real machine has
// them (NVMe on the laptops, virtio-scsi at Hetzner, virtio-blk at Contabo and OVH), with serials the
// guest finds them by. Kernel names (nvme0n1, sda, vdb) are whatever the guest enumerated first;
// nothing matches on them. Every host also gets a separate disk for the backup repository.
export type Bus = 'nvme' | 'virtio-scsi' | 'virtio-blk';

export interface VmDisk {
  /** The pool it is for (the plan's pool name), or 'backup' for the repository disk. */
  role: string;
  /** What the guest matches on (/sys/block/X/device/serial or /sys/block/X/serial); ≤ 20 characters. */
  serial: string;
  bus: Bus;
  /** Sparse image size. The spec's disks are TBs; provision --fit-to-device shrinks to these. */
  sizeBytes: number;
}

export interface VmHost {
  /** The spec host: examples/inventory.json and examples/facter/<name>.json. */
  name: string;
  disks: VmDisk[];
}

const GiB = 1024 ** 3;
const backup = (host: string): VmDisk => ({ role: 'backup', serial: `PNTR-${host}-BACKUP`, bus: 'virtio-blk', sizeBytes: 4 * GiB });

export const VM_HOSTS: Record<string, VmHost> = {
  zephyrus: {
    name: 'zephyrus',
    disks: [
      { role: 'primary', serial: 'PNTR-ZEPH-NVME-P', bus: 'nvme', sizeBytes: 8 * GiB },
      { role: 'secondary', serial: 'PNTR-ZEPH-NVME-S', bus: 'nvme', sizeBytes: 6 * GiB },
      backup('ZEPH'),
    ],
  },
  yoga: {
    name: 'yoga',
    disks: [{ role: 'primary', serial: 'PNTR-YOGA-NVME-P', bus: 'nvme', sizeBytes: 8 * GiB }, backup('YOGA')],
  },
  hetzner: {
    name: 'hetzner',
    disks: [{ role: 'primary', serial: 'PNTR-HETZ-SCSI-P', bus: 'virtio-scsi', sizeBytes: 10 * GiB }, backup('HETZ')],
  },
  contabo: {
    name: 'contabo',
    disks: [{ role: 'primary', serial: 'PNTR-CONT-VBLK-P', bus: 'virtio-blk', sizeBytes: 10 * GiB }, backup('CONT')],
  },
  ovh: {
    name: 'ovh',
    disks: [{ role: 'primary', serial: 'PNTR-OVH-VBLK-P', bus: 'virtio-blk', sizeBytes: 10 * GiB }, backup('OVH')],
  },
};
