// `panther restore`: what --help and routing need, cheap to load; ./restore.ts runs it.
import type { CommandInfo } from '../command.ts';
import { REPO_HELP, REPO_OPTIONS } from '../options.ts';

export const restoreInfo: CommandInfo = {
  name: 'restore',
  summary: 'restore a backup point into a btrfs directory (verified, staged, then moved into place)',
  usage: 'panther restore <point id | prefix | snapshot name> (--to DIR | --stdout) [--json]',
  help: `${REPO_HELP}
  --to DIR    a directory on btrfs; the point's chain is received into a staging directory there,
              every chunk and each whole stream verified, and only the finished subvolume is moved
              to DIR/<snapshot name>. A failure leaves nothing at DIR.
  --stdout    write the point's verified send stream to stdout (an incremental stream needs its
              parent at the receiver; chunks are verified before they are written, the whole-stream
              hash at the end: a mismatch exits 1)`,
  options: { ...REPO_OPTIONS, plan: { type: 'string' }, to: { type: 'string' }, stdout: { type: 'boolean' } },
  positionals: true,
};
