// The snapshot and backup units judged by systemd itself: every OnCalendar, in the unit files and in
// the evaluated NixOS module, is parsed by `systemd-analyze calendar` and must normalize to what the
// spec's schedule means and elapse when expected; `systemd-analyze verify` must load the unit files
// without a single warning.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { isPantherError } from '../../src/core/errors.ts';
import type { StoragePlan } from '../../src/plan/types.ts';
import { backupSlot, DEFAULT_DRILL_SCHEDULE, renderSystemdUnits } from '../../src/render/systemd.ts';
import { checkCalendar, findSystemdAnalyze, verifyUnits } from '../../src/render/verify/systemd-analyze.ts';
import { specPlan } from '../support/plans.ts';

// Locally a missing tool skips with the reason; in CI the tests run and fail on it.
const ci = process.env['CI'] === 'true';
const noAnalyze = findSystemdAnalyze() === null;
const skipAnalyze = noAnalyze && !ci ? 'systemd-analyze not found (apt-get install -y systemd); rendered units are not checked' : false;
if (skipAnalyze !== false) process.stderr.write(`skipping: ${skipAnalyze}\n`);
// The NixOS module's units are checked against these unit files in nix-module.test.ts.

/** A Tuesday, five minutes past midnight UTC: every timer's next elapse is known from it. */
const BASE = new Date('2026-11-24T00:05:00Z');

/** What the spec and the built-in profiles say, written out: frequent tier and this host's backup start. */
const EXPECTED: Record<string, { frequent: [string, string]; backupStart: string }> = {
  zephyrus: { frequent: ['*-*-* 00/1:00:00', '2026-11-24T01:00:00.000Z'], backupStart: '02:00' },
  yoga: { frequent: ['*-*-* 00/1:00:00', '2026-11-24T01:00:00.000Z'], backupStart: '02:30' },
  hetzner: { frequent: ['*-*-* *:00/15:00', '2026-11-24T00:15:00.000Z'], backupStart: '02:00' },
  contabo: { frequent: ['*-*-* 00/4:00:00', '2026-11-24T04:00:00.000Z'], backupStart: '02:20' },
  ovh: { frequent: ['*-*-* 00/4:00:00', '2026-11-24T04:00:00.000Z'], backupStart: '02:40' },
};

/** Timer name (without .timer) → [normalized OnCalendar, next elapse after BASE]. */
function expectedTimers(host: string): Record<string, [string, string]> {
  const { frequent, backupStart } = EXPECTED[host]!;
  return {
    'panther-snapshot-frequent': frequent,
    'panther-snapshot-daily': ['*-*-* 02:00:00', '2026-11-24T02:00:00.000Z'],
    'panther-snapshot-weekly': ['Sun *-*-* 03:00:00', '2026-11-29T03:00:00.000Z'],
    'panther-snapshot-monthly': ['*-*-01 04:00:00', '2026-12-01T04:00:00.000Z'],
    'panther-backup-weekdays': [`Mon..Fri *-*-* ${backupStart}:00`, `2026-11-24T${backupStart}:00.000Z`],
    'panther-backup-weekends': [`Sat,Sun *-*-* ${backupStart}:00`, `2026-11-28T${backupStart}:00.000Z`],
    // Drills: midday, never on a backup check (Wednesday) or prune (Sunday) day.
    'panther-drill-integrity': ['Thu *-*-* 12:00:00', '2026-11-26T12:00:00.000Z'],
    'panther-drill-restore': ['Sat *-*-01..07 12:00:00', '2026-12-05T12:00:00.000Z'],
    'panther-drill-disaster': ['Sat *-01,04,07,10-08..14 12:00:00', '2027-01-09T12:00:00.000Z'],
  };
}

/** Section → key → value of a unit file (each key once in these units). */
function parseUnit(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header !== null) { section = {}; out[header[1]!] = section; continue; }
    const eq = line.indexOf('=');
    section[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

const timersOf = (plan: StoragePlan, panther?: string): Map<string, Record<string, string>> => new Map(
  renderSystemdUnits(plan, panther === undefined ? {} : { panther }).filter((u) => u.name.endsWith('.timer'))
    .map((u) => [u.name.slice(0, -'.timer'.length), parseUnit(u.text)['Timer']!]));

let dir = '';
let stub = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'panther-render-systemd-'));
  // verify checks that every ExecStart= binary exists and is executable; /run/current-system/sw/bin
  // exists only on NixOS, so the files checked here name this stub instead.
  stub = join(dir, 'bin', 'panther');
  await mkdir(join(dir, 'bin'));
  await writeFile(stub, '#!/bin/sh\nexit 0\n');
  await chmod(stub, 0o755);
});
after(async () => { if (dir !== '') await rm(dir, { recursive: true, force: true }); });

/** Writes the plan's unit files into a fresh directory and verifies them. */
async function verifyPlan(name: string, plan: StoragePlan): Promise<void> {
  const unitDir = join(dir, name);
  await mkdir(unitDir);
  const files = renderSystemdUnits(plan, { panther: stub });
  for (const file of files) await writeFile(join(unitDir, file.name), file.text);
  const result = await verifyUnits(unitDir);
  assert.deepEqual(result.messages, [], `${name}: systemd-analyze verify printed nothing`);
  assert.equal(result.exitCode, 0);
  assert.ok(result.ok);
  assert.deepEqual(result.files.map((f) => f.slice(unitDir.length + 1)), files.map((f) => f.name).sort());
}

async function checkTimers(host: string, onCalendar: Map<string, string>): Promise<void> {
  const expected = expectedTimers(host);
  assert.deepEqual([...onCalendar.keys()].sort(), Object.keys(expected).sort(), `${host}: the timers`);
  for (const [timer, calendar] of onCalendar) {
    const got = await checkCalendar(calendar, { baseTime: BASE });
    assert.deepEqual([got.normalized, got.nextElapse], expected[timer], `${host} ${timer}: ${calendar}`);
  }
}

describe('rendered unit files pass systemd-analyze', { skip: skipAnalyze }, () => {
  for (const host of Object.keys(EXPECTED)) {
    test(`${host}: every OnCalendar normalizes to the schedule and elapses when expected`, async () => {
      const timers = timersOf(specPlan(host));
      await checkTimers(host, new Map([...timers].map(([name, t]) => [name, t['OnCalendar']!])));
    });

    test(`${host}: systemd-analyze verify accepts the unit files without a warning`, async () => {
      await verifyPlan(host, specPlan(host));
    });
  }

  test('a plan time zone: accepted, and 02:00 Berlin time is 01:00 UTC in winter', async () => {
    const plan = specPlan('hetzner', { timezone: 'Europe/Berlin' });
    const daily = timersOf(plan).get('panther-snapshot-daily')!['OnCalendar']!;
    assert.deepEqual(await checkCalendar(daily, { baseTime: BASE }),
      { normalized: '*-*-* 02:00:00 Europe/Berlin', nextElapse: '2026-11-24T01:00:00.000Z' });
    await verifyPlan('hetzner-berlin', plan);
  });

  test('a stagger past midnight: Friday\'s 23:50 window starts this host on Saturday 00:10', async () => {
    const plan = structuredClone(specPlan('ovh'));
    plan.backup.window = { weekdays: '23:50-04:00', weekends: '23:50-05:00' };
    plan.backup.staggerMinutes = 20;
    const timers = timersOf(plan);
    const friday = new Date('2026-11-27T12:00:00Z');
    assert.deepEqual(await checkCalendar(timers.get('panther-backup-weekdays')!['OnCalendar']!, { baseTime: friday }),
      { normalized: 'Tue..Sat *-*-* 00:10:00', nextElapse: '2026-11-28T00:10:00.000Z' });
    assert.deepEqual(await checkCalendar(timers.get('panther-backup-weekends')!['OnCalendar']!, { baseTime: friday }),
      { normalized: 'Mon,Sun *-*-* 00:10:00', nextElapse: '2026-11-29T00:10:00.000Z' });
    await verifyPlan('ovh-midnight', plan);
  });

  test('generated windows and staggers: systemd starts the backup at window open + stagger (seeded)', async () => {
    const DAY = 86_400_000;
    const cases = fc.sample(fc.record({
      open: fc.integer({ min: 0, max: 1439 }),
      length: fc.integer({ min: 1, max: 1439 }),
      staggerFraction: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      window: fc.constantFrom('weekdays' as const, 'weekends' as const),
      baseOffsetMinutes: fc.integer({ min: 0, max: 7 * 1440 - 1 }),
    }), { numRuns: 60, seed: 20261124 });
    const hhmm = (m: number): string => `${String(Math.floor(m / 60) % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    for (const c of cases) {
      const stagger = Math.floor(c.staggerFraction * c.length);
      const text = `${hhmm(c.open)}-${hhmm((c.open + c.length) % 1440)}`;
      const slot = backupSlot({ window: { weekdays: text, weekends: text }, staggerMinutes: stagger, bandwidthBitsPerSecond: 1, monthlyBudgetUsd: 1 }, c.window);
      const base = new Date(Date.parse('2026-11-23T00:00:00Z') + c.baseOffsetMinutes * 60_000);
      // The fleet's window opens on the window's days; this host starts `stagger` minutes later.
      const days = c.window === 'weekdays' ? [1, 2, 3, 4, 5] : [6, 0];
      const midnight = Math.floor(base.getTime() / DAY) * DAY;
      const starts = [];
      for (let d = -2; d <= 9; d++) {
        const day = midnight + d * DAY;
        if (days.includes(new Date(day).getUTCDay())) starts.push(day + (c.open + stagger) * 60_000);
      }
      const expected = new Date(Math.min(...starts.filter((t) => t > base.getTime()))).toISOString();
      const got = await checkCalendar(slot.calendar, { baseTime: base });
      assert.equal(got.nextElapse, expected, `${JSON.stringify(c)} → ${slot.calendar}`);
      assert.equal(slot.seconds, (c.length - stagger) * 60);
    }
  });

  test('drill timers over two years: integrity every Thursday, restore the first Saturday of each month, disaster the second Saturday of each quarter; never on a check or prune day, never inside a backup window', async () => {
    const timers = timersOf(specPlan('hetzner'));
    const elapses = async (timer: string, count: number): Promise<Date[]> => {
      const out: Date[] = [];
      let base = BASE;
      for (let i = 0; i < count; i++) {
        const next = new Date((await checkCalendar(timers.get(timer)!['OnCalendar']!, { baseTime: base })).nextElapse!);
        out.push(next);
        base = next;
      }
      return out;
    };
    const integrity = await elapses('panther-drill-integrity', 10);
    const restore = await elapses('panther-drill-restore', 24);
    const disaster = await elapses('panther-drill-disaster', 8);
    for (const d of [...integrity, ...restore, ...disaster]) {
      assert.ok(d.getUTCDay() !== 3 && d.getUTCDay() !== 0, `${d.toISOString()}: not Wednesday (check) or Sunday (prune)`);
      assert.ok(d.getUTCHours() >= 10 && d.getUTCHours() < 18, `${d.toISOString()}: midday, outside the nightly windows (plus the 1 h delay)`);
    }
    assert.ok(integrity.every((d, i) => i === 0 || d.getTime() - integrity[i - 1]!.getTime() === 7 * 86_400_000), 'weekly');
    assert.ok(restore.every((d) => d.getUTCDay() === 6 && d.getUTCDate() <= 7), 'first Saturday');
    assert.deepEqual(restore.map((d) => d.getUTCMonth()), [...Array(24).keys()].map((i) => (11 + i) % 12), 'every month, none skipped');
    assert.ok(disaster.every((d) => d.getUTCDay() === 6 && d.getUTCDate() >= 8 && d.getUTCDate() <= 14), 'second Saturday');
    assert.deepEqual(disaster.map((d) => d.getUTCMonth()), [0, 3, 6, 9, 0, 3, 6, 9], 'quarterly');
    const days = (ds: Date[]): Set<string> => new Set(ds.map((d) => d.toISOString().slice(0, 10)));
    for (const day of days(disaster)) assert.ok(!days(restore).has(day), `${day}: one drill a day`);
  });

  test('drill options: another scratch dir, a budget, a level switched off, a plan time zone; systemd accepts them', async () => {
    const plan = specPlan('contabo', { timezone: 'Europe/Berlin' });
    const options = { scratchDir: '/srv/drill-100%', budgetUsd: 0.5, schedule: { ...DEFAULT_DRILL_SCHEDULE, disaster: null } };
    const units = renderSystemdUnits(plan, { panther: stub, drill: options });
    assert.ok(!units.some((u) => u.name.startsWith('panther-drill-disaster')));
    const restore = parseUnit(units.find((u) => u.name === 'panther-drill-restore.service')!.text)['Service']!;
    assert.equal(restore['ExecStart'], `${stub} drill restore --scratch /srv/drill-100%% --budget-usd 0.5`);
    assert.equal(restore['ReadWritePaths'], '-/srv/drill-100%% -/var/lib/panther/state');
    const timer = parseUnit(units.find((u) => u.name === 'panther-drill-restore.timer')!.text)['Timer']!;
    assert.deepEqual(await checkCalendar(timer['OnCalendar']!, { baseTime: BASE }),
      { normalized: 'Sat *-*-01..07 12:00:00 Europe/Berlin', nextElapse: '2026-12-05T11:00:00.000Z' });
    const unitDir = join(dir, 'drill-options');
    await mkdir(unitDir);
    for (const file of units) await writeFile(join(unitDir, file.name), file.text);
    const result = await verifyUnits(unitDir);
    assert.deepEqual(result.messages, []);
  });

  test('the checks catch what systemd only warns about', async () => {
    const broken = join(dir, 'broken');
    await mkdir(broken);
    await writeFile(join(broken, 'x.service'), `[Service]\nType=oneshot\nExecStart=${stub}\nRuntimeMaxSec=5min\nBogusKey=1\n`);
    await writeFile(join(broken, 'x.timer'), '[Timer]\nOnCalendar=*-*-* 25:00:00\n');
    const result = await verifyUnits(broken);
    assert.equal(result.ok, false);
    assert.ok(result.messages.some((m) => m.includes("Unknown key 'BogusKey'")), result.messages.join('\n'));
    assert.ok(result.messages.some((m) => m.includes('RuntimeMaxSec= has no effect')), result.messages.join('\n'));
    assert.ok(result.messages.some((m) => m.includes('Failed to parse calendar specification')), result.messages.join('\n'));
    await assert.rejects(checkCalendar('Mon..Fry 02:00'), (e: unknown) => isPantherError(e) && e.code === 'calendar-invalid');
  });
});
