import { openRepoReader } from '../../backup/open.ts';
import { INTERACTIVE_RECEIVE_FAVOUR, restorePoint, streamPoint } from '../../backup/restore.ts';
import { withRepoLock } from '../../backup/repo-lock.ts';
import { usageError } from '../../core/errors.ts';
import { emit, flag, str, type Command } from '../command.ts';
import { optionalPlan, resolveRepoLocation } from '../repo-options.ts';
import { restoreInfo } from './restore.meta.ts';

export const restore: Command = {
  ...restoreInfo,
  async run(values, positionals, io) {
    const ref = positionals[0];
    const to = str(values, 'to');
    if (ref === undefined || positionals.length > 1) throw usageError('name one backup point', 'panther backup list shows them');
    if ((to === undefined) === !flag(values, 'stdout')) throw usageError('give exactly one of --to DIR and --stdout');
    // A wrong destination is found before the key is unwrapped and the lock taken.
    const location = await resolveRepoLocation(values, await optionalPlan(values), io);
    const repo = await openRepoReader(location);
    if (to === undefined) {
      const r = await withRepoLock(repo, 'shared', 'restore', (signal) => streamPoint(repo, ref, process.stdout, signal), 0, (l) => io.err(l));
      io.err(`streamed ${r.snapshot} (point ${r.point.slice(0, 12)})${r.parent === null ? '' : `; incremental: receive its parent ${r.parent.slice(0, 12)} first`}`);
      return 0;
    }
    const report = await withRepoLock(repo, 'shared', 'restore', (signal) => restorePoint(repo, ref, to, (l) => io.err(l), signal, { favourReceive: INTERACTIVE_RECEIVE_FAVOUR }), 0, (l) => io.err(l));
    emit(io, report, () => `restored ${report.snapshot} to ${report.path} (chain of ${report.chain.length} stream(s), every chunk verified)`);
    return 0;
  },
};
