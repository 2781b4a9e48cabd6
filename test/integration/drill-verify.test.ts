// Tree verification against real btrfs: a subvolume with every kind of entry (odd names included),
// snapshotted read-only, sent and received into another directory: the copy verifies with 0
// differences. Then, in writable snapshots of the copy, one thing changed at a time is found and
// named, exactly once; and a symlink put where a directory was is reported, never followed.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile as execFileCb } from 'node:child_process';
import { chmod, chown, link, lstat, mkdir, open, rename, symlink, unlink, writeFile, cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createSubvolume, snapshotSubvolume, deleteSubvolume, setNoCow, readAttrs } from '../../src/btrfs/index.ts';
import { receiveStream, sendStream } from '../../src/btrfs/send.ts';
import { findOnPath } from '../../src/core/find-on-path.ts';
import { verifyTree } from '../../src/drill/verify/verify-tree.ts';
import { createLoopBtrfs, type LoopBtrfs } from '../support/loop-btrfs.ts';
import { skipReason, BTRFS_TOOLS } from '../support/requirements.ts';
import { seededBytes } from '../support/trees.ts';

const execFile = promisify(execFileCb);
const skip = skipReason({ tools: [...BTRFS_TOOLS, 'setfattr', 'getfattr', 'touch', 'mkfifo'] });
const MiB = 1024 * 1024;
const NEWLINE_NAME = 'new\nline.txt';
const BYTES_NAME = Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe, 0x2e, 0x62, 0x69, 0x6e]); // "bad\xff\xfe.bin"

// A POSIX ACL (user::rw-, user:1000:r--, group::r--, mask::r--, other::---) as the kernel stores it,
// for hosts without setfacl: version 2, then (tag u16, perm u16, id u32) entries.
const ACL_HEX = '0200000001000600ffffffff02000400e803000004000400ffffffff10000400ffffffff20000000ffffffff';

async function setXattr(path: string, name: string, value: string): Promise<void> {
  await execFile('setfattr', ['-h', '-n', name, '-v', value, '--', path]);
}

/** Node passes argv as UTF-8, so a name that is not UTF-8 gets its xattr under a plain name, renamed back. */
async function setXattrOddName(dir: string, name: Buffer, xattr: string, value: string): Promise<void> {
  const odd = Buffer.concat([Buffer.from(dir), Buffer.from('/'), name]);
  const plain = join(dir, 'plain-name.tmp');
  await rename(odd, plain);
  await setXattr(plain, xattr, value);
  await rename(plain, odd);
}

/** Sets mtime (and atime) of `path` itself to another entry's, to the nanosecond. */
async function sameTimes(path: string, reference: string): Promise<void> {
  await execFile('touch', ['-h', '-r', reference, '--', path]);
}

async function buildTree(root: string): Promise<void> {
  const p = (...parts: string[]): string => join(root, ...parts);
  await mkdir(p('docs', 'deep', 'er'), { recursive: true });
  await writeFile(p('docs', 'text.txt'), Array.from({ length: 2000 }, (_, i) => `line ${i} of some text\n`).join(''));
  await writeFile(p('docs', 'random.bin'), seededBytes('random', 3 * MiB + 17));
  await writeFile(p('docs', 'empty'), '');
  await writeFile(p('docs', 'deep', 'er', 'leaf'), 'leaf\n');
  await writeFile(p('docs', NEWLINE_NAME), 'a name with a newline\n');
  await writeFile(Buffer.concat([Buffer.from(p('docs')), Buffer.from('/'), BYTES_NAME]), seededBytes('bytes-name', 5000));
  await writeFile(p('docs', 'back\\slash "quoted"'), 'odd\n');
  await writeFile(p('setuid'), '#!/bin/sh\n');
  await chmod(p('setuid'), 0o4755);
  await writeFile(p('owned'), 'owned by 1000\n');
  await chown(p('owned'), 1000, 1000);
  // No_COW: set on an empty file, then filled.
  await writeFile(p('nocow.db'), '');
  await setNoCow(p('nocow.db'));
  await writeFile(p('nocow.db'), seededBytes('nocow', MiB));
  // Symlinks: relative, one pointing out of the tree, dangling.
  await symlink('docs/text.txt', p('link-relative'));
  await symlink('/etc', p('link-outside'));
  await symlink('does/not/exist', p('link-dangling'));
  // A hard-link pair (one path with an odd name) and a group of three across directories.
  await writeFile(p('docs', 'pair-a'), 'a pair\n');
  await link(p('docs', 'pair-a'), p('docs', `pair-b ${NEWLINE_NAME}`));
  await writeFile(p('three-1'), 'three\n');
  await link(p('three-1'), p('docs', 'three-2'));
  await link(p('three-1'), p('docs', 'deep', 'three-3'));
  // xattrs: user.* on a file, a directory and the odd-byte name, trusted.* on a symlink, a POSIX ACL.
  await setXattr(p('docs', 'text.txt'), 'user.comment', 'hello');
  await setXattr(p('docs', 'text.txt'), 'user.binary', '0x00010203fffe');
  await setXattr(p('docs'), 'user.on-dir', 'directory value');
  await setXattrOddName(p('docs'), BYTES_NAME, 'user.odd', 'odd name');
  await setXattr(p('docs', 'pair-a'), 'user.linked', 'shared');
  await setXattr(p('link-relative'), 'trusted.on-link', 'symlink xattr');
  await writeFile(p('acl-file'), 'acl\n');
  if (findOnPath('setfacl') !== null) await execFile('setfacl', ['-m', 'u:1000:r', '--', p('acl-file')]);
  else await setXattr(p('acl-file'), 'system.posix_acl_access', `0x${ACL_HEX}`);
  await execFile('mkfifo', ['-m', '0640', '--', p('fifo')]);
}

describe('verifyTree on a loop btrfs', { skip }, () => {
  let fs: LoopBtrfs;
  let source: string;
  let restored: string;
  let n = 0;
  const at = (...parts: string[]): string => join(fs.mountPoint, ...parts);

  before(async () => {
    fs = await createLoopBtrfs({ sizeMiB: 512, label: 'panther-verify' });
    await createSubvolume(at('@data'));
    await buildTree(at('@data'));
    assert.ok((await readAttrs(at('@data', 'nocow.db'))).has('C'));
    await mkdir(at('snapshots'));
    source = at('snapshots', '@data.1');
    await snapshotSubvolume(at('@data'), source, { readonly: true });
    await mkdir(at('received'));
    const sender = sendStream(source);
    await Promise.all([receiveStream(at('received'), sender.stdout), sender.done]);
    restored = at('received', '@data.1');
  });
  after(async () => {
    await fs?.dispose();
  });

  /** A writable snapshot of the received copy, changed by `change`; the parent directory's times kept. */
  async function changed(change: (root: string) => Promise<void>): Promise<string> {
    const copy = at(`changed-${++n}`);
    await snapshotSubvolume(restored, copy);
    await change(copy);
    return copy;
  }

  test('the received copy verifies against its source: 0 differences, every entry and byte counted', async () => {
    const progress: Array<[number, number]> = [];
    const result = await verifyTree(source, restored, { onProgress: (e, b) => progress.push([e, b]) });
    assert.deepEqual(result.sample, []);
    assert.equal(result.differences, 0);
    assert.equal(result.entries, 24);
    assert.ok(result.bytes > 4 * MiB, `${result.bytes} bytes`);
    assert.deepEqual(progress.at(-1), [result.entries, result.bytes]);
  });

  const cases: Array<{ name: string; change: (root: string) => Promise<void>; expect: RegExp }> = [
    {
      name: 'one byte of content, same size, same mtime',
      change: async (root) => {
        const file = join(root, 'docs', NEWLINE_NAME);
        await execFile('touch', ['-r', file, '--', join(root, 'ref')]);
        const handle = await open(file, 'r+');
        try { await handle.write('A', 2); } finally { await handle.close(); }
        await sameTimes(file, join(root, 'ref'));
        await unlink(join(root, 'ref'));
        await sameTimes(root, restored);
      },
      expect: /^"docs\/new\\nline\.txt": content differs \(from byte 2\)$/,
    },
    {
      name: 'one byte deep in a large file',
      change: async (root) => {
        const file = join(root, 'docs', 'random.bin');
        await execFile('touch', ['-r', file, '--', join(root, 'ref')]);
        const handle = await open(file, 'r+');
        try { await handle.write(Buffer.from([seededBytes('random', 2 * MiB + 6)[2 * MiB + 5]! ^ 0x55]), 0, 1, 2 * MiB + 5); } finally { await handle.close(); }
        await sameTimes(file, join(root, 'ref'));
        await unlink(join(root, 'ref'));
        await sameTimes(root, restored);
      },
      expect: /^"docs\/random\.bin": content differs \(from byte 2097157\)$/,
    },
    { name: 'mode', change: async (root) => chmod(join(root, 'setuid'), 0o755), expect: /^"setuid": mode 4755 vs 0755$/ },
    { name: 'owner', change: async (root) => chown(join(root, 'owned'), 1000, 1001), expect: /^"owned": owner 1000:1000 vs 1000:1001$/ },
    {
      name: 'an xattr value (on the name that is not UTF-8)',
      change: async (root) => {
        await setXattrOddName(join(root, 'docs'), BYTES_NAME, 'user.odd', 'changed');
        await sameTimes(join(root, 'docs'), join(restored, 'docs'));
      },
      expect: /^"docs\/bad\\udcff\\udcfe\.bin": xattrs differ: "user\.odd" value differs$/,
    },
    {
      name: 'an xattr removed from a directory',
      change: async (root) => { await execFile('setfattr', ['-x', 'user.on-dir', '--', join(root, 'docs')]); },
      expect: /^"docs": xattrs differ: "user\.on-dir" missing$/,
    },
    {
      name: 'the POSIX ACL',
      change: async (root) => setXattr(join(root, 'acl-file'), 'system.posix_acl_access', `0x${ACL_HEX.replace('e8030000', 'e9030000')}`),
      expect: /^"acl-file": xattrs differ: "system\.posix_acl_access" value differs$/,
    },
    {
      name: 'a symlink target',
      change: async (root) => {
        await symlink('docs/empty', join(root, 'link-new'));
        await setXattr(join(root, 'link-new'), 'trusted.on-link', 'symlink xattr');
        await execFile('chown', ['-h', '--reference', join(root, 'link-relative'), '--', join(root, 'link-new')]);
        await sameTimes(join(root, 'link-new'), join(root, 'link-relative'));
        await rename(join(root, 'link-new'), join(root, 'link-relative'));
        await sameTimes(root, restored);
      },
      expect: /^"link-relative": symlink target "docs\/text\.txt" vs "docs\/empty"$/,
    },
    {
      name: 'a hard link broken (the path replaced by an identical copy)',
      change: async (root) => {
        const b = join(root, 'docs', `pair-b ${NEWLINE_NAME}`);
        await execFile('cp', ['-a', '--', b, join(root, 'docs', 'copy')]);
        await rename(join(root, 'docs', 'copy'), b);
        await sameTimes(join(root, 'docs'), join(restored, 'docs'));
        await sameTimes(root, restored);
      },
      expect: /^"docs\/pair-a": hard links \["docs\/pair-a", "docs\/pair-b new\\nline\.txt"\] are not one inode in the copy$/,
    },
    {
      name: 'mtime, by one nanosecond',
      change: async (root) => {
        const file = join(root, 'docs', 'deep', 'er', 'leaf');
        const ns = (await lstat(file, { bigint: true })).mtimeNs + 1n;
        const stamp = `@${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`;
        await execFile('touch', ['-m', '-d', stamp, '--', file]);
      },
      expect: /^"docs\/deep\/er\/leaf": mtime \d+ vs \d+ \(ns\)$/,
    },
    {
      name: 'a directory replaced by a symlink to an identical copy outside: reported, not followed',
      change: async (root) => {
        const outside = at(`outside-${n}`);
        await cp(join(root, 'docs', 'deep'), outside, { recursive: true, preserveTimestamps: true });
        await rm(join(root, 'docs', 'deep'), { recursive: true });
        await symlink(outside, join(root, 'docs', 'deep'));
        await sameTimes(join(root, 'docs'), join(restored, 'docs'));
      },
      expect: /^"docs\/deep": type directory vs symlink$/,
    },
  ];

  for (const c of cases) {
    test(`found and named: ${c.name}`, async () => {
      const copy = await changed(c.change);
      try {
        const result = await verifyTree(source, copy);
        assert.equal(result.sample.length, 1, result.sample.join('\n'));
        assert.match(result.sample[0]!, c.expect);
        assert.equal(result.differences, 1);
      } finally {
        await deleteSubvolume(copy);
      }
    });
  }

  test('an abort stops it with an interrupted error', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(verifyTree(source, restored, { signal: controller.signal }), { code: 'interrupted' });
  });
});
