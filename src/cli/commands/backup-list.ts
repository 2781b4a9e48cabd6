import { openRepoReader } from '../../backup/open.ts';
import { formatBytes } from '../../core/bytes.ts';
import { emit, type Command } from '../command.ts';
import { optionalPlan, resolveRepoLocation } from '../repo-options.ts';
import { backupListInfo } from './backup-list.meta.ts';

export const backupList: Command = {
  ...backupListInfo,
  async run(values, _positionals, io) {
    const repo = await openRepoReader(await resolveRepoLocation(values, await optionalPlan(values), io));
    const entries = (await repo.listManifests()).sort((a, b) => (a.head?.snapshot.time ?? '').localeCompare(b.head?.snapshot.time ?? ''));
    emit(io, { host: repo.host, points: entries.map((e) => ({ id: e.id, damaged: e.damaged ?? null, ...e.head })) }, () => entries.map((e) => e.head === undefined
      ? `${e.id.slice(0, 12)}  DAMAGED: ${e.damaged}`
      : `${e.id.slice(0, 12)}  ${e.head.snapshot.name.padEnd(36)} ${e.head.parent === null ? 'full       ' : `incr ${e.head.parent.slice(0, 6)}`}  stream ${formatBytes(e.head.stream.size).padStart(10)}  new ${formatBytes(e.head.stored.newBytes)}`).join('\n') || 'no backup points');
    return 0;
  },
};
