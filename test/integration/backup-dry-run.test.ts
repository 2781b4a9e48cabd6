// `backup run --dry-run` through the CLI on a provisioned layout: it reports for every backed-up
// subvolume whether it would send in full or incrementally (and against what), and changes nothing:
// the repository stays byte-identical, no snapshot is taken, no hold moves.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BTRFS_TOOLS, PARTITION_TOOLS, skipReason } from '../support/requirements.ts';
import { provisionSpecHost, type Provisioned } from '../support/provisioned.ts';
import { runCli } from '../support/cli.ts';
import { seededBytes, treeDigest, writeAgeIdentity } from '../support/trees.ts';
import { renderJson } from '../../src/render/json.ts';
import { locate } from '../../src/snapshot/store.ts';

const skip = skipReason({ tools: [...BTRFS_TOOLS, ...PARTITION_TOOLS, 'blockdev'] });
const D0 = '2026-05-04T02:00:00.000Z';
const D1 = '2026-05-05T02:00:00.000Z';
const D2 = '2026-05-06T02:00:00.000Z';
const D3 = '2026-05-07T02:00:00.000Z';

/**
 * Every file of the repository with its size and hash. Directories are left out: taking and
 * releasing the repository lock may leave an empty `<host>/locks/` behind, which stores nothing.
 */
async function repoFiles(repo: string): Promise<Map<string, string>> {
  return new Map([...(await treeDigest(repo))].filter(([, v]) => v !== 'dir'));
}

/** Snapshot directories' names and sidecar contents: what a run that "changes nothing" must leave alone. */
async function catalog(snapshotsRoot: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const sub of (await readdir(snapshotsRoot)).sort()) {
    for (const name of (await readdir(join(snapshotsRoot, sub)).catch(() => [])).sort()) {
      out[`${sub}/${name}`] = name.endsWith('.json') ? await readFile(join(snapshotsRoot, sub, name), 'utf8') : 'entry';
    }
  }
  return out;
}

describe('backup run --dry-run', { skip }, () => {
  let p: Provisioned;
  let cli: (...args: string[]) => ReturnType<typeof runCli>;
  let repo: string;
  let snapshotsRoot: string;

  before(async () => {
    p = await provisionSpecHost('yoga');
    const planFile = join(p.loops.dir, 'plan.json');
    await writeFile(planFile, renderJson(p.plan));
    const key = await writeAgeIdentity(p.loops.dir);
    repo = join(p.loops.dir, 'repo');
    const host = ['--plan', planFile, '--root', p.root, '--lock', join(p.loops.dir, 'host.lock')];
    const repoFlags = ['--repo', repo, '--identity-file', key.identityFile];
    // A manual run: no nightly window, no bandwidth cap, progress state kept beside the test.
    const runFlags = ['--ignore-window', '--bandwidth', 'unlimited', '--state-dir', join(p.loops.dir, 'state')];
    // snapshot commands take the host flags, backup commands the repository's too.
    cli = (...args) => runCli(...args, ...host, ...(args[0] === 'backup' ? repoFlags : []), ...(args[0] === 'backup' && args[1] === 'run' ? runFlags : []));
    snapshotsRoot = dirname(locate(p.plan, p.root, '@home').dir);
    const init = await runCli('backup', 'init', '--repo', repo, '--host', p.plan.host, '--recipient', key.recipient, '--json');
    assert.equal(init.code, 0, init.stderr);
    await mkdir(join(p.root, 'home', 'me'), { recursive: true });
    await writeFile(join(p.root, 'home', 'me', 'data.bin'), seededBytes('dry-run', 3 * 1024 * 1024));
    await writeFile(join(p.root, 'var', 'backups', 'dump.sql'), 'select 1;\n');
  });
  after(async () => { await p?.dispose(); });

  test('first night: reports a full send for every backed-up subvolume, stores and snapshots nothing', async () => {
    const snap = await cli('snapshot', 'run', '--now', D0, '--json');
    assert.equal(snap.code, 0, snap.stderr);
    const homeSnapshot = snap.json().created.find((c: { subvolume: string }) => c.subvolume === '@home').name as string;
    const repoBefore = await repoFiles(repo);
    const catalogBefore = await catalog(snapshotsRoot);

    const dry = await cli('backup', 'run', '--dry-run', '--now', D0, '--json');
    assert.equal(dry.code, 0, dry.stderr);
    const report = dry.json();
    assert.equal(report.dryRun, true);
    const bySubvolume = Object.fromEntries(report.items.map((i: { subvolume: string }) => [i.subvolume, i]));
    // What the yoga plan backs up: @ (weekly) and @home (daily) from their timeline snapshots,
    // @containers (weekly) and @backups (daily) without snapshot tiers (a snapshot would be taken).
    assert.deepEqual(Object.keys(bySubvolume).sort(), ['@', '@backups', '@containers', '@home']);
    assert.equal(bySubvolume['@home'].choice.kind, 'full');
    assert.equal(bySubvolume['@home'].snapshot, homeSnapshot);
    assert.equal(bySubvolume['@'].choice.kind, 'full');
    for (const s of ['@backups', '@containers']) {
      assert.equal(bySubvolume[s].choice.kind, 'full', s);
      assert.equal(bySubvolume[s].snapshot, null, `${s}: no snapshot taken in a dry run`);
    }
    for (const item of report.items) {
      assert.equal(item.point, undefined, `${item.subvolume}: no point in a dry run`);
      assert.equal(item.error, undefined, `${item.subvolume}: ${item.error}`);
    }
    assert.deepEqual(await repoFiles(repo), repoBefore, 'the repository is byte-identical');
    assert.deepEqual(await catalog(snapshotsRoot), catalogBefore, 'no snapshot taken, no hold moved');

    const text = await cli('backup', 'run', '--dry-run', '--now', D0, '--subvol', '@home');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`@home: full ${homeSnapshot.replace('.', '\\.')} \\(first backup of this subvolume\\)`));
    assert.deepEqual(await repoFiles(repo), repoBefore);
  });

  test('next night: reports an incremental send against the previous snapshot, stores nothing', async () => {
    const real = await cli('backup', 'run', '--now', D0, '--subvol', '@home', '--json');
    assert.equal(real.code, 0, real.stderr);
    const first = real.json().items[0];
    assert.equal(first.choice.kind, 'full');
    assert.ok(first.point);

    await writeFile(join(p.root, 'home', 'me', 'new.txt'), 'changed on the second day\n');
    const snap = await cli('snapshot', 'run', '--now', D1, '--json');
    assert.equal(snap.code, 0, snap.stderr);
    const repoBefore = await repoFiles(repo);
    const catalogBefore = await catalog(snapshotsRoot);

    const dry = await cli('backup', 'run', '--dry-run', '--now', D1, '--subvol', '@home', '--json');
    assert.equal(dry.code, 0, dry.stderr);
    const item = dry.json().items[0];
    assert.equal(item.choice.kind, 'incremental', item.choice.reason);
    assert.equal(item.choice.parentSnapshot, first.snapshot);
    assert.equal(item.choice.parentPoint, first.point);
    assert.equal(item.choice.chainLength, 2);
    assert.equal(item.point, undefined);
    const text = await cli('backup', 'run', '--dry-run', '--now', D1, '--subvol', '@home');
    assert.match(text.stdout, /@home: incremental @home\.\S+ \(incremental against @home\.\S+\)/);

    // prune's dry run changes nothing either.
    const prune = await cli('backup', 'prune', '--dry-run', '--now', D1, '--json');
    assert.equal(prune.code, 0, prune.stderr);
    assert.deepEqual(await repoFiles(repo), repoBefore, 'the repository is byte-identical');
    assert.deepEqual(await catalog(snapshotsRoot), catalogBefore, 'no hold moved, nothing created');

    // The real run then does what the dry run said.
    const next = await cli('backup', 'run', '--now', D1, '--subvol', '@home', '--json');
    assert.equal(next.code, 0, next.stderr);
    assert.equal(next.json().items[0].choice.kind, 'incremental');
    assert.equal(next.json().items[0].choice.parentPoint, first.point);
  });

  // The dry run used to say "full" for a subvolume without snapshot tiers (it takes its own snapshot)
  // whatever its chain, while the real run sent an incremental against the held snapshot of the last
  // point: the plan now decides both, so they agree on every subvolume.
  test('a dry run and the real run that follows agree, on a chain that exists', async () => {
    const seed = await cli('backup', 'run', '--now', D2, '--json');
    assert.equal(seed.code, 0, seed.stderr);
    const seeded = Object.fromEntries(seed.json().items.map((i: { subvolume: string }) => [i.subvolume, i]));
    assert.equal(seeded['@backups'].choice.kind, 'full');
    assert.ok(seeded['@backups'].point);

    await writeFile(join(p.root, 'var', 'backups', 'dump.sql'), 'select 2;\n');
    await writeFile(join(p.root, 'home', 'me', 'third.txt'), 'the third day\n');
    const snap = await cli('snapshot', 'run', '--now', D3, '--json');
    assert.equal(snap.code, 0, snap.stderr);
    const repoBefore = await repoFiles(repo);
    const catalogBefore = await catalog(snapshotsRoot);
    const dry = await cli('backup', 'run', '--dry-run', '--now', D3, '--json');
    assert.equal(dry.code, 0, dry.stderr);
    assert.deepEqual(await repoFiles(repo), repoBefore, 'the repository is byte-identical');
    assert.deepEqual(await catalog(snapshotsRoot), catalogBefore, 'no snapshot taken, no hold moved');
    const planned = Object.fromEntries(dry.json().items.map((i: { subvolume: string }) => [i.subvolume, i]));
    assert.equal(planned['@backups'].choice.kind, 'incremental', planned['@backups'].choice.reason);
    assert.equal(planned['@backups'].choice.parentPoint, seeded['@backups'].point);

    const real = await cli('backup', 'run', '--now', D3, '--json');
    assert.equal(real.code, 0, real.stderr);
    const done = Object.fromEntries(real.json().items.map((i: { subvolume: string }) => [i.subvolume, i]));
    assert.deepEqual(Object.keys(done).sort(), Object.keys(planned).sort());
    for (const [name, item] of Object.entries(done) as Array<[string, { choice: { kind: string; parentPoint?: string; parentSnapshot?: string }; snapshot: string | null; changed?: unknown }]>) {
      const plan = planned[name] as typeof item;
      assert.equal(item.choice.kind, plan.choice.kind, `${name}: the dry run said ${plan.choice.kind}, the run did ${item.choice.kind}`);
      assert.equal(item.choice.parentPoint, plan.choice.parentPoint, name);
      assert.equal(item.choice.parentSnapshot, plan.choice.parentSnapshot, name);
      if (plan.snapshot !== null) assert.equal(item.snapshot, plan.snapshot, name);
      assert.equal(item.changed, undefined, `${name}: nothing changed between the plan and the run`);
    }
  });
});
