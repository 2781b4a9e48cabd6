// Snapshot hooks: make an application's data consistent for the instant of a btrfs snapshot
// (NOTES 10) and undo it afterwards. The only snapshot code that talks to databases and starts
// programs (argument arrays, never a shell).
//
// What it does: run-hooks.ts runs the plan's hooks around a `takeSnapshot` callback (befores in
// order, afters in reverse, per-phase timeouts, fail-closed / fail-open) and returns the
// HookOutcomes recorded with the snapshot. One SnapshotHook (types.ts) per kind:
// postgres.ts (refuses data spread over subvolumes, then CHECKPOINT), redis.ts (SAVE or BGSAVE
// over resp.ts, a tiny RESP2 client), podman.ts (pause / always unpause; decisions in
// podman-plan.ts), command.ts (the user's argv). create-hook.ts maps a HookConfig to a hook.
//
// What it does not: name, create or record snapshots (engine.ts), or decide which hooks a
// subvolume has (the plan). Where to start: run-hooks.ts, then the hook at hand.
export { runSnapshotWithHooks, runBoundHooks, bindHook } from './run-hooks.ts';
export type { HookRunContext, HookedSnapshot } from './run-hooks.ts';
export type { SnapshotHook, HookContext, BoundHook } from './types.ts';
export { createHook } from './create-hook.ts';
export { postgresHook, DEFAULT_PG_HOST } from './postgres.ts';
export type { PostgresHookConfig } from './postgres.ts';
export { findSpread, readDataLayout } from './postgres-layout.ts';
export { redisHook, parseInfo } from './redis.ts';
export type { RedisHookConfig } from './redis.ts';
export { connectRedis } from './resp.ts';
export type { RespClient, RespValue, RedisAddress } from './resp.ts';
export { podmanHook } from './podman.ts';
export { planPause, parsePs, parseInspect, parseGraphRoot } from './podman-plan.ts';
export type { PauseDecision } from './podman-plan.ts';
export { commandHook } from './command.ts';
