// `panther plan`: what --help and routing need, cheap to load; ./plan.ts runs it.
import type { CommandInfo } from '../command.ts';
import { PLAN_INPUT_HELP, PLAN_INPUT_OPTIONS } from '../options.ts';

export const planInfo: CommandInfo = {
  name: 'plan',
  summary: 'derive a host\'s storage plan: pools, subvolumes, options, snapshots, backups',
  usage: 'panther plan (--facter FILE | --inventory FILE --host NAME | --profile ID) [--out FILE] [--json]',
  help: `${PLAN_INPUT_HELP}
  --out FILE            also write the plan as JSON (atomically) for lint/render/provision --plan
  --json                print the plan itself as JSON

With an inventory, the report must agree with the host's expected disks; any difference fails
with the list of differences. Without one, the detected profile is used only when detection is
sure; otherwise plan refuses with exit code 3.`,
  options: { ...PLAN_INPUT_OPTIONS, out: { type: 'string' } },
};
