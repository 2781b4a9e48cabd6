import { restoreFile } from '../../snapshot/restore-file.ts';
import { usageError, ExitCode } from '../../core/errors.ts';
import { emit, flag, str, type Command } from '../command.ts';
import { snapshotContext } from '../snapshot-context.ts';
import { snapshotRestoreFileInfo } from './snapshot-restore-file.meta.ts';

export const snapshotRestoreFile: Command = {
  ...snapshotRestoreFileInfo,
  async run(values, positionals, io) {
    const [name, path] = positionals;
    if (name === undefined || path === undefined || positionals.length > 2) throw usageError('name a snapshot and a path', 'panther snapshot restore-file @home.20261124T020000Z /home/me/notes.txt');
    const ctx = await snapshotContext(values, io);
    const to = str(values, 'to');
    const result = await restoreFile(ctx, name, path, { ...(to === undefined ? {} : { to }), overwriteNewer: flag(values, 'overwrite-newer') });
    emit(io, result, () => [
      `restored ${result.restored.length}, unchanged ${result.unchanged.length}, kept newer ${result.skippedNewer.length} (from ${result.snapshot})`,
      ...result.restored.map((p) => `  restored ${p}`),
      ...result.skippedNewer.map((p) => `  NEWER, kept: ${p} (use --overwrite-newer to replace it)`),
      ...result.skippedSpecial.map((p) => `  SKIPPED special file (FIFO, socket or device): ${p}`),
    ].join('\n'));
    return result.skippedNewer.length > 0 ? ExitCode.refused : ExitCode.ok;
  },
};
