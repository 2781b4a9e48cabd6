// `panther profiles`: what --help and routing need, cheap to load; ./profiles.ts runs it.
import type { CommandInfo } from '../command.ts';

export const profilesInfo: CommandInfo = {
  name: 'profiles',
  summary: 'list the storage profiles (built-in and your own)',
  usage: 'panther profiles [--profiles FILE] [--json]',
  help: `Options:
  --profiles FILE   add or replace profiles (a JSON file { "profiles": [ … ] }; a profile may
                    "extends" another and replace any top-level key)
  --json            the full profile definitions, ready to copy into your own file`,
  options: { profiles: { type: 'string' } },
};
