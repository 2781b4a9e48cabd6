// Through the CLI, on real btrfs: (1) `backup check` fails when points are unrestorable although
// every remaining object is intact (a chain's full point gone, every manifest gone), comparing the
// repository with the host's record of completed points that `backup run` keeps and `backup prune`
// updates; (2) `backup repair-index` brings a repository with a damaged segment, a deleted segment or
// no segments at all back to a clean check and an identical restore, on the local backend and on
// the S3 backend against the local S3 server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BTRFS_TOOLS, PARTITION_TOOLS, skipReason } from '../support/requirements.ts';
import { provisionSpecHost, type Provisioned } from '../support/provisioned.ts';
import { runCli } from '../support/cli.ts';
import { flipByte } from '../support/flip-byte.ts';
import { writeAgeIdentity } from '../support/trees.ts';
import { startS3Stack, TEST_BUCKET, TEST_REGION, type S3Stack } from '../support/s3-server.ts';
import { renderJson } from '../../src/render/json.ts';
import { locate } from '../../src/snapshot/store.ts';
import { verifyTree } from '../../src/drill/verify/verify-tree.ts';
import type { StoragePlan } from '../../src/plan/types.ts';

const skip = skipReason({ tools: [...BTRFS_TOOLS, ...PARTITION_TOOLS, 'blockdev'] });

interface Problem { severity: string; code: string; object: string; message: string; manifests: string[]; hint?: string }
interface Point { id: string; snapshot: string }

/** The same plan with @home keeping one daily point and nothing else, so prune deletes older ones. */
function oneDailyPlan(plan: StoragePlan): StoragePlan {
  const copy = structuredClone(plan);
  for (const pool of copy.pools) {
    for (const s of pool.subvolumes) {
      if (s.name === '@home' && s.snapshots !== null) s.snapshots = { ...s.snapshots, frequent: 0, hourly: 0, daily: 1, weekly: 0, monthly: 0, yearly: 0 };
    }
  }
  return copy;
}

describe('check finds unrestorable points; repair-index rebuilds the index', { skip, timeout: 15 * 60_000 }, () => {
  let p: Provisioned;
  let repo: string;
  let host: string;
  let snapDir: string;
  let restores: string;
  let state: string;
  let repoFlags: string[];
  let hostFlags: string[];
  let identity: { identityFile: string; recipient: string };
  let stack: S3Stack | undefined;
  const points: Point[] = [];
  let restoreCount = 0;

  const check = async (flags = repoFlags, stateDir = state) => {
    const r = await runCli('backup', 'check', '--read-data', '100', '--json', ...flags, '--state-dir', stateDir);
    const json = r.json();
    return { code: r.code, problems: json.problems as Problem[], record: json.record as { state: string; points: number }, stats: json.stats, stderr: r.stderr };
  };
  const errors = (problems: Problem[]) => problems.filter((x) => x.severity === 'error');
  const manifestsDir = () => join(repo, host, 'manifests');
  const indexDir = (base = repo) => join(base, host, 'index');

  /** Restores a point into a fresh directory and proves it identical to the snapshot on disk. */
  const restoreIdentical = async (point: Point, flags = repoFlags): Promise<void> => {
    const to = join(restores, `r${restoreCount++}`);
    await mkdir(to, { recursive: true });
    const r = await runCli('restore', point.id, '--to', to, '--json', ...flags);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((await verifyTree(join(snapDir, point.snapshot), join(to, point.snapshot))).sample, []);
  };
  const night = async (n: number, flags: string[], stateDir: string, extra: string[] = []): Promise<Point> => {
    await writeFile(join(p.root, 'home', `night-${n}.bin`), randomBytes((4 - (n % 3)) * 512 * 1024));
    const now = new Date(Date.UTC(2026, 6, 1 + n, 2)).toISOString();
    const snap = await runCli('snapshot', 'run', '--now', now, '--json', ...hostFlags);
    assert.equal(snap.code, 0, snap.stderr);
    const run = await runCli('backup', 'run', '--now', now, '--subvol', '@home', '--json', ...hostFlags, ...flags,
      '--ignore-window', '--bandwidth', 'unlimited', '--state-dir', stateDir, ...extra);
    assert.equal(run.code, 0, run.stderr);
    const item = run.json().items[0];
    assert.ok(item.point, JSON.stringify(item));
    return { id: item.point, snapshot: item.snapshot };
  };

  before(async () => {
    p = await provisionSpecHost('yoga', {}, 1024);
    host = p.plan.host;
    const planFile = join(p.loops.dir, 'plan.json');
    await writeFile(planFile, renderJson(p.plan));
    identity = await writeAgeIdentity(p.loops.dir);
    repo = join(p.loops.dir, 'repo');
    state = join(p.loops.dir, 'state');
    repoFlags = ['--repo', repo, '--host', host, '--identity-file', identity.identityFile];
    hostFlags = ['--plan', planFile, '--root', p.root, '--lock', join(p.loops.dir, 'host.lock')];
    snapDir = locate(p.plan, p.root, '@home').dir;
    restores = join(p.root, 'nix', 'restores');
    const init = await runCli('backup', 'init', '--repo', repo, '--host', host, '--recipient', identity.recipient);
    assert.equal(init.code, 0, init.stderr);
    // A full point and two incrementals on it.
    for (const n of [0, 1, 2]) points.push(await night(n, repoFlags, state));
    // The three runs' segments, put back before each damage case so each starts from the same index.
    await cp(indexDir(), join(p.loops.dir, 'index-original'), { recursive: true });
  });
  after(async () => {
    await stack?.stop();
    await p?.dispose();
  });

  test('backup run records every completed point atomically in the state directory; check compares', async () => {
    const record = JSON.parse(await readFile(join(state, `points-${host}.json`), 'utf8'));
    assert.equal(record.format, 'panther-points');
    assert.deepEqual(record.points.map((x: { id: string }) => x.id), points.map((x) => x.id));
    assert.deepEqual(Object.keys(record.points[0]).sort(), ['id', 'repository', 'snapshot', 'subvolume', 'time']);
    assert.deepEqual((await readdir(state)).filter((n) => n.endsWith('.tmp')), [], 'no temporary file left');
    const c = await check();
    assert.equal(c.code, 0, JSON.stringify(c.problems));
    assert.deepEqual(c.problems, []);
    assert.deepEqual(c.record, { path: join(state, `points-${host}.json`), state: 'compared', points: 3 });
  });

  test("the chain's full point deleted: check fails, naming the vanished point and every incremental on it", async () => {
    const full = join(manifestsDir(), points[0]!.id);
    const aside = join(p.loops.dir, 'manifest-aside');
    await rename(full, aside);
    try {
      const c = await check();
      assert.equal(c.code, 1, JSON.stringify(c.problems));
      const broken = errors(c.problems).find((x) => x.code === 'parent-missing');
      assert.ok(broken, JSON.stringify(c.problems));
      assert.deepEqual(new Set(broken.manifests), new Set([points[1]!.id, points[2]!.id]));
      const vanished = errors(c.problems).filter((x) => x.code === 'point-vanished');
      assert.deepEqual(vanished.map((x) => x.object), [`${host}/manifests/${points[0]!.id}`]);
      const text = await runCli('backup', 'check', ...repoFlags, '--state-dir', state);
      assert.equal(text.code, 1);
      assert.match(text.stdout, /ERRORS FOUND: 2 points/);
    } finally {
      await rename(aside, full);
    }
    assert.equal((await check()).code, 0);
  });

  test('every manifest deleted: vanished points are errors; unreferenced packs a warning with the bytes prune reclaims', async () => {
    const aside = join(p.loops.dir, 'manifests-aside');
    await rename(manifestsDir(), aside);
    try {
      const c = await check();
      assert.equal(c.code, 1);
      assert.deepEqual(errors(c.problems).map((x) => x.code), ['point-vanished', 'point-vanished', 'point-vanished']);
      const packs = c.problems.find((x) => x.code === 'packs-unreferenced')!;
      assert.equal(packs.severity, 'warning');
      let total = 0;
      for (const name of await readdir(join(repo, host, 'packs'))) total += (await stat(join(repo, host, 'packs', name))).size;
      assert.equal(c.stats.unreferencedPackBytes, total);
      assert.match(packs.message, /backup prune would reclaim/);
      // Without the host's record nothing in the repository shows the loss: check says so.
      const elsewhere = await check(repoFlags, join(p.loops.dir, 'no-state'));
      assert.equal(elsewhere.record.state, 'absent');
      assert.ok(elsewhere.problems.some((x) => x.code === 'packs-unreferenced'));
      const text = await runCli('backup', 'check', ...repoFlags, '--state-dir', join(p.loops.dir, 'no-state'));
      assert.match(text.stdout, /does not exist \(backup run writes it\)/);
    } finally {
      await rename(aside, manifestsDir());
    }
  });

  for (const damage of ['a flipped byte in one segment', 'one segment deleted', 'every segment deleted'] as const) {
    test(`${damage}: check names repair-index, repair-index rebuilds, check clean, restore identical`, async () => {
      await rm(indexDir(), { recursive: true });
      await cp(join(p.loops.dir, 'index-original'), indexDir(), { recursive: true });
      const segments = (await readdir(indexDir())).filter((n) => /^[0-9a-f]{64}$/.test(n));
      assert.ok(segments.length >= 3, `one merged segment per run: ${segments.join(', ')}`);
      if (damage === 'a flipped byte in one segment') await flipByte(join(indexDir(), segments[1]!), 50);
      else if (damage === 'one segment deleted') await rm(join(indexDir(), segments[1]!));
      else for (const s of segments) await rm(join(indexDir(), s));
      const broken = await check();
      assert.equal(broken.code, 1);
      assert.ok(errors(broken.problems).some((x) => /panther backup repair-index/.test(x.hint ?? '')), JSON.stringify(broken.problems));
      const text = await runCli('backup', 'check', ...repoFlags, '--state-dir', state);
      assert.match(text.stdout, /hint: panther backup repair-index/);

      const dry = await runCli('backup', 'repair-index', '--dry-run', '--json', ...repoFlags);
      assert.equal(dry.code, 0, dry.stderr);
      assert.equal(dry.json().dryRun, true);
      assert.equal((await check()).code, 1, 'a dry run changes nothing');

      const repair = await runCli('backup', 'repair-index', '--json', ...repoFlags);
      assert.equal(repair.code, 0, repair.stderr);
      const report = repair.json();
      assert.equal(report.packs.indexed, report.packs.listed);
      const now = (await readdir(indexDir())).filter((n) => /^[0-9a-f]{64}$/.test(n));
      assert.deepEqual(now.sort(), report.segments.written.map((n: string) => n.split('/').at(-1)).sort(), 'only the new segments are left');
      const clean = await check();
      assert.equal(clean.code, 0, JSON.stringify(clean.problems));
      assert.deepEqual(clean.problems, []);
      await restoreIdentical(points[2]!);
    });
  }

  test('prune removes pruned points from the record: check does not report them as vanished', async () => {
    // A fourth night, sent full, so the three-point chain is no longer needed by what one daily keeps.
    points.push(await night(3, repoFlags, state, ['--max-chain', '1']));
    const planFile = join(p.loops.dir, 'plan-one-daily.json');
    await writeFile(planFile, renderJson(oneDailyPlan(p.plan)));
    const now = new Date(Date.UTC(2026, 6, 4, 3)).toISOString();
    const prune = await runCli('backup', 'prune', '--now', now, '--json', '--plan', planFile, '--root', p.root, '--lock', join(p.loops.dir, 'host.lock'),
      ...repoFlags, '--state-dir', state);
    assert.equal(prune.code, 0, prune.stderr);
    assert.deepEqual(new Set(prune.json().repository.deletedManifests), new Set(points.slice(0, 3).map((x) => x.id)));
    const record = JSON.parse(await readFile(join(state, `points-${host}.json`), 'utf8'));
    assert.deepEqual(record.points.map((x: { id: string }) => x.id), [points[3]!.id]);
    const c = await check();
    assert.equal(c.code, 0, JSON.stringify(c.problems));
    assert.deepEqual(c.record.points, 1);
  });

  test('on the S3 backend: one segment deleted → repair-index → check clean → restore identical', async () => {
    stack = await startS3Stack();
    const url = `s3://${TEST_BUCKET}/repair?endpoint=${encodeURIComponent(stack.proxy.endpoint)}&region=${TEST_REGION}`
      + `&credentials=${encodeURIComponent(stack.credentialsFile)}`;
    const s3Flags = ['--repo', url, '--host', host, '--identity-file', identity.identityFile];
    const s3State = join(p.loops.dir, 's3-state');
    const init = await runCli('backup', 'init', '--repo', url, '--host', host, '--recipient', identity.recipient);
    assert.equal(init.code, 0, init.stderr);
    const point = await night(4, s3Flags, s3State);
    const { backend } = stack.open();
    const segments: string[] = [];
    for await (const info of backend.list(`repair/${host}/index/`)) segments.push(info.name);
    assert.equal(segments.length, 1, `one merged segment: ${segments.join(', ')}`);
    await backend.delete(segments[0]!);
    const broken = await check(s3Flags, s3State);
    assert.equal(broken.code, 1);
    const repair = await runCli('backup', 'repair-index', '--json', ...s3Flags);
    assert.equal(repair.code, 0, repair.stderr);
    const clean = await check(s3Flags, s3State);
    assert.equal(clean.code, 0, JSON.stringify(clean.problems));
    assert.deepEqual(clean.problems, []);
    await restoreIdentical(point, s3Flags);
  });
});
