// The profile catalogue: built-ins plus the user's own file. A user profile may `extends` another and
// replace any top-level key; the file and every merged profile are checked against the schema
// (schema.ts), which lists every problem with its path.
import { readFile } from 'node:fs/promises';
import { PantherError } from '../core/errors.ts';
import { checkSchema, parseWithSchema, schemaError, type SchemaProblem } from '../core/schema.ts';
import { loadBuiltinProfiles } from './builtin-profiles.ts';
import type { ProfileDef } from './profile-types.ts';
import { profile as profileSchema, profilesFile } from './input-schema.ts';

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
  const file = parseWithSchema(profilesFile, raw, userFile, { ...READ, what: 'a profiles file' });
  return mergeProfiles(builtin, file.profiles, userFile);
}

const READ = {
  code: 'profiles-invalid', namedArrays: ['pools'],
  hint: 'fix the value(s) listed; the file is { "profiles": [ … ] } in the shape of `panther profiles --json`',
} as const;

/** User profiles replace built-ins of the same id; `extends` copies another profile first. */
export function mergeProfiles(builtin: ProfileDef[], user: Array<Partial<ProfileDef> & { id: string }>, source: string): ProfileDef[] {
  const byId = new Map(builtin.map((p) => [p.id, p]));
  const problems: SchemaProblem[] = [];
  user.forEach((partial, i) => {
    const parent = partial.extends === undefined ? undefined : byId.get(partial.extends);
    if (partial.extends !== undefined && parent === undefined) {
      throw new PantherError('profiles-invalid', `${source}: profiles[${i}].extends: profile ${partial.id} extends unknown profile ${JSON.stringify(partial.extends)}`, {
        subject: source, hint: `known profiles: ${[...byId.keys()].join(', ')}`,
      });
    }
    const merged: Record<string, unknown> = { ...(parent ?? {}), ...partial };
    delete merged['extends'];
    // The merged profile must be whole: a new profile without `extends` has to give every key.
    const result = checkSchema(profileSchema, merged, ['pools']);
    if (!result.ok) {
      problems.push(...result.problems.map((p) => ({ ...p, path: `profiles[${i}] (${partial.id}${parent === undefined ? '' : `, extends ${parent.id}`}): ${p.path}` })));
      return;
    }
    byId.set(result.value.id, result.value);
  });
  if (problems.length > 0) throw schemaError(source, problems, { ...READ, what: 'a profiles file' });
  return [...byId.values()];
}

export function findProfile(profiles: ProfileDef[], id: string): ProfileDef {
  const profile = profiles.find((p) => p.id === id);
  if (profile === undefined) {
    throw new PantherError('unknown-profile', `no profile ${JSON.stringify(id)}`, {
      exitCode: 2, hint: `known profiles: ${profiles.map((p) => p.id).join(', ')} (panther profiles)`,
    });
  }
  return profile;
}
