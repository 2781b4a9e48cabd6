// One runner per tool (bench/tools/): panther, restic, borg and the raw send | zstd | age pipelines
// (raw: send protocol 1; raw2: --proto 2 --compressed-data).
import { borg } from './tools/borg.ts';
import { panther } from './tools/panther.ts';
import { raw, raw2 } from './tools/raw.ts';
import { restic } from './tools/restic.ts';
import type { Tool, ToolContext, ToolName } from './tools/types.ts';

export { TOOL_NAMES } from './tools/types.ts';
export type { Measured, Secrets, Tool, ToolContext, ToolName } from './tools/types.ts';

const RUNNERS: Record<ToolName, (ctx: ToolContext) => Tool> = { panther, restic, borg, raw, raw2 };

export function createTool(name: ToolName, ctx: ToolContext): Tool {
  return RUNNERS[name](ctx);
}

/** Programs each tool needs on PATH (besides btrfs, which the dataset needs anyway). */
export const TOOL_PROGRAMS: Record<ToolName, string[]> = {
  panther: [],
  restic: ['restic'],
  borg: ['borg'],
  raw: ['zstd', 'age', 'age-keygen'],
  raw2: ['zstd', 'age', 'age-keygen'],
};
