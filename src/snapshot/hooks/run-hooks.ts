// Runs hooks around one snapshot: befores in order, the snapshot, afters in reverse order.
// Every hook whose before was started gets its after, whatever happened in between, because an
// after undoes what its before did (unpause containers, …) and a half-done before may have done
// some of it. Failure policy (plan/types.ts HookFailMode):
//   - fail-closed before fails → no snapshot; afters run; PantherError 'hook-failed' (exit 1).
//   - fail-open before fails → snapshot taken anyway; outcome ok:false + degraded, run degraded.
//   - an after fails → recorded ok:false and logged, never degraded: the snapshot was already
//     taken after a successful before, so its consistency does not depend on the after.
import type { HookConfig } from '../../plan/types.ts';
import type { HookOutcome } from '../types.ts';
import type { BoundHook, HookContext } from './types.ts';
import { ExitCode, PantherError, isPantherError } from '../../core/errors.ts';
import { createHook } from './create-hook.ts';
import { describeError, untilAborted } from './deadline.ts';

export interface HookRunContext {
  subvolumePath: string;
  /** Aborting it (Ctrl-C) stops the befores and skips the snapshot; afters still run. */
  signal: AbortSignal;
  log(line: string): void;
}

export interface HookedSnapshot<T> {
  /** What takeSnapshot returned. A failed snapshot is rethrown (after the afters), never null. */
  result: T;
  /** befores in run order, then afters in run order. */
  outcomes: HookOutcome[];
  /** A fail-open hook failed before the snapshot: it may not be application-consistent. */
  degraded: boolean;
}

export async function runSnapshotWithHooks<T>(
  hooks: readonly HookConfig[],
  ctx: HookRunContext,
  takeSnapshot: () => Promise<T>,
  create: (config: HookConfig) => BoundHook['hook'] = createHook,
): Promise<HookedSnapshot<T>> {
  return runBoundHooks(hooks.map((config) => bindHook(config, create)), ctx, takeSnapshot);
}

export function bindHook(config: HookConfig, create: (config: HookConfig) => BoundHook['hook'] = createHook): BoundHook {
  if (!(Number.isFinite(config.timeoutSeconds) && config.timeoutSeconds > 0)) {
    throw new PantherError('hook-bad-config', `${config.type} hook: timeoutSeconds must be a positive number, got ${String(config.timeoutSeconds)}`, {
      exitCode: ExitCode.usage,
      hint: 'set timeoutSeconds to how long one phase (before or after) may take, e.g. 60',
    });
  }
  return { hook: create(config), failMode: config.failMode, timeoutMs: config.timeoutSeconds * 1000 };
}

export async function runBoundHooks<T>(hooks: readonly BoundHook[], ctx: HookRunContext, takeSnapshot: () => Promise<T>): Promise<HookedSnapshot<T>> {
  const outcomes: HookOutcome[] = [];
  const started: BoundHook[] = [];
  let stop: { hook: string; error: unknown } | null = null;

  for (const bound of hooks) {
    if (ctx.signal.aborted) break;
    started.push(bound);
    const { outcome, error } = await runPhase(bound, 'before', ctx);
    outcomes.push(outcome);
    if (outcome.ok || ctx.signal.aborted) continue;
    if (bound.failMode === 'closed') {
      stop = { hook: bound.hook.name, error };
      break;
    }
    ctx.log(`${bound.hook.name}: before failed (fail-open): taking the snapshot anyway, marked degraded: ${outcome.message}`);
  }

  const interrupted = ctx.signal.aborted;
  let snapshot: { value: T } | { error: unknown } | null = null;
  if (stop === null && !interrupted) {
    try {
      snapshot = { value: await takeSnapshot() };
    } catch (error) {
      snapshot = { error };
    }
  }

  for (const bound of [...started].reverse()) {
    const { outcome } = await runPhase(bound, 'after', ctx);
    outcomes.push(outcome);
    if (!outcome.ok) ctx.log(`${bound.hook.name}: after failed: ${outcome.message}; the snapshot is unaffected, but check the service`);
  }

  if (stop !== null) throw hookFailed(stop.hook, stop.error, ctx.subvolumePath, outcomes);
  if (interrupted || snapshot === null) {
    throw new PantherError('interrupted', `interrupted before the snapshot of ${ctx.subvolumePath}; no snapshot was taken`, {
      subject: ctx.subvolumePath, exitCode: ExitCode.interrupted, cause: ctx.signal.reason, details: { outcomes },
    });
  }
  if ('error' in snapshot) throw snapshot.error;
  return { result: snapshot.value, outcomes, degraded: outcomes.some((o) => o.degraded) };
}

async function runPhase(bound: BoundHook, phase: 'before' | 'after', ctx: HookRunContext): Promise<{ outcome: HookOutcome; error: unknown }> {
  const { hook, timeoutMs } = bound;
  const timeout = AbortSignal.timeout(timeoutMs);
  // An after cleans up, so an interrupt must not cut it short: only its own time limit applies.
  const signal = phase === 'before' ? AbortSignal.any([ctx.signal, timeout]) : timeout;
  const hookCtx: HookContext = { subvolumePath: ctx.subvolumePath, signal, log: (line) => ctx.log(`${hook.name}: ${line}`) };
  const startedAt = performance.now();
  const elapsed = (): number => Math.round(performance.now() - startedAt);
  try {
    const message = await untilAborted(hook[phase](hookCtx), signal, `${hook.name} ${phase}`, timeoutMs);
    return { outcome: { hook: hook.name, phase, ok: true, degraded: false, durationMs: elapsed(), message }, error: undefined };
  } catch (error) {
    const degraded = phase === 'before' && bound.failMode === 'open';
    return { outcome: { hook: hook.name, phase, ok: false, degraded, durationMs: elapsed(), message: describeError(error) }, error };
  }
}

function hookFailed(hook: string, error: unknown, subvolumePath: string, outcomes: HookOutcome[]): PantherError {
  const causeHint = isPantherError(error) ? error.hint : undefined;
  return new PantherError('hook-failed', `hook ${hook} failed before the snapshot of ${subvolumePath}: ${describeError(error)}; no snapshot was taken`, {
    subject: subvolumePath,
    exitCode: ExitCode.failed,
    cause: error,
    hint: `${causeHint === undefined ? 'fix the cause above' : causeHint}; or set failMode "open" on this hook to snapshot anyway (marked degraded)`,
    details: { hook, outcomes },
  });
}
