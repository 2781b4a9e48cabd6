// The five built-in profiles shipped in profiles.json, read through the same schema as a user's
// profiles file, so a bad edit to the shipped file fails as clearly as a user's would.
import { parseWithSchema } from '../core/schema.ts';
import type { ProfileDef } from './profile-types.ts';
import profilesJson from './profiles.json' with { type: 'json' };
import { builtinProfilesFile } from './input-schema.ts';

let checked: ProfileDef[] | undefined;

export function loadBuiltinProfiles(): ProfileDef[] {
  checked ??= parseWithSchema(builtinProfilesFile, profilesJson, 'src/plan/profiles.json', {
    code: 'profiles-invalid', what: 'a profiles file', namedArrays: ['pools'],
    hint: 'the shipped profiles.json was edited into an invalid shape; fix the values listed',
  }).profiles;
  return structuredClone(checked);
}
