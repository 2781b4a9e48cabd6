import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BackupRunReport, BackupItem } from '../backup/run.ts';
import type { RunReport } from '../snapshot/engine.ts';
import { backupCheckEvents, drillEvents, backupRunEvents, backupRunResult, backupTarget, snapshotEvents, snapshotRunOutcomes, metaOutcome } from './from-reports.ts';

const run = (over: Partial<RunReport>): RunReport => ({ now: '2026-12-01T02:00:00Z', dryRun: false, created: [], failed: [], pruned: [], ...over });

test('snapshot run: created per snapshot, failed per subvolume, hook_failed per failed hook, degraded per degraded snapshot', () => {
  const events = snapshotEvents('yoga', snapshotRunOutcomes(run({
    created: [
      { subvolume: '@home', name: '@home.x', tiers: ['daily'], degraded: false, failedHooks: [] },
      { subvolume: '@db', name: '@db.x', tiers: ['daily'], degraded: true, failedHooks: ['postgres /run/postgresql'] },
    ],
    failed: [{ subvolume: '@redis', error: 'hook redis refused', failedHooks: ['redis /run/redis.sock'] }, { subvolume: '@var', error: 'ENOSPC', failedHooks: [] }],
  })));
  assert.deepEqual(events, [
    { name: 'pantheros.snapshot.created', value: 2, tags: { host: 'yoga' } },
    { name: 'pantheros.snapshot.failed', value: 2, tags: { host: 'yoga' } },
    { name: 'pantheros.snapshot.hook_failed', value: 1, tags: { host: 'yoga', subvol: '@db', hook: 'postgres /run/postgresql' } },
    { name: 'pantheros.snapshot.degraded', value: 1, tags: { host: 'yoga', subvol: '@db' } },
    { name: 'pantheros.snapshot.hook_failed', value: 1, tags: { host: 'yoga', subvol: '@redis', hook: 'redis /run/redis.sock' } },
  ]);
});

test('a dry run and a run with nothing due send nothing', () => {
  assert.deepEqual(snapshotEvents('h', snapshotRunOutcomes(run({ dryRun: true, created: [{ subvolume: '@home', name: null, tiers: ['daily'], degraded: false, failedHooks: [] }] }))), []);
  assert.deepEqual(snapshotEvents('h', snapshotRunOutcomes(run({}))), []);
});

test('a snapshot whose after-hook failed is neither degraded nor a hook failure', () => {
  const o = metaOutcome({ subvolume: '@db', degraded: false, hooks: [
    { hook: 'pg', phase: 'before', ok: true, degraded: false, durationMs: 1, message: '' },
    { hook: 'pg', phase: 'after', ok: false, degraded: false, durationMs: 1, message: 'x' },
  ] });
  assert.deepEqual(snapshotEvents('h', [o]), [{ name: 'pantheros.snapshot.created', value: 1, tags: { host: 'h' } }]);
});

test('backup target: b2 for Backblaze endpoints, s3 for others, local for a directory', () => {
  assert.equal(backupTarget('https://s3.us-west-004.backblazeb2.com'), 'b2');
  assert.equal(backupTarget('https://S3.EU-CENTRAL-003.BACKBLAZEB2.COM'), 'b2');
  assert.equal(backupTarget('https://backblazeb2.com.evil.example'), 's3');
  assert.equal(backupTarget('http://127.0.0.1:9000'), 's3');
  assert.equal(backupTarget(null), 'local');
});

const item = (over: Partial<BackupItem>): BackupItem => ({ subvolume: '@home', snapshot: '@home.x', choice: { kind: 'not-due', reason: 'r' }, ...over });
const report = (over: Partial<BackupRunReport>): BackupRunReport => ({
  now: '2026-12-01T02:00:00Z', dryRun: false, items: [], window: null, stopped: null, storedBytes: 0, bandwidth: null, message: '', plan: null, ...over,
});

test('backup run result: failed on any error, completed only when nothing was left for later', () => {
  assert.equal(backupRunResult(report({ items: [item({}), item({ error: 'boom' })] })), 'failed');
  assert.equal(backupRunResult(report({ items: [item({ error: 'boom' })], stopped: { by: 'window', at: 'x', resumesAt: null } })), 'failed');
  assert.equal(backupRunResult(report({ items: [item({})] })), 'completed');
  assert.equal(backupRunResult(report({ items: [] })), 'completed');
  assert.equal(backupRunResult(report({ items: [item({ interrupted: { by: 'window', bytesRead: 1, storedBytes: 1 } })], stopped: { by: 'window', at: 'x', resumesAt: null } })), 'incomplete');
  assert.equal(backupRunResult(report({ items: [item({ choice: { kind: 'window-closed', reason: 'closed' } })] })), 'incomplete');
  assert.equal(backupRunResult(report({ items: [item({})], stopped: { by: 'signal', at: 'x', resumesAt: null } })), 'incomplete');
});

test('backup run events: outcome, duration in seconds, stored bytes by target; none for a dry run', () => {
  assert.deepEqual(backupRunEvents('yoga', 'b2', report({ items: [item({})], storedBytes: 1234 }), 12.34567), [
    { name: 'pantheros.backup.completed', value: 1, tags: { host: 'yoga' } },
    { name: 'pantheros.backup.duration', value: 12.346, tags: { host: 'yoga' } },
    { name: 'pantheros.backup.size', value: 1234, tags: { host: 'yoga', target: 'b2' } },
  ]);
  assert.deepEqual(backupRunEvents('yoga', 'local', report({ items: [item({ error: 'x' })] }), 1).map((e) => e.name), ['pantheros.backup.failed', 'pantheros.backup.duration', 'pantheros.backup.size']);
  assert.deepEqual(backupRunEvents('yoga', 'local', report({ dryRun: true }), 1), []);
});

test('backup check: 1 or 0', () => {
  assert.deepEqual(backupCheckEvents('h', true), [{ name: 'pantheros.backup.check', value: 1, tags: { host: 'h' } }]);
  assert.deepEqual(backupCheckEvents('h', false)[0]!.value, 0);
});

test('drill: completed when it passed, failed when it failed or was interrupted, tagged with its level', () => {
  assert.deepEqual(drillEvents('h', { level: 'restore', outcome: 'passed' }), [{ name: 'pantheros.drill.completed', value: 1, tags: { host: 'h', level: 'restore' } }]);
  assert.deepEqual(drillEvents('h', { level: 'integrity', outcome: 'failed' }), [{ name: 'pantheros.drill.failed', value: 1, tags: { host: 'h', level: 'integrity' } }]);
  assert.deepEqual(drillEvents('h', { level: 'disaster', outcome: 'interrupted' }), [{ name: 'pantheros.drill.failed', value: 1, tags: { host: 'h', level: 'disaster' } }]);
});
