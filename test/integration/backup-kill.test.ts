// kill -9 at random moments of `panther backup run`, run as a real subprocess on a ~170 MiB
// subvolume: after every kill `backup check --read-data 100` passes, the lock files a dead
// run leaves do not block the next one, the next complete run succeeds and restores bit-exactly,
// and it does not store again what the killed runs had already stored: the repository ends at most
// one pack per interruption larger than after a clean, uninterrupted run.
//
// PANTHER_KILL_TRIALS and PANTHER_KILL_SEED override the number of trials and the random seed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BTRFS_TOOLS, PARTITION_TOOLS, skipReason } from '../support/requirements.ts';
import { provisionSpecHost, type Provisioned } from '../support/provisioned.ts';
import { seededBytes, treeBytes, writeAgeIdentity } from '../support/trees.ts';
import { renderJson } from '../../src/render/json.ts';
import { createSnapshot } from '../../src/snapshot/engine.ts';
import { locate } from '../../src/snapshot/store.ts';
import { initRepo, openRepo, type RepoLocation } from '../../src/backup/open.ts';
import { restorePoint } from '../../src/backup/restore.ts';
import { verifyTree } from '../../src/drill/verify/verify-tree.ts';
import { deleteSubvolume } from '../../src/btrfs/index.ts';
import { DEFAULT_PARAMS } from '../../src/repo/index.ts';
import { seededRandom } from '../../src/core/prng.ts';

const skip = skipReason({ tools: [...BTRFS_TOOLS, ...PARTITION_TOOLS, 'blockdev'] });
const ROOT = resolve(import.meta.dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const TRIALS = Number(process.env['PANTHER_KILL_TRIALS'] ?? 16);
// A fixed default seed keeps CI's trial schedule reproducible; set PANTHER_KILL_SEED to explore others.
const SEED = Number(process.env['PANTHER_KILL_SEED'] ?? 1072288620);
const MiB = 1024 * 1024;
const NOW = '2026-09-01T02:00:00.000Z';
const PACK = DEFAULT_PARAMS.packSize;
/** Index segments and manifests an interrupted run may leave beside its packs. */
const SEGMENT_SLACK = 256 * 1024;

/** Seeded so a failing trial can be replayed with PANTHER_KILL_SEED. */
const prng = (seed: number): (() => number) => seededRandom(seed);

interface Finished { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number; pid: number; killed: boolean; firstWriteMs: number | null }

/** When to SIGKILL: `delayMs` after the spawn, or after the first file (a pack being written) appears in `watch`. */
interface KillPlan { delayMs: number; after: 'spawn' | 'first-write' }

/**
 * The CLI as a subprocess in its own process group. `watch` (a packs directory) is polled to learn
 * when the run starts writing; `kill` SIGKILLs the whole group (node and its btrfs send) as a
 * power cut or the OOM killer would.
 */
function panther(args: string[], watch?: string, kill?: KillPlan): Promise<Finished> {
  const started = Date.now();
  const child = spawn(NODE, [MAIN, ...args], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  let killed = false;
  let exited = false;
  let firstWriteMs: number | null = null;
  let timer: NodeJS.Timeout | undefined;
  const fire = (): void => {
    if (exited) return;
    killed = true;
    try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
  };
  if (kill?.after === 'spawn') timer = setTimeout(fire, kill.delayMs);
  const poll = watch === undefined ? undefined : setInterval(() => {
    if (firstWriteMs !== null) return;
    readdir(watch).then((names) => {
      if (firstWriteMs !== null || names.length === 0) return;
      firstWriteMs = Date.now() - started;
      if (kill?.after === 'first-write') timer = setTimeout(fire, kill.delayMs);
    }, () => undefined);
  }, 5);
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => {
      exited = true;
      clearTimeout(timer);
      clearInterval(poll);
      done({ code, signal, stdout, stderr, ms: Date.now() - started, pid: child.pid!, killed: killed && signal === 'SIGKILL', firstWriteMs });
    });
  });
}

/** Packs, index segments, manifests and leftovers (temporary files) of a repository, in bytes. */
async function usage(repoDir: string, host: string): Promise<{ total: number; packs: number; temporaries: number; tempFiles: number }> {
  const dir = join(repoDir, host);
  const isTemp = (rel: string): boolean => rel.split('/').pop()!.startsWith('.');
  let tempFiles = 0;
  for (const kind of ['packs', 'index', 'manifests']) tempFiles += (await readdir(join(dir, kind)).catch(() => [])).filter((n) => n.startsWith('.')).length;
  return {
    total: await treeBytes(dir),
    packs: await treeBytes(join(dir, 'packs'), (rel) => !isTemp(rel)),
    temporaries: await treeBytes(dir, isTemp),
    tempFiles,
  };
}

describe(`kill -9 during backup run (${TRIALS} trials, seed ${SEED})`, { skip, timeout: 30 * 60_000 }, () => {
  let p: Provisioned;
  let hostFlags: string[];
  let lock: string;
  let key: { identityFile: string; recipient: string };
  let snapshotPath: string;
  let snapshotName: string;
  /** A trial repository a killed write left temporary files in (kept for the last test). */
  let leftovers: RepoLocation | undefined;
  let clean: { total: number; storedBytes: number; ms: number; firstWriteMs: number; packs: number };

  const location = (name: string): RepoLocation => ({ url: join(p.loops.dir, 'repos', name), host: p.plan.host, identityFile: key.identityFile });
  const packsDir = (loc: RepoLocation): string => join(loc.url, loc.host, 'packs');
  const repoFlags = (loc: RepoLocation): string[] => ['--repo', loc.url, '--host', loc.host, '--identity-file', key.identityFile];
  // A manual run (no nightly window, no bandwidth cap) that waits for no lock: a stale one must be taken over.
  const backupArgs = (loc: RepoLocation): string[] => ['backup', 'run', '--subvol', '@home', '--now', NOW, '--wait', '0', '--json', ...hostFlags, ...repoFlags(loc),
    '--ignore-window', '--bandwidth', 'unlimited', '--state-dir', join(p.loops.dir, 'state')];

  before(async () => {
    p = await provisionSpecHost('yoga', {}, 2048);
    const planFile = join(p.loops.dir, 'plan.json');
    await writeFile(planFile, renderJson(p.plan));
    lock = join(p.loops.dir, 'host.lock');
    hostFlags = ['--plan', planFile, '--root', p.root, '--lock', lock];
    key = await writeAgeIdentity(p.loops.dir);
    // ~170 MiB: incompressible files of several sizes, compressible text, many small files.
    const data = join(p.root, 'home', 'data');
    await mkdir(join(data, 'small'), { recursive: true });
    for (let i = 0; i < 36; i++) await writeFile(join(data, `random-${i}.bin`), randomBytes((2 + (i % 5)) * MiB));
    for (let i = 0; i < 4; i++) await writeFile(join(data, `text-${i}.txt`), Array.from({ length: 60_000 }, (_, n) => `${i}:${n} lorem ipsum dolor sit amet ${n * 7919 % 1000}\n`).join(''));
    for (let i = 0; i < 500; i++) await writeFile(join(data, 'small', `f${i}`), seededBytes(`small-${i}`, 100 + i * 37));
    const snap = await createSnapshot({ plan: p.plan, root: p.root, creator: 'test', log: () => {} }, { subvolume: '@home', now: NOW, origin: 'manual' });
    snapshotName = snap.name;
    snapshotPath = join(locate(p.plan, p.root, '@home').dir, snap.name);
  });
  after(async () => { await p?.dispose(); });

  test('a clean, uninterrupted run: the reference', async (t) => {
    const loc = location('clean');
    await initRepo({ ...loc, recipients: [key.recipient] });
    const r = await panther(backupArgs(loc), packsDir(loc));
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.firstWriteMs !== null, 'saw the run write');
    const item = JSON.parse(r.stdout).items[0];
    assert.equal(item.choice.kind, 'full');
    const u = await usage(loc.url, loc.host);
    clean = { total: u.total, storedBytes: item.progress.storedBytes, ms: r.ms, firstWriteMs: r.firstWriteMs!, packs: item.progress.packsUploaded };
    // The text files travel compressed as btrfs stores them (--compressed-data): ~147 MiB of stream.
    assert.ok(item.progress.bytesRead > 140 * MiB, `stream of ${item.progress.bytesRead} bytes`);
    assert.ok(clean.packs >= 4, `${clean.packs} packs: enough for kills to land between them`);
    assert.equal(u.tempFiles, 0);
    t.diagnostic(`clean run: stream ${(item.progress.bytesRead / MiB).toFixed(1)} MiB, ${clean.packs} packs, repository ${(u.total / MiB).toFixed(1)} MiB, ${r.ms} ms, of which ${r.firstWriteMs} ms before the first pack write (process start, send start, first pack filled)`);
    await rm(loc.url, { recursive: true });
  });

  test('after every kill: check passes, the lock is taken over, the next run completes, restores bit-exactly and stores nothing twice', async (t) => {
    assert.ok(clean, 'needs the clean run');
    const random = prng(SEED);
    const figures = { kills: 0, finishedBeforeKill: 0, staleLocks: 0, leftTemporaries: 0, maxExtra: 0, sumExtra: 0, trials: 0 };
    for (let trial = 0; trial < TRIALS; trial++) {
      const loc = location(`trial-${trial}`);
      await initRepo({ ...loc, recipients: [key.recipient] });
      const wanted = 1 + (trial % 3);
      let kills = 0;
      let completed = false;
      let earlyFinish = '';
      const killedPids = new Set<number>();
      const timing: Record<string, number> = {};
      const lap = (() => { let last = Date.now(); return (name: string) => { const now = Date.now(); timing[name] = (timing[name] ?? 0) + now - last; last = now; }; })();
      const delays: string[] = [];
      for (let k = 0; k < wanted; k++) {
        // One kill in five lands anywhere before the first write (start-up, lock, send start),
        // the others anywhere in the upload, timed from its first write.
        const early = random() < 0.2;
        const plan: KillPlan = early
          ? { after: 'spawn', delayMs: Math.round(random() * clean.firstWriteMs) }
          : { after: 'first-write', delayMs: Math.round(random() * (clean.ms - clean.firstWriteMs)) };
        delays.push(`${plan.delayMs} ms after ${plan.after}`);
        const r = await panther(backupArgs(loc), packsDir(loc), plan);
        if (!r.killed) {
          // Finished before the kill landed: a complete run, no interruption.
          assert.equal(r.code, 0, r.stderr);
          figures.finishedBeforeKill++;
          completed = true;
          earlyFinish = `${r.code} ${r.signal} ${r.ms} ms ${r.stdout}`;
          break;
        }
        kills++;
        killedPids.add(r.pid);
        lap('killed runs');
        // The lock files stay (flock locks die with their holder); one a killed run held still names it.
        for (const file of [lock, join(p.loops.dir, 'backup.lock')]) {
          const text = existsSync(file) ? await readFile(file, 'utf8') : '';
          if (text === '') continue;
          const holder = JSON.parse(text) as { pid: number };
          assert.ok(killedPids.has(holder.pid), `the lock left behind (pid ${holder.pid}) is a killed run's (${[...killedPids].join(', ')})`);
          assert.throws(() => process.kill(holder.pid, 0), /ESRCH/, 'its holder is dead');
          figures.staleLocks++;
        }
        const c = await panther(['backup', 'check', '--read-data', '100', '--json', ...repoFlags(loc)]);
        assert.equal(c.code, 0, `trial ${trial}, kill ${k + 1} ${delays.at(-1)}: check failed\n${c.stdout}\n${c.stderr}`);
        assert.equal(JSON.parse(c.stdout).ok, true);
        lap('checks');
      }

      // What the killed runs made durable (indexed packs), before the resuming run.
      const beforeResume = await usage(loc.url, loc.host);
      const probe = await openRepo(loc);
      const index = await probe.index();
      const indexedBytes = index.packSizes.reduce((a, b) => a + b, 0);
      // A kill can land after the manifest was written but before the process exited: the point
      // then exists although the run "died", and the next run rightly finds nothing to do.
      if ((await probe.listManifests()).length > 0) completed = true;

      lap('usage');
      const resumed = await panther(backupArgs(loc));
      lap('resumed run');
      assert.equal(resumed.code, 0, `trial ${trial}: the run after ${kills} kill(s) (${delays.join(', ')}) failed; a stale lock must not block it\n${resumed.stderr}`);
      const report = JSON.parse(resumed.stdout);
      const item = report.items[0];
      if (completed) assert.ok(['skip', 'not-due'].includes(item.choice.kind) && item.point === undefined, `trial ${trial}: already backed up\n${resumed.stdout}\n${earlyFinish}`);
      else assert.ok(item.choice.kind === 'full' && item.point, `trial ${trial}: ${JSON.stringify(item)}`);
      // A run killed mid-upload leaves its upload hold; the next run clears it, done or not due.
      const holds = (JSON.parse(await readFile(`${snapshotPath}.json`, 'utf8')) as { holds: string[] }).holds;
      assert.deepEqual(holds, ['backup:parent'], `trial ${trial}: holds after the resumed run`);
      const after = await usage(loc.url, loc.host);
      const extra = after.total - clean.total;
      figures.kills += kills;
      figures.trials++;
      figures.maxExtra = Math.max(figures.maxExtra, extra);
      figures.sumExtra += Math.max(0, extra);
      if (after.tempFiles > 0) figures.leftTemporaries++;

      // At most one pack per interruption more than a clean run (the pack in flight at the kill).
      assert.ok(after.total <= clean.total + kills * (PACK + SEGMENT_SLACK) + SEGMENT_SLACK,
        `trial ${trial}: repository ${after.total} bytes after ${kills} kill(s), clean run ${clean.total}`);
      if (item.progress !== undefined) {
        // The resuming run uploads only what was not durable yet: indexed packs are deduplicated.
        assert.ok(item.progress.storedBytes + indexedBytes <= clean.storedBytes + 2 * MiB,
          `trial ${trial}: resumed run stored ${item.progress.storedBytes} bytes although ${indexedBytes} were already indexed (clean run: ${clean.storedBytes})`);
        if (indexedBytes > 0) assert.ok(item.progress.dedupBytes > 0, `trial ${trial}: nothing deduplicated against ${indexedBytes} indexed bytes`);
      }

      // The final point restores bit-exactly.
      const to = join(p.root, 'nix', 'restores', `trial-${trial}`);
      await mkdir(to, { recursive: true });
      const restored = await restorePoint(await openRepo(loc), snapshotName, to, () => {});
      assert.deepEqual((await verifyTree(snapshotPath, restored.path)).sample, [], `trial ${trial}: restored tree differs`);
      await deleteSubvolume(restored.path);
      lap('restore');
      t.diagnostic(`trial ${trial}: ${kills} kill(s) at ${delays.join(', ')}; before resume ${(beforeResume.total / MiB).toFixed(1)} MiB (${(indexedBytes / MiB).toFixed(1)} MiB indexed, ${beforeResume.tempFiles} temp file(s) ${(beforeResume.temporaries / MiB).toFixed(1)} MiB); resumed run stored ${((item.progress?.storedBytes ?? 0) / MiB).toFixed(1)} MiB; repository ${(after.total / MiB).toFixed(1)} MiB vs clean ${(clean.total / MiB).toFixed(1)} MiB (+${(extra / MiB).toFixed(2)} MiB); ms ${JSON.stringify(timing)}`);
      assert.ok(after.tempFiles <= kills, `trial ${trial}: ${after.tempFiles} temporary files after ${kills} kill(s)`);
      if (after.tempFiles > 0 && leftovers === undefined) leftovers = loc;
      else await rm(loc.url, { recursive: true });
    }
    t.diagnostic(`summary: ${figures.trials} trials, ${figures.kills} kills, ${figures.finishedBeforeKill} run(s) finished before the kill, ${figures.staleLocks} lock file(s) left naming a killed run (none blocked: the kernel released their flocks), ${figures.leftTemporaries} trial(s) ended with temporary files left, excess over a clean run: largest ${(figures.maxExtra / MiB).toFixed(2)} MiB, mean ${(figures.sumExtra / figures.trials / MiB).toFixed(2)} MiB (pack size ${(PACK / MiB).toFixed(0)} MiB)`);
    assert.ok(figures.kills >= TRIALS, `${figures.kills} kills landed in ${TRIALS} trials`);
  });

  test('the killed run\'s repository lock does not block the next exclusive operation (backup prune)', async () => {
    assert.ok(clean, 'needs the clean run');
    const loc = location('stale-lock');
    await initRepo({ ...loc, recipients: [key.recipient] });
    // Killed well inside the upload, so it holds whatever locks a run takes.
    const killed = await panther(backupArgs(loc), packsDir(loc), { after: 'first-write', delayMs: Math.round((clean.ms - clean.firstWriteMs) / 3) });
    assert.ok(killed.killed, 'the run was killed');
    assert.throws(() => process.kill(killed.pid, 0), /ESRCH/);
    const prune = await panther(['backup', 'prune', '--now', NOW, '--wait', '0', '--json', ...hostFlags, ...repoFlags(loc)]);
    assert.equal(prune.code, 0, `backup prune after a killed run (pid ${killed.pid}, dead, on this host):\n${prune.stderr}`);
    const resumed = await panther(backupArgs(loc));
    assert.equal(resumed.code, 0, resumed.stderr);
    await rm(loc.url, { recursive: true });
  });

  test('temporary files a killed write left behind are removed by the nightly cycle (next run + prune)', async (t) => {
    assert.ok(clean, 'needs the clean run');
    let loc = leftovers;
    if (loc === undefined) {
      // No kill happened to land inside an object write: make the leftover such a kill leaves
      // (LocalBackend writes `.<name>.<12 hex>.tmp` beside the object, then renames it).
      loc = location('fabricated');
      await initRepo({ ...loc, recipients: [key.recipient] });
      assert.equal((await panther(backupArgs(loc))).code, 0);
      await writeFile(join(packsDir(loc), `.${'ab'.repeat(32)}.0123456789ab.tmp`), randomBytes(4 * MiB));
      t.diagnostic('no trial left a temporary file; one was made by hand');
    }
    const temporaries = async (): Promise<string[]> => {
      const out: string[] = [];
      for (const kind of ['packs', 'index', 'manifests']) {
        for (const name of await readdir(join(loc.url, loc.host, kind)).catch(() => [])) if (name.startsWith('.')) out.push(join(loc.url, loc.host, kind, name));
      }
      return out;
    };
    const left = await temporaries();
    assert.ok(left.length > 0);
    // Two days later, so no age threshold can excuse them as a write in progress.
    const old = new Date(Date.parse(NOW) - 2 * 86_400_000);
    for (const path of left) await utimes(path, old, old);
    // Locks the killed runs may have left are another question (previous test): clear them.
    const unlock = await panther(['backup', 'unlock', '--force', ...repoFlags(loc)]);
    assert.equal(unlock.code, 0, unlock.stderr);
    const later = new Date(Date.parse(NOW) + 2 * 86_400_000).toISOString();
    const run = await panther(['backup', 'run', '--subvol', '@home', '--now', later, '--json', ...hostFlags, ...repoFlags(loc), '--ignore-window', '--bandwidth', 'unlimited', '--state-dir', join(p.loops.dir, 'state')]);
    assert.equal(run.code, 0, run.stderr);
    const prune = await panther(['backup', 'prune', '--now', later, '--json', ...hostFlags, ...repoFlags(loc)]);
    assert.equal(prune.code, 0, prune.stderr);
    const still = await temporaries();
    const bytes = (await usage(loc.url, loc.host)).temporaries;
    assert.deepEqual(still, [], `${still.length} temporary file(s), ${(bytes / MiB).toFixed(1)} MiB, left by killed writes are never removed`);
  });
});
