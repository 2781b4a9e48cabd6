// `panther restore` runs btrfs receive ahead of itself (receiveStream's `favour`): checked on a real
// receive, while it is reading, by its nice value; and without the option it runs at ours.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { createSubvolume, favourProcess, receiveStream, sendStream, snapshotSubvolume } from '../../src/btrfs/index.ts';
import { withLoopBtrfs } from '../support/loop-btrfs.ts';
import { skipReason } from '../support/requirements.ts';

const skip = skipReason();

/** The pids of this process's children whose command is `comm` (from /proc, as ps does). */
async function childrenNamed(comm: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid …; comm may hold spaces and parentheses, so split at the last ')'.
    const close = stat.lastIndexOf(')');
    if (close < 0) continue;
    const name = stat.slice(stat.indexOf('(') + 1, close);
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    if (name === comm && ppid === process.pid) found.push(Number(entry));
  }
  return found;
}

/** Receives `stream` into `dir`, and says receive's nice value, read while receive waits for its input. */
async function receiveAndLook(dir: string, stream: Buffer, favour?: number): Promise<number> {
  let seen: number | undefined;
  const write = async (stdin: Writable): Promise<void> => {
    const receivers = await childrenNamed('btrfs');
    assert.equal(receivers.length, 1, `one btrfs child (receive): ${receivers.join(', ')}`);
    seen = getPriority(receivers[0]!);
    await new Promise<void>((resolve, reject) => stdin.write(stream, (e) => (e ? reject(e) : resolve())));
  };
  await receiveStream(dir, write, favour === undefined ? {} : { favour });
  assert.notEqual(seen, undefined);
  return seen!;
}

describe('btrfs receive favoured by a restore', { skip }, () => {
  test('with favour 5 receive runs five nice levels ahead of us, without it at our level; the subvolume arrives either way', async () => {
    await withLoopBtrfs({}, async (fs) => {
      const source = join(fs.mountPoint, 'source');
      await createSubvolume(source);
      await writeFile(join(source, 'file'), 'restored\n');
      const snapshot = join(fs.mountPoint, 'snap');
      await snapshotSubvolume(source, snapshot, { readonly: true });
      const sender = sendStream(snapshot);
      const pieces: Buffer[] = [];
      for await (const piece of sender.stdout) pieces.push(piece as Buffer);
      await sender.done;
      const stream = Buffer.concat(pieces);

      const own = getPriority();
      for (const [name, favour, expected] of [['favoured', 5, Math.max(-20, own - 5)], ['plain', undefined, own]] as const) {
        const into = join(fs.mountPoint, name);
        await createSubvolume(into);
        assert.equal(await receiveAndLook(into, stream, favour), expected, name);
        assert.equal(await readFile(join(into, 'snap', 'file'), 'utf8'), 'restored\n', name);
      }
    });
  });

  test('favourProcess changes nothing and does not throw for a process that is gone, or for no levels', () => {
    assert.equal(favourProcess(undefined, 5), false);
    assert.equal(favourProcess(2 ** 22 + 12_345, 5), false, 'beyond pid_max: no such process');
    const own = getPriority();
    assert.equal(favourProcess(process.pid, 0), false);
    assert.equal(getPriority(), own, 'our own level untouched');
  });
});
