// The specification's five hosts as profiles. Data lives in profiles.json so users can copy it.
import profilesJson from './profiles.json' with { type: 'json' };
import type { ProfileDef } from './profile-types.ts';

export function loadBuiltinProfiles(): ProfileDef[] {
  // structuredClone: callers may extend or override profiles; the module's copy stays pristine.
  return structuredClone((profilesJson as unknown as { profiles: ProfileDef[] }).profiles);
}
