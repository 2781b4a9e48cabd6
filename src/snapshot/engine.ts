// The snapshot engine: create (with hooks), the timeline run (create what is due, then prune), prune,
// delete, pin. Every function takes `now` so tests can drive a year of days; btrfs is reached only
// through the btrfs edge.
import { deleteSubvolume, isSubvolume, showSubvolume, snapshotSubvolume } from '../btrfs/index.ts';
import { ExitCode, PantherError } from '../core/errors.ts';
import type { StoragePlan, Tier } from '../plan/types.ts';
import { dueTiers } from './due.ts';
import { runSnapshotWithHooks } from './hooks/run-hooks.ts';
import { failedBeforeHooks, hookOutcomesOf } from './hook-failures.ts';
import { runWrapped } from './hooks/wrapped-command.ts';
import { snapshotName } from './naming.ts';
import { applyRetention } from './retention/index.ts';
import { exists, findSnapshot, listStored, locate, removeMeta, secureSnapshotDirs, snapshotted, TOOL_VERSION, writeMeta, type Located } from './store.ts';
import type { RetentionDecision, SnapshotMeta, SnapshotOrigin } from './types.ts';

export interface EngineContext {
  plan: StoragePlan;
  /** Where the plan's mount points are (/ on the host itself). */
  root: string;
  creator: string;
  log: (line: string) => void;
  /** Aborts hooks in flight (SIGINT/SIGTERM). */
  signal?: AbortSignal;
}

export interface CreateRequest {
  subvolume: string;
  now: string;
  origin: SnapshotOrigin;
  tiers?: Tier[];
  tags?: string[];
  description?: string | null;
  command?: SnapshotMeta['command'];
}

export async function createSnapshot(ctx: EngineContext, req: CreateRequest): Promise<SnapshotMeta> {
  const loc = locate(ctx.plan, ctx.root, req.subvolume);
  if (!(await isSubvolume(loc.source))) {
    throw new PantherError('not-a-subvolume', `${loc.source} (${req.subvolume}) is not a mounted btrfs subvolume`, {
      subject: loc.source, hint: `mount it first (panther doctor --plan … shows what is missing)`,
    });
  }
  await secureSnapshotDirs(loc, ctx.log);
  // Two snapshots in one second (wrap of a quick command) would share a name: take the next second.
  let at = new Date(req.now).getTime();
  while (await exists(`${loc.dir}/${snapshotName(req.subvolume, new Date(at).toISOString())}`)) at += 1000;
  const name = snapshotName(req.subvolume, new Date(at).toISOString());
  const path = `${loc.dir}/${name}`;
  const { outcomes, degraded } = await runSnapshotWithHooks(loc.subvolume.hooks ?? [], { subvolumePath: loc.source, log: ctx.log, signal: ctx.signal ?? new AbortController().signal }, async () => {
    await writeMeta(loc.dir, draftMeta(ctx, loc, name, req));
    try {
      await snapshotSubvolume(loc.source, path, { readonly: true });
    } catch (error) {
      // No snapshot, no sidecar: a draft left behind would be reported as an orphan on every list.
      await removeMeta(loc.dir, name).catch(() => undefined);
      throw error;
    }
  });
  const info = await showSubvolume(path);
  const meta: SnapshotMeta = { ...draftMeta(ctx, loc, name, req), hooks: outcomes, degraded, uuid: info.uuid };
  await writeMeta(loc.dir, meta);
  return meta;
}

function draftMeta(ctx: EngineContext, loc: Located, name: string, req: CreateRequest): SnapshotMeta {
  return {
    formatVersion: 1, name, host: ctx.plan.host, pool: loc.pool.name, subvolume: req.subvolume, time: new Date(req.now).toISOString(),
    origin: req.origin, tiers: req.tiers ?? [], tags: req.tags ?? [], description: req.description ?? null, creator: ctx.creator,
    pinned: false, holds: [], hooks: [], degraded: false, command: req.command ?? null, uuid: null, toolVersion: TOOL_VERSION,
  };
}

export interface PruneEntry {
  subvolume: string;
  name: string;
  decision: RetentionDecision;
  deleted: boolean;
}

/** Timeline retention for one subvolume; manual and wrap snapshots are left to the user. */
export async function pruneSubvolume(ctx: EngineContext, loc: Located, now: string, dryRun: boolean): Promise<PruneEntry[]> {
  const stored = (await listStored(ctx.plan, ctx.root, loc, ctx.log)).filter((s) => s.meta.origin === 'timeline');
  const decisions = applyRetention(
    // An unusable sidecar may have said pinned, held or manual: keep the snapshot rather than guess.
    stored.map((s) => ({ id: s.meta.name, time: s.meta.time, pinned: s.meta.pinned, holds: s.unusableSidecar ? [...s.meta.holds, 'unreadable-sidecar'] : s.meta.holds })),
    { tiers: loc.subvolume.snapshots!, timezone: ctx.plan.snapshots.timezone },
    now,
  );
  const entries: PruneEntry[] = [];
  for (const [i, decision] of decisions.entries()) {
    const s = stored[i]!;
    if (!decision.keep && !dryRun) {
      await deleteSubvolume(s.path);
      await removeMeta(loc.dir, s.meta.name);
    }
    entries.push({ subvolume: loc.subvolume.name, name: s.meta.name, decision, deleted: !decision.keep && !dryRun });
  }
  return entries;
}

export interface RunReport {
  now: string;
  dryRun: boolean;
  /** failedHooks: the fail-open hooks whose "before" failed (the snapshot is degraded). */
  created: Array<{ subvolume: string; name: string | null; tiers: Tier[]; degraded: boolean; failedHooks: string[] }>;
  /** failedHooks: the hooks whose "before" failed, a fail-closed one among them when it refused the snapshot. */
  failed: Array<{ subvolume: string; error: string; failedHooks: string[] }>;
  pruned: PruneEntry[];
}

/** What the timer calls: for every snapshotted subvolume create what is due, then prune. */
export async function runTimeline(ctx: EngineContext, now: string, dryRun: boolean): Promise<RunReport> {
  const report: RunReport = { now, dryRun, created: [], failed: [], pruned: [] };
  for (const loc of snapshotted(ctx.plan, ctx.root)) {
    await secureSnapshotDirs(loc, ctx.log, dryRun);
    const existing = (await listStored(ctx.plan, ctx.root, loc, ctx.log)).filter((s) => s.meta.origin === 'timeline').map((s) => s.meta.time);
    const due = dueTiers(existing, loc.subvolume.snapshots!, now, ctx.plan.snapshots.timezone);
    if (due.length > 0) {
      try {
        const meta = dryRun ? null : await createSnapshot(ctx, { subvolume: loc.subvolume.name, now, origin: 'timeline', tiers: due });
        report.created.push({ subvolume: loc.subvolume.name, name: meta?.name ?? null, tiers: due, degraded: meta?.degraded ?? false, failedHooks: failedBeforeHooks(meta?.hooks ?? []) });
      } catch (error) {
        // One subvolume's failure (a fail-closed hook, say) must not stop the others' snapshots.
        report.failed.push({ subvolume: loc.subvolume.name, error: (error as Error).message, failedHooks: failedBeforeHooks(hookOutcomesOf(error)) });
        ctx.log(`${loc.subvolume.name}: ${(error as Error).message}`);
      }
    }
    report.pruned.push(...(await pruneSubvolume(ctx, loc, now, dryRun)));
  }
  return report;
}

export async function pruneAll(ctx: EngineContext, now: string, dryRun: boolean): Promise<PruneEntry[]> {
  const entries: PruneEntry[] = [];
  for (const loc of snapshotted(ctx.plan, ctx.root)) entries.push(...(await pruneSubvolume(ctx, loc, now, dryRun)));
  return entries;
}

export async function deleteSnapshot(ctx: EngineContext, name: string, force: boolean): Promise<SnapshotMeta> {
  const { stored, loc } = await findSnapshot(ctx.plan, ctx.root, name, ctx.log);
  const protectedBy = [...(stored.meta.pinned ? ['pinned'] : []), ...stored.meta.holds.map((h) => `held by ${h}`)];
  if (protectedBy.length > 0 && !force) {
    throw new PantherError('snapshot-protected', `${name} is ${protectedBy.join(', ')}`, {
      exitCode: ExitCode.refused, hint: 'unpin it first (panther snapshot unpin), or pass --force if you are sure',
    });
  }
  await deleteSubvolume(stored.path);
  await removeMeta(loc.dir, name);
  return stored.meta;
}

export async function setPinned(ctx: EngineContext, name: string, pinned: boolean): Promise<SnapshotMeta> {
  const { stored, loc } = await findSnapshot(ctx.plan, ctx.root, name, ctx.log);
  const meta = { ...stored.meta, pinned };
  await writeMeta(loc.dir, meta);
  return meta;
}

/** The hook the backup engine uses: a held snapshot is never deleted by retention. */
export async function setHold(ctx: EngineContext, name: string, holder: string, held: boolean): Promise<SnapshotMeta> {
  const { stored, loc } = await findSnapshot(ctx.plan, ctx.root, name, ctx.log);
  const holds = new Set(stored.meta.holds);
  if (held) holds.add(holder); else holds.delete(holder);
  const meta = { ...stored.meta, holds: [...holds].sort() };
  await writeMeta(loc.dir, meta);
  return meta;
}

export interface WrapReport {
  argv: string[];
  exitCode: number;
  before: SnapshotMeta[];
  after: SnapshotMeta[];
}

/** One snapshot of a wrap as it happens: a wrap that fails half-way returns no report. */
export type WrapSnapshotResult = { subvolume: string; meta: SnapshotMeta } | { subvolume: string; error: unknown };

/** Snapshot before, run the command, snapshot after; both record the command and its exit code. */
export async function wrapCommand(ctx: EngineContext, argv: string[], opts: { subvolumes?: string[]; tags: string[]; clock: () => string; observe?: (result: WrapSnapshotResult) => void }): Promise<WrapReport> {
  const targets = opts.subvolumes ?? snapshotted(ctx.plan, ctx.root).map((l) => l.subvolume.name);
  const text = argv.join(' ');
  const observed = async (subvolume: string, req: Omit<CreateRequest, 'subvolume'>): Promise<SnapshotMeta> => {
    try {
      const meta = await createSnapshot(ctx, { subvolume, ...req });
      opts.observe?.({ subvolume, meta });
      return meta;
    } catch (error) {
      opts.observe?.({ subvolume, error });
      throw error;
    }
  };
  const before: SnapshotMeta[] = [];
  for (const subvolume of targets) {
    before.push(await observed(subvolume, { now: opts.clock(), origin: 'wrap-pre', tags: opts.tags, description: `before: ${text}`, command: { argv, exitCode: null } }));
  }
  ctx.log(`running: ${text}`);
  const exitCode = await runWrapped(argv);
  const after: SnapshotMeta[] = [];
  for (const subvolume of targets) {
    after.push(await observed(subvolume, { now: opts.clock(), origin: 'wrap-post', tags: opts.tags, description: `after: ${text} (exit ${exitCode})`, command: { argv, exitCode } }));
  }
  // The "before" snapshots learn how the command ended too, so either half tells the whole story.
  for (const meta of before) await writeMeta(locate(ctx.plan, ctx.root, meta.subvolume).dir, { ...meta, command: { argv, exitCode } });
  return { argv, exitCode, before: before.map((m) => ({ ...m, command: { argv, exitCode } })), after };
}
