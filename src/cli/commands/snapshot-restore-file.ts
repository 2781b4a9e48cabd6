import { restoreFile } from '../../snapshot/restore-file.ts';
import { usageError, ExitCode } from '../../core/errors.ts';
import { emit, flag, str, type Command } from '../command.ts';
import { SNAPSHOT_HELP, SNAPSHOT_OPTIONS, snapshotContext } from '../snapshot-context.ts';

export const snapshotRestoreFile: Command = {
  name: 'snapshot restore-file',
  summary: 'bring a file or directory back from a snapshot without touching anything else',
  usage: 'panther snapshot restore-file <snapshot> <path> [--to DIR] [--overwrite-newer] [--json]',
  help: `${SNAPSHOT_HELP}
  --to DIR            restore into DIR instead of the original place (DIR/<last part of path>)
  --overwrite-newer   also replace files that changed after the snapshot was taken

Each file is written under a temporary name and renamed into place (a reflink on the same
filesystem). A file that is newer than the snapshot's copy is left alone and listed, with exit
code 3, unless --overwrite-newer is given.

Symlinks are never followed: a directory on the path that is a symlink in the live tree is
refused (exit 3; restore elsewhere with --to DIR), a path through a symlink inside the snapshot
is refused, and a symlink in the snapshot is restored as that symlink. FIFOs, sockets and
device nodes are skipped and listed.`,
  options: { ...SNAPSHOT_OPTIONS, to: { type: 'string' }, 'overwrite-newer': { type: 'boolean' } },
  positionals: true,
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
