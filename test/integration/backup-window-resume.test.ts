// A first upload that does not fit in one window, on a real provisioned layout through the CLI: the
// window closes mid-upload, the run stops cleanly before the window's end (exit 0, "resumes next
// night"), the repository is consistent with no point for the unfinished snapshot, and the next
// night's run stores only the rest and produces a point that restores bit for bit.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BTRFS_TOOLS, PARTITION_TOOLS, skipReason } from '../support/requirements.ts';
import { provisionSpecHost, type Provisioned } from '../support/provisioned.ts';
import { runCli } from '../support/cli.ts';
import { renderJson } from '../../src/render/json.ts';
import { initRepository, LocalBackend, openRepository, type Repository } from '../../src/repo/index.ts';
import { restorePoint } from '../../src/backup/restore.ts';
import { verifyTree } from '../../src/drill/verify/verify-tree.ts';
import { locate } from '../../src/snapshot/store.ts';
import { backupStatus } from '../../src/cli/commands/backup-status.ts';
import type { Io } from '../../src/cli/command.ts';

const skip = skipReason({ tools: [...BTRFS_TOOLS, ...PARTITION_TOOLS, 'blockdev'] });
const MiB = 1024 * 1024;
const PASSPHRASE = 'window test passphrase';

/** `backup status` is not registered in the command table yet: call the command itself. */
async function status(...argv: string[]): Promise<any> {
  let out = '';
  const io: Io = { out: (t) => { out += t; }, err: () => undefined, json: true, tty: false };
  const { values } = parseArgs({ args: argv, options: backupStatus.options, strict: true });
  assert.equal(await backupStatus.run(values, [], io), 0);
  return JSON.parse(out);
}

describe('backup window on a provisioned yoga layout', { skip }, () => {
  let p: Provisioned;
  let common: string[];
  let stateDir: string;
  let repoDir: string;
  let passFile: string;
  let snapshot: string;
  let firstStored = 0;
  before(async () => {
    p = await provisionSpecHost('yoga', { timezone: 'UTC' });
    const planFile = join(p.loops.dir, 'plan.json');
    await writeFile(planFile, renderJson(p.plan));
    repoDir = join(p.loops.dir, 'repo');
    passFile = join(p.loops.dir, 'passphrase');
    stateDir = join(p.loops.dir, 'state');
    await writeFile(passFile, `${PASSPHRASE}\n`, { mode: 0o600 });
    // Small packs, so that the stop margin (two packs and a few chunks at the cap) is seconds, not minutes.
    await initRepository(new LocalBackend(repoDir), {
      host: 'yoga', passphrase: PASSPHRASE, scryptLogN: 10,
      params: { chunker: { min: 64 * 1024, avg: 128 * 1024, max: 512 * 1024 }, packSize: MiB },
    });
    common = ['--plan', planFile, '--root', p.root, '--lock', join(p.loops.dir, 'lock'), '--repo', repoDir, '--passphrase-file', passFile, '--state-dir', stateDir];
    const home = join(p.root, 'home', 'me');
    await mkdir(join(home, 'docs'), { recursive: true });
    await writeFile(join(home, 'big.bin'), randomBytes(30 * MiB)); // incompressible
    await writeFile(join(home, 'docs', 'notes.txt'), 'notes\n'.repeat(1000));
    const created = await runCli('snapshot', 'create', '@home', '--now', '2026-03-10T01:00:00Z', '--json', ...common.slice(0, 6));
    assert.equal(created.code, 0, created.stderr);
    snapshot = created.json().name;
  });
  after(async () => { await p?.dispose(); });

  const open = (): Promise<Repository> => openRepository(new LocalBackend(repoDir), { host: 'yoga', identity: { passphrase: PASSPHRASE } });

  test('outside the window nothing starts and the repository is not touched', async () => {
    const run = await runCli('backup', 'run', '--subvol', '@home', '--now', '2026-03-10T12:00:00Z', '--json', ...common);
    assert.equal(run.code, 0, run.stderr);
    const report = run.json();
    assert.equal(report.window.open, false);
    assert.equal(report.items[0].choice.kind, 'window-closed');
    assert.match(report.items[0].choice.reason, /^window closed: resumes next night \(opens 2026-03-11T02:30:00.000Z\)/, 'yoga\'s plan: 02:00 + 30 min stagger');
    assert.equal(report.storedBytes, 0);
    assert.equal((await open().then((r) => r.listManifests())).length, 0);
    const manual = await runCli('backup', 'run', '--subvol', '@home', '--now', '2026-03-10T12:00:00Z', '--ignore-window', '--dry-run', '--json', ...common);
    assert.equal(manual.code, 0, manual.stderr);
    assert.equal(manual.json().window, null, '--ignore-window: no window applies');
    assert.equal(manual.json().items[0].choice.kind, 'full');
    const both = await runCli('backup', 'run', '--window', '02:00-05:00', '--ignore-window', ...common);
    assert.equal(both.code, 2);
  });

  test('the window closes mid-upload: exit 0, stored progress, no point, a consistent repository', { timeout: 120_000 }, async (t) => {
    // 40 s before the window closes, at 4 Mbit/s (0.5 MB/s): about 20 s of uploading, far from 31 MiB.
    const started = Date.now();
    const run = await runCli('backup', 'run', '--subvol', '@home', '--window', '02:00-05:00', '--now', '2026-03-10T04:59:20Z', '--bandwidth', '4Mbit', '--json', ...common);
    const seconds = (Date.now() - started) / 1000;
    assert.equal(run.code, 0, run.stderr);
    const report = run.json();
    const item = report.items[0];
    assert.equal(item.snapshot, snapshot);
    assert.equal(item.choice.kind, 'full');
    assert.equal(item.interrupted.by, 'window');
    assert.equal(item.point, undefined);
    assert.ok(item.interrupted.storedBytes > 2 * MiB, `stored ${item.interrupted.storedBytes}`);
    assert.ok(item.interrupted.bytesRead < 30 * MiB);
    assert.equal(report.stopped.by, 'window');
    assert.equal(report.stopped.resumesAt, '2026-03-11T02:30:00.000Z', 'the next night follows the plan: 02:00 + yoga\'s 30 min stagger');
    assert.match(report.message, /^window closed; [\d.]+ MiB stored; resumes next night/);
    // Stopped early enough that the flush of what was read landed inside the window.
    assert.ok(seconds < 40, `the run took ${seconds.toFixed(1)} s of the 40 s left`);
    assert.ok(Math.abs(report.bandwidth.bitsPerSecond - 4e6) / 4e6 < 0.15, `achieved ${report.bandwidth.bitsPerSecond} bit/s`);
    firstStored = item.interrupted.storedBytes;
    t.diagnostic(`night 1: stopped after ${seconds.toFixed(1)} s of the 40 s left; read ${item.interrupted.bytesRead}, stored ${firstStored} bytes; ` +
      `${(report.bandwidth.bitsPerSecond / 1e6).toFixed(3)} Mbit/s achieved (cap 4); ${report.message}`);

    const repo = await open();
    assert.deepEqual(await repo.listManifests(), [], 'no backup point for the unfinished snapshot');
    const check = await repo.check({ readData: 100 });
    assert.equal(check.ok, true, JSON.stringify(check.problems));
    assert.ok(check.stats.packs > 0);

    const st = await status('--plan', common[1]!, '--state-dir', stateDir, '--now', '2026-03-10T05:00:00Z');
    const home = st.subvolumes.find((s: any) => s.name === '@home');
    assert.equal(st.lastRun.outcome, 'window-closed');
    assert.equal(home.inProgress.snapshot, snapshot);
    assert.equal(home.inProgress.attempts, 1);
    assert.equal(home.inProgress.storedBytes, firstStored);
    assert.equal(home.lastRun.outcome, 'interrupted');
    assert.equal(st.window.now.open, false);
  });

  test('the next night stores only the rest and the point restores bit for bit', { timeout: 120_000 }, async (t) => {
    const run = await runCli('backup', 'run', '--subvol', '@home', '--window', '02:00-05:00', '--now', '2026-03-11T02:00:30Z', '--bandwidth', '200Mbit', '--json', ...common);
    assert.equal(run.code, 0, run.stderr);
    const item = run.json().items[0];
    assert.equal(item.snapshot, snapshot, 'the same snapshot again');
    assert.ok(item.point, 'a point this time');
    const p2 = item.progress;
    assert.ok(p2.bytesRead > 30 * MiB);
    assert.ok(p2.dedupBytes > 0.8 * firstStored, `dedup skipped ${p2.dedupBytes} of the ${firstStored} stored last night`);
    assert.ok(p2.storedBytes < p2.bytesRead - 0.8 * firstStored, `stored ${p2.storedBytes} of a ${p2.bytesRead}-byte stream`);
    assert.match(run.json().message, /^complete;/);
    t.diagnostic(`night 2: stream ${p2.bytesRead}, dedup ${p2.dedupBytes}, stored ${p2.storedBytes} bytes (night 1 stored ${firstStored})`);

    const repo = await open();
    assert.equal((await repo.check({ readData: 100 })).ok, true);
    const target = join(p.root, 'var', 'restore-test');
    await mkdir(target, { recursive: true });
    const restored = await restorePoint(repo, item.point, target, () => undefined);
    const source = join(locate(p.plan, p.root, '@home').dir, snapshot);
    assert.deepEqual((await verifyTree(source, restored.path)).sample, []);

    const st = await status('--plan', common[1]!, '--state-dir', stateDir, '--now', '2026-03-11T03:00:00Z');
    const home = st.subvolumes.find((s: any) => s.name === '@home');
    assert.equal(home.inProgress, null);
    assert.equal(home.lastComplete.point, item.point);
    assert.equal(home.points, 1);
    assert.equal(st.lastRun.outcome, 'complete');
  });
});
