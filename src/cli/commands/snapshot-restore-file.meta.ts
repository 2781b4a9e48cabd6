// `panther snapshot restore-file`: what --help and routing need, cheap to load; ./snapshot-restore-file.ts runs it.
import type { CommandInfo } from '../command.ts';
import { SNAPSHOT_HELP, SNAPSHOT_OPTIONS } from '../options.ts';

export const snapshotRestoreFileInfo: CommandInfo = {
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
};
