// The snapshot engine on a real provisioned layout: manual snapshots, wrap, diff, restore-file,
// rebuilt metadata and the host lock, through the CLI where a user would use it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, unlink, utimes, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BTRFS_TOOLS, PARTITION_TOOLS, skipReason } from '../support/requirements.ts';
import { provisionSpecHost, type Provisioned } from '../support/provisioned.ts';
import { runCli } from '../support/cli.ts';
import { renderJson } from '../../src/render/json.ts';
import { acquireLock } from '../../src/locks/host-lock.ts';

const skip = skipReason({ tools: [...BTRFS_TOOLS, ...PARTITION_TOOLS, 'blockdev'] });

describe('snapshot engine on a provisioned yoga layout', { skip }, () => {
  let p: Provisioned;
  let common: string[];
  let lock: string;
  before(async () => {
    p = await provisionSpecHost('yoga', { timezone: 'Europe/Berlin' });
    const planFile = join(p.loops.dir, 'plan.json');
    await writeFile(planFile, renderJson(p.plan));
    lock = join(p.loops.dir, 'snapshot.lock');
    common = ['--plan', planFile, '--root', p.root, '--lock', lock];
  });
  after(async () => { await p?.dispose(); });

  const home = (...parts: string[]) => join(p.root, 'home', ...parts);
  // Shared flags go before "--", after which everything belongs to the wrapped command.
  const cli = (...args: string[]) => {
    const dash = args.indexOf('--');
    return dash < 0 ? runCli(...args, ...common) : runCli(...args.slice(0, dash), ...common, ...args.slice(dash));
  };

  test('create, list with metadata, diff from btrfs, restore a deleted file', async () => {
    await mkdir(home('me', 'docs'), { recursive: true });
    await writeFile(home('me', 'notes.txt'), 'first version\n');
    await writeFile(home('me', 'docs', 'keep.md'), 'keep\n');
    const a = await cli('snapshot', 'create', '@home', '--tag', 'test', '--description', 'before edits', '--json');
    assert.equal(a.code, 0, a.stderr);
    const first = a.json();
    assert.match(first.name, /^@home\.\d{8}T\d{6}Z$/);
    assert.equal(first.origin, 'manual');
    assert.ok(first.uuid);

    await writeFile(home('me', 'notes.txt'), 'second version, longer\n');
    await unlink(home('me', 'docs', 'keep.md'));
    await writeFile(home('me', 'new.txt'), 'new\n');
    const b = await cli('snapshot', 'create', '@home', '--json');
    assert.equal(b.code, 0, b.stderr);
    const second = b.json().name;
    assert.notEqual(second, first.name, 'two snapshots in one second get distinct names');

    const list = await cli('snapshot', 'list', '--subvol', '@home', '--json');
    const names = list.json().snapshots.map((s: any) => s.name);
    assert.deepEqual(names, [first.name, second]);
    assert.deepEqual(list.json().snapshots[0].tags, ['test']);

    const diff = await cli('snapshot', 'diff', first.name, second, '--json');
    assert.equal(diff.code, 0, diff.stderr);
    assert.deepEqual(diff.json().changes, [
      { path: 'me/docs/keep.md', kind: 'deleted' },
      { path: 'me/new.txt', kind: 'added' },
      { path: 'me/notes.txt', kind: 'modified' },
    ]);

    const restored = await cli('snapshot', 'restore-file', first.name, '/home/me/docs/keep.md', '--json');
    assert.equal(restored.code, 0, restored.stderr);
    assert.equal(await readFile(home('me', 'docs', 'keep.md'), 'utf8'), 'keep\n');

    // notes.txt changed after the first snapshot: restoring it is refused without --overwrite-newer.
    const refused = await cli('snapshot', 'restore-file', first.name, 'me/notes.txt');
    assert.equal(refused.code, 3);
    assert.equal(await readFile(home('me', 'notes.txt'), 'utf8'), 'second version, longer\n');
    const forced = await cli('snapshot', 'restore-file', first.name, 'me/notes.txt', '--overwrite-newer');
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(await readFile(home('me', 'notes.txt'), 'utf8'), 'first version\n');

    const escape = await cli('snapshot', 'restore-file', first.name, '../../etc/passwd');
    assert.equal(escape.code, 2);
  });

  test('wrap records the command and its exit code before and after, and passes the exit code on', async () => {
    const ok = await cli('snapshot', 'wrap', '--subvol', '@home', '--tag', 'upgrade', '--json', '--', 'sh', '-c', `echo upgraded > ${home('upgrade.log')}`);
    assert.equal(ok.code, 0, ok.stderr);
    const report = ok.json();
    assert.equal(report.before.length, 1);
    assert.equal(report.after[0].command.exitCode, 0);
    assert.equal(report.before[0].command.exitCode, 0);
    const failed = await cli('snapshot', 'wrap', '--subvol', '@home', '--', 'sh', '-c', 'exit 7');
    assert.equal(failed.code, 7);
    const list = (await cli('snapshot', 'list', '--subvol', '@home', '--json')).json().snapshots;
    const post = list.filter((s: any) => s.origin === 'wrap-post');
    assert.deepEqual(post.map((s: any) => s.command.exitCode), [0, 7]);
    const diff = await cli('snapshot', 'diff', report.before[0].name, report.after[0].name, '--json');
    assert.deepEqual(diff.json().changes, [{ path: 'upgrade.log', kind: 'added' }]);
  });

  test('a snapshot whose metadata file is lost is still listed, rebuilt from btrfs', async () => {
    const made = (await cli('snapshot', 'create', '@', '--json')).json();
    await unlink(join(p.root, '.snapshots', '@', `${made.name}.json`));
    const list = (await cli('snapshot', 'list', '--subvol', '@', '--json')).json().snapshots;
    const rebuilt = list.find((s: any) => s.name === made.name);
    assert.equal(rebuilt.rebuilt, true);
    assert.equal(rebuilt.uuid, made.uuid);
  });

  test('pinned snapshots refuse deletion; one run at a time; the lock file of a killed run does not block', async () => {
    const made = (await cli('snapshot', 'create', '@', '--json')).json();
    assert.equal((await cli('snapshot', 'pin', made.name)).code, 0);
    assert.equal((await cli('snapshot', 'delete', made.name)).code, 3);
    assert.equal((await cli('snapshot', 'unpin', made.name)).code, 0);

    const holding = await acquireLock(lock, 'test holder');
    const blocked = await cli('snapshot', 'delete', made.name);
    // pin/unpin change what a running prune may delete: they wait for the lock like delete does.
    const pinBlocked = await cli('snapshot', 'pin', made.name, '--json');
    const unpinBlocked = await cli('snapshot', 'unpin', made.name, '--json');
    await holding.release();
    assert.deepEqual([pinBlocked.code, unpinBlocked.code], [11, 11], `${pinBlocked.stderr}${unpinBlocked.stderr}`);
    const after = (await cli('snapshot', 'list', '--subvol', '@', '--json')).json().snapshots.find((s: any) => s.name === made.name);
    assert.equal(after.pinned, false, 'a pin refused for the lock changed nothing');
    assert.equal(blocked.code, 11);
    assert.match(blocked.stderr, new RegExp(`held by pid ${process.pid} .*\\(test holder\\)`));
    // What a killed run leaves: the file with its holder in it, but no flock on it.
    await writeFile(lock, JSON.stringify({ pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname(), startTicks: null, since: 'then', purpose: 'crashed run' }));
    const taken = await cli('snapshot', 'delete', made.name);
    assert.equal(taken.code, 0, taken.stderr);
    await rm(lock, { force: true });
  });

  test('touching a restored file keeps times from the snapshot', async () => {
    await writeFile(home('timed.txt'), 'x');
    await utimes(home('timed.txt'), new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
    const snap = (await cli('snapshot', 'create', '@home', '--json')).json();
    await unlink(home('timed.txt'));
    assert.equal((await cli('snapshot', 'restore-file', snap.name, 'timed.txt')).code, 0);
    const { mtime } = await (await import('node:fs/promises')).stat(home('timed.txt'));
    assert.equal(mtime.toISOString(), '2020-01-01T00:00:00.000Z');
  });
});
