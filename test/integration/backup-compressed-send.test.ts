// Backups send with `--compressed-data` (BACKUP_SEND_OPTIONS in src/backup/send-options.ts): extents btrfs stores
// zstd-compressed travel as ENCODED_WRITE commands, so the stream is much smaller than the data.
// On real btrfs mounted compress=zstd:3 (as pools are): a full and an incremental backup restore
// through restorePoint to trees identical to their snapshots, into a plain btrfs (no compress mount:
// receive's encoded writes keep the extents compressed) and into a nodatacow one, which cannot take
// encoded writes (no checksums): there `btrfs receive` decompresses itself.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile as execFileCb } from 'node:child_process';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createSubvolume, sendStream, snapshotSubvolume, deleteSubvolume } from '../../src/btrfs/index.ts';
import { checkedStream } from '../../src/backup/checked-stream.ts';
import { BACKUP_SEND_EXTRA, BACKUP_SEND_OPTIONS } from '../../src/backup/send-options.ts';
import { initRepo, openRepo, type RepoLocation } from '../../src/backup/open.ts';
import { restorePoint } from '../../src/backup/restore.ts';
import { verifyTree } from '../../src/drill/verify/verify-tree.ts';
import { createLoopBtrfs, type LoopBtrfs } from '../support/loop-btrfs.ts';
import { BTRFS_TOOLS, skipReason } from '../support/requirements.ts';
import { seededBytes, treeBytes, writeAgeIdentity } from '../support/trees.ts';

const execFile = promisify(execFileCb);
const skip = skipReason({ tools: [...BTRFS_TOOLS, 'filefrag'] });
const MiB = 1024 * 1024;

/** Text-like bytes (zstd takes them to a few percent): numbered lines with seeded words. */
function textBytes(seed: string, length: number): Buffer {
  const words = seededBytes(seed, Math.ceil(length / 16)).toString('hex');
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < length; i++) {
    const line = `line ${i} of ${seed}: ${words.slice((i * 7) % (words.length - 12), (i * 7) % (words.length - 12) + 12)} the quick brown fox\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, length);
}

async function writeAt(path: string, offset: number, data: Buffer): Promise<void> {
  const handle = await open(path, 'r+');
  try { await handle.write(data, 0, data.length, offset); } finally { await handle.close(); }
}

/** Whether any extent of `path` is stored encoded (compressed), per filefrag. */
async function hasEncodedExtent(path: string): Promise<boolean> {
  const { stdout } = await execFile('filefrag', ['-v', '--', path]);
  return /encoded/.test(stdout);
}

describe('backup with --compressed-data: identical restores, smaller stream', { skip, timeout: 10 * 60_000 }, () => {
  let src: LoopBtrfs;
  let plain: LoopBtrfs;
  let nocow: LoopBtrfs;
  let loc: RepoLocation;
  const points: Array<{ id: string; snapshot: string; streamBytes: number; dataBytes: number }> = [];

  before(async () => {
    src = await createLoopBtrfs({ sizeMiB: 768, mountOptions: ['compress=zstd:3'] });
    plain = await createLoopBtrfs({ sizeMiB: 512 });
    nocow = await createLoopBtrfs({ sizeMiB: 512, mountOptions: ['nodatacow'] });
    const key = await writeAgeIdentity(src.dir);
    loc = { url: join(src.dir, 'repo'), host: 'compressed', identityFile: key.identityFile };
    await initRepo({ ...loc, recipients: [key.recipient] }, 10);
  });
  after(async () => {
    for (const fs of [nocow, plain, src]) await fs?.dispose();
  });

  async function backup(name: string, parent: string | null): Promise<void> {
    const repo = await openRepo(loc);
    const snap = join(src.mountPoint, name);
    await execFile('sync', ['-f', src.mountPoint]);
    await snapshotSubvolume(join(src.mountPoint, 'data'), snap, { readonly: true });
    const sender = sendStream(snap, { ...BACKUP_SEND_OPTIONS, ...(parent === null ? {} : { parent: join(src.mountPoint, parent) }) });
    const parentPoint = parent === null ? null : points.find((p) => p.snapshot === parent)!.id;
    const result = await repo.backup(checkedStream(sender.stdout, sender.done, sender.kill), {
      subvolume: 'data', snapshot: { name, uuid: '00000000-0000-4000-8000-000000000001', time: new Date().toISOString() },
      parent: parentPoint, extra: { ...BACKUP_SEND_EXTRA },
    });
    assert.equal(result.head.extra?.sendCompressedData, true, 'the manifest records the send options');
    points.push({ id: result.manifestId, snapshot: name, streamBytes: result.progress.bytesRead, dataBytes: await treeBytes(snap) });
  }

  test('a full backup of compressible data: the stream is far smaller than the data', async () => {
    const data = join(src.mountPoint, 'data');
    await createSubvolume(data);
    await mkdir(join(data, 'text'));
    for (let i = 0; i < 40; i++) await writeFile(join(data, 'text', `f${i}.txt`), textBytes(`t${i}`, 64 * 1024 + i * 999));
    await writeFile(join(data, 'big.log'), textBytes('big', 24 * MiB + 12345));
    await writeFile(join(data, 'random.bin'), seededBytes('random', 3 * MiB + 7));
    // Compressible, incompressible and a hole in one file.
    await writeFile(join(data, 'mixed.dat'), Buffer.concat([textBytes('m1', 2 * MiB), seededBytes('m2', MiB)]));
    await writeAt(join(data, 'mixed.dat'), 8 * MiB, textBytes('m3', MiB));
    await writeFile(join(data, 'empty'), '');
    await backup('s1', null);
    assert.ok(await hasEncodedExtent(join(src.mountPoint, 's1', 'big.log')), 'the source stores big.log compressed');
    const p = points[0]!;
    assert.ok(p.streamBytes < p.dataBytes / 2, `stream ${p.streamBytes} bytes for ${p.dataBytes} bytes of data`);
  });

  test('an incremental backup after rewrites inside compressed extents, appends and new files', async () => {
    const data = join(src.mountPoint, 'data');
    await writeAt(join(data, 'big.log'), 5 * MiB + 333, textBytes('rewrite', 300 * 1024));
    await writeAt(join(data, 'big.log'), 24 * MiB + 12345, textBytes('append', 2 * MiB));
    await writeAt(join(data, 'text', 'f3.txt'), 100, Buffer.from('changed in the middle'));
    await writeFile(join(data, 'text', 'new.txt'), textBytes('new', 3 * MiB));
    await writeAt(join(data, 'mixed.dat'), MiB, seededBytes('m4', 4096));
    await backup('s2', 's1');
    const p = points[1]!;
    assert.ok(p.streamBytes < 3 * MiB, `incremental stream ${p.streamBytes} bytes`);
  });

  for (const target of ['plain', 'nodatacow'] as const) {
    test(`both points restore identically into a ${target} btrfs`, async () => {
      assert.equal(points.length, 2, 'needs the backups above');
      const fs = target === 'plain' ? plain : nocow;
      const reader = await openRepo(loc);
      for (const point of points) {
        const to = join(fs.mountPoint, `restore-${point.snapshot}`);
        await mkdir(to);
        const restored = await restorePoint(reader, point.id, to, () => {});
        const verified = await verifyTree(join(src.mountPoint, point.snapshot), restored.path);
        assert.deepEqual(verified.sample, [], `${point.snapshot} into ${target}`);
        assert.ok(verified.bytes >= point.dataBytes, 'compared every byte');
        await execFile('sync', ['-f', fs.mountPoint]);
        // Encoded writes kept the data compressed without a compress mount; nodatacow has no
        // checksums, so receive fell back to writing it decompressed.
        assert.equal(await hasEncodedExtent(join(restored.path, 'big.log')), target === 'plain', `big.log encoded after restore into ${target}`);
        await deleteSubvolume(restored.path);
      }
    });
  }
});
