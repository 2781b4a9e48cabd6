// 400 simulated days of `snapshot run` on real btrfs: what remains is exactly what the documented
// retention (docs/RETENTION.md) keeps when applied the same way, run after run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BTRFS_TOOLS, PARTITION_TOOLS, skipReason } from '../support/requirements.ts';
import { provisionSpecHost } from '../support/provisioned.ts';
import { runTimeline, type EngineContext } from '../../src/snapshot/engine.ts';
import { listAll } from '../../src/snapshot/store.ts';
import { dueTiers } from '../../src/snapshot/due.ts';
import { applyRetention } from '../../src/snapshot/retention/index.ts';
import type { SnapshotTiers } from '../../src/plan/types.ts';

const skip = skipReason({ tools: [...BTRFS_TOOLS, ...PARTITION_TOOLS, 'blockdev'] });
const DAYS = 400;
const TZ = 'Europe/Berlin';

/** 02:00 Berlin on each day, then the last day's remaining hours, as the timers would fire. */
function runTimes(): string[] {
  const times: string[] = [];
  for (let d = 0; d < DAYS; d++) {
    const day = new Date(Date.UTC(2026, 0, 1 + d));
    const local = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, timeZoneName: 'shortOffset' }).formatToParts(day);
    const offset = Number((local.find((x) => x.type === 'timeZoneName')?.value ?? 'GMT+1').replace('GMT', '')) || 0;
    times.push(new Date(day.getTime() + (2 - offset) * 3_600_000).toISOString());
  }
  const last = Date.parse(times.at(-1)!);
  for (let h = 1; h <= 6; h++) times.push(new Date(last + h * 3_600_000).toISOString());
  return times;
}

/** The expectation, from the pure functions alone: create when due, prune after each run. */
function expected(tiers: SnapshotTiers, times: string[]): string[] {
  let kept: string[] = [];
  for (const now of times) {
    if (dueTiers(kept, tiers, now, TZ).length > 0) kept.push(now);
    const decisions = applyRetention(kept.map((t) => ({ id: t, time: t })), { tiers, timezone: TZ }, now);
    kept = kept.filter((_, i) => decisions[i]!.keep);
  }
  return kept;
}

test(`${DAYS} days of snapshot run leave exactly the documented set`, { skip, timeout: 20 * 60_000 }, async () => {
  const p = await provisionSpecHost('yoga', { timezone: TZ }, 1024);
  try {
    const ctx: EngineContext = { plan: p.plan, root: p.root, creator: 'test', log: () => {} };
    const times = runTimes();
    let created = 0;
    let pruned = 0;
    for (const now of times) {
      const report = await runTimeline(ctx, now, false);
      assert.deepEqual(report.failed, []);
      created += report.created.length;
      pruned += report.pruned.filter((e) => e.deleted).length;
    }
    const remaining = await listAll(p.plan, p.root);
    for (const subvolume of ['@', '@home']) {
      const tiers = p.plan.pools[0]!.subvolumes.find((s) => s.name === subvolume)!.snapshots!;
      const have = remaining.filter((s) => s.meta.subvolume === subvolume).map((s) => s.meta.time).sort();
      assert.deepEqual(have, expected(tiers, times), subvolume);
      assert.ok(have.length <= tiers.daily + tiers.weekly + tiers.monthly + tiers.frequent + 1, `${subvolume}: ${have.length} kept`);
    }
    process.stderr.write(`timeline: ${times.length} runs, ${created} snapshots created, ${pruned} pruned, ${remaining.length} remain\n`);
  } finally {
    await p.dispose();
  }
});
