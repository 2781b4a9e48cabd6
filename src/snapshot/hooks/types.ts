// The one interface every snapshot hook implements, and what a hook is handed.
import type { HookFailMode } from '../../plan/types.ts';

export interface HookContext {
  /** Mount point of the live subvolume about to be snapshotted. */
  subvolumePath: string;
  /** Aborted when this phase runs out of time (or the run is interrupted); hooks stop their work. */
  signal: AbortSignal;
  /** One line of progress for the user; never pass secrets here. */
  log(line: string): void;
}

/**
 * Quiesces one application around a snapshot. A hook object is made per run and may keep state
 * from `before` for `after` (e.g. which containers it paused). `after` runs whenever `before` was
 * started, also when `before` failed half-way or the snapshot failed, so it must undo only what
 * `before` really did. Both return a short message for the record and throw on failure.
 */
export interface SnapshotHook {
  name: string;
  before(ctx: HookContext): Promise<string>;
  after(ctx: HookContext): Promise<string>;
}

/** A hook with its failure policy and per-phase time limit. */
export interface BoundHook {
  hook: SnapshotHook;
  failMode: HookFailMode;
  timeoutMs: number;
}
