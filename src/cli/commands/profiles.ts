import { loadProfiles } from '../../plan/profiles.ts';
import { emit, str, type Command } from '../command.ts';

export const profiles: Command = {
  name: 'profiles',
  summary: 'list the storage profiles (built-in and your own)',
  usage: 'panther profiles [--profiles FILE] [--json]',
  help: `Options:
  --profiles FILE   add or replace profiles (a JSON file { "profiles": [ … ] }; a profile may
                    "extends" another and replace any top-level key)
  --json            the full profile definitions, ready to copy into your own file`,
  options: { profiles: { type: 'string' } },
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
