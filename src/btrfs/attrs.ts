// File attributes through chattr/lsattr (e2fsprogs), which speak FS_IOC_GET/SETFLAGS for btrfs too.
// Only the primitives live here; nocow.ts holds the No_COW recipe with its checks.
import { run } from './exec.ts';
import { safePath } from './args.ts';
import { PantherError, ExitCode } from '../core/errors.ts';

/** Letters lsattr prints; C = No_COW, c = compress, m = no-compress, i = immutable, a = append-only. */
export type AttrFlag = string;

/** Parses one line of `lsattr -d`: "---------------C------ path". */
export function parseLsattr(text: string): Set<AttrFlag> {
  const line = text.split('\n').find((l) => l.trim() !== '');
  const m = line === undefined ? null : /^([A-Za-z-]+) (.*)$/.exec(line);
  if (!m) {
    throw new PantherError('unexpected-output', `lsattr: cannot read ${JSON.stringify(line ?? text)}`, {
      hint: 'this e2fsprogs version prints a format Panther does not know; please report it with `lsattr -V`',
    });
  }
  return new Set([...m[1]!].filter((c) => c !== '-'));
}

/** The attribute flags of `path` itself (not of a directory's entries). */
export async function readAttrs(path: string): Promise<Set<AttrFlag>> {
  safePath(path);
  const { stdout } = await run('lsattr', ['-d', '--', path], { subject: path });
  return parseLsattr(stdout);
}

/**
 * Applies a chattr change such as "+C" or "-C". chattr exits 0 without setting C on a non-empty
 * file, so callers that care must read the flags back (nocow.ts does).
 */
export async function changeAttrs(path: string, change: string): Promise<void> {
  safePath(path);
  if (!/^[+=-][aAcCdDeFijmPsStTux]+$/.test(change)) {
    throw new PantherError('bad-attribute', `chattr: ${JSON.stringify(change)} is not an attribute change`, {
      subject: path,
      exitCode: ExitCode.usage,
      hint: 'write +C, -C, +c, +m …',
    });
  }
  await run('chattr', [change, '--', path], { subject: path });
}
