// The snapshot and backup units as text: what each says against the plan, and the window arithmetic.
// systemd itself parses them in test/integration/render-systemd.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specPlan } from '../../test/support/plans.ts';
import { isPantherError } from '../core/errors.ts';
import type { BackupPolicy, StoragePlan } from '../plan/types.ts';
import { render, renderers } from './index.ts';
import {
  backupSlot, bundleSeparator, DEFAULT_DRILL_OPTIONS, DEFAULT_SERVE_OPTIONS, pantherServeUnit, type ServeUnitOptions, type DrillUnitOptions, DEFAULT_DRILL_SCHEDULE, DEFAULT_PANTHER_BIN, execWord, pantherUnits, renderSystemd, renderSystemdUnits,
  timeSpan, weekdayList, withTimezone,
} from './systemd.ts';

const HOSTS = ['zephyrus', 'yoga', 'hetzner', 'contabo', 'ovh'];

type Unit = Map<string, Array<[string, string]>>;

/** Sections of a unit file, comments dropped. */
function parseUnit(text: string): Unit {
  const unit: Unit = new Map();
  let section: Array<[string, string]> | undefined;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header !== null) { section = []; unit.set(header[1]!, section); continue; }
    const eq = line.indexOf('=');
    assert.ok(section !== undefined && eq > 0, `a key=value line inside a section: ${line}`);
    section.push([line.slice(0, eq), line.slice(eq + 1)]);
  }
  return unit;
}

function value(unit: Unit, section: string, key: string): string | undefined {
  const found = (unit.get(section) ?? []).filter(([k]) => k === key);
  assert.ok(found.length <= 1, `${key} once in [${section}]`);
  return found[0]?.[1];
}

function units(plan: StoragePlan, panther?: string): Map<string, Unit> {
  return new Map(renderSystemdUnits(plan, panther === undefined ? {} : { panther }).map((u) => [u.name, parseUnit(u.text)]));
}

const policy = (weekdays: string, weekends: string, staggerMinutes: number): BackupPolicy =>
  ({ window: { weekdays, weekends }, staggerMinutes, bandwidthBitsPerSecond: 1e7, monthlyBudgetUsd: 3 });

const refused = (fn: () => unknown, pattern: RegExp): void => {
  assert.throws(fn, (e: unknown) => isPantherError(e) && e.code === 'render-refused' && pattern.test(e.message));
};

for (const host of HOSTS) {
  test(`systemd ${host}: one snapshot service, a timer per scheduled tier, a backup pair per window`, () => {
    const plan = specPlan(host);
    const got = units(plan);
    const tiers = (['frequent', 'hourly', 'daily', 'weekly', 'monthly'] as const).filter((t) => plan.snapshots.schedule[t] !== null);
    assert.deepEqual([...got.keys()], [
      'panther-snapshot.service',
      ...tiers.map((t) => `panther-snapshot-${t}.timer`),
      'panther-backup-weekdays.service', 'panther-backup-weekdays.timer',
      'panther-backup-weekends.service', 'panther-backup-weekends.timer',
      'panther-drill-integrity.service', 'panther-drill-integrity.timer',
      'panther-drill-restore.service', 'panther-drill-restore.timer',
      'panther-drill-disaster.service', 'panther-drill-disaster.timer',
      'panther-serve.service',
    ]);
    for (const [name, unit] of got) {
      if (name === 'panther-serve.service') continue;
      if (name.endsWith('.timer')) {
        const target = value(unit, 'Timer', 'Unit')!;
        assert.ok(got.has(target), `${name} starts ${target}, a rendered service`);
        assert.equal(value(unit, 'Install', 'WantedBy'), 'timers.target', name);
        // A drill a minute late changes nothing; snapshots and backups keep to the second.
        assert.equal(value(unit, 'Timer', 'AccuracySec'), name.startsWith('panther-drill-') ? '1min' : '1s', name);
      } else {
        assert.equal(unit.get('Install'), undefined, `${name} is started by its timer only`);
        assert.equal(value(unit, 'Service', 'ExecStart')?.split(' ')[0], DEFAULT_PANTHER_BIN, name);
      }
      assert.match(value(unit, 'Unit', 'Description')!, new RegExp(`^Panther: .* ${host}`), name);
    }
  });

  test(`systemd ${host}: snapshot timers fire on the plan's calendar, persistently, into one oneshot`, () => {
    const plan = specPlan(host);
    const got = units(plan);
    const service = got.get('panther-snapshot.service')!;
    assert.equal(value(service, 'Service', 'Type'), 'oneshot');
    assert.equal(value(service, 'Service', 'ExecStart'), `${DEFAULT_PANTHER_BIN} snapshot run --wait 120`);
    assert.equal(value(service, 'Unit', 'After'), 'local-fs.target');
    assert.equal(value(service, 'Service', 'RuntimeMaxSec'), undefined, 'no effect on a oneshot');
    assert.match(value(service, 'Service', 'TimeoutStartSec')!, /^\d+min/);
    for (const tier of ['frequent', 'hourly', 'daily', 'weekly', 'monthly'] as const) {
      const calendar = plan.snapshots.schedule[tier];
      const timer = got.get(`panther-snapshot-${tier}.timer`);
      if (calendar === null) { assert.equal(timer, undefined, tier); continue; }
      assert.equal(value(timer!, 'Timer', 'OnCalendar'), calendar, tier);
      assert.equal(value(timer!, 'Timer', 'Persistent'), 'true', tier);
      assert.equal(value(timer!, 'Timer', 'Unit'), 'panther-snapshot.service', tier);
      const rpoTier = tier === 'frequent' || tier === 'hourly';
      assert.equal(value(timer!, 'Timer', 'RandomizedDelaySec'), rpoTier ? '0' : '5min', tier);
      assert.equal(value(timer!, 'Timer', 'FixedRandomDelay'), rpoTier ? undefined : 'true', tier);
    }
  });

  test(`systemd ${host}: backups start at the window plus the stagger, never catch up, stop at the window end`, () => {
    const plan = specPlan(host);
    const got = units(plan);
    const start = (open: string): string => {
      const [h, m] = open.split(':').map(Number) as [number, number];
      const minutes = h * 60 + m + plan.backup.staggerMinutes;
      return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
    };
    for (const [window, days, hours] of [['weekdays', 'Mon..Fri', 3], ['weekends', 'Sat,Sun', 4]] as const) {
      const [open, close] = plan.backup.window[window].split('-') as [string, string];
      const timer = got.get(`panther-backup-${window}.timer`)!;
      const service = got.get(`panther-backup-${window}.service`)!;
      assert.equal(value(timer, 'Timer', 'OnCalendar'), `${days} *-*-* ${start(open)}:00`, window);
      assert.equal(value(timer, 'Timer', 'Persistent'), 'false', window);
      assert.equal(value(timer, 'Timer', 'RandomizedDelaySec'), undefined, `${window}: the stagger spreads the fleet`);
      assert.equal(value(timer, 'Timer', 'Unit'), `panther-backup-${window}.service`);
      assert.equal(value(service, 'Service', 'Type'), 'exec', 'RuntimeMaxSec needs a non-oneshot');
      assert.equal(value(service, 'Service', 'ExecStart'), `${DEFAULT_PANTHER_BIN} backup run --window ${start(open)}-${close}`);
      assert.equal(value(service, 'Service', 'RuntimeMaxSec'), timeSpan(hours * 3600 - plan.backup.staggerMinutes * 60), window);
      assert.equal(value(service, 'Service', 'IOSchedulingClass'), 'idle');
      assert.equal(value(service, 'Service', 'Nice'), '19');
      assert.equal(value(service, 'Unit', 'Wants'), 'network-online.target panther-snapshot.service');
      assert.equal(value(service, 'Unit', 'After'), 'network-online.target panther-snapshot.service');
    }
  });
}

test('systemd: the spec\'s schedule, and Hetzner\'s 15-minute tier, as rendered', () => {
  const hetzner = units(specPlan('hetzner'));
  assert.equal(value(hetzner.get('panther-snapshot-daily.timer')!, 'Timer', 'OnCalendar'), '*-*-* 02:00:00');
  assert.equal(value(hetzner.get('panther-snapshot-weekly.timer')!, 'Timer', 'OnCalendar'), 'Sun *-*-* 03:00:00');
  assert.equal(value(hetzner.get('panther-snapshot-monthly.timer')!, 'Timer', 'OnCalendar'), '*-*-01 04:00:00');
  assert.equal(value(hetzner.get('panther-snapshot-frequent.timer')!, 'Timer', 'OnCalendar'), '*-*-* *:00/15:00');
  const contabo = units(specPlan('contabo'));
  assert.equal(value(contabo.get('panther-backup-weekdays.timer')!, 'Timer', 'OnCalendar'), 'Mon..Fri *-*-* 02:20:00');
  assert.equal(value(contabo.get('panther-backup-weekends.timer')!, 'Timer', 'OnCalendar'), 'Sat,Sun *-*-* 02:20:00');
  assert.equal(value(contabo.get('panther-backup-weekdays.service')!, 'Service', 'RuntimeMaxSec'), '2h 40min');
  assert.equal(value(contabo.get('panther-backup-weekends.service')!, 'Service', 'RuntimeMaxSec'), '3h 40min');
});

test('backup slot: stagger arithmetic carries into the next hour and across midnight', () => {
  assert.deepEqual(backupSlot(policy('02:00-05:00', '02:00-06:00', 20), 'weekdays'),
    { window: 'weekdays', start: '02:20', end: '05:00', seconds: 160 * 60, calendar: 'Mon..Fri *-*-* 02:20:00' });
  assert.deepEqual(backupSlot(policy('02:50-05:00', '02:50-06:00', 20), 'weekdays'),
    { window: 'weekdays', start: '03:10', end: '05:00', seconds: 110 * 60, calendar: 'Mon..Fri *-*-* 03:10:00' });
  assert.equal(backupSlot(policy('02:50-05:00', '02:50-06:00', 20), 'weekends').calendar, 'Sat,Sun *-*-* 03:10:00');
  assert.equal(backupSlot(policy('02:00-05:00', '02:00-06:00', 0), 'weekends').calendar, 'Sat,Sun *-*-* 02:00:00');
  assert.equal(backupSlot(policy('02:00-05:00', '02:00-06:00', 59), 'weekdays').start, '02:59');
  assert.equal(backupSlot(policy('02:00-05:00', '02:00-06:00', 60), 'weekdays').start, '03:00');
  // Past midnight the days move with the start: Friday's window opens 23:50, this host starts Saturday.
  assert.deepEqual(backupSlot(policy('23:50-04:00', '23:50-05:00', 20), 'weekdays'),
    { window: 'weekdays', start: '00:10', end: '04:00', seconds: 230 * 60, calendar: 'Tue..Sat *-*-* 00:10:00' });
  assert.equal(backupSlot(policy('23:50-04:00', '23:50-05:00', 20), 'weekends').calendar, 'Mon,Sun *-*-* 00:10:00');
  // A window through midnight without a stagger past it keeps its days.
  assert.deepEqual(backupSlot(policy('22:00-02:00', '22:00-03:00', 30), 'weekends'),
    { window: 'weekends', start: '22:30', end: '03:00', seconds: 270 * 60, calendar: 'Sat,Sun *-*-* 22:30:00' });
});

test('backup slot: refuses windows and staggers that leave no time', () => {
  // The window parser's error (bad-window, exit 2), the same as backup run and the plan schema give.
  const badWindow = (fn: () => unknown, pattern: RegExp): void => {
    assert.throws(fn, (e: unknown) => isPantherError(e) && e.code === 'bad-window' && e.exitCode === 2 && pattern.test(e.message));
  };
  badWindow(() => backupSlot(policy('02:00-05:00', '02:00-06:00', 180), 'weekdays'), /stagger of 180 minutes/);
  badWindow(() => backupSlot(policy('02:00-05:00', '02:00-06:00', -5), 'weekdays'), /stagger of -5/);
  badWindow(() => backupSlot(policy('02:00-05:00', '02:00-06:00', 2.5), 'weekdays'), /stagger of 2.5/);
  badWindow(() => backupSlot(policy('02:00-02:00', '02:00-06:00', 0), 'weekdays'), /is empty/);
  for (const bad of ['2:00-05:00', '02:00', '02:00-24:00', '02:60-05:00', '02:00-05:00-06:00', 'x']) {
    badWindow(() => backupSlot(policy(bad, '02:00-06:00', 0), 'weekdays'), /HH:MM/);
  }
});

test('weekday lists: runs of three or more as ranges', () => {
  assert.equal(weekdayList([0, 1, 2, 3, 4]), 'Mon..Fri');
  assert.equal(weekdayList([5, 6]), 'Sat,Sun');
  assert.equal(weekdayList([6, 0]), 'Mon,Sun');
  assert.equal(weekdayList([0, 2, 3, 4, 6]), 'Mon,Wed..Fri,Sun');
});

test('time spans as systemd writes them', () => {
  assert.equal(timeSpan(0), '0');
  assert.equal(timeSpan(1), '1s');
  assert.equal(timeSpan(300), '5min');
  assert.equal(timeSpan(3 * 3600), '3h');
  assert.equal(timeSpan(9600), '2h 40min');
  assert.equal(timeSpan(86_400 + 61), '1d 1min 1s');
});

test('time zone: appended when the plan has one, an equal zone kept, a different one refused', () => {
  assert.equal(withTimezone('*-*-* 02:00:00', null), '*-*-* 02:00:00');
  assert.equal(withTimezone('*-*-* 02:00:00', 'Europe/Berlin'), '*-*-* 02:00:00 Europe/Berlin');
  assert.equal(withTimezone('daily', 'UTC'), 'daily UTC');
  assert.equal(withTimezone('Mon..Fri *-*-* 02:20:00 UTC', 'UTC'), 'Mon..Fri *-*-* 02:20:00 UTC');
  refused(() => withTimezone('*-*-* 02:00:00 UTC', 'Europe/Berlin'), /names zone UTC/);
  refused(() => withTimezone('*-*-* 02:00:00', 'Europe/Berlin\nExecStart=/bin/sh'), /not an IANA time zone/);
  refused(() => withTimezone('*-*-* 02:00:00\nExecStart=/bin/sh', null), /control character/);
  const plan = specPlan('hetzner', { timezone: 'Europe/Berlin' });
  const got = units(plan);
  assert.equal(value(got.get('panther-snapshot-frequent.timer')!, 'Timer', 'OnCalendar'), '*-*-* *:00/15:00 Europe/Berlin');
  assert.equal(value(got.get('panther-backup-weekends.timer')!, 'Timer', 'OnCalendar'), 'Sat,Sun *-*-* 02:00:00 Europe/Berlin');
});

test('ExecStart: panther path is a parameter; specifiers and variables are escaped, unquotable words refused', () => {
  const got = units(specPlan('ovh'), '/opt/panther/bin/panther');
  assert.equal(value(got.get('panther-snapshot.service')!, 'Service', 'ExecStart'), '/opt/panther/bin/panther snapshot run --wait 120');
  assert.equal(value(got.get('panther-backup-weekdays.service')!, 'Service', 'ExecStart'), '/opt/panther/bin/panther backup run --window 02:40-05:00');
  assert.equal(execWord('/opt/100%/$HOME/panther'), '/opt/100%%/$$HOME/panther');
  assert.equal(value(units(specPlan('ovh'), '/opt/100%/panther').get('panther-snapshot.service')!, 'Service', 'ExecStart')?.split(' ')[0], '/opt/100%%/panther');
  refused(() => renderSystemd(specPlan('ovh'), { panther: 'panther' }), /not absolute/);
  for (const bad of ['/opt/my panther', '/opt/"p"', '/opt/p\\x', '/opt/p\nExecStartPost=/bin/sh']) {
    refused(() => renderSystemd(specPlan('ovh'), { panther: bad }), /one word/);
  }
});

test('Description: % escaped, a newline refused', () => {
  const plan = structuredClone(specPlan('ovh'));
  plan.host = 'ovh-100%';
  assert.equal(value(units(plan).get('panther-snapshot.service')!, 'Unit', 'Description'), 'Panther: take the snapshots due now on ovh-100%%');
  plan.host = 'ovh\n[Service]';
  refused(() => renderSystemd(plan), /control character/);
});

test('snapshot start timeout grows with the hooks\' own limits', () => {
  const plan = structuredClone(specPlan('hetzner'));
  const subvolumes = plan.pools.flatMap((p) => p.subvolumes);
  for (const s of subvolumes) delete s.hooks;
  assert.equal(value(units(plan).get('panther-snapshot.service')!, 'Service', 'TimeoutStartSec'), '10min');
  subvolumes[0]!.hooks = [{ type: 'postgres', failMode: 'closed', timeoutSeconds: 90 }, { type: 'redis', mode: 'save', failMode: 'open', timeoutSeconds: 30 }];
  assert.equal(value(units(plan).get('panther-snapshot.service')!, 'Service', 'TimeoutStartSec'), '12min');
});

test('no frequent tier: no frequent timer; an hourly tier gets its own', () => {
  const plan = structuredClone(specPlan('yoga'));
  plan.snapshots.schedule.frequent = null;
  plan.snapshots.schedule.hourly = '*-*-* *:00:00';
  const names = renderSystemdUnits(plan).map((u) => u.name);
  assert.ok(!names.includes('panther-snapshot-frequent.timer'));
  const hourly = units(plan).get('panther-snapshot-hourly.timer')!;
  assert.equal(value(hourly, 'Timer', 'OnCalendar'), '*-*-* *:00:00');
  assert.equal(value(hourly, 'Timer', 'RandomizedDelaySec'), '0');
});

test('bundle: every unit file after its separator line, comments explaining each kind in every file', () => {
  const plan = specPlan('hetzner');
  const files = renderSystemdUnits(plan);
  const bundle = renderSystemd(plan);
  const pieces = bundle.split(/^# --- (\S+) ---\n/m).slice(1);
  assert.equal(pieces.length, files.length * 2);
  files.forEach((file, i) => {
    assert.equal(pieces[2 * i], file.name);
    assert.equal(pieces[2 * i + 1], i < files.length - 1 ? `${file.text}\n` : file.text);
    assert.ok(bundle.includes(`${bundleSeparator(file.name)}\n# Generated by panther for host hetzner`));
    assert.match(file.text, /# Do not edit; regenerate with `panther render systemd`\.\n/);
  });
  for (const file of files.filter((f) => f.name.endsWith('.timer'))) assert.match(file.text, /Persistent=/, file.name);
  for (const file of files.filter((f) => f.name.startsWith('panther-snapshot-'))) assert.match(file.text, /# One timer per scheduled tier/, file.name);
  for (const file of files.filter((f) => /^panther-backup-.*\.timer$/.test(f.name))) assert.match(file.text, /# Persistent=false: a night missed/, file.name);
});

test('drill services: root with the capabilities of mount, receive and setpriv; namespaces and loop devices left open; bounded; killed whole', () => {
  const got = units(specPlan('hetzner'));
  for (const level of ['integrity', 'restore', 'disaster']) {
    const service = got.get(`panther-drill-${level}.service`)!;
    const timer = got.get(`panther-drill-${level}.timer`)!;
    assert.equal(value(service, 'Service', 'ExecStart'), `${DEFAULT_PANTHER_BIN} drill ${level} --scratch /var/lib/panther/drill`);
    assert.equal(value(service, 'Service', 'Type'), 'oneshot');
    assert.equal(value(service, 'Service', 'TimeoutStartSec'), '6h');
    assert.equal(value(service, 'Service', 'KillMode'), 'control-group');
    assert.equal(value(service, 'Service', 'User'), undefined, 'root');
    const caps = value(service, 'Service', 'CapabilityBoundingSet')!.split(' ');
    for (const cap of ['CAP_SYS_ADMIN', 'CAP_CHOWN', 'CAP_FOWNER', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_MKNOD', 'CAP_SETFCAP', 'CAP_SETUID', 'CAP_SETGID']) {
      assert.ok(caps.includes(cap), `${level}: ${cap}`);
    }
    for (const key of ['RestrictNamespaces', 'PrivateDevices', 'DevicePolicy', 'DeviceAllow', 'PrivateMounts', 'RuntimeMaxSec']) {
      assert.equal(value(service, 'Service', key), undefined, `${level}: no ${key}`);
    }
    assert.equal(value(service, 'Service', 'RestrictSUIDSGID'), 'false', 'receive restores setuid and setgid bits');
    assert.equal(value(service, 'Service', 'ReadWritePaths'), '-/var/lib/panther/drill -/var/lib/panther/state');
    assert.equal(value(service, 'Service', 'IOSchedulingClass'), 'idle');
    assert.equal(value(service, 'Service', 'Nice'), '19');
    assert.equal(value(service, 'Unit', 'Wants'), 'network-online.target');
    assert.equal(value(timer, 'Timer', 'OnCalendar'), DEFAULT_DRILL_SCHEDULE[level as 'integrity']);
    assert.equal(value(timer, 'Timer', 'Persistent'), 'true');
    assert.equal(value(timer, 'Timer', 'RandomizedDelaySec'), '1h');
    assert.equal(value(timer, 'Timer', 'Unit'), `panther-drill-${level}.service`);
  }
});

test('drill options: budget and scratch passed on, a level switched off, a plan time zone added; bad values refused', () => {
  const plan = specPlan('ovh', { timezone: 'UTC' });
  const options: DrillUnitOptions = { scratchDir: '/srv/scratch', budgetUsd: 0.25, schedule: { ...DEFAULT_DRILL_SCHEDULE, integrity: null, restore: '*-*-15 13:00:00' } };
  const got = new Map(renderSystemdUnits(plan, { drill: options }).map((u) => [u.name, parseUnit(u.text)]));
  assert.ok(!got.has('panther-drill-integrity.service') && !got.has('panther-drill-integrity.timer'));
  assert.equal(value(got.get('panther-drill-restore.service')!, 'Service', 'ExecStart'), `${DEFAULT_PANTHER_BIN} drill restore --scratch /srv/scratch --budget-usd 0.25`);
  assert.equal(value(got.get('panther-drill-restore.timer')!, 'Timer', 'OnCalendar'), '*-*-15 13:00:00 UTC');
  assert.equal(value(got.get('panther-drill-disaster.timer')!, 'Timer', 'OnCalendar'), 'Sat *-01,04,07,10-08..14 12:00:00 UTC');
  const bad = (drill: Partial<DrillUnitOptions>, pattern: RegExp): void => refused(() => pantherUnits(plan, { ...DEFAULT_DRILL_OPTIONS, ...drill }), pattern);
  bad({ scratchDir: 'var/drill' }, /not an absolute path/);
  bad({ scratchDir: '/var/../etc' }, /not an absolute path/);
  bad({ scratchDir: '/nix/store/abc-drill' }, /Nix store/);
  bad({ scratchDir: '/var/my drill' }, /white space/);
  bad({ scratchDir: '/var/drill\nExecStartPre=/bin/sh' }, /control character/);
  bad({ budgetUsd: -1 }, /not an amount/);
  bad({ budgetUsd: Number.NaN }, /not an amount/);
  bad({ schedule: { ...DEFAULT_DRILL_SCHEDULE, restore: 'Sat 12:00\nExecStart=/bin/sh' } }, /control character/);
});

test('serve: a long-running service on loopback, tokens as credentials (never on the command line), a strict sandbox', () => {
  const plan = specPlan('zephyrus', { features: ['databases'] });
  const unit = parseUnit(renderSystemdUnits(plan).find((u) => u.name === 'panther-serve.service')!.text);
  const all = (key: string): string[] => (unit.get('Service') ?? []).filter(([k]) => k === key).map(([, v]) => v);
  assert.equal(value(unit, 'Service', 'Type'), 'simple');
  assert.equal(value(unit, 'Service', 'Restart'), 'on-failure');
  assert.equal(value(unit, 'Install', 'WantedBy'), 'multi-user.target');
  assert.equal(value(unit, 'Service', 'ExecStart'),
    `${DEFAULT_PANTHER_BIN} serve --listen 127.0.0.1:9720 --state-dir /var/lib/panther/state --read-token-file %d/read-token --admin-token-file %d/admin-token`);
  assert.deepEqual(all('LoadCredential'), ['read-token:/etc/panther/serve-read-token', 'admin-token:/etc/panther/serve-admin-token']);
  assert.equal(value(unit, 'Service', 'ProtectSystem'), 'strict');
  assert.equal(value(unit, 'Service', 'DynamicUser'), undefined, 'root: it reads root-only snapshot directories and takes the host lock');
  const writable = value(unit, 'Service', 'ReadWritePaths')!.split(' ');
  assert.equal(writable[0], '-/var/lib/panther/state');
  assert.ok(writable.includes('-/.snapshots') && writable.includes('-/home') && writable.includes('-/var/lib/postgresql'), writable.join(' '));
  assert.ok(!writable.includes('-/'), 'never the whole root file system');
  assert.equal(value(unit, 'Service', 'CapabilityBoundingSet'), 'CAP_SYS_ADMIN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_CHOWN CAP_FSETID');
});

test('serve options: remote listen, fleet file, token paths; unsafe values refused', () => {
  const plan = specPlan('hetzner');
  const options: ServeUnitOptions = { listen: '100.64.1.2:9720', allowRemote: true, readTokenFile: '/run/agenix/read%', adminTokenFile: '/run/secrets/admin', fleetFile: '/etc/panther/fleet.json' };
  const unit = parseUnit(renderSystemdUnits(plan, { serve: options }).find((u) => u.name === 'panther-serve.service')!.text);
  assert.equal(value(unit, 'Service', 'ExecStart'),
    `${DEFAULT_PANTHER_BIN} serve --listen 100.64.1.2:9720 --state-dir /var/lib/panther/state --allow-remote --fleet /etc/panther/fleet.json --read-token-file %d/read-token --admin-token-file %d/admin-token`);
  assert.ok((unit.get('Service') ?? []).some(([k, v]) => k === 'LoadCredential' && v === 'read-token:/run/agenix/read%%'), '% escaped');
  const bad = (serve: Partial<ServeUnitOptions>, pattern: RegExp): void => refused(() => pantherServeUnit(plan, { ...DEFAULT_SERVE_OPTIONS, ...serve }), pattern);
  bad({ listen: '0.0.0.0:9720' }, /not a loopback address.*|serve.listen/);
  bad({ listen: '100.64.1.2:9720' }, /not a loopback address/);
  bad({ listen: '127.0.0.1:9720 --allow-remote' }, /not HOST:PORT/);
  bad({ readTokenFile: 'tokens/read' }, /readTokenFile.*not an absolute path/);
  bad({ adminTokenFile: '/run/agenix/a b' }, /adminTokenFile/);
  bad({ adminTokenFile: '/run/a:b' }, /adminTokenFile/);
  bad({ readTokenFile: '/run/x\nExecStartPre=/bin/sh' }, /readTokenFile/);
  bad({ readTokenFile: '/nix/store/0000-token' }, /Nix store/);
  bad({ fleetFile: 'fleet.json' }, /fleetFile/);
  bad({ fleetTokenFile: '/run/a b' }, /fleetTokenFile/);
  bad({ fleetTokenFile: '/nix/store/0000-token' }, /fleetTokenFile.*Nix store/);
  // A fleet token of its own: one more credential and flag; without one the read token serves (no flag).
  const own = parseUnit(renderSystemdUnits(plan, { serve: { ...options, fleetTokenFile: '/run/agenix/fleet' } }).find((u) => u.name === 'panther-serve.service')!.text);
  assert.match(value(own, 'Service', 'ExecStart')!, / --admin-token-file %d\/admin-token --fleet-token-file %d\/fleet-token$/);
  assert.ok((own.get('Service') ?? []).some(([k, v]) => k === 'LoadCredential' && v === 'fleet-token:/run/agenix/fleet'));
  assert.doesNotMatch(value(unit, 'Service', 'ExecStart')!, /fleet-token/);
  assert.doesNotThrow(() => pantherServeUnit(plan, { ...DEFAULT_SERVE_OPTIONS, listen: '[::1]:9720' }));
});

test('render kind systemd is the bundle', () => {
  assert.ok('systemd' in renderers);
  assert.equal(render('systemd', specPlan('yoga')), renderSystemd(specPlan('yoga')));
});
