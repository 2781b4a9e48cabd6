// `btrfs subvolume show`: the only place that reports flags, creation time and the snapshot list
// of one subvolume. Its format is "\tKey: \t\tvalue" lines after a first line holding the path.
import { run } from './exec.ts';
import { safePath } from './args.ts';
import { PantherError } from '../core/errors.ts';

export interface SubvolumeInfo {
  /** Path relative to the top-level subvolume; "/" for the top level itself. */
  path: string;
  /** "<FS_TREE>" for the top level. */
  name: string;
  uuid: string;
  parentUuid: string | null;
  receivedUuid: string | null;
  /** ISO 8601, or null when btrfs prints "-". */
  creationTime: string | null;
  id: number;
  generation: number;
  genAtCreation: number;
  parentId: number;
  topLevelId: number;
  readonly: boolean;
  flags: string[];
  /** Paths (relative to the top level) of snapshots taken of this subvolume. */
  snapshots: string[];
}

/** "2026-11-24 06:31:46 +0000" → "2026-11-24T06:31:46.000Z". */
export function parseBtrfsTime(text: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const date = new Date(`${m[1]}T${m[2]}${m[3]}${m[4]}:${m[5]}`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function unexpected(what: string): PantherError {
  return new PantherError('unexpected-output', `btrfs subvolume show: ${what}`, {
    hint: 'this btrfs-progs version prints a format Panther does not know; please report it with `btrfs --version`',
  });
}

export function parseSubvolumeShow(text: string): SubvolumeInfo {
  const lines = text.split('\n');
  const path = lines[0]?.trim() ?? '';
  const fields = new Map<string, string>();
  const snapshots: string[] = [];
  let inSnapshots = false;
  for (const line of lines.slice(1)) {
    if (line.trim() === '') continue;
    // Snapshot paths sit on their own lines, indented deeper than the keys.
    if (inSnapshots && /^\t\t/.test(line)) {
      snapshots.push(line.trim());
      continue;
    }
    const m = /^\t\s*([^\t:][^:]*):\s*(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.trim();
    inSnapshots = key === 'Snapshot(s)';
    if (!inSnapshots) fields.set(key, m[2]!.trim());
  }

  const text0 = (key: string): string => {
    const value = fields.get(key);
    if (value === undefined) throw unexpected(`no "${key}" in the output for ${JSON.stringify(path)}`);
    return value;
  };
  const num = (key: string): number => {
    const value = Number(text0(key));
    if (!Number.isInteger(value)) throw unexpected(`"${key}" is not a number for ${JSON.stringify(path)}`);
    return value;
  };
  const uuidOrNull = (key: string): string | null => {
    const value = fields.get(key);
    return value === undefined || value === '-' ? null : value;
  };
  const flagText = fields.get('Flags') ?? '-';
  const flags = flagText === '-' ? [] : flagText.split(/[,\s]+/).filter(Boolean);

  return {
    path,
    name: text0('Name'),
    uuid: text0('UUID'),
    parentUuid: uuidOrNull('Parent UUID'),
    receivedUuid: uuidOrNull('Received UUID'),
    creationTime: parseBtrfsTime(fields.get('Creation time') ?? '-'),
    id: num('Subvolume ID'),
    generation: num('Generation'),
    genAtCreation: num('Gen at creation'),
    parentId: num('Parent ID'),
    topLevelId: num('Top level ID'),
    readonly: flags.includes('readonly'),
    flags,
    snapshots,
  };
}

export async function showSubvolume(path: string): Promise<SubvolumeInfo> {
  safePath(path);
  const { stdout } = await run('btrfs', ['subvolume', 'show', '--', path], { subject: path });
  return parseSubvolumeShow(stdout);
}
