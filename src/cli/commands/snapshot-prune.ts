import { pruneAll } from '../../snapshot/engine.ts';
import { emit, flag, type Command } from '../command.ts';
import { snapshotContext, withHostLock } from '../snapshot-context.ts';
import { snapshotPruneInfo } from './snapshot-prune.meta.ts';

export const snapshotPrune: Command = {
  ...snapshotPruneInfo,
  async run(values, _positionals, io) {
    const ctx = await snapshotContext(values, io);
    const dryRun = flag(values, 'dry-run');
    const entries = await withHostLock(values, 'snapshot prune', () => pruneAll(ctx, ctx.now(), dryRun));
    emit(io, { dryRun, entries }, () => entries.map((e) =>
      `${e.decision.keep ? 'keep  ' : dryRun ? 'delete' : 'DELETED'} ${e.name.padEnd(40)} ${e.decision.reasons.join('; ')}`).join('\n') || 'no timeline snapshots');
    return 0;
  },
};
