// One flipped byte in a pack, in an index segment, in a manifest, found through the CLI:
// `backup check --read-data 100 --json` exits 1 and names the damaged object and the backup points it
// affects; `restore` of an affected point fails and leaves nothing at the destination (no
// subvolume, no staging directory), while an unaffected point still restores.
//
// Which objects belong to which point is learnt independently of Panther's code: from the files
// each backup run added to the repository directory (docs/FORMAT.md §2 layout), with fresh random
// data per run so no chunk is shared between points.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BTRFS_TOOLS, PARTITION_TOOLS, skipReason } from '../support/requirements.ts';
import { provisionSpecHost, type Provisioned } from '../support/provisioned.ts';
import { runCli } from '../support/cli.ts';
import { flipByte } from '../support/flip-byte.ts';
import { writeAgeIdentity } from '../support/trees.ts';
import { renderJson } from '../../src/render/json.ts';
import { locate } from '../../src/snapshot/store.ts';
import { verifyTree } from '../../src/drill/verify/verify-tree.ts';

const skip = skipReason({ tools: [...BTRFS_TOOLS, ...PARTITION_TOOLS, 'blockdev'] });
const KINDS = ['packs', 'index', 'manifests'] as const;
type Kind = (typeof KINDS)[number];

interface Point { id: string; snapshot: string; added: Record<Kind, string[]> }
interface Problem { severity: string; code: string; object: string; message: string; manifests: string[] }

async function listKind(repoDir: string, host: string, kind: Kind): Promise<string[]> {
  return (await readdir(join(repoDir, host, kind)).catch(() => [])).filter((n) => /^[0-9a-f]{64}$/.test(n)).sort();
}

describe('corruption found by backup check and refused by restore', { skip, timeout: 10 * 60_000 }, () => {
  let p: Provisioned;
  let repo: string;
  let host: string;
  let snapDir: string;
  let restores: string;
  let repoFlags: string[];
  let hostFlags: string[];
  const points: Point[] = [];
  let restoreCount = 0;

  const check = async (): Promise<{ code: number; problems: Problem[]; ok: boolean }> => {
    const r = await runCli('backup', 'check', '--read-data', '100', '--json', ...repoFlags);
    const json = r.json();
    return { code: r.code, problems: json.problems, ok: json.ok };
  };
  /** Restores into a fresh directory; returns the exit code, stderr and what the directory holds afterwards. */
  const restore = async (ref: string): Promise<{ code: number; stderr: string; left: string[]; to: string }> => {
    const to = join(restores, `r${restoreCount++}`);
    await mkdir(to, { recursive: true });
    const r = await runCli('restore', ref, '--to', to, '--json', ...repoFlags);
    return { code: r.code, stderr: r.stderr, left: await readdir(to), to };
  };
  const affected = (problems: Problem[]): Set<string> => new Set(problems.filter((x) => x.severity === 'error').flatMap((x) => x.manifests));

  before(async () => {
    p = await provisionSpecHost('yoga', {}, 1024);
    host = p.plan.host;
    const planFile = join(p.loops.dir, 'plan.json');
    await writeFile(planFile, renderJson(p.plan));
    const key = await writeAgeIdentity(p.loops.dir);
    repo = join(p.loops.dir, 'repo');
    repoFlags = ['--repo', repo, '--host', host, '--identity-file', key.identityFile];
    hostFlags = ['--plan', planFile, '--root', p.root, '--lock', join(p.loops.dir, 'host.lock')];
    snapDir = locate(p.plan, p.root, '@home').dir;
    restores = join(p.root, 'nix', 'restores');
    const init = await runCli('backup', 'init', '--repo', repo, '--host', host, '--recipient', key.recipient);
    assert.equal(init.code, 0, init.stderr);
    // Three nights, each with fresh random data: a full point and two incrementals on it.
    for (const [night, mib] of [[0, 3], [1, 2], [2, 1]] as const) {
      await writeFile(join(p.root, 'home', `night-${night}.bin`), randomBytes(mib * 1024 * 1024));
      const now = new Date(Date.UTC(2026, 6, 1 + night, 2)).toISOString();
      const snap = await runCli('snapshot', 'run', '--now', now, '--json', ...hostFlags);
      assert.equal(snap.code, 0, snap.stderr);
      const before = Object.fromEntries(await Promise.all(KINDS.map(async (k) => [k, await listKind(repo, host, k)]))) as Record<Kind, string[]>;
      const run = await runCli('backup', 'run', '--now', now, '--subvol', '@home', '--json', ...hostFlags, ...repoFlags,
        '--ignore-window', '--bandwidth', 'unlimited', '--state-dir', join(p.loops.dir, 'state'));
      assert.equal(run.code, 0, run.stderr);
      const item = run.json().items[0];
      assert.equal(item.choice.kind, night === 0 ? 'full' : 'incremental');
      const added = Object.fromEntries(await Promise.all(KINDS.map(async (k) => [k, (await listKind(repo, host, k)).filter((n) => !before[k].includes(n))]))) as Record<Kind, string[]>;
      assert.deepEqual(added.manifests, [item.point], 'the run added exactly its manifest');
      assert.ok(added.packs.length >= 1 && added.index.length >= 1, `night ${night} added ${JSON.stringify(added)}`);
      points.push({ id: item.point, snapshot: item.snapshot, added });
    }
    const clean = await check();
    assert.equal(clean.code, 0, JSON.stringify(clean.problems));
  });
  after(async () => { await p?.dispose(); });

  /** The middle point is damaged; the full before it must stay restorable, the incremental after it cannot. */
  const [full, middle, last] = [0, 1, 2];

  async function assertRestoreRefused(ref: string, why: string, explained = true): Promise<string> {
    const r = await restore(ref);
    assert.notEqual(r.code, 0, `${why}: restore of ${ref.slice(0, 12)} must fail`);
    assert.deepEqual(r.left, [], `${why}: restore of ${ref.slice(0, 12)} left ${r.left.join(', ')} at the destination`);
    if (explained) assert.doesNotMatch(r.stderr, /internal error/, `${why}: a damaged repository is an expected condition, not an internal error:\n${r.stderr}`);
    return r.stderr;
  }

  async function assertUnaffectedRestores(): Promise<void> {
    const r = await restore(points[full]!.id);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.left, [points[full]!.snapshot]);
    assert.deepEqual((await verifyTree(join(snapDir, points[full]!.snapshot), join(r.to, points[full]!.snapshot))).sample, []);
  }

  test('a flipped byte in a pack: check names the pack and the point, restore refuses it', async () => {
    const pack = points[middle]!.added.packs[0]!;
    const path = join(repo, host, 'packs', pack);
    // Offset 100 is inside the first blob (a 36-byte envelope header, then a chunk of ≥ 512 KiB).
    const undo = await flipByte(path, 100);
    try {
      const c = await check();
      assert.equal(c.code, 1);
      const named = c.problems.filter((x) => x.object === `${host}/packs/${pack}`);
      assert.ok(named.length > 0, `the pack is named: ${JSON.stringify(c.problems)}`);
      assert.ok(named.some((x) => x.manifests.includes(points[middle]!.id)), `the middle point is named: ${JSON.stringify(named)}`);
      assert.ok(!affected(c.problems).has(points[full]!.id), 'the full point before it is not affected');
      // The cause is named, not what btrfs receive saw of it (its input ending: "empty stream").
      assert.match(await assertRestoreRefused(points[middle]!.id, 'damaged pack'), new RegExp(`packs/${pack}`));
      await assertRestoreRefused(points[last]!.snapshot, 'damaged pack in the chain');
      await assertUnaffectedRestores();
    } finally {
      await undo();
    }
    assert.equal((await check()).code, 0, 'flipped back: clean again');
  });

  test('a flipped byte in an index segment: check names the segment and the point, restore refuses it', async () => {
    const segment = points[middle]!.added.index[0]!;
    const path = join(repo, host, 'index', segment);
    const undo = await flipByte(path, Math.floor((await stat(path)).size / 2));
    try {
      const c = await check();
      assert.equal(c.code, 1);
      const named = c.problems.filter((x) => x.object === `${host}/index/${segment}`);
      assert.ok(named.length > 0, `the segment is named: ${JSON.stringify(c.problems)}`);
      assert.ok(affected(c.problems).has(points[middle]!.id), `the middle point is named: ${JSON.stringify(c.problems)}`);
      assert.ok(named.some((x) => x.manifests.includes(points[middle]!.id)), `the segment's problem names the middle point: ${JSON.stringify(named)}`);
      assert.ok(!affected(c.problems).has(points[full]!.id), 'the full point before it is not affected');
      await assertRestoreRefused(points[middle]!.id, 'damaged index segment');
      await assertRestoreRefused(points[last]!.id, 'damaged index segment in the chain');
      await assertUnaffectedRestores();
    } finally {
      await undo();
    }
    assert.equal((await check()).code, 0, 'flipped back: clean again');
  });

  test('a flipped byte in a manifest: check names the manifest and its point, restore refuses it', async () => {
    const id = points[middle]!.id;
    const path = join(repo, host, 'manifests', id);
    const undo = await flipByte(path, Math.floor((await stat(path)).size / 2));
    try {
      const c = await check();
      assert.equal(c.code, 1);
      const named = c.problems.filter((x) => x.object === `${host}/manifests/${id}`);
      assert.ok(named.length > 0, `the manifest is named: ${JSON.stringify(c.problems)}`);
      assert.ok(named.some((x) => x.manifests.includes(id)), `its point is named: ${JSON.stringify(named)}`);
      assert.ok(!affected(c.problems).has(points[full]!.id), 'the full point before it is not affected');
      await assertRestoreRefused(id, 'damaged manifest', false);
      await assertRestoreRefused(points[last]!.id, 'damaged manifest in the chain', false);
      await assertUnaffectedRestores();
    } finally {
      await undo();
    }
    assert.equal((await check()).code, 0, 'flipped back: clean again');
  });

  test('restore of a point with a damaged manifest (or one in its chain) says so, not "no such point" or an internal error', async () => {
    const id = points[middle]!.id;
    const undo = await flipByte(join(repo, host, 'manifests', id), 40);
    try {
      // The point exists but is damaged: "no backup point matches" (a usage error, exit 2) would
      // send the user looking for a typo.
      const direct = await restore(id);
      assert.notEqual(direct.code, 0);
      assert.deepEqual(direct.left, []);
      assert.notEqual(direct.code, 2, `not a usage error: ${direct.stderr}`);
      assert.match(direct.stderr, /damaged/, direct.stderr);
      const chained = await assertRestoreRefused(points[last]!.id, 'damaged manifest in the chain');
      assert.match(chained, /damaged|missing/, chained);
    } finally {
      await undo();
    }
  });

  test('check names the points whose restore chain runs through the damage', async () => {
    // A point is only restorable with its whole chain (backup/restore.ts receives the full stream
    // and every incremental up to it), so damage to the middle point also costs the last one.
    const pack = points[middle]!.added.packs[0]!;
    const undo = await flipByte(join(repo, host, 'packs', pack), 100);
    try {
      const c = await check();
      assert.equal(c.code, 1);
      assert.ok(affected(c.problems).has(points[last]!.id), `the last point (an incremental on the damaged one) is named as affected: ${JSON.stringify(c.problems)}`);
    } finally {
      await undo();
    }
  });
});
