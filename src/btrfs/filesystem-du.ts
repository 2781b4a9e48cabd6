// `btrfs filesystem du -s --raw`: per path, bytes referenced (total), referenced by no other
// subvolume or file (exclusive) and shared within the set. It walks every file of every path, so it
// costs time in proportion to the file count (docs/BENCHMARK.md), but no write pays for it.
import { run } from './exec.ts';
import { safePath } from './args.ts';
import { PantherError } from '../core/errors.ts';

export interface DuSummary {
  path: string;
  totalBytes: number;
  exclusiveBytes: number;
  setSharedBytes: number;
}

export function parseFilesystemDu(text: string): DuSummary[] {
  const out: DuSummary[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || /^\s*Total\s+Exclusive/.test(line)) continue;
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.+)$/.exec(line);
    if (!m) {
      throw new PantherError('unexpected-output', `btrfs filesystem du: cannot read the line "${line.slice(0, 120)}"`, {
        hint: 'this btrfs-progs version prints a format Panther does not know; please report it with `btrfs --version`',
      });
    }
    out.push({ totalBytes: Number(m[1]), exclusiveBytes: Number(m[2]), setSharedBytes: Number(m[3]), path: m[4]! });
  }
  return out;
}

/** One summary per path, in order. The default timeout is long: a big snapshot takes minutes. */
export async function filesystemDu(paths: readonly string[], timeoutMs = 30 * 60_000): Promise<DuSummary[]> {
  if (paths.length === 0) return [];
  for (const p of paths) safePath(p);
  const { stdout } = await run('btrfs', ['filesystem', 'du', '-s', '--raw', '--', ...paths], { subject: paths[0]!, timeoutMs });
  return parseFilesystemDu(stdout);
}
