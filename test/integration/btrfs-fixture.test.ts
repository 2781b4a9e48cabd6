// The loop fixture cleans up after itself: on success, when the test body throws, and when the
// test process is interrupted by SIGINT or SIGTERM.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { withLoopBtrfs, withLoopDevices, fixtureLeftovers } from '../support/loop-btrfs.ts';
import { loopsBackedBy, mountsBelow } from '../support/cleanup.ts';
import { skipReason } from '../support/requirements.ts';

const skip = skipReason();

function assertReleased(dir: string): void {
  assert.deepEqual(mountsBelow(dir), [], 'mounts');
  assert.deepEqual(loopsBackedBy(dir), [], 'loop devices');
  assert.equal(existsSync(dir), false, 'directory');
}

describe('loop fixture cleanup', { skip }, () => {
  test('releases everything after the body returns', async () => {
    const dir = await withLoopBtrfs({ sizeMiB: 128 }, async (fs) => {
      assert.equal(mountsBelow(fs.dir).length, 1);
      assert.equal(loopsBackedBy(fs.dir).length, 1);
      return fs.dir;
    });
    assertReleased(dir);
  });

  test('releases everything when the body throws, and rethrows its error', async () => {
    let dir = '';
    await assert.rejects(withLoopDevices([64, 64], async (loops) => {
      dir = loops.dir;
      assert.equal(loops.devices.length, 2);
      throw new Error('body failed');
    }), /body failed/);
    assertReleased(dir);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`releases mounts and loop devices when the process gets ${signal}`, async () => {
      const script = new URL('../support/loop-fixture-child.ts', import.meta.url).pathname;
      const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = once(child, 'exit');
      const lines = createInterface({ input: child.stdout });
      const [first] = (await once(lines, 'line')) as [string];
      const { dir } = JSON.parse(first) as { dir: string; devices: string[] };
      assert.equal(mountsBelow(dir).length, 2, 'fixture mounted before the signal');
      child.kill(signal);
      const [code, gotSignal] = (await exited) as [number | null, string | null];
      assert.equal(gotSignal, signal, `child ended by ${signal} (code ${code})`);
      assertReleased(dir);
    });
  }
});

test('the loop fixtures left nothing behind', { skip }, () => {
  assert.deepEqual(fixtureLeftovers(), []);
});
