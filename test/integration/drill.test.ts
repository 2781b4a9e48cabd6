// Restore drills end to end through the CLI on a provisioned loop btrfs (yoga's layout) and a local
// repository: restore, integrity and disaster levels pass on a healthy repository and record what
// they measured; the scratch filesystem is gone afterwards (no mount, no loop device, no image).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BTRFS_TOOLS, PARTITION_TOOLS, skipReason } from '../support/requirements.ts';
import { provisionSpecHost, type Provisioned } from '../support/provisioned.ts';
import { seededBytes, writeAgeIdentity } from '../support/trees.ts';
import { runCli } from '../support/cli.ts';
import { renderJson } from '../../src/render/json.ts';
import { initRepo } from '../../src/backup/open.ts';
import { listLoops } from '../../src/btrfs/index.ts';
import { readDrillState } from '../../src/drill/state.ts';

const skip = skipReason({ tools: [...BTRFS_TOOLS, ...PARTITION_TOOLS, 'unshare', 'setpriv'] });
const NOW = '2026-09-01T02:00:00.000Z';

async function scratchLeftovers(scratch: string): Promise<string[]> {
  const loops = (await listLoops()).filter((l) => l.backingFile.includes('.panther-drill-'));
  const files = await readdir(scratch).catch(() => []);
  return [...loops.map((l) => `loop ${l.device} on ${l.backingFile}`), ...files.map((f) => `file ${f}`)];
}

describe('panther drill on a local repository', { skip, timeout: 20 * 60_000 }, () => {
  let p: Provisioned;
  let common: string[];
  let stateDir: string;
  let scratch: string;

  before(async () => {
    p = await provisionSpecHost('yoga', {}, 1024);
    const planFile = join(p.loops.dir, 'plan.json');
    await writeFile(planFile, renderJson(p.plan));
    const key = await writeAgeIdentity(p.loops.dir);
    const repo = join(p.loops.dir, 'repo');
    stateDir = join(p.loops.dir, 'state');
    scratch = join(p.loops.dir, 'scratch');
    await initRepo({ url: repo, host: p.plan.host, identityFile: key.identityFile, recipients: [key.recipient] });
    const data = join(p.root, 'home', 'data');
    await mkdir(data, { recursive: true });
    for (let i = 0; i < 20; i++) await writeFile(join(data, `f${i}.bin`), seededBytes(`f${i}`, 50_000 + i * 1000));
    common = ['--plan', planFile, '--root', p.root, '--lock', join(p.loops.dir, 'host.lock'), '--repo', repo, '--identity-file', key.identityFile, '--state-dir', stateDir];
    const snap = await runCli('snapshot', 'run', ...common.slice(0, 6), '--now', NOW);
    assert.equal(snap.code, 0, snap.stderr);
    const backup = await runCli('backup', 'run', ...common, '--ignore-window', '--bandwidth', 'unlimited', '--now', NOW);
    assert.equal(backup.code, 0, backup.stderr + backup.stdout);
  });
  after(async () => { await p?.dispose(); });

  test('restore: every backed-up subvolume restored, verified against its snapshot, recorded', async () => {
    const r = await runCli('drill', 'restore', ...common, '--scratch', scratch, '--json');
    const result = r.json();
    assert.equal(r.code, 0, `${r.stderr}\n${JSON.stringify(result, null, 2)}`);
    assert.equal(result.outcome, 'passed');
    assert.ok(result.subvolumes.length >= 1);
    const home = result.subvolumes.find((s: { subvolume: string }) => s.subvolume === '@home');
    assert.equal(home.verifiedAgainst, 'source-snapshot');
    assert.equal(home.differences, 0);
    assert.ok(home.restoredBytes > 1_000_000, `${home.restoredBytes}`);
    assert.equal(result.validation.restorePathWritable, true);
    assert.deepEqual(await scratchLeftovers(scratch), []);
    const state = await readDrillState(stateDir, p.plan.host, new Date().toISOString());
    assert.equal(state.running, null);
    assert.equal(state.last.restore?.outcome, 'passed');
    assert.ok(state.lastRestoredAt['@home'] !== undefined);
  });
});
