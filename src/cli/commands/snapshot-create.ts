import { createSnapshot } from '../../snapshot/engine.ts';
import { usageError } from '../../core/errors.ts';
import { emit, str, type Command } from '../command.ts';
import { LOCK_HELP, SNAPSHOT_HELP, SNAPSHOT_OPTIONS, snapshotContext, withHostLock } from '../snapshot-context.ts';

export const snapshotCreate: Command = {
  name: 'snapshot create',
  summary: 'take a manual read-only snapshot of one subvolume (hooks run as configured)',
  usage: 'panther snapshot create <subvolume> [--tag T …] [--description TEXT] [--json]',
  help: `${SNAPSHOT_HELP}
${LOCK_HELP}
  --tag T          label it (repeatable)
  --description    free text kept with the snapshot

Manual snapshots are never thinned by timeline retention; delete them with panther snapshot delete.`,
  options: { ...SNAPSHOT_OPTIONS, tag: { type: 'string', multiple: true }, description: { type: 'string' } },
  positionals: true,
  async run(values, positionals, io) {
    const subvolume = positionals[0];
    if (subvolume === undefined || positionals.length > 1) throw usageError('name one subvolume', 'e.g. panther snapshot create @home --tag before-upgrade');
    const ctx = await snapshotContext(values, io);
    const tags = (values['tag'] as string[] | undefined) ?? [];
    const meta = await withHostLock(values, 'snapshot create', () => createSnapshot(ctx, {
      subvolume, now: ctx.now(), origin: 'manual', tags, description: str(values, 'description') ?? null,
    }));
    emit(io, meta, () => `created ${meta.name}${meta.degraded ? ' (DEGRADED: a fail-open hook failed)' : ''}`);
    return 0;
  },
};
