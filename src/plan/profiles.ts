// The profile catalogue: built-ins plus the user's own file. A user profile may `extends` another and
// replace any top-level key; validation lists every problem with its path.
import { readFile } from 'node:fs/promises';
import { PantherError } from '../core/errors.ts';
import { MACHINE_KINDS, TRANSPORTS } from '../facter/types.ts';
import { loadBuiltinProfiles } from './builtin-profiles.ts';
import type { ProfileDef } from './profile-types.ts';
import { BACKUP_FREQUENCIES, COMPRESSION_ALGORITHMS, WORKLOADS } from './types.ts';

export async function loadProfiles(userFile?: string): Promise<ProfileDef[]> {
  const builtin = loadBuiltinProfiles();
  if (userFile === undefined) return builtin;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(userFile, 'utf8'));
  } catch (cause) {
    throw new PantherError('profiles-unreadable', `${userFile}: cannot read profiles (${(cause as Error).message})`, {
      subject: userFile, cause, hint: 'pass a JSON file { "profiles": [ … ] } in the shape of `panther profiles --json`',
    });
  }
  const list = (raw as { profiles?: unknown }).profiles;
  if (!Array.isArray(list)) {
    throw new PantherError('profiles-invalid', `${userFile}: no "profiles" list`, { subject: userFile, hint: 'the file is { "profiles": [ … ] }' });
  }
  return mergeProfiles(builtin, list as Partial<ProfileDef>[], userFile);
}

/** User profiles replace built-ins of the same id; `extends` copies another profile first. */
export function mergeProfiles(builtin: ProfileDef[], user: Partial<ProfileDef>[], source: string): ProfileDef[] {
  const byId = new Map(builtin.map((p) => [p.id, p]));
  for (const partial of user) {
    const parent = partial.extends === undefined ? undefined : byId.get(partial.extends);
    if (partial.extends !== undefined && parent === undefined) {
      throw new PantherError('profiles-invalid', `${source}: profile ${partial.id ?? '?'} extends unknown profile ${partial.extends}`, {
        subject: source, hint: `known profiles: ${[...byId.keys()].join(', ')}`,
      });
    }
    const merged = { ...(parent ?? {}), ...partial } as ProfileDef;
    delete merged.extends;
    byId.set(merged.id, merged);
  }
  const profiles = [...byId.values()];
  const problems = profiles.flatMap((p, i) => validateProfile(p, `${source}: profiles[${i}] (${p.id})`));
  if (problems.length > 0) {
    throw new PantherError('profiles-invalid', `${source}: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`, {
      subject: source, details: { problems }, hint: 'fix the fields listed above',
    });
  }
  return profiles;
}

export function findProfile(profiles: ProfileDef[], id: string): ProfileDef {
  const profile = profiles.find((p) => p.id === id);
  if (profile === undefined) {
    throw new PantherError('unknown-profile', `no profile "${id}"`, {
      exitCode: 2, hint: `known profiles: ${profiles.map((p) => p.id).join(', ')} (panther profiles)`,
    });
  }
  return profile;
}

export function validateProfile(p: ProfileDef, at: string): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, field: string, what: string): void => { if (!ok) problems.push(`${at}.${field}: ${what}`); };
  need(typeof p.id === 'string' && /^[a-z0-9][a-z0-9-]*$/.test(p.id), 'id', 'lower-case letters, digits and dashes');
  need((MACHINE_KINDS as readonly string[]).includes(p.machine), 'machine', `one of ${MACHINE_KINDS.join(', ')}`);
  need(Array.isArray(p.pools) && p.pools.length > 0, 'pools', 'at least one pool');
  need(typeof p.match?.disks?.count === 'number', 'match.disks.count', 'a number');
  for (const t of p.match?.disks?.transports ?? []) need((TRANSPORTS as readonly string[]).includes(t), 'match.disks.transports', `unknown transport ${t}`);
  need(typeof p.objectives?.rpoMinutes === 'number' && typeof p.objectives?.rtoMinutes === 'number', 'objectives', 'rpoMinutes and rtoMinutes');
  need(typeof p.retention?.daily === 'number', 'retention.daily', 'a number');
  need(typeof p.schedule?.daily === 'string', 'schedule.daily', 'an OnCalendar expression');
  need(typeof p.backup?.bandwidthBitsPerSecond === 'number', 'backup.bandwidthBitsPerSecond', 'a number');
  (p.pools ?? []).forEach((pool, i) => {
    need(typeof pool.name === 'string' && /^[a-z][a-z0-9-]*$/.test(pool.name), `pools[${i}].name`, 'lower-case name');
    need(Number.isInteger(pool.disk) && pool.disk >= 0, `pools[${i}].disk`, 'index of the disk, 0 = largest');
    (pool.subvolumes ?? []).forEach((s, j) => {
      const f = `pools[${i}].subvolumes[${j}]`;
      need(typeof s.name === 'string', `${f}.name`, 'a subvolume name');
      need((WORKLOADS as readonly string[]).includes(s.workload), `${f}.workload`, `one of ${WORKLOADS.join(', ')}`);
      if (s.compression !== undefined) need((COMPRESSION_ALGORITHMS as readonly string[]).includes(s.compression), `${f}.compression`, `one of ${COMPRESSION_ALGORITHMS.join(', ')}`);
      if (s.backup !== undefined) need((BACKUP_FREQUENCIES as readonly string[]).includes(s.backup), `${f}.backup`, `one of ${BACKUP_FREQUENCIES.join(', ')}`);
    });
  });
  return problems;
}
