// The generic command hook with real processes: environment, exit codes, time limit, missing tool.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { commandHook } from './command.ts';
import { runSnapshotWithHooks } from './run-hooks.ts';
import type { HookConfig } from '../../plan/types.ts';

const ctx = (signal = new AbortController().signal) => ({ subvolumePath: '/srv/@data', signal, log: () => {} });
// The user's own program may be a shell; Panther itself only ever starts argv arrays.
const sh = (script: string): string[] => ['sh', '-c', script];

describe('command hook', () => {
  test('before and after see PANTHER_SUBVOLUME and PANTHER_PHASE', async () => {
    const hook = commandHook({ type: 'command', name: 'env', before: sh('echo "$PANTHER_PHASE $PANTHER_SUBVOLUME"'), after: sh('echo "$PANTHER_PHASE"'), failMode: 'closed', timeoutSeconds: 10 });
    assert.equal(hook.name, 'command env');
    assert.equal(await hook.before(ctx()), 'sh exited 0: before /srv/@data');
    assert.equal(await hook.after(ctx()), 'sh exited 0: after');
  });

  test('no after command is fine', async () => {
    const hook = commandHook({ type: 'command', name: 'x', before: ['true'], failMode: 'closed', timeoutSeconds: 10 });
    assert.equal(await hook.after(ctx()), 'no after command');
  });

  test('a non-zero exit fails with the exit code and the last words of stderr', async () => {
    const hook = commandHook({ type: 'command', name: 'flush', before: sh('echo working; echo "cache locked" >&2; exit 3'), failMode: 'closed', timeoutSeconds: 10 });
    await assert.rejects(hook.before(ctx()), (e: { code: string; message: string }) => {
      assert.equal(e.code, 'hook-command-failed');
      assert.match(e.message, /command flush before \(sh\) exited with 3: cache locked/);
      return true;
    });
  });

  test('a missing program says so', async () => {
    const hook = commandHook({ type: 'command', name: 'gone', before: ['/nonexistent/panther-no-such-tool'], failMode: 'closed', timeoutSeconds: 10 });
    await assert.rejects(hook.before(ctx()), { code: 'hook-tool-missing' });
  });

  test('a hanging program is killed at the timeout; fail-closed means no snapshot', async () => {
    const started = performance.now();
    const config: HookConfig = { type: 'command', name: 'stuck', before: ['sleep', '30'], failMode: 'closed', timeoutSeconds: 0.2 };
    let snapshots = 0;
    await assert.rejects(runSnapshotWithHooks([config], ctx(), async () => { snapshots++; }), (e: { code: string; message: string }) => {
      assert.equal(e.code, 'hook-failed');
      assert.match(e.message, /command stuck/);
      assert.match(e.message, /timed out|did not finish/);
      return true;
    });
    assert.equal(snapshots, 0);
    assert.ok(performance.now() - started < 5_000, 'did not wait for sleep 30');
  });

  test('an already aborted signal starts nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const hook = commandHook({ type: 'command', name: 'x', before: ['true'], failMode: 'closed', timeoutSeconds: 10 });
    await assert.rejects(hook.before(ctx(controller.signal)), { code: 'interrupted' });
  });
});
