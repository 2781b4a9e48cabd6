import { loadProfiles } from '../../plan/profiles.ts';
import { emit, str, type Command } from '../command.ts';
import { profilesInfo } from './profiles.meta.ts';

export const profiles: Command = {
  ...profilesInfo,
  async run(values, _positionals, io) {
    const list = await loadProfiles(str(values, 'profiles'));
    emit(io, { profiles: list }, () => list.map((p) => {
      const subvolumes = p.pools.map((pool) => `${pool.name}: ${pool.subvolumes.map((s) => s.name).join(' ')}`).join('; ');
      const r = p.retention;
      const frequent = p.frequent === null ? '' : ` + every ${p.frequent.everyMinutes} min ×${p.frequent.keep} on ${p.frequent.subvolumes.join(',')}`;
      return `${p.id.padEnd(15)} ${p.description}\n${''.padEnd(16)}retention ${r.daily}/${r.weekly}/${r.monthly}${frequent}; RPO ${p.objectives.rpoMinutes} min\n${''.padEnd(16)}${subvolumes}`;
    }).join('\n'));
    return 0;
  },
};
