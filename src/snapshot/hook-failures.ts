// Which hooks failed around one snapshot, for the run reports (and the metrics the CLI derives from
// them): the hooks whose "before" failed, the phase that decides whether a snapshot is consistent.
import { PantherError } from '../core/errors.ts';
import type { HookOutcome } from './types.ts';

export function failedBeforeHooks(outcomes: readonly HookOutcome[]): string[] {
  return [...new Set(outcomes.filter((o) => o.phase === 'before' && !o.ok).map((o) => o.hook))];
}

/** The hook outcomes a failed snapshot carried (a fail-closed hook's refusal, an interrupt), else none. */
export function hookOutcomesOf(error: unknown): HookOutcome[] {
  if (!(error instanceof PantherError)) return [];
  const outcomes = (error.details as { outcomes?: unknown } | undefined)?.outcomes;
  return Array.isArray(outcomes) ? outcomes as HookOutcome[] : [];
}
