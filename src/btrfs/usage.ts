// `btrfs filesystem usage -b`: raw byte counts of what is allocated, used and (estimated) free.
import { run } from './exec.ts';
import { safePath } from './args.ts';
import { PantherError } from '../core/errors.ts';

export interface DeviceBytes {
  device: string;
  bytes: number;
}

export interface BlockGroupUsage {
  /** "Data", "Metadata", "System". */
  type: string;
  /** "single", "DUP", "RAID1", … */
  profile: string;
  size: number;
  used: number;
  devices: DeviceBytes[];
}

export interface FilesystemUsage {
  deviceSize: number;
  deviceAllocated: number;
  deviceUnallocated: number;
  deviceMissing: number;
  /** null on progs that do not print it. */
  deviceSlack: number | null;
  used: number;
  freeEstimated: number;
  freeEstimatedMin: number | null;
  freeStatfs: number | null;
  dataRatio: number;
  metadataRatio: number;
  globalReserve: number;
  globalReserveUsed: number | null;
  multipleProfiles: boolean;
  blockGroups: BlockGroupUsage[];
  unallocated: DeviceBytes[];
}

function unexpected(what: string): PantherError {
  return new PantherError('unexpected-output', `btrfs filesystem usage: ${what}`, {
    hint: 'this btrfs-progs version prints a format Panther does not know; please report it with `btrfs --version`',
  });
}

export function parseFilesystemUsage(text: string): FilesystemUsage {
  const overall = new Map<string, string>();
  const blockGroups: BlockGroupUsage[] = [];
  const unallocated: DeviceBytes[] = [];
  let section: 'overall' | 'unallocated' | BlockGroupUsage | null = null;

  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('Overall:')) { section = 'overall'; continue; }
    if (line.startsWith('Unallocated:')) { section = 'unallocated'; continue; }
    const group = /^(\w+),([\w-]+): Size:(\d+), Used:(\d+)/.exec(line);
    if (group) {
      section = { type: group[1]!, profile: group[2]!, size: Number(group[3]), used: Number(group[4]), devices: [] };
      blockGroups.push(section);
      continue;
    }
    if (section === 'overall') {
      const m = /^\s+([^:]+):\s+(.*)$/.exec(line);
      if (m) overall.set(m[1]!.trim(), m[2]!.trim());
      continue;
    }
    const dev = /^\s+(\S.*?)\s+(\d+)$/.exec(line);
    if (dev && section !== null) {
      const entry = { device: dev[1]!, bytes: Number(dev[2]) };
      if (section === 'unallocated') unallocated.push(entry);
      else section.devices.push(entry);
    }
  }

  const raw = (key: string): string | undefined => overall.get(key);
  const num = (key: string): number => {
    const value = Number(/^(-?[\d.]+)/.exec(raw(key) ?? '')?.[1] ?? NaN);
    if (Number.isNaN(value)) throw unexpected(`no number for "${key}" (was -b given?)`);
    return value;
  };
  const optional = (key: string): number | null => (raw(key) === undefined ? null : num(key));
  const inParens = (key: string, label: string): number | null => {
    const m = new RegExp(`\\(${label}: (\\d+)\\)`).exec(raw(key) ?? '');
    return m ? Number(m[1]) : null;
  };

  return {
    deviceSize: num('Device size'),
    deviceAllocated: num('Device allocated'),
    deviceUnallocated: num('Device unallocated'),
    deviceMissing: num('Device missing'),
    deviceSlack: optional('Device slack'),
    used: num('Used'),
    freeEstimated: num('Free (estimated)'),
    freeEstimatedMin: inParens('Free (estimated)', 'min'),
    freeStatfs: optional('Free (statfs, df)'),
    dataRatio: num('Data ratio'),
    metadataRatio: num('Metadata ratio'),
    globalReserve: num('Global reserve'),
    globalReserveUsed: inParens('Global reserve', 'used'),
    multipleProfiles: raw('Multiple profiles') === 'yes',
    blockGroups,
    unallocated,
  };
}

export async function filesystemUsage(path: string): Promise<FilesystemUsage> {
  safePath(path);
  const { stdout } = await run('btrfs', ['filesystem', 'usage', '-b', '--', path], { subject: path });
  return parseFilesystemUsage(stdout);
}
