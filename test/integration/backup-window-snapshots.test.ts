// Snapshot runs during a long upload, on a provisioned layout through the CLI. `backup run` used to
// hold the host lock for its whole upload, so every `snapshot run --wait` of the timers in the
// window failed with exit 11 and the frequent snapshots (the RPO) were skipped for as long as an
// upload ran: weeks of nights while a first upload seeds. Now, while a capped upload runs:
// - `snapshot run` invocations on the frequent schedule exit 0 at once and create their snapshots;
// - their pruning, and an explicit `snapshot prune`, delete what retention drops but never the
//   snapshot being sent or its parent (held "backup:upload");
// - a second `backup run` is refused (exit 11, naming the running backup);
// and the backup finishes, moves the parent hold, releases the upload holds, restores identical.
// A snapshot run that does time out on the host lock says so: exit 11 with the holder's purpose.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BTRFS_TOOLS, PARTITION_TOOLS, skipReason } from '../support/requirements.ts';
import { provisionSpecHost, type Provisioned } from '../support/provisioned.ts';
import { runCli } from '../support/cli.ts';
import { renderJson } from '../../src/render/json.ts';
import { initRepository, LocalBackend, openRepository } from '../../src/repo/index.ts';
import { restorePoint } from '../../src/backup/restore.ts';
import { verifyTree } from '../../src/drill/verify/verify-tree.ts';
import { locate } from '../../src/snapshot/store.ts';
import { acquireLock } from '../../src/locks/host-lock.ts';
import type { SnapshotMeta } from '../../src/snapshot/types.ts';

const skip = skipReason({ tools: [...BTRFS_TOOLS, ...PARTITION_TOOLS, 'blockdev', 'flock'] });
const ROOT = resolve(import.meta.dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const MiB = 1024 * 1024;
const PASSPHRASE = 'snapshots during uploads';
const BIG = 32 * MiB; // at 16 Mbit/s: about 17 s of upload

describe('snapshot runs during a long upload on a provisioned yoga layout', { skip }, () => {
  let p: Provisioned;
  let common: string[];
  let snapshotFlags: string[];
  let repoDir: string;
  let snapshotDir: string;
  let lock: string;
  const children: ChildProcess[] = [];

  before(async () => {
    p = await provisionSpecHost('yoga', { timezone: 'UTC' });
    // @home as a database would be on a server: a snapshot every 15 minutes, only the last two kept,
    // so that retention wants to delete the snapshots an upload needs while it runs.
    const home = p.plan.pools.flatMap((pool) => pool.subvolumes).find((s) => s.name === '@home')!;
    home.snapshots = { frequentMinutes: 15, frequent: 2, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 };
    home.backup = 'daily';
    const planFile = join(p.loops.dir, 'plan.json');
    await writeFile(planFile, renderJson(p.plan));
    repoDir = join(p.loops.dir, 'repo');
    const passFile = join(p.loops.dir, 'passphrase');
    await writeFile(passFile, `${PASSPHRASE}\n`, { mode: 0o600 });
    // Small packs, so the cap paces the upload evenly from its start.
    await initRepository(new LocalBackend(repoDir), {
      host: 'yoga', passphrase: PASSPHRASE, scryptLogN: 10,
      params: { chunker: { min: 64 * 1024, avg: 128 * 1024, max: 512 * 1024 }, packSize: MiB },
    });
    lock = join(p.loops.dir, 'run', 'snapshot.lock');
    snapshotFlags = ['--plan', planFile, '--root', p.root, '--lock', lock];
    common = [...snapshotFlags, '--repo', repoDir, '--passphrase-file', passFile, '--state-dir', join(p.loops.dir, 'state')];
    snapshotDir = locate(p.plan, p.root, '@home').dir;
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await p?.dispose();
  });

  const meta = (name: string): SnapshotMeta | null => {
    const file = join(snapshotDir, `${name}.json`);
    return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as SnapshotMeta : null;
  };
  const onDisk = (name: string): boolean => existsSync(join(snapshotDir, name));
  const packCount = (): number => readdirSync(join(repoDir, 'yoga', 'packs'), { recursive: true }).length;
  const snapshotRun = async (now: string, wait = '5') => {
    const run = await runCli('snapshot', 'run', '--now', now, '--wait', wait, '--json', ...snapshotFlags);
    return run;
  };
  const homeCreated = (run: Awaited<ReturnType<typeof runCli>>): string => {
    assert.equal(run.code, 0, run.stderr);
    const created = run.json().created.find((c: any) => c.subvolume === '@home');
    assert.ok(created?.name, `a @home snapshot was created: ${run.stdout}`);
    assert.ok(created.tiers.includes('frequent'));
    return created.name;
  };

  test('snapshot runs succeed and prune around the held snapshots while a capped upload runs; the backup restores identical', { timeout: 240_000 }, async (t) => {
    const data = join(p.root, 'home', 'me');
    await mkdir(data, { recursive: true });
    await writeFile(join(data, 'small.bin'), randomBytes(MiB));
    // Yesterday: a snapshot and its backup, the parent of tonight's incremental.
    const s0 = homeCreated(await snapshotRun('2026-03-09T23:45:00Z'));
    const first = await runCli('backup', 'run', '--subvol', '@home', '--ignore-window', '--bandwidth', 'unlimited', '--now', '2026-03-09T23:50:00Z', '--json', ...common);
    assert.equal(first.code, 0, first.stderr);
    assert.ok(first.json().items[0].point);
    assert.deepEqual(meta(s0)!.holds, ['backup:parent']);

    await writeFile(join(data, 'big.bin'), randomBytes(BIG)); // incompressible: the cap sets the pace
    await writeFile(join(data, 'notes.txt'), 'tonight\n'.repeat(500));
    const s1 = homeCreated(await snapshotRun('2026-03-10T00:00:00Z'));

    // The upload, as the nightly timer starts it: a process of its own.
    const started = Date.now();
    const backup = spawn(NODE, [MAIN, 'backup', 'run', '--subvol', '@home', '--ignore-window', '--bandwidth', '16Mbit', '--now', '2026-03-10T00:01:00Z', '--json', ...common], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(backup);
    let stdout = '';
    let stderr = '';
    backup.stdout!.on('data', (c: Buffer) => { stdout += c.toString(); });
    backup.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
    const finished = new Promise<number | null>((done) => backup.once('exit', (code) => done(code)));
    const running = (): boolean => backup.exitCode === null && backup.signalCode === null;
    // A failed assertion must not leave the upload running into the next test.
    t.after(() => { if (running()) backup.kill('SIGKILL'); });

    // Until the upload is under way: its first pack lands in the repository.
    const packsBefore = packCount();
    while (packCount() === packsBefore) {
      assert.ok(running(), `the backup ended before its upload started: ${stderr}`);
      assert.ok(Date.now() - started < 60_000, 'the upload started within a minute');
      await sleep(50);
    }

    // The frequent timer fires every 15 minutes during the upload.
    const made: string[] = [];
    const took: number[] = [];
    for (const now of ['2026-03-10T00:15:00Z', '2026-03-10T00:30:00Z', '2026-03-10T00:45:00Z', '2026-03-10T01:00:00Z']) {
      const asked = Date.now();
      made.push(homeCreated(await snapshotRun(now)));
      took.push(Date.now() - asked);
    }
    const pruned = await runCli('snapshot', 'prune', '--now', '2026-03-10T01:00:00Z', '--json', ...snapshotFlags);
    assert.equal(pruned.code, 0, pruned.stderr);
    // The sent snapshot and its parent are held for the upload.
    assert.deepEqual(meta(s0)!.holds, ['backup:parent', 'backup:upload']);
    assert.deepEqual(meta(s1)!.holds, ['backup:upload']);
    const again = await runCli('backup', 'run', '--subvol', '@home', '--ignore-window', '--now', '2026-03-10T01:01:00Z', ...common);
    const midUpload = running();
    t.diagnostic(`during the upload: ${made.length} snapshot runs in ${took.join(', ')} ms; a prune; a second backup run exit ${again.code}; upload still running: ${midUpload}`);
    assert.ok(midUpload, 'all of this happened while the upload ran (none of it waited for the upload)');
    assert.equal(again.code, 11, 'a second backup run is refused');
    assert.match(again.stderr, /held by pid \d+ .*\(backup run\)/);

    // Retention kept the two newest frequent snapshots and the two held ones; it deleted the others.
    assert.ok(onDisk(s0) && onDisk(s1), 'the sent snapshot and its parent are still there');
    assert.deepEqual(made.map(onDisk), [false, false, true, true], `made ${made.join(' ')}`);
    const decisions = pruned.json().entries.filter((e: any) => e.subvolume === '@home');
    for (const name of [s0, s1]) {
      const d = decisions.find((e: any) => e.name === name);
      assert.equal(d.deleted, false);
      assert.ok(d.decision.reasons.includes('held by backup:upload'), JSON.stringify(d.decision));
    }

    assert.equal(await finished, 0, stderr);
    const seconds = (Date.now() - started) / 1000;
    const report = JSON.parse(stdout);
    const item = report.items[0];
    assert.equal(item.snapshot, s1);
    assert.equal(item.choice.kind, 'incremental');
    assert.equal(item.choice.parentSnapshot, s0);
    assert.ok(item.point);
    t.diagnostic(`upload: ${(item.progress.bytesRead / MiB).toFixed(1)} MiB stream in ${seconds.toFixed(1)} s, ${(report.bandwidth.bitsPerSecond / 1e6).toFixed(2)} Mbit/s (cap 16)`);
    assert.ok(seconds > 8, `the upload lasted ${seconds.toFixed(1)} s`);

    // Holds after the upload: the parent hold moved to the sent snapshot, no upload hold remains,
    // and the old parent is now retention's to delete.
    assert.deepEqual(meta(s1)!.holds, ['backup:parent']);
    assert.deepEqual(meta(s0)!.holds, []);
    const later = await runCli('snapshot', 'prune', '--now', '2026-03-10T01:00:00Z', '--json', ...snapshotFlags);
    assert.equal(later.code, 0, later.stderr);
    assert.equal(onDisk(s0), false, 'the old parent, no longer held, is pruned');
    assert.equal(onDisk(s1), true);

    const repo = await openRepository(new LocalBackend(repoDir), { host: 'yoga', identity: { passphrase: PASSPHRASE } });
    assert.equal((await repo.check({ readData: 100 })).ok, true);
    const target = join(p.root, 'var', 'restore-test');
    await mkdir(target, { recursive: true });
    const restored = await restorePoint(repo, item.point, target, () => undefined);
    assert.deepEqual((await verifyTree(join(snapshotDir, s1), restored.path)).sample, []);
  });

  test('a snapshot run that times out on the host lock says so: exit 11 with the holder\'s purpose', { timeout: 60_000 }, async () => {
    const holding = await acquireLock(lock, 'snapshot wrap: nixos-rebuild switch');
    try {
      const asked = Date.now();
      const run = await snapshotRun('2026-03-10T01:15:00Z', '1');
      assert.equal(run.code, 11);
      assert.ok(Date.now() - asked >= 1000, 'it waited as long as asked');
      assert.match(run.stderr, new RegExp(`held by pid ${process.pid} .*\\(snapshot wrap: nixos-rebuild switch\\)`));
      assert.match(run.stderr, /hint: another panther run is in progress/);
    } finally {
      await holding.release();
    }
    const next = await snapshotRun('2026-03-10T01:15:00Z', '0');
    assert.equal(next.code, 0, next.stderr);
  });
});
