// `panther drill integrity|restore|disaster`: one drill at a time per host (drill.lock beside the
// host lock). This process records the drill as running, starts it in its own process inside a
// private mount namespace (drill/namespace.ts), and records what it reports, or, if it died, that it
// was interrupted. It mounts nothing itself, so however the drill ends there is nothing to clean up here.
import { ExitCode, usageError } from '../../core/errors.ts';
import { defaultBudgetUsd } from '../../drill/budget.ts';
import { runDrillProcess } from '../../drill/process.ts';
import type { DrillRequest } from '../../drill/request.ts';
import { DEFAULT_PERIOD_WEEKS } from '../../drill/rotation.ts';
import { DEFAULT_SCRATCH_DIR } from '../../drill/scratch.ts';
import { processStartTicks } from '../../core/process-start.ts';
import { beginDrill, finishDrill, readDrill, readDrillState, writeDrillState } from '../../drill/state.ts';
import type { DrillLevel, RunningDrill } from '../../drill/types.ts';
import { emit, flag, str, type Command } from '../command.ts';
import { amountFlag, wholeFlag } from '../flags.ts';
import { stateDirOf } from '../options.ts';
import { drillResultText } from '../output/drill-text.ts';
import { optionalPlan, resolveRepoLocation } from '../repo-options.ts';
import { sendRunMetrics } from '../run-metrics.ts';
import { drillEvents } from '../../metrics/from-reports.ts';
import { withDrillLock } from '../snapshot-context.ts';
import { drillInfo } from './drill.meta.ts';

export function drillCommand(level: DrillLevel): Command {
  return {
    ...drillInfo(level),
    async run(values, positionals, io) {
      if (positionals.length > 0) throw usageError(`panther drill ${level} takes no arguments`, `panther drill ${level} --help`);
      const plan = await optionalPlan(values);
      const location = await resolveRepoLocation(values, plan, io);
      const budget = amountFlag(values, 'budget-usd', 'dollars', '1.5') ?? defaultBudgetUsd(level, plan?.backup.monthlyBudgetUsd ?? null);
      const periodWeeks = wholeFlag(values, 'period-weeks', { min: 1, max: 520, example: '13' }) ?? DEFAULT_PERIOD_WEEKS;
      const stateDir = stateDirOf(values);
      const now = new Date().toISOString();
      const request: DrillRequest = {
        level, location, plan, root: str(values, 'root') ?? '/', scratchDir: str(values, 'scratch') ?? DEFAULT_SCRATCH_DIR,
        budgetUsd: budget, periodWeeks, stateDir: level === 'disaster' ? null : stateDir, lastRestoredAt: {}, now,
      };
      if (flag(values, 'dry-run')) {
        const { drillPlanText, planDrill } = await import('../../drill/plan.ts');
        const planned = await planDrill(request);
        emit(io, planned, () => drillPlanText(planned));
        return ExitCode.ok;
      }
      const result = await withDrillLock(values, `drill ${level}`, async () => {
        // A drill that died without a result (we hold drill.lock: none runs) is written down as interrupted.
        const state = await readDrill(stateDir, location.host, now);
        const running: RunningDrill = { level, pid: process.pid, startTicks: await processStartTicks(process.pid), since: now };
        await writeDrillState(stateDir, beginDrill(state, running));
        const done = await runDrillProcess({ ...request, lastRestoredAt: state.lastRestoredAt }, running);
        await writeDrillState(stateDir, finishDrill(await readDrillState(stateDir, location.host, now), done));
        return done;
      });
      emit(io, result, () => drillResultText(result));
      await sendRunMetrics(values, io, location.host, drillEvents(location.host, result));
      return result.outcome === 'passed' ? ExitCode.ok : result.outcome === 'interrupted' ? ExitCode.interrupted : ExitCode.failed;
    },
  };
}
