// borg 1.2 (Debian package): repokey-blake2, zstd level 3, run inside the snapshot bind-mounted at
// a fixed path so its files cache recognises unchanged files.
import { basename, join } from 'node:path';
import { measure, measureDurable, type Step } from '../measure.ts';
import { treeBytes, withBind } from '../fsutil.ts';
import type { BackupPoint, Restored, Tool, ToolContext } from './types.ts';

export function borg(ctx: ToolContext): Tool {
  const step = (args: readonly string[], cwd?: string): Step => ({
    cmd: 'borg',
    args,
    env: {
      BORG_PASSCOMMAND: `cat ${ctx.secrets.passwordFile}`,
      BORG_BASE_DIR: join(ctx.scratch, 'borg-base'),
      BORG_DISPLAY_PASSPHRASE: 'no',
      BORG_RELOCATED_REPO_ACCESS_IS_OK: 'yes',
    },
    ...(cwd === undefined ? {} : { cwd }),
  });
  return {
    name: 'borg',
    async init() {
      await measure([step(['init', '--encryption=repokey-blake2', ctx.repoDir])], { scratch: ctx.scratch });
    },
    backup(point: BackupPoint) {
      return withBind(point.snapshot, ctx.viewDir, () =>
        measure([step(['create', '--compression', 'zstd,3', `${ctx.repoDir}::${basename(point.snapshot)}`, '.'], ctx.viewDir)], { scratch: ctx.scratch }));
    },
    async restore(snapshot: string, _chain: readonly string[], target: string): Promise<Restored> {
      const usage = await measureDurable([step(['extract', `${ctx.repoDir}::${basename(snapshot)}`], target)], { scratch: ctx.scratch }, target);
      return { usage, root: target };
    },
    storedBytes: () => treeBytes(ctx.repoDir),
  };
}
