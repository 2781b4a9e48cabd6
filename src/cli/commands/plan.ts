import { writeFileAtomic } from '../../core/atomic-write.ts';
import { lintPlan, summarize } from '../../plan/lint/index.ts';
import { renderJson } from '../../render/json.ts';
import { emit, str, type Command } from '../command.ts';
import { describePlan } from '../output/plan-text.ts';
import { PLAN_INPUT_HELP, PLAN_INPUT_OPTIONS, resolvePlan } from '../plan-input.ts';

export const plan: Command = {
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
  async run(values, _positionals, io) {
    const { plan: result } = await resolvePlan(values);
    const out = str(values, 'out');
    if (out !== undefined) await writeFileAtomic(out, renderJson(result));
    const counts = summarize(lintPlan(result));
    io.err(`lint: ${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} info, ${counts.note} acknowledged — panther lint for details`);
    emit(io, result, () => describePlan(result));
    return 0;
  },
};
