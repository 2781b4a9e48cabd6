// `backup run` plans from what it read, then decides each subvolume again under the host lock: a
// snapshot run between the two (they go on during a night's uploads) changes what is sent, and the
// result says so instead of silently differing from the plan (and from what a dry run printed).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BTRFS_TOOLS, PARTITION_TOOLS, skipReason } from '../support/requirements.ts';
import { provisionSpecHost, type Provisioned } from '../support/provisioned.ts';
import { writeAgeIdentity } from '../support/trees.ts';
import { createSnapshot, type EngineContext } from '../../src/snapshot/engine.ts';
import { nightlyBackup } from '../../src/backup/job.ts';
import { initRepo, openRepo, type RepoLocation } from '../../src/backup/open.ts';

const skip = skipReason({ tools: [...BTRFS_TOOLS, ...PARTITION_TOOLS, 'blockdev'] });
const NOW = '2026-03-02T03:00:00.000Z';

describe('backup run: plan, then apply under the host lock', { skip }, () => {
  let p: Provisioned;
  let engine: EngineContext;
  let loc: RepoLocation;

  before(async () => {
    p = await provisionSpecHost('yoga');
    engine = { plan: p.plan, root: p.root, creator: 'test', log: () => {} };
    const key = await writeAgeIdentity(p.loops.dir);
    loc = { url: join(p.loops.dir, 'repo'), host: p.plan.host, identityFile: key.identityFile };
    await initRepo({ ...loc, recipients: [key.recipient] });
    await mkdir(join(p.root, 'home', 'me'), { recursive: true });
    await writeFile(join(p.root, 'home', 'me', 'a.txt'), 'first\n');
  });
  after(async () => { await p?.dispose(); });

  test('a snapshot taken between the plan and the send: the newer one is sent, and the result names the change', async () => {
    const planned = await createSnapshot(engine, { subvolume: '@home', now: '2026-03-02T01:00:00.000Z', origin: 'manual', description: 'before the run' });
    let newer: string | undefined;
    let sections = 0;
    const { report } = await nightlyBackup({
      engine, repo: await openRepo(loc), now: NOW, dryRun: false, subvolumes: ['@home'],
      // The first short section waits for "a snapshot run" that takes a newer snapshot.
      exclusive: async (fn) => {
        if (sections++ === 0) newer = (await createSnapshot(engine, { subvolume: '@home', now: '2026-03-02T02:00:00.000Z', origin: 'manual', description: 'a snapshot run' })).name;
        return fn();
      },
    });
    const plannedItem = report.plan!.items[0]!;
    assert.equal(plannedItem.snapshot, planned.name, 'the plan saw only the first snapshot');
    assert.equal(plannedItem.choice.kind, 'full');
    const item = report.items[0]!;
    assert.equal(item.error, undefined, item.error);
    assert.equal(item.snapshot, newer, 'the run sends what is newest under the lock');
    assert.ok(item.point);
    assert.deepEqual(item.changed, { planned: `full of ${planned.name}`, now: `full of ${newer}` });
  });

  test('nothing changed in between: no change noted, the run does what was planned', async () => {
    await writeFile(join(p.root, 'home', 'me', 'b.txt'), 'second\n');
    const next = '2026-03-03T03:00:00.000Z';
    const snap = await createSnapshot(engine, { subvolume: '@home', now: '2026-03-03T01:00:00.000Z', origin: 'manual', description: 'next day' });
    const { report } = await nightlyBackup({ engine, repo: await openRepo(loc), now: next, dryRun: false, subvolumes: ['@home'] });
    const item = report.items[0]!;
    assert.equal(item.changed, undefined);
    assert.equal(item.snapshot, snap.name);
    assert.equal(item.choice.kind, 'incremental', item.choice.reason);
    assert.equal(report.plan!.items[0]!.choice.kind, 'incremental');
  });
});
