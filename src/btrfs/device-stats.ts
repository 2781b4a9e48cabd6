// `btrfs device stats`: the per-device error counters the kernel keeps across mounts.
import { run } from './exec.ts';
import { safePath } from './args.ts';

export interface DeviceStats {
  device: string;
  writeIoErrs: number;
  readIoErrs: number;
  flushIoErrs: number;
  corruptionErrs: number;
  generationErrs: number;
}

const COUNTERS = {
  write_io_errs: 'writeIoErrs',
  read_io_errs: 'readIoErrs',
  flush_io_errs: 'flushIoErrs',
  corruption_errs: 'corruptionErrs',
  generation_errs: 'generationErrs',
} as const satisfies Record<string, keyof DeviceStats>;

/** Parses "[/dev/loop0].write_io_errs    0" lines; one entry per device, in output order. */
export function parseDeviceStats(text: string): DeviceStats[] {
  const byDevice = new Map<string, DeviceStats>();
  for (const line of text.split('\n')) {
    const m = /^\[(.+)\]\.(\w+)\s+(\d+)\s*$/.exec(line);
    if (!m) continue;
    const key = COUNTERS[m[2] as keyof typeof COUNTERS];
    if (key === undefined) continue;
    const device = m[1]!;
    let entry = byDevice.get(device);
    if (entry === undefined) {
      entry = { device, writeIoErrs: 0, readIoErrs: 0, flushIoErrs: 0, corruptionErrs: 0, generationErrs: 0 };
      byDevice.set(device, entry);
    }
    entry[key] = Number(m[3]);
  }
  return [...byDevice.values()];
}

/** Sum of all counters; 0 means the devices never reported an error. */
export function totalErrors(stats: readonly DeviceStats[]): number {
  return stats.reduce((sum, s) => sum + s.writeIoErrs + s.readIoErrs + s.flushIoErrs + s.corruptionErrs + s.generationErrs, 0);
}

export async function deviceStats(path: string): Promise<DeviceStats[]> {
  safePath(path);
  // Without -c, so non-zero counters are data to report, not a failed command (exit 64).
  const { stdout } = await run('btrfs', ['device', 'stats', '--', path], { subject: path });
  return parseDeviceStats(stdout);
}
