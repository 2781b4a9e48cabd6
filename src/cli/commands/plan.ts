import { writeFileAtomic } from '../../core/atomic-write.ts';
import { lintPlan, summarize } from '../../plan/lint/index.ts';
import { renderJson } from '../../render/json.ts';
import { emit, str, type Command } from '../command.ts';
import { describePlan } from '../output/plan-text.ts';
import { resolvePlan } from '../plan-input.ts';
import { planInfo } from './plan.meta.ts';

export const plan: Command = {
  ...planInfo,
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
