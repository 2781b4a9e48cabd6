// `panther drill status`: the drill record as readers see it (a drill whose process is gone is interrupted).
import { PantherError, ExitCode } from '../../core/errors.ts';
import { readDrill } from '../../drill/state.ts';
import { DRILL_LEVELS } from '../../drill/types.ts';
import { emit, str, type Command } from '../command.ts';
import { stateDirOf } from '../options.ts';
import { drillStatusText } from '../output/drill-text.ts';
import { optionalPlan } from '../repo-options.ts';
import { drillStatusInfo } from './drill-status.meta.ts';

export const drillStatus: Command = {
  ...drillStatusInfo,
  async run(values, _positionals, io) {
    const host = str(values, 'host') ?? (await optionalPlan(values))?.host;
    if (host === undefined) throw new PantherError('usage', 'which host?', { exitCode: ExitCode.usage, hint: 'pass --host NAME or --plan FILE' });
    const now = new Date();
    const state = await readDrill(stateDirOf(values), host, now.toISOString());
    emit(io, state, () => drillStatusText(state, now.getTime()));
    return DRILL_LEVELS.some((l) => state.last[l] !== undefined && state.last[l]!.outcome !== 'passed') ? ExitCode.failed : ExitCode.ok;
  },
};
