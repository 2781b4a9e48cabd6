// `panther restore` runs btrfs receive ahead of itself (receiveStream's `favour`): checked on a real
// receive, while it is reading, by its nice value; and without the option it runs at ours.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { createSubvolume, favourProcess, receiveStream, sendStream, snapshotSubvolume } from '../../src/btrfs/index.ts';
import { descendants } from '../../src/drill/databases/run-as-owner.ts';
import { withLoopBtrfs } from '../support/loop-btrfs.ts';
import { skipReason } from '../support/requirements.ts';

const skip = skipReason();

/** Those of this process's descendants whose command is `comm`. */
async function descendantsNamed(comm: string): Promise<number[]> {
  const pids = descendants(process.pid);
  const names = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')));
  return pids.filter((_, i) => names[i]!.trim() === comm);
}

/** Receives `stream` into `dir`, and says receive's nice value, read while receive waits for its input. */
async function receiveAndLook(dir: string, stream: Buffer, favour?: number): Promise<number> {
  let seen: number | undefined;
  const write = async (stdin: Writable): Promise<void> => {
    const receivers = await descendantsNamed('btrfs');
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

  test('favourProcess changes nothing and does not throw for a process that is gone, or for no or negative levels', () => {
    assert.equal(favourProcess(undefined, 5), false);
    assert.equal(favourProcess(2 ** 22 + 12_345, 5), false, 'beyond pid_max: no such process');
    const own = getPriority();
    assert.equal(favourProcess(process.pid, 0), false);
    // Negative levels would push the process behind us, which any user may do: refused all the same.
    assert.equal(favourProcess(process.pid, -3), false);
    assert.equal(getPriority(), own, 'our own level untouched');
  });
});
