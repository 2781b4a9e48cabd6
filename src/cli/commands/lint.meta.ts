// `panther lint`: what --help and routing need, cheap to load; ./lint.ts runs it.
import type { CommandInfo } from '../command.ts';
import { PLAN_INPUT_HELP, PLAN_INPUT_OPTIONS } from '../options.ts';

export const lintInfo: CommandInfo = {
  name: 'lint',
  summary: 'check a plan against what btrfs, NixOS and the objectives allow',
  usage: 'panther lint (--plan FILE | plan input) [--strict] [--rules] [--json]',
  help: `${PLAN_INPUT_HELP}
  --strict              warnings fail too (exit 1)
  --rules               list every rule with its id, severity and NOTES reference
  --json                { findings: [{ id, severity, subject, message, fix, acknowledged? }], counts }

Acknowledge a finding in the inventory (overrides.acknowledge: { "<id>" or "<id>:<subject>": "why" })
and it becomes an acknowledged note. Exit 1 when any finding is an error (or a warning with --strict).`,
  options: { ...PLAN_INPUT_OPTIONS, strict: { type: 'boolean' }, rules: { type: 'boolean' } },
};
