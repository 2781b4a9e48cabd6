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
  /**
   * Sparse image size (only what is written takes room): as large as detection needs to recognise the
   * host from the VM's own report — the laptops' NVMe above dev-/light-laptop's 100 GB floor, the VPS
   * disks at their provider's exact sizes, which is how detection tells the three VPS apart.
   */
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
      { role: 'primary', serial: 'PNTR-ZEPH-NVME-P', bus: 'nvme', sizeBytes: 128 * GiB },
      { role: 'secondary', serial: 'PNTR-ZEPH-NVME-S', bus: 'nvme', sizeBytes: 100 * GiB },
      backup('ZEPH'),
    ],
  },
  yoga: {
    name: 'yoga',
    disks: [{ role: 'primary', serial: 'PNTR-YOGA-NVME-P', bus: 'nvme', sizeBytes: 128 * GiB }, backup('YOGA')],
  },
  hetzner: {
    name: 'hetzner',
    disks: [{ role: 'primary', serial: 'PNTR-HETZ-SCSI-P', bus: 'virtio-scsi', sizeBytes: 458e9 }, backup('HETZ')],
  },
  contabo: {
    name: 'contabo',
    disks: [{ role: 'primary', serial: 'PNTR-CONT-VBLK-P', bus: 'virtio-blk', sizeBytes: 536e9 }, backup('CONT')],
  },
  ovh: {
    name: 'ovh',
    disks: [{ role: 'primary', serial: 'PNTR-OVH-VBLK-P', bus: 'virtio-blk', sizeBytes: 200e9 }, backup('OVH')],
  },
};
