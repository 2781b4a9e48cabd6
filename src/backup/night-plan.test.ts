import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BackupPolicy } from '../plan/types.ts';
import type { SizedPoint } from './forecast-upload.ts';
import { decide, describeChoice, planNight, sameDecision, type NightPlanInput, type SubvolumeReading } from './night-plan.ts';
import { scheduleFromPlan } from '../plan/backup-window.ts';

const POLICY: BackupPolicy = { window: { weekdays: '02:00-05:00', weekends: '02:00-06:00' }, staggerMinutes: 0, bandwidthBitsPerSecond: 10e6, monthlyBudgetUsd: 5 };
const SCHEDULE = scheduleFromPlan(POLICY, 'UTC');
// 2026-03-10 is a Tuesday; 03:00 is inside the window.
const NOW = '2026-03-10T03:00:00.000Z';
const MARGIN = { packSize: 16 * 1024 * 1024, chunkMax: 8 * 1024 * 1024, bitsPerSecond: 10e6 };

const point = (id: string, subvolume: string, snapshotName: string, uuid: string, time: string, parent: string | null = null): SizedPoint =>
  ({ id, subvolume, snapshotUuid: uuid, snapshotName, time, parent, streamBytes: 1e6, storedBytes: 5e5 });
const sub = (over: Partial<SubvolumeReading> = {}): SubvolumeReading =>
  ({ name: '@home', frequency: 'daily', ownSnapshot: false, snapshots: [], poolUsedBytes: null, prior: null, ...over });
const input = (over: Partial<NightPlanInput> = {}): NightPlanInput =>
  ({ now: NOW, nowMs: Date.parse(NOW), timezone: 'UTC', subvolumes: [], points: [], window: null, margin: MARGIN, nights: null, ...over });

test('night plan: a subvolume that takes its own snapshot is planned against its chain, not always full', () => {
  // The dry run used to say "full" here; the run took the snapshot and sent it incremental against @backups.1.
  const backups = sub({ name: '@backups', ownSnapshot: true, snapshots: [{ name: '@backups.1', uuid: 'u1', time: '2026-03-09T02:00:00.000Z' }] });
  const points = [point('p1', '@backups', '@backups.1', 'u1', '2026-03-09T02:00:00.000Z')];
  const plan = planNight(input({ subvolumes: [backups], points }));
  const [item] = plan.items;
  assert.equal(item!.choice.kind, 'incremental', item!.choice.reason);
  assert.equal(item!.snapshot, null, 'the snapshot does not exist yet');
  assert.equal(item!.takesSnapshot, true);
  assert.equal(item!.choice.kind === 'incremental' && item!.choice.parentPoint, 'p1');
});

test('night plan: not due, skip, full, incremental, each with its reason', () => {
  const snaps = [{ name: '@home.1', uuid: 'u1', time: '2026-03-09T02:00:00.000Z' }, { name: '@home.2', uuid: 'u2', time: '2026-03-10T02:00:00.000Z' }];
  const first = decide(sub({ snapshots: snaps }), [], NOW, 'UTC');
  assert.deepEqual(first, { snapshot: '@home.2', choice: { kind: 'full', reason: 'first backup of this subvolume' } });
  const chained = decide(sub({ snapshots: snaps }), [point('p1', '@home', '@home.1', 'u1', snaps[0]!.time)], NOW, 'UTC');
  assert.equal(chained.choice.kind, 'incremental');
  assert.equal(describeChoice(chained.choice, chained.snapshot), 'incremental of @home.2 against @home.1');
  const covered = decide(sub({ snapshots: snaps }), [point('p2', '@home', '@home.2', 'u2', snaps[1]!.time)], NOW, 'UTC');
  assert.equal(covered.choice.kind, 'not-due');
  const own = decide(sub({ ownSnapshot: true }), [point('p3', '@home', '@home.x', 'ux', '2026-03-10T01:00:00.000Z')], NOW, 'UTC');
  assert.deepEqual(own.choice, { kind: 'not-due', reason: 'a daily backup point exists for this period' });
  // Another subvolume's points are not this one's chain.
  assert.equal(decide(sub({ snapshots: snaps }), [point('p1', '@', '@home.1', 'u1', snaps[0]!.time)], NOW, 'UTC').choice.kind, 'full');
});

test('night plan: a closed window closes every subvolume, and says what it puts off when the points were read', () => {
  const snaps = [{ name: '@home.1', uuid: 'u1', time: '2026-03-10T02:00:00.000Z' }];
  const noon = '2026-03-10T12:00:00.000Z';
  const read = planNight(input({ now: noon, nowMs: Date.parse(noon), window: SCHEDULE, subvolumes: [sub({ snapshots: snaps })] }));
  assert.equal(read.window?.open, false);
  assert.equal(read.start?.start, false);
  const [item] = read.items;
  assert.equal(item!.choice.kind, 'window-closed');
  assert.match(item!.choice.reason, /^window closed: resumes next night \(opens 2026-03-11T02:00:00.000Z\)/);
  assert.deepEqual(item!.choice.kind === 'window-closed' && item!.choice.deferred, { kind: 'full', reason: 'first backup of this subvolume' });
  const unread = planNight(input({ now: noon, nowMs: Date.parse(noon), window: SCHEDULE, points: null, subvolumes: [sub({ snapshots: snaps })] }));
  assert.equal(unread.items[0]!.choice.kind === 'window-closed' && unread.items[0]!.choice.deferred, undefined);
  // Open window, no points read: a caller bug, not a silent "full".
  assert.throws(() => planNight(input({ window: SCHEDULE, points: null, subvolumes: [sub({ snapshots: snaps })] })), /no points read/);
});

test('night plan: a send carries its forecast when there is a cap and nights', () => {
  const snaps = [{ name: '@home.1', uuid: 'u1', time: '2026-03-10T02:00:00.000Z' }];
  const plan = planNight(input({ nights: SCHEDULE, subvolumes: [sub({ snapshots: snaps, poolUsedBytes: 40e9 })] }));
  const f = plan.items[0]!.forecast!;
  assert.equal(f.estimate.source, 'pool-used');
  assert.equal(f.estimate.bytes, 40e9);
  // 10 Mbit/s: 2 h left tonight carry 9 GB, a weekday night 13.5 GB: 40 GB takes 4 nights.
  assert.equal(f.forecast.nights, 4);
  assert.equal(planNight(input({ subvolumes: [sub({ snapshots: snaps, poolUsedBytes: 40e9 })] })).items[0]!.forecast, undefined, 'no nights, no forecast');
});

test('night plan: a decision is the same when kind and parent are', () => {
  const inc = (parentPoint: string) => ({ kind: 'incremental' as const, reason: '', parentPoint, parentSnapshot: 's', chainLength: 2 });
  assert.equal(sameDecision(inc('a'), inc('a')), true);
  assert.equal(sameDecision(inc('a'), inc('b')), false);
  assert.equal(sameDecision(inc('a'), { kind: 'full', reason: '' }), false);
  assert.equal(sameDecision({ kind: 'full', reason: 'x' }, { kind: 'full', reason: 'y' }), true);
});
