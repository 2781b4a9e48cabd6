// restic (Debian package): repository format 2 (zstd, compression "auto"), files read from the
// snapshot bind-mounted at a fixed path so the previous snapshot is found as parent.
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { measure, measureDurable, type Step } from '../measure.ts';
import { treeBytes, withBind } from '../fsutil.ts';
import type { BackupPoint, Measured, Restored, Tool, ToolContext } from './types.ts';

export function restic(ctx: ToolContext): Tool {
  const step = (args: readonly string[]): Step => ({
    cmd: 'restic',
    args: ['--repo', ctx.repoDir, '--cache-dir', join(ctx.scratch, 'restic-cache'), ...args],
    env: { RESTIC_PASSWORD_FILE: ctx.secrets.passwordFile },
  });
  return {
    name: 'restic',
    async init() {
      await measure([step(['--quiet', 'init', '--repository-version', '2'])], { scratch: ctx.scratch });
    },
    async backup(point: BackupPoint): Promise<Measured> {
      // --json: the summary says how many files restic found unmodified, i.e. that the parent was used.
      const out = join(ctx.scratch, `backup-${basename(point.snapshot)}.jsonl`);
      const usage = await withBind(point.snapshot, ctx.viewDir, () =>
        measure([step(['backup', '--json', '--host', 'bench', ctx.viewDir])], { scratch: ctx.scratch, stdoutFile: out }));
      const summary = (await readFile(out, 'utf8')).split('\n').filter((l) => l.includes('"summary"')).map((l) => JSON.parse(l) as Record<string, number>)[0];
      return summary === undefined ? usage : { ...usage, detail: `files new ${summary['files_new']}, changed ${summary['files_changed']}, unmodified ${summary['files_unmodified']}` };
    },
    async restore(_snapshot: string, _chain: readonly string[], target: string): Promise<Restored> {
      const usage = await measureDurable([step(['--quiet', 'restore', 'latest', '--host', 'bench', '--target', target])], { scratch: ctx.scratch }, target);
      return { usage, root: join(target, ctx.viewDir) };
    },
    storedBytes: () => treeBytes(ctx.repoDir),
  };
}
