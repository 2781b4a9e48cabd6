import { pruneAll } from '../../snapshot/engine.ts';
import { emit, flag, type Command } from '../command.ts';
import { LOCK_HELP, SNAPSHOT_HELP, SNAPSHOT_OPTIONS, snapshotContext, withHostLock } from '../snapshot-context.ts';

export const snapshotPrune: Command = {
  name: 'snapshot prune',
  summary: 'apply timeline retention: delete what no tier keeps (never the newest, pinned or held)',
  usage: 'panther snapshot prune [--dry-run] [--json]',
  help: `${SNAPSHOT_HELP}
${LOCK_HELP}
  --dry-run      show every decision with its reason, delete nothing`,
  options: { ...SNAPSHOT_OPTIONS, 'dry-run': { type: 'boolean' } },
  async run(values, _positionals, io) {
    const ctx = await snapshotContext(values, io);
    const dryRun = flag(values, 'dry-run');
    const entries = await withHostLock(values, 'snapshot prune', () => pruneAll(ctx, ctx.now(), dryRun));
    emit(io, { dryRun, entries }, () => entries.map((e) =>
      `${e.decision.keep ? 'keep  ' : dryRun ? 'delete' : 'DELETED'} ${e.name.padEnd(40)} ${e.decision.reasons.join('; ')}`).join('\n') || 'no timeline snapshots');
    return 0;
  },
};
