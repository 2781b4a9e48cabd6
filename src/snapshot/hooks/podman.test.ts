// The podman hook against a fake `podman` first on PATH: what it pauses, and that it unpauses
// whatever it started to pause when a pause fails, hangs, or the snapshot fails.
import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HookConfig } from '../../plan/types.ts';
import { runSnapshotWithHooks } from './run-hooks.ts';

const DB = '9a1c4f0e2b7d53c6a8e1f4b2d9c07e6a5b3f8d2c1e4a7b9d0f6c3e8a2b5d7f1c';
const WEB = 'c27e5a9d1f3b8c0e4a6d2f7b9e1c3a5d8f0b2e4c6a9d1f3b5e7c0a2d4f6b8e9a';

// A test fake may be a shell script; production code starts podman with an argv array.
const FAKE_PODMAN = `#!/bin/sh
echo "$*" >> "$FAKE_PODMAN_DIR/calls.log"
case "$1" in
  info) cat "$FAKE_PODMAN_DIR/podman-info.json" ;;
  ps) cat "$FAKE_PODMAN_DIR/podman-ps.json" ;;
  inspect) cat "$FAKE_PODMAN_DIR/podman-inspect.json" ;;
  pause)
    if [ "$2" = "$FAKE_PODMAN_HANG" ]; then echo $$ > "$FAKE_PODMAN_DIR/hang.pid"; exec sleep 30; fi
    if [ "$2" = "$FAKE_PODMAN_FAIL" ]; then echo "Error: $2: freezing cgroup: device or resource busy" >&2; exit 125; fi
    echo "$2" ;;
  unpause) echo "$2" ;;
  *) echo "Error: unrecognized command $1" >&2; exit 125 ;;
esac
`;

let dir = '';
const saved = { PATH: process.env['PATH'], FAKE_PODMAN_DIR: process.env['FAKE_PODMAN_DIR'], FAKE_PODMAN_FAIL: process.env['FAKE_PODMAN_FAIL'], FAKE_PODMAN_HANG: process.env['FAKE_PODMAN_HANG'] };

function restoreEnv(): void {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

/** podman calls in order, ids shortened to db/web, with "snapshot" where the snapshot was taken. */
function calls(): string[] {
  const log = join(dir, 'calls.log');
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8').trim().split('\n').map((l) => l.replaceAll(DB, 'db').replaceAll(WEB, 'web'));
}

const takeSnapshot = async (): Promise<string> => {
  appendFileSync(join(dir, 'calls.log'), 'snapshot\n');
  return 'snap';
};
const ctx = (subvolumePath: string) => ({ subvolumePath, signal: new AbortController().signal, log: () => {} });
const hook = (extra: Partial<Extract<HookConfig, { type: 'podman' }>> = {}): HookConfig => ({ type: 'podman', failMode: 'closed', timeoutSeconds: 10, ...extra });

describe('podman hook with a fake podman', () => {
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'panther-fake-podman-'));
    writeFileSync(join(dir, 'podman'), FAKE_PODMAN);
    chmodSync(join(dir, 'podman'), 0o755);
    for (const name of ['podman-ps.json', 'podman-inspect.json', 'podman-info.json']) copyFileSync(new URL(`testdata/${name}`, import.meta.url), join(dir, name));
    process.env['PATH'] = `${dir}:${saved.PATH ?? ''}`;
    process.env['FAKE_PODMAN_DIR'] = dir;
  });
  afterEach(() => {
    restoreEnv();
    rmSync(dir, { recursive: true, force: true });
  });

  test('pauses the containers with data on the subvolume, snapshot, unpauses', async () => {
    const run = await runSnapshotWithHooks([hook()], ctx('/srv/containers'), takeSnapshot);
    assert.deepEqual(calls(), ['ps --format json', 'info --format json', `inspect --type container db web ${'e81b3d5f7a9c0e2b4d6f8a1c3e5b7d9f0a2c4e6b8d1f3a5c7e9b0d2f4a6c8e1b'}`, 'pause db', 'snapshot', 'unpause db']);
    assert.deepEqual(run.outcomes.map((o) => o.message), ['paused db', 'unpaused db']);
  });

  test('configured containers skip discovery', async () => {
    await runSnapshotWithHooks([hook({ containers: ['web'] })], ctx('/anywhere'), takeSnapshot);
    assert.deepEqual(calls(), ['ps --format json', 'pause web', 'snapshot', 'unpause web']);
  });

  test('a failing pause: no snapshot, and every container it tried to pause is unpaused, newest first', async () => {
    process.env['FAKE_PODMAN_FAIL'] = WEB;
    await assert.rejects(runSnapshotWithHooks([hook()], ctx('/var/lib/containers'), takeSnapshot), (e: { code: string; message: string }) => {
      assert.equal(e.code, 'hook-failed');
      assert.match(e.message, /hook podman failed before the snapshot.*exited with 125: Error: c27e5a9d.*freezing cgroup/);
      return true;
    });
    assert.deepEqual(calls().slice(-4), ['pause db', 'pause web', 'unpause web', 'unpause db']);
  });

  test('a hanging pause is killed at the timeout, and still unpaused', async () => {
    process.env['FAKE_PODMAN_HANG'] = WEB;
    const started = performance.now();
    await assert.rejects(runSnapshotWithHooks([hook({ timeoutSeconds: 0.5 })], ctx('/var/lib/containers'), takeSnapshot), { code: 'hook-failed' });
    assert.ok(performance.now() - started < 5_000, 'did not wait for the hanging pause');
    assert.deepEqual(calls().slice(-4), ['pause db', 'pause web', 'unpause web', 'unpause db']);
    const pid = Number(readFileSync(join(dir, 'hang.pid'), 'utf8'));
    await sleep(100);
    assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, 'the hanging podman pause was killed');
  });

  test('a failed snapshot still unpauses', async () => {
    await assert.rejects(runSnapshotWithHooks([hook()], ctx('/srv/containers'), async () => { throw new Error('no space'); }), /no space/);
    assert.deepEqual(calls().slice(-2), ['pause db', 'unpause db']);
  });

  test('nothing on the subvolume: nothing paused', async () => {
    const run = await runSnapshotWithHooks([hook()], ctx('/home'), takeSnapshot);
    assert.equal(calls().filter((c) => c.startsWith('pause') || c.startsWith('unpause')).length, 0);
    assert.deepEqual(run.outcomes.map((o) => o.message), ['no running container keeps data on this subvolume', 'nothing to unpause']);
  });

  test('podman missing: fail-open takes a degraded snapshot', async () => {
    process.env['PATH'] = join(dir, 'empty');
    const run = await runSnapshotWithHooks([hook({ failMode: 'open' })], ctx('/srv/containers'), async () => 'snap');
    assert.equal(run.result, 'snap');
    assert.equal(run.degraded, true);
    assert.match(run.outcomes[0]!.message, /podman: not found/);
  });
});
