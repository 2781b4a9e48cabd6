// The drill state file: <state dir>/drill-<host>.json, written whole to a temporary name and renamed.
// A drill writes `running` when it starts and its result when it ends; a drill killed on the way
// (kill -9, power loss) leaves `running` behind with a pid that is gone, and every reader shows that
// as an interrupted drill, never as one still running or one that passed (`effectiveState`).
// The updaters are pure; read/write are the only I/O.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { PantherError } from '../core/errors.ts';
import { processStartTicks } from '../core/process-start.ts';
import { readStateJson } from '../core/read-state-json.ts';
import { checkSchema, schemaError } from '../core/schema.ts';
import { drillState } from './state-schema.ts';
import type { DrillLevel, DrillResult, DrillState, RunningDrill } from './types.ts';

export const DRILL_STATE_FORMAT = 'panther-drill-state';
export const HISTORY_LIMIT = 60;
const HOST = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const DAMAGED_HINT = 'it only holds the drills\' history; move it away and the next drill starts a new one';

export function drillStatePath(dir: string, host: string): string {
  if (!HOST.test(host)) throw new PantherError('bad-host', `host name ${JSON.stringify(host)} cannot name a state file`, { hint: 'host names are [A-Za-z0-9._-]' });
  return join(dir, `drill-${host}.json`);
}

export function emptyDrillState(host: string, at: string): DrillState {
  return { format: DRILL_STATE_FORMAT, version: 1, host, updated: at, running: null, last: {}, lastPassedAt: {}, lastRestoredAt: {}, history: [] };
}

/** The host's drill state, or a fresh one. A damaged file is an error, not a reset. */
export async function readDrillState(dir: string, host: string, at: string): Promise<DrillState> {
  const path = drillStatePath(dir, host);
  const parsed = await readStateJson(path, {
    unreadable: { code: 'drill-state-unreadable', what: 'the drill state' },
    damaged: (p, reason, cause) => new PantherError('drill-state-damaged', `${p}: ${reason}`, { subject: p, cause, hint: DAMAGED_HINT }),
  });
  if (parsed === null) return emptyDrillState(host, at);
  const header = parsed as Partial<DrillState>;
  if (header.format !== DRILL_STATE_FORMAT || header.version !== 1 || header.host !== host) {
    throw new PantherError('drill-state-damaged', `${path} is not a version 1 drill state of ${host}`, { subject: path, hint: DAMAGED_HINT });
  }
  const checked = checkSchema(drillState, parsed);
  if (!checked.ok) throw schemaError(path, checked.problems, { code: 'drill-state-damaged', what: `a drill state of ${host}`, hint: DAMAGED_HINT });
  return parsed as DrillState;
}

export async function writeDrillState(dir: string, state: DrillState): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  await writeFileAtomic(drillStatePath(dir, state.host), `${JSON.stringify(state, null, 2)}\n`, 0o644);
}

export function beginDrill(state: DrillState, running: RunningDrill): DrillState {
  return { ...state, updated: running.since, running };
}

/** Records a finished (or interrupted) drill: newest per level, the rotation, the bounded history. */
export function finishDrill(state: DrillState, result: DrillResult): DrillState {
  const lastRestoredAt = { ...state.lastRestoredAt };
  for (const s of result.subvolumes) if (s.ok) lastRestoredAt[s.subvolume] = result.finishedAt;
  const previous = state.last[result.level];
  const history = [...state.history, ...(previous === undefined ? [] : [previous])].slice(-HISTORY_LIMIT);
  return {
    ...state, updated: result.finishedAt, running: null,
    last: { ...state.last, [result.level]: result },
    lastPassedAt: result.outcome === 'passed' ? { ...state.lastPassedAt, [result.level]: result.finishedAt } : state.lastPassedAt,
    lastRestoredAt, history,
  };
}

/** The result that stands for a drill that died without writing one. */
export function interruptedResult(running: RunningDrill, at: string, repository: string, why: string): DrillResult {
  return {
    level: running.level, startedAt: running.since, finishedAt: at, outcome: 'interrupted',
    reason: { code: 'drill-interrupted', message: why, hint: 'its scratch space went with it (a private mount namespace); run the drill again' },
    repository, download: { bytes: 0, usd: 0, budgetUsd: null }, subvolumes: [], deferred: [],
  };
}

/**
 * The state as readers should see it: a `running` drill whose process is gone (`alive` says so) is
 * turned into an interrupted result. Pure: liveness is the caller's question.
 */
export function effectiveState(state: DrillState, alive: (r: RunningDrill) => boolean, at: string): DrillState {
  if (state.running === null || alive(state.running)) return state;
  return finishDrill(state, interruptedResult(state.running, at, '', `the drill (pid ${state.running.pid}) ended without recording a result: it was killed or the machine went down`));
}


/**
 * The drill state as every reader must see it (drill status, the collector, the API, the next
 * drill): a recorded drill whose process is gone (killed, the machine went down) is an interrupted
 * drill, never one still running or one that passed.
 */
export async function readDrill(dir: string, host: string, now: string, alive: (r: RunningDrill) => Promise<boolean> = isDrillAlive): Promise<DrillState> {
  const state = await readDrillState(dir, host, now);
  const running = state.running === null ? false : await alive(state.running);
  return effectiveState(state, () => running, now);
}

/** Whether the recorded drill process still runs (same pid and same start time). */
export async function isDrillAlive(running: RunningDrill): Promise<boolean> {
  const ticks = await processStartTicks(running.pid);
  return ticks !== null && (running.startTicks === null || ticks === running.startTicks);
}

export type { DrillLevel };
