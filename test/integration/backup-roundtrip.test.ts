// Bit-exact round trips on real btrfs: a subvolume holding every kind of thing a send stream carries
// (contents, modes with special bits, foreign owners, xattrs, symlinks, hard links, sparse files,
// empty files and directories, a FIFO) is backed up in full, then changed ten times, each change
// snapshotted and backed up incrementally; every point is restored into a fresh directory and
// compared with its snapshot, property by property.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BTRFS_TOOLS, PARTITION_TOOLS, skipReason } from '../support/requirements.ts';
import { provisionSpecHost, type Provisioned } from '../support/provisioned.ts';
import { BLOCK, buildRichTree, CHANGES, compareExtended, extendedProperties, linkGroups, TREE_TOOLS, writeAgeIdentity } from '../support/trees.ts';
import { verifyTree } from '../../src/drill/verify/verify-tree.ts';
import { createSnapshot, type EngineContext } from '../../src/snapshot/engine.ts';
import { locate } from '../../src/snapshot/store.ts';
import { backupRun } from '../../src/backup/run.ts';
import { initRepo, openRepo, type RepoLocation } from '../../src/backup/open.ts';
import { restorePoint } from '../../src/backup/restore.ts';
import { deleteSubvolume } from '../../src/btrfs/index.ts';

const skip = skipReason({ tools: [...BTRFS_TOOLS, ...PARTITION_TOOLS, 'blockdev', ...TREE_TOOLS] });
const DAY = 86_400_000;
const START = Date.UTC(2026, 2, 1, 2);
const MiB = 1024 * 1024;

describe('backup round trip: full + ten incrementals of a rich tree', { skip, timeout: 20 * 60_000 }, () => {
  let p: Provisioned;
  let engine: EngineContext;
  let loc: RepoLocation;
  let home: string;
  let snapDir: string;
  const points: Array<{ id: string; snapshot: string }> = [];
  /** Per restored point: allocation differences against its snapshot (asserted by the sparse test). */
  const allocation = new Map<number, string[]>();

  before(async () => {
    p = await provisionSpecHost('yoga', {}, 2048);
    engine = { plan: p.plan, root: p.root, creator: 'test', log: () => {} };
    home = join(p.root, 'home');
    snapDir = locate(p.plan, p.root, '@home').dir;
    const key = await writeAgeIdentity(p.loops.dir);
    loc = { url: join(p.loops.dir, 'repo'), host: p.plan.host, identityFile: key.identityFile };
    await initRepo({ ...loc, recipients: [key.recipient] });
  });
  after(async () => { await p?.dispose(); });

  test('the first backup is full, each of the ten changes then goes incrementally against the previous one', async (t) => {
    const repo = await openRepo(loc);
    await buildRichTree(home);
    const started = Date.now();
    for (let step = 0; step <= CHANGES.length; step++) {
      if (step > 0) await CHANGES[step - 1]!.apply(home);
      const now = new Date(START + step * DAY).toISOString();
      const snap = await createSnapshot(engine, { subvolume: '@home', now, origin: 'manual', description: step === 0 ? 'initial' : CHANGES[step - 1]!.name });
      const report = await backupRun({ engine, repo, now, dryRun: false, subvolumes: ['@home'] });
      assert.equal(report.items.length, 1);
      const item = report.items[0]!;
      assert.equal(item.error, undefined, `step ${step}: ${item.error}`);
      assert.equal(item.snapshot, snap.name, `step ${step}: backs up the snapshot just taken`);
      if (step === 0) {
        assert.equal(item.choice.kind, 'full', `step 0: ${item.choice.reason}`);
      } else {
        assert.equal(item.choice.kind, 'incremental', `step ${step} (${CHANGES[step - 1]!.name}): ${item.choice.reason}`);
        if (item.choice.kind === 'incremental') {
          assert.equal(item.choice.parentSnapshot, points[step - 1]!.snapshot);
          assert.equal(item.choice.parentPoint, points[step - 1]!.id);
          assert.equal(item.choice.chainLength, step + 1);
        }
      }
      assert.ok(item.point, `step ${step}: a point was written`);
      points.push({ id: item.point!, snapshot: snap.name });
    }
    t.diagnostic(`11 backups in ${Date.now() - started} ms`);

    // The fixture really holds what it claims, so a passing comparison means something.
    const first = await extendedProperties(join(snapDir, points[0]!.snapshot));
    assert.equal(first.get('xattrs/tagged')!.xattrs['user.comment'], Buffer.from('hello world').toString('hex'));
    assert.ok('user.empty' in first.get('xattrs/tagged')!.xattrs, 'empty xattr value present');
    assert.ok(linkGroups(first).includes('links/hard/a, links/hard/c, links/hard/sub/b'), linkGroups(first).join(' | '));
    assert.ok(first.get('sparse/holey')!.blocks * BLOCK < MiB, 'the source is sparse');
    assert.equal((await lstat(join(snapDir, points[0]!.snapshot, 'modes', 'setuid'))).mode & 0o7777, 0o4755);
    assert.equal((await lstat(join(snapDir, points[0]!.snapshot, 'owners', 'u4242-g31337'))).uid, 4242);
    const eighth = await extendedProperties(join(snapDir, points[8]!.snapshot));
    assert.ok(eighth.get('files/random-3m.bin')!.blocks * BLOCK <= 2 * MiB + 64 * 1024, 'the punched hole is a hole in the source');
  });

  test('every point restores identically: contents, modes, owners, xattrs, symlinks, hard links, mtimes', async (t) => {
    assert.equal(points.length, 11, 'needs the backups of the previous test');
    // Restore with a fresh handle, as another machine would.
    const reader = await openRepo(loc);
    const check = await reader.check({ readData: 100 });
    assert.ok(check.ok, JSON.stringify(check.problems));
    assert.equal(check.stats.manifests, 11);
    const restores = join(p.root, 'nix', 'restores');
    for (const [i, point] of points.entries()) {
      const to = join(restores, `point-${i}`);
      await mkdir(to, { recursive: true });
      const t0 = Date.now();
      const restored = await restorePoint(reader, point.id, to, () => {});
      assert.equal(restored.snapshot, point.snapshot);
      assert.deepEqual(restored.chain, points.slice(0, i + 1).map((x) => x.id), 'restores the whole chain, full first');
      // The staged copies of the chain go after the move (several at once): none may be left behind.
      assert.deepEqual(await readdir(to), [point.snapshot], `point ${i}: only the restored subvolume is left in the destination`);
      const source = join(snapDir, point.snapshot);
      assert.deepEqual((await verifyTree(source, restored.path)).sample, [], `point ${i}: verifyTree`);
      const [a, b] = [await extendedProperties(source), await extendedProperties(restored.path)];
      assert.deepEqual(compareExtended(a, b, { allocation: false }), [], `point ${i}: extended properties`);
      allocation.set(i, [
        ...compareExtended(a, b).filter((d) => / allocated /.test(d)),
        ...[...b].filter(([rel, x]) => rel.startsWith('sparse/') && x.blocks * BLOCK >= 2 * MiB).map(([rel, x]) => `${rel}: ${x.blocks * BLOCK} bytes allocated after restore`),
      ]);
      t.diagnostic(`point ${i} (${point.snapshot}, chain ${restored.chain.length}): identical, restored and compared in ${Date.now() - t0} ms`);
      await deleteSubvolume(restored.path);
    }
  });

  test('sparse files stay sparse after restore, holes punched between two backups included', () => {
    assert.equal(allocation.size, 11, 'needs the restores of the previous test');
    const problems = [...allocation].flatMap(([i, list]) => list.map((d) => `point ${i} (${CHANGES[i - 1]?.name ?? 'initial'}): ${d}`));
    assert.deepEqual(problems, [], problems.join('\n'));
  });
});
