// What is mounted where, from `findmnt --json` (libmount reads /proc/self/mountinfo and decodes
// its escapes for us).
import { run } from './exec.ts';
import { safePath } from './args.ts';
import { PantherError } from '../core/errors.ts';

export interface MountEntry {
  target: string;
  /** As findmnt prints it: "/dev/loop0[/@home]" for a btrfs subvolume. */
  source: string;
  /** `source` without the "[/subvol]" suffix. */
  device: string;
  fstype: string;
  /** The full option string, VFS and filesystem options merged. */
  optionsText: string;
  options: Record<string, string | true>;
  /** The directory of the filesystem mounted here ("/@home"). */
  fsroot: string | null;
  /** btrfs: the mounted subvolume ("/@home"); null on other filesystems. */
  subvol: string | null;
  subvolid: number | null;
}

/**
 * Splits a mount option string into a map. btrfs prints `subvol=` last and does not escape commas
 * in it, so everything after "subvol=" is the path, commas included.
 */
export function mountInfoOptions(text: string): Record<string, string | true> {
  const options: Record<string, string | true> = {};
  const at = text.startsWith('subvol=') ? 0 : text.indexOf(',subvol=');
  const head = at < 0 ? text : text.slice(0, at);
  if (at >= 0) options['subvol'] = text.slice(at === 0 ? 'subvol='.length : at + ',subvol='.length);
  for (const part of head.split(',')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) options[part] = true;
    else options[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return options;
}

interface FindmntNode {
  target?: string;
  source?: string;
  fstype?: string;
  options?: string;
  fsroot?: string;
  children?: FindmntNode[];
}

/** Parses `findmnt --json` output into a flat list, parents before children. */
export function parseFindmntJson(text: string): MountEntry[] {
  if (text.trim() === '') return [];
  let doc: { filesystems?: FindmntNode[] };
  try {
    doc = JSON.parse(text) as { filesystems?: FindmntNode[] };
  } catch (error) {
    throw new PantherError('unexpected-output', 'findmnt --json printed something that is not JSON', { cause: error });
  }
  const entries: MountEntry[] = [];
  const walk = (node: FindmntNode): void => {
    const optionsText = node.options ?? '';
    const options = mountInfoOptions(optionsText);
    const isBtrfs = node.fstype === 'btrfs';
    const source = node.source ?? '';
    entries.push({
      target: node.target ?? '',
      source,
      device: source.replace(/\[.*\]$/, ''),
      fstype: node.fstype ?? '',
      optionsText,
      options,
      fsroot: node.fsroot ?? null,
      subvol: isBtrfs && typeof options['subvol'] === 'string' ? options['subvol'] : null,
      subvolid: isBtrfs && typeof options['subvolid'] === 'string' ? Number(options['subvolid']) : null,
    });
    for (const child of node.children ?? []) walk(child);
  };
  for (const fs of doc.filesystems ?? []) walk(fs);
  return entries;
}

const COLUMNS = 'TARGET,SOURCE,FSTYPE,OPTIONS,FSROOT';

/**
 * The mount at `root` and everything mounted below it (real filesystems only). Empty when
 * nothing is mounted exactly at `root`.
 */
export async function findMounts(root: string): Promise<MountEntry[]> {
  safePath(root, 'mount point');
  // --mountpoint, not --target: --target would climb to the mount holding root (often "/") and
  // list the whole system. findmnt exits 1 when nothing matches.
  const { stdout } = await run('findmnt', ['--json', '--real', '--submounts', '--output', COLUMNS, '--mountpoint', root], {
    subject: root, allowExit: [1],
  });
  return parseFindmntJson(stdout);
}

/**
 * Every mount of this mount namespace, pseudo filesystems (tmpfs, bind mounts) included, in mount
 * order: of two mounts on one target the later is on top.
 */
export async function listAllMounts(): Promise<MountEntry[]> {
  const { stdout } = await run('findmnt', ['--json', '--list', '--output', COLUMNS], { subject: 'mount table', allowExit: [1] });
  return parseFindmntJson(stdout);
}

/** The mount holding `path` (like `findmnt -T path`). */
export async function findMountOf(path: string): Promise<MountEntry | null> {
  safePath(path);
  const { stdout } = await run('findmnt', ['--json', '--output', COLUMNS, '--target', path], { subject: path, allowExit: [1] });
  return parseFindmntJson(stdout)[0] ?? null;
}
