// The five built-in profiles shipped in profiles.json, typed. JSON strings are widened to `string`
// by the compiler, so the cast is where the file's shape is asserted.
import type { ProfileDef } from './profile-types.ts';
import profilesJson from './profiles.json' with { type: 'json' };

export function loadBuiltinProfiles(): ProfileDef[] {
  return structuredClone(profilesJson.profiles) as unknown as ProfileDef[];
}
