// `panther snapshot simulate` driven in-process with a fake Io. (Lives here because this change may
// only touch src/snapshot/retention/; it belongs beside src/cli/commands/snapshot-simulate.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snapshotSimulate } from './snapshot-simulate.ts';
import type { Io, Values } from '../command.ts';
import { isPantherError } from '../../core/errors.ts';
import { planHost } from '../../plan/plan-host.ts';
import { findProfile, loadProfiles } from '../../plan/profiles.ts';
import type { SimulationResult } from '../../snapshot/retention/simulate.ts';

async function run(values: Values, json = false): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: () => {}, json, tty: false };
  const code = await snapshotSimulate.run(values, [], io);
  return { code, out: out.join('\n') };
}
const WINDOW = { timezone: 'Europe/Berlin', start: '2025-09-30T22:00:00Z' };
const LAPTOP = { daily: '7', weekly: '4', monthly: '12', ...WINDOW };

test('snapshot simulate --json gives the worked example: 19 kept after 400 days', async () => {
  const { code, out } = await run(LAPTOP, true);
  assert.equal(code, 0);
  const r = JSON.parse(out) as SimulationResult;
  assert.equal(r.kept.length, 19);
  assert.equal(r.days.length, 400);
  assert.deepEqual(r.policy, { tiers: { frequentMinutes: null, frequent: 0, hourly: 0, daily: 7, weekly: 4, monthly: 12, yearly: 0 }, timezone: 'Europe/Berlin' });
});

test('snapshot simulate prints kept snapshots by month and a calendar strip per month', async () => {
  const { out } = await run(LAPTOP);
  assert.match(out, /kept at the end \(19\)/);
  assert.match(out, /^ {2}2026-11-04 Wed 02:00 \+01:00 {2}newest, daily 2026-11-04, weekly 2026-W45, monthly 2026-11$/m);
  assert.match(out, /^ {2}2026-05-31 Sun 03:00 \+02:00 {2}monthly 2026-05$/m);
  // October 2026: every day had snapshots; the 18th and 25th (weekly) and 29th–31st (daily) survive.
  const october = '▯'.repeat(17) + '▮' + '▯'.repeat(6) + '▮' + '▯'.repeat(3) + '▮▮▮';
  assert.match(out, new RegExp(`^2026-10 ${october} +5 kept`, 'm'));
  assert.match(out, new RegExp(`^2026-11 ▮▮▮▮${'·'.repeat(26)} +4 kept`, 'm'));
  assert.match(out, /\(400 days\): 470 snapshots taken/);
});

test('snapshot simulate --host takes the tiers of a built-in profile\'s subvolume', async () => {
  const { out } = await run({ host: 'zephyrus', subvolume: '@home', ...WINDOW }, true);
  const r = JSON.parse(out) as SimulationResult;
  assert.deepEqual(r.policy.tiers, { frequentMinutes: 60, frequent: 24, hourly: 0, daily: 7, weekly: 4, monthly: 12, yearly: 0 });
  assert.equal(r.kept.length, 42);
  // A flag overrides one tier of the plan.
  const fewer = JSON.parse((await run({ host: 'zephyrus', subvolume: '@home', frequent: '0', ...WINDOW }, true)).out) as SimulationResult;
  assert.equal(fewer.kept.length, 19);
});

test('snapshot simulate --plan FILE reads the first snapshotted subvolume and the plan\'s time zone', async () => {
  const profile = findProfile(await loadProfiles(), 'dev-laptop');
  const disks = profile.pools.map((p) => ({ pool: p.name, device: `/dev/test-${p.name}`, sizeGB: 1000 }));
  const plan = planHost({ host: 'zephyrus', profile, profileSource: 'flag', report: null, entry: { profile: profile.id, timezone: 'Asia/Tokyo', disks } });
  const dir = await mkdtemp(join(tmpdir(), 'panther-simulate-'));
  try {
    await writeFile(join(dir, 'plan.json'), JSON.stringify(plan));
    // 1 Jan 2026 00:00 in Tokyo: 30 whole local days.
    const r = JSON.parse((await run({ plan: join(dir, 'plan.json'), days: '30', start: '2025-12-31T15:00:00Z' }, true)).out) as SimulationResult;
    const first = plan.pools.flatMap((p) => p.subvolumes).find((s) => s.snapshots !== null)!;
    assert.deepEqual(r.policy, { tiers: first.snapshots, timezone: 'Asia/Tokyo' });
    assert.equal(r.days.length, 30);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('snapshot simulate refuses a missing policy, bad numbers and unknown hosts as usage errors', async () => {
  const usage = (pattern: RegExp) => (error: unknown): boolean => isPantherError(error) && error.exitCode === 2 && pattern.test(error.message);
  await assert.rejects(run({ days: '10' }), usage(/no retention policy/));
  await assert.rejects(run({ daily: 'seven' }), usage(/--daily seven/));
  await assert.rejects(run({ frequent: '4' }), usage(/--frequent-minutes/));
  await assert.rejects(run({ host: 'nonesuch' }), usage(/no built-in profile is for host "nonesuch"/));
  await assert.rejects(run({ host: 'zephyrus', subvolume: '@swap' }), usage(/@swap/));
  await assert.rejects(run({ daily: '7', timezone: 'Mars/Olympus', start: '2026-01-01T00:00:00Z' }), /unknown time zone/);
});
