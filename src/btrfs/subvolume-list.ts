// `btrfs subvolume list -p -u -q -R`: the one listing format that carries every id and uuid we
// need on one line per subvolume, with the path last so names with spaces survive.
import { run } from './exec.ts';
import { safePath } from './args.ts';
import { PantherError } from '../core/errors.ts';

export interface SubvolumeListEntry {
  id: number;
  generation: number;
  parentId: number;
  topLevelId: number;
  uuid: string;
  parentUuid: string | null;
  receivedUuid: string | null;
  /** Relative to the filesystem's top-level subvolume (id 5), without a leading "/". */
  path: string;
}

const LINE =
  /^ID (\d+) gen (\d+) parent (\d+) top level (\d+) parent_uuid (\S+)\s+received_uuid (\S+)\s+uuid (\S+) path (.*)$/;

const uuidOrNull = (value: string): string | null => (value === '-' ? null : value);

/** Parses the output of `btrfs subvolume list -p -u -q -R [-a|-o]`. */
export function parseSubvolumeList(text: string): SubvolumeListEntry[] {
  const entries: SubvolumeListEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const m = LINE.exec(line);
    if (!m) {
      throw new PantherError('unexpected-output', `btrfs subvolume list: cannot read line ${JSON.stringify(line)}`, {
        hint: 'this btrfs-progs version prints a format Panther does not know; please report it with `btrfs --version`',
      });
    }
    entries.push({
      id: Number(m[1]),
      generation: Number(m[2]),
      parentId: Number(m[3]),
      topLevelId: Number(m[4]),
      parentUuid: uuidOrNull(m[5]!),
      receivedUuid: uuidOrNull(m[6]!),
      uuid: m[7]!,
      // `-a` prefixes paths outside the queried subvolume with "<FS_TREE>/".
      path: m[8]!.replace(/^<FS_TREE>\//, ''),
    });
  }
  return entries;
}

export interface ListSubvolumesOptions {
  /** Only subvolumes below `path` (`-o`); default: every subvolume of the filesystem. */
  onlyBelow?: boolean;
}

/** Every subvolume of the filesystem holding `path` (or only those below it). */
export async function listSubvolumes(path: string, opts: ListSubvolumesOptions = {}): Promise<SubvolumeListEntry[]> {
  safePath(path);
  const flags = ['-p', '-u', '-q', '-R', ...(opts.onlyBelow ? ['-o'] : [])];
  const { stdout } = await run('btrfs', ['subvolume', 'list', ...flags, '--', path], { subject: path });
  return parseSubvolumeList(stdout);
}
