import { diffSnapshots } from '../../snapshot/diff.ts';
import { findSnapshot } from '../../snapshot/store.ts';
import { ExitCode, PantherError, usageError } from '../../core/errors.ts';
import { emit, type Command } from '../command.ts';
import { snapshotContext } from '../snapshot-context.ts';
import { snapshotDiffInfo } from './snapshot-diff.meta.ts';

export const snapshotDiff: Command = {
  ...snapshotDiffInfo,
  async run(values, positionals, io) {
    const [a, b] = positionals;
    if (a === undefined || b === undefined || positionals.length > 2) throw usageError('name two snapshots', 'panther snapshot diff @home.20261123T020000Z @home.20261124T020000Z');
    const ctx = await snapshotContext(values, io);
    const older = await findSnapshot(ctx.plan, ctx.root, a, ctx.log);
    const newer = await findSnapshot(ctx.plan, ctx.root, b, ctx.log);
    if (older.stored.meta.subvolume !== newer.stored.meta.subvolume) {
      throw new PantherError('diff-subvolumes', `${a} and ${b} are snapshots of different subvolumes`, { exitCode: ExitCode.usage, hint: 'diff two snapshots of the same subvolume' });
    }
    const changes = await diffSnapshots(older.stored.path, newer.stored.path);
    const marks = { added: '+', deleted: '-', modified: 'M', renamed: 'R' } as const;
    emit(io, { older: a, newer: b, changes }, () => changes.length === 0 ? 'no changes' :
      changes.map((c) => `${marks[c.kind]} ${c.path}${c.from === undefined ? '' : ` (was ${c.from})`}`).join('\n'));
    return 0;
  },
};
