// A simulated year of nights on real btrfs, through the CLI as the timers would run it:
// `snapshot run`, `backup run`, `backup prune`, each with --now advancing one day, a few files
// changed every day. At the end every remaining backup point is restored and compared with its
// snapshot when that is still on disk, else with the file contents recorded on its day.
//
// Expectations are computed here, independently of Panther's retention code, from the rules of
// docs/RETENTION.md applied to the points' days (newest of each of the 7 most recent days, 4 ISO
// weeks, 12 months; UTC): the points left must be exactly those plus the chain parents they need.
//
// PANTHER_YEAR_DAYS overrides the number of simulated days (default 365).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { BTRFS_TOOLS, PARTITION_TOOLS, skipReason } from '../support/requirements.ts';
import { provisionSpecHost, type Provisioned } from '../support/provisioned.ts';
import { runCli } from '../support/cli.ts';
import { fileDigests, writeAgeIdentity } from '../support/trees.ts';
import { renderJson } from '../../src/render/json.ts';
import { locate } from '../../src/snapshot/store.ts';
import { openRepo, type RepoLocation } from '../../src/backup/open.ts';
import { verifyTree } from '../../src/drill/verify/verify-tree.ts';
import { deleteSubvolume, receiveStream } from '../../src/btrfs/index.ts';

const skip = skipReason({ tools: [...BTRFS_TOOLS, ...PARTITION_TOOLS, 'blockdev'] });
const DAYS = Number(process.env['PANTHER_YEAR_DAYS'] ?? 365);
const START = Date.UTC(2026, 0, 1, 2);
const DAY = 86_400_000;
const MAX_CHAIN = 14;
const TIERS = { daily: 7, weekly: 4, monthly: 12 };

interface Point { id: string; snapshot: string; time: string; parent: string | null }

/** ISO week key (UTC) of an instant: "2026-W05". */
function isoWeek(ms: number): string {
  const d = new Date(ms);
  const day = (d.getUTCDay() + 6) % 7; // Monday 0
  const thursday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day + 3);
  const year = new Date(thursday).getUTCFullYear();
  // The week's Thursday decides the year; its day of the year, the week.
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The newest item of each of the `n` most recent periods (by key) among `times`. */
function newestPerPeriod(times: number[], key: (ms: number) => string, n: number): number[] {
  const newest = new Map<string, number>();
  for (const t of times) { const k = key(t); if ((newest.get(k) ?? -Infinity) < t) newest.set(k, t); }
  return [...newest.values()].sort((a, b) => b - a).slice(0, n);
}

describe(`a simulated year (${DAYS} days) of snapshot run + backup run + backup prune`, { skip, timeout: 60 * 60_000 }, () => {
  let p: Provisioned;
  let loc: RepoLocation;
  let hostFlags: string[];
  let repoFlags: string[];
  let runFlags: string[];
  let home: string;
  let snapDir: string;
  /** Snapshot name → file digests of @home when it was taken. */
  const expected = new Map<string, Map<string, string>>();
  const kinds: string[] = [];
  /** Nights whose backup point holds an empty stream (a btrfs send stream never is). */
  const empty: string[] = [];
  let points: Point[] = [];

  before(async () => {
    p = await provisionSpecHost('yoga', {}, 2048);
    // The yoga plan with only @home snapshotted and backed up: @'s nightly snapshots would double
    // the btrfs work of every simulated night and test nothing more.
    const plan = structuredClone(p.plan);
    for (const s of plan.pools.flatMap((pool) => pool.subvolumes)) if (s.name === '@') { s.snapshots = null; s.backup = 'never'; }
    const planFile = join(p.loops.dir, 'plan.json');
    await writeFile(planFile, renderJson(plan));
    const key = await writeAgeIdentity(p.loops.dir);
    loc = { url: join(p.loops.dir, 'repo'), host: p.plan.host, identityFile: key.identityFile };
    hostFlags = ['--plan', planFile, '--root', p.root, '--lock', join(p.loops.dir, 'host.lock')];
    repoFlags = ['--repo', loc.url, '--identity-file', key.identityFile];
    runFlags = ['--subvol', '@home', '--ignore-window', '--bandwidth', 'unlimited', '--state-dir', join(p.loops.dir, 'state')];
    home = join(p.root, 'home');
    snapDir = locate(p.plan, p.root, '@home').dir;
    const init = await runCli('backup', 'init', '--repo', loc.url, '--host', loc.host, '--recipient', key.recipient);
    assert.equal(init.code, 0, init.stderr);
  });
  after(async () => { await p?.dispose(); });

  /** A few changes a day: a daily note, one of ten files rewritten, weekly deletions, monthly binaries. */
  async function changeFiles(day: number): Promise<void> {
    await mkdir(join(home, 'notes'), { recursive: true });
    await writeFile(join(home, 'day.txt'), `day ${day}\n`);
    await writeFile(join(home, 'notes', `f${day % 10}.txt`), `file ${day % 10} rewritten on day ${day}\n`.repeat(1 + (day % 7)));
    await writeFile(join(home, 'notes', `log-${Math.floor(day / 30)}.txt`), `${day}\n`, { flag: 'a' });
    if (day % 7 === 6) await rm(join(home, 'notes', `f${(day + 3) % 10}.txt`), { force: true });
    if (day % 30 === 0) await writeFile(join(home, `blob-${(day / 30) % 3}.bin`), randomBytes(64 * 1024));
  }

  test('every night: a snapshot, a backup point (full at most every 14 nights), a prune', async (t) => {
    const started = Date.now();
    const phases = { change: 0, snapshot: 0, backup: 0, prune: 0 };
    let lap = Date.now();
    const mark = (phase: keyof typeof phases): void => { const now = Date.now(); phases[phase] += now - lap; lap = now; };
    for (let day = 0; day < DAYS; day++) {
      const now = new Date(START + day * DAY).toISOString();
      lap = Date.now();
      await changeFiles(day);
      const digests = await fileDigests(home);
      mark('change');
      const snap = await runCli('snapshot', 'run', '--now', now, '--json', ...hostFlags);
      assert.equal(snap.code, 0, `day ${day}: ${snap.stderr}`);
      const created = snap.json().created.find((c: { subvolume: string }) => c.subvolume === '@home');
      assert.ok(created?.name, `day ${day}: @home snapshot taken`);
      expected.set(created.name, digests);
      mark('snapshot');
      const run = await runCli('backup', 'run', '--now', now, '--json', ...hostFlags, ...repoFlags, ...runFlags);
      assert.equal(run.code, 0, `day ${day}: ${run.stderr}`);
      const item = run.json().items[0];
      assert.equal(item.snapshot, created.name, `day ${day}: backs up tonight's snapshot (${item.choice.kind}: ${item.choice.reason})`);
      assert.ok(item.choice.kind === 'full' || item.choice.kind === 'incremental', `day ${day}: ${item.choice.kind} ${item.choice.reason}`);
      kinds.push(item.choice.kind);
      if (!(item.progress?.bytesRead > 0)) empty.push(`day ${day} (${item.choice.kind} ${item.snapshot}): ${item.progress?.bytesRead} bytes read`);
      mark('backup');
      const prune = await runCli('backup', 'prune', '--now', now, '--json', ...hostFlags, ...repoFlags);
      assert.equal(prune.code, 0, `day ${day}: ${prune.stderr}`);
      mark('prune');
    }
    const list = await runCli('backup', 'list', '--json', '--host', loc.host, ...repoFlags);
    assert.equal(list.code, 0, list.stderr);
    points = list.json().points.map((x: any) => ({ id: x.id, snapshot: x.snapshot.name, time: x.snapshot.time, parent: x.parent }));
    const fulls = kinds.filter((k) => k === 'full').length;
    t.diagnostic(`${DAYS} nights in ${((Date.now() - started) / 1000).toFixed(0)} s (${JSON.stringify(Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, `${(v / 1000).toFixed(0)} s`])))}); ${fulls} full and ${kinds.length - fulls} incremental sends; ${points.length} points remain`);
    assert.equal(kinds[0], 'full');
    // Incremental every night until the chain would exceed 14 streams, then full: ceil(DAYS / 14) fulls.
    assert.equal(fulls, Math.ceil(DAYS / MAX_CHAIN), `full sends: ${kinds.map((k) => k[0]).join('')}`);
  });

  test('every backup point holds a send stream (never an empty one)', () => {
    assert.equal(kinds.length, DAYS, 'needs the year');
    // An empty point restores nothing and breaks every later point of its chain (btrfs receive:
    // "empty stream is not considered valid").
    assert.deepEqual(empty, []);
  });

  test('the points left are exactly the retained ones plus the chain parents they need; chains ≤ 14', () => {
    assert.ok(points.length > 0, 'needs the year');
    const byId = new Map(points.map((x) => [x.id, x]));
    const chain = (id: string): Point[] => {
      const out: Point[] = [];
      for (let cur: string | null = id; cur !== null; cur = byId.get(cur)?.parent ?? null) {
        const pt = byId.get(cur);
        assert.ok(pt, `point ${cur} in the chain of ${id} is missing`);
        out.unshift(pt);
        assert.ok(out.length <= points.length, 'cycle');
      }
      return out;
    };
    for (const x of points) assert.ok(chain(x.id).length <= MAX_CHAIN, `${x.snapshot}: chain of ${chain(x.id).length}`);

    const days = [...expected.keys()].map((name) => ({ name, ms: Date.parse(name.replace(/^@home\.(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z')) }));
    const times = days.map((d) => d.ms);
    const retained = new Set([
      ...newestPerPeriod(times, (ms) => new Date(ms).toISOString().slice(0, 10), TIERS.daily),
      ...newestPerPeriod(times, isoWeek, TIERS.weekly),
      ...newestPerPeriod(times, (ms) => new Date(ms).toISOString().slice(0, 7), TIERS.monthly),
    ].map((ms) => days.find((d) => d.ms === ms)!.name));
    const bySnapshot = new Map(points.map((x) => [x.snapshot, x]));
    for (const name of retained) assert.ok(bySnapshot.has(name), `retention keeps ${name}, but it is not a point`);
    const needed = new Set([...retained].flatMap((name) => chain(bySnapshot.get(name)!.id).map((x) => x.snapshot)));
    assert.deepEqual(points.map((x) => x.snapshot).filter((n) => !needed.has(n)), [], 'points neither retained nor a needed parent');
    assert.equal(points.length, needed.size);
    // Bounded: every point is retained or in the chain of a retained one.
    assert.ok(points.length <= (TIERS.daily + TIERS.weekly + TIERS.monthly) * MAX_CHAIN);
  });

  test('every remaining point restores identically to its snapshot (or to its day\'s recorded contents)', async (t) => {
    assert.ok(points.length > 0, 'needs the year');
    const repo = await openRepo(loc);
    const check = await repo.check({ readData: 100 });
    assert.ok(check.ok, JSON.stringify(check.problems));
    assert.equal(check.stats.manifests, points.length);
    const onDisk = new Set(await readdir(snapDir));
    const started = Date.now();
    let againstSnapshot = 0;
    let againstRecord = 0;
    // Each chain is received once, full stream first, every point compared as it arrives: the same
    // verified streams restore reads (repo.restoreStream), without receiving a chain per point.
    const staging = join(p.root, 'nix', 'year-restores');
    await mkdir(staging, { recursive: true });
    const children = new Map<string | null, Point[]>();
    for (const x of points) children.set(x.parent, [...(children.get(x.parent) ?? []), x]);
    const received: string[] = [];
    const failed: string[] = [];
    const walk = async (x: Point): Promise<void> => {
      try {
        await receiveStream(staging, Readable.from(repo.restoreStream(x.id)));
      } catch (error) {
        // Its descendants need it as their parent: none of them can be received either.
        failed.push(`${x.snapshot} (and the ${descendants(x)} point(s) after it in its chain): ${(error as Error).message.split('\n').slice(0, 3).join(' ')}`);
        return;
      }
      received.push(x.snapshot);
      const path = join(staging, x.snapshot);
      if (onDisk.has(x.snapshot)) {
        assert.deepEqual((await verifyTree(join(snapDir, x.snapshot), path)).sample, [], `${x.snapshot}: differs from its snapshot`);
        againstSnapshot++;
      } else {
        assert.deepEqual(Object.fromEntries(await fileDigests(path)), Object.fromEntries(expected.get(x.snapshot)!), `${x.snapshot}: differs from the contents recorded on its day`);
        againstRecord++;
      }
      for (const child of children.get(x.id) ?? []) await walk(child);
      await deleteSubvolume(path);
    };
    const descendants = (x: Point): number => (children.get(x.id) ?? []).reduce((n, c) => n + 1 + descendants(c), 0);
    for (const full of children.get(null) ?? []) await walk(full);
    assert.deepEqual(failed, [], `${failed.length} chain(s) broken; ${received.length} of ${points.length} points restored`);
    assert.equal(received.length, points.length, 'every point received');
    t.diagnostic(`${points.length} points restored in ${((Date.now() - started) / 1000).toFixed(0)} s: ${againstSnapshot} compared with their snapshot, ${againstRecord} with the recorded contents`);

    // And through restore itself, the way a user would: the newest point and the point with the longest chain.
    const byId = new Map(points.map((x) => [x.id, x]));
    const depth = (x: Point): number => (x.parent === null ? 1 : 1 + depth(byId.get(x.parent)!));
    const newest = [...points].sort((a, b) => b.time.localeCompare(a.time))[0]!;
    const deepest = [...points].sort((a, b) => depth(b) - depth(a))[0]!;
    for (const x of new Set([newest, deepest])) {
      const to = join(p.root, 'nix', 'year-restore', x.snapshot);
      await mkdir(to, { recursive: true });
      const r = await runCli('restore', x.id, '--to', to, '--json', '--host', loc.host, ...repoFlags);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.json().chain.length, depth(x));
      const path = join(to, x.snapshot);
      if (onDisk.has(x.snapshot)) assert.deepEqual((await verifyTree(join(snapDir, x.snapshot), path)).sample, []);
      else assert.deepEqual(Object.fromEntries(await fileDigests(path)), Object.fromEntries(expected.get(x.snapshot)!));
      await deleteSubvolume(path);
    }
  });
});
