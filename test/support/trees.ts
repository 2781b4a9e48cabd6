// Test trees for backup round trips: a builder that puts every kind of thing a btrfs send stream
// must carry into a directory (varied contents, modes with setuid/setgid/sticky, foreign owners,
// xattrs, symlinks, hard links, sparse files, empty files and directories, a FIFO), ten kinds of
// change to apply to it, and an independent comparison (for the tests of src/drill/verify/ and the
// backup round trips): xattrs, hard-link structure, link counts, allocated blocks (sparseness) and mtimes.
//
// Expectations are computed from the file system alone (lstat, getfattr), never from Panther's code.
// At the end: small helpers the backup tests share (a directory's digest and size, an age identity).
import { execFile as execFileCb } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmod, chown, lchown, link, lstat, mkdir, open, readdir, readFile, rename, rm, symlink, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';

const execFile = promisify(execFileCb);
const MiB = 1024 * 1024;
export const BLOCK = 512;

/** Tools the builder and the comparison spawn (setfattr/getfattr: Debian package `attr`). */
export const TREE_TOOLS = ['setfattr', 'getfattr', 'fallocate', 'mkfifo'] as const;

/** Deterministic bytes: the same (seed, length) always gives the same content. */
export function seededBytes(seed: string, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let counter = 0;
  for (let at = 0; at < length; at += 32) {
    createHash('sha256').update(`${seed}:${counter++}`).digest().copy(out, at, 0, Math.min(32, length - at));
  }
  return out;
}

async function setXattr(path: string, name: string, value: string | Buffer): Promise<void> {
  const encoded = typeof value === 'string' ? (value === '' ? '""' : `"${value}"`) : `0x${value.toString('hex')}`;
  await execFile('setfattr', ['-h', '-n', name, '-v', encoded, '--', path]);
}

async function removeXattr(path: string, name: string): Promise<void> {
  await execFile('setfattr', ['-h', '-x', name, '--', path]);
}

async function punchHole(path: string, offset: number, length: number): Promise<void> {
  await execFile('fallocate', ['--punch-hole', '--keep-size', '--offset', String(offset), '--length', String(length), '--', path]);
}

async function writeAt(path: string, offset: number, data: Buffer): Promise<void> {
  const handle = await open(path, 'r+');
  try { await handle.write(data, 0, data.length, offset); } finally { await handle.close(); }
}

/** A sparse file of `size` bytes with data only at the given offsets. */
async function sparseFile(path: string, size: number, pieces: Array<[number, Buffer]>): Promise<void> {
  await writeFile(path, '');
  await truncate(path, size);
  for (const [offset, data] of pieces) await writeAt(path, offset, data);
}

/** Builds the rich tree in `root` (an existing directory, e.g. a subvolume's mount point). */
export async function buildRichTree(root: string): Promise<void> {
  const p = (...parts: string[]) => join(root, ...parts);
  for (const dir of ['files', 'modes', 'owners', 'xattrs', 'links/hard/sub', 'sparse', 'empty-dir', 'deep/a/b/c/d', 'renames/inner']) {
    await mkdir(p(dir), { recursive: true });
  }
  // Contents: empty, tiny, block-sized, text (compressible), random spanning several chunks.
  await writeFile(p('files', 'empty'), '');
  await writeFile(p('files', 'one-byte'), 'x');
  await writeFile(p('files', 'page.bin'), seededBytes('page', 4096));
  await writeFile(p('files', 'odd.bin'), seededBytes('odd', 4097));
  await writeFile(p('files', 'text.txt'), Array.from({ length: 4000 }, (_, i) => `line ${i}: the quick brown fox jumps over the lazy dog\n`).join(''));
  await writeFile(p('files', 'random-3m.bin'), seededBytes('random-3m', 3 * MiB + 123));
  await writeFile(p('files', 'zeros-1m.bin'), Buffer.alloc(MiB));
  await writeFile(p('files', 'name with spaces & ünïcödé.txt'), 'unicode name\n');
  await writeFile(p('files', 'newline\nin-name'), 'newline in the name\n');
  await writeFile(p('renames', 'inner', 'moved-later.txt'), 'will be renamed\n');

  // Modes, including the special bits (chmod after chown: chown clears setuid/setgid).
  const modes: Array<[string, number]> = [['private', 0o600], ['exec', 0o755], ['setuid', 0o4755], ['setgid', 0o2711], ['none', 0o000], ['all', 0o777], ['odd', 0o6541]];
  for (const [name, mode] of modes) {
    await writeFile(p('modes', name), `${name}\n`);
    await chmod(p('modes', name), mode);
  }
  await mkdir(p('modes', 'sticky'));
  await chmod(p('modes', 'sticky'), 0o1777);
  await mkdir(p('modes', 'setgid-dir'));
  await chmod(p('modes', 'setgid-dir'), 0o2775);
  await writeFile(p('modes', 'sticky', 'inside'), 'in a sticky dir\n');

  // Owners other than root.
  await writeFile(p('owners', 'u1000'), 'user 1000\n');
  await chown(p('owners', 'u1000'), 1000, 1000);
  await writeFile(p('owners', 'u4242-g31337'), 'odd ids\n');
  await chown(p('owners', 'u4242-g31337'), 4242, 31337);
  await writeFile(p('owners', 'setuid-other'), 'setuid, not root\n');
  await chown(p('owners', 'setuid-other'), 1234, 1234);
  await chmod(p('owners', 'setuid-other'), 0o4750);
  await mkdir(p('owners', 'dir-2000'));
  await chown(p('owners', 'dir-2000'), 2000, 3000);
  await symlink('u1000', p('owners', 'link-owned'));
  await lchown(p('owners', 'link-owned'), 1000, 1001);

  // xattrs: text, binary, empty value, large value, on a directory.
  await writeFile(p('xattrs', 'tagged'), 'tagged\n');
  await setXattr(p('xattrs', 'tagged'), 'user.comment', 'hello world');
  await setXattr(p('xattrs', 'tagged'), 'user.binary', Buffer.from([0, 1, 2, 0xfe, 0xff, 0]));
  await setXattr(p('xattrs', 'tagged'), 'user.empty', '');
  await writeFile(p('xattrs', 'large'), 'large xattr\n');
  await setXattr(p('xattrs', 'large'), 'user.large', seededBytes('xattr', 2000));
  await setXattr(p('xattrs'), 'user.on-dir', 'directory value');
  await writeFile(p('xattrs', 'owned-and-tagged'), 'both\n');
  await chown(p('xattrs', 'owned-and-tagged'), 1000, 1000);
  await setXattr(p('xattrs', 'owned-and-tagged'), 'user.who', 'uid 1000');

  // Symlinks: relative, absolute, dangling, to a directory, to itself, to a long path.
  await symlink('../files/text.txt', p('links', 'relative'));
  await symlink('/etc/hostname', p('links', 'absolute'));
  await symlink('does/not/exist', p('links', 'dangling'));
  await symlink('../modes', p('links', 'to-dir'));
  await symlink('self', p('links', 'self'));
  await symlink(`${'long-segment/'.repeat(60)}end`, p('links', 'long-target'));

  // Hard links: a group of three across directories, a group of two, with an xattr on the inode.
  await writeFile(p('links', 'hard', 'a'), seededBytes('hard-a', 10_000));
  await link(p('links', 'hard', 'a'), p('links', 'hard', 'sub', 'b'));
  await link(p('links', 'hard', 'a'), p('links', 'hard', 'c'));
  await writeFile(p('links', 'hard', 'x'), 'pair\n');
  await link(p('links', 'hard', 'x'), p('links', 'hard', 'y'));
  await setXattr(p('links', 'hard', 'x'), 'user.linked', 'shared by x and y');

  // Sparse files: holes in the middle, only a hole, data then a long tail hole.
  await sparseFile(p('sparse', 'holey'), 64 * MiB, [[16 * MiB, seededBytes('holey-1', 4096)], [64 * MiB - 4096, seededBytes('holey-2', 4096)]]);
  await sparseFile(p('sparse', 'all-hole'), 32 * MiB, []);
  await sparseFile(p('sparse', 'tail-hole'), 10 * MiB, [[0, seededBytes('tail', 8192)]]);

  await execFile('mkfifo', ['-m', '0640', '--', p('files', 'fifo')]);
  await chmod(p('deep', 'a', 'b'), 0o700);
}

/** The ten changes of the incremental chain, one kind each; `step` is 1…10. */
export const CHANGES: ReadonlyArray<{ name: string; apply: (root: string) => Promise<void> }> = [
  {
    name: 'contents: overwrite in place, append, new random file',
    apply: async (root) => {
      await writeAt(join(root, 'files', 'random-3m.bin'), MiB + 17, seededBytes('overwrite', 100_000));
      await writeFile(join(root, 'files', 'text.txt'), 'appended line\n', { flag: 'a' });
      await writeFile(join(root, 'files', 'new-2m.bin'), randomBytes(2 * MiB));
    },
  },
  {
    name: 'modes and owners',
    apply: async (root) => {
      await chmod(join(root, 'modes', 'private'), 0o640);
      await chmod(join(root, 'modes', 'setuid'), 0o755);
      await chmod(join(root, 'modes', 'sticky'), 0o755);
      await chmod(join(root, 'modes', 'exec'), 0o4711);
      await chown(join(root, 'owners', 'u1000'), 1001, 1002);
      await chown(join(root, 'files', 'one-byte'), 65534, 65534);
      await chmod(join(root, 'deep', 'a', 'b'), 0o755);
    },
  },
  {
    name: 'xattrs: add, change, remove',
    apply: async (root) => {
      await setXattr(join(root, 'xattrs', 'tagged'), 'user.comment', 'changed value');
      await removeXattr(join(root, 'xattrs', 'tagged'), 'user.binary');
      await setXattr(join(root, 'files', 'page.bin'), 'user.added', 'later');
      await removeXattr(join(root, 'xattrs'), 'user.on-dir');
      await setXattr(join(root, 'modes', 'sticky'), 'user.dir', 'now tagged');
    },
  },
  {
    name: 'renames of files and directories',
    apply: async (root) => {
      await rename(join(root, 'files', 'odd.bin'), join(root, 'files', 'renamed.bin'));
      await rename(join(root, 'renames', 'inner'), join(root, 'renames', 'outer'));
      await rename(join(root, 'renames', 'outer', 'moved-later.txt'), join(root, 'moved-up.txt'));
      // Swap two names (send must order the renames through a temporary name).
      await rename(join(root, 'files', 'page.bin'), join(root, 'files', 'swap.tmp'));
      await rename(join(root, 'files', 'zeros-1m.bin'), join(root, 'files', 'page.bin'));
      await rename(join(root, 'files', 'swap.tmp'), join(root, 'files', 'zeros-1m.bin'));
    },
  },
  {
    name: 'deletions and creations',
    apply: async (root) => {
      await rm(join(root, 'deep', 'a', 'b', 'c'), { recursive: true });
      await unlink(join(root, 'files', 'new-2m.bin'));
      await mkdir(join(root, 'created', 'empty-too'), { recursive: true });
      await writeFile(join(root, 'created', 'file'), seededBytes('created', 70_000));
      await writeFile(join(root, 'created', 'empty'), '');
    },
  },
  {
    name: 'hard links: grow a group, shrink a group, new group, break a pair',
    apply: async (root) => {
      await link(join(root, 'links', 'hard', 'a'), join(root, 'created', 'fourth-link'));
      await unlink(join(root, 'links', 'hard', 'c'));
      await writeFile(join(root, 'links', 'hard', 'new-1'), 'new group\n');
      await link(join(root, 'links', 'hard', 'new-1'), join(root, 'links', 'hard', 'new-2'));
      await unlink(join(root, 'links', 'hard', 'y'));
      await writeFile(join(root, 'links', 'hard', 'y'), 'no longer a link\n');
    },
  },
  {
    name: 'symlinks: retarget, file to symlink, symlink to file, dangling to valid',
    apply: async (root) => {
      await unlink(join(root, 'links', 'relative'));
      await symlink('../files/renamed.bin', join(root, 'links', 'relative'));
      await unlink(join(root, 'files', 'one-byte'));
      await symlink('text.txt', join(root, 'files', 'one-byte'));
      await unlink(join(root, 'links', 'self'));
      await writeFile(join(root, 'links', 'self'), 'was a symlink\n');
      await writeFile(join(root, 'links', 'does-not-exist-yet'), 'now the target exists\n');
      await unlink(join(root, 'links', 'dangling'));
      await symlink('does-not-exist-yet', join(root, 'links', 'dangling'));
    },
  },
  {
    name: 'sparse: fill a hole, punch a hole, extend with a hole',
    apply: async (root) => {
      await writeAt(join(root, 'sparse', 'holey'), 40 * MiB, seededBytes('fill', 8192));
      await punchHole(join(root, 'files', 'random-3m.bin'), MiB, MiB);
      await truncate(join(root, 'sparse', 'tail-hole'), 50 * MiB);
      await sparseFile(join(root, 'sparse', 'new-sparse'), 20 * MiB, [[5 * MiB, seededBytes('new-sparse', 4096)]]);
    },
  },
  {
    name: 'truncations: shrink, empty a file, fill an empty one',
    apply: async (root) => {
      await truncate(join(root, 'files', 'text.txt'), 1000);
      await truncate(join(root, 'files', 'renamed.bin'), 0);
      await writeFile(join(root, 'files', 'empty'), 'not empty any more\n');
      await truncate(join(root, 'sparse', 'holey'), 20 * MiB);
    },
  },
  {
    name: 'a directory replaced by a file, a file by a directory, many small files',
    apply: async (root) => {
      await rm(join(root, 'renames'), { recursive: true });
      await writeFile(join(root, 'renames'), 'was a directory\n');
      await unlink(join(root, 'moved-up.txt'));
      await mkdir(join(root, 'moved-up.txt'));
      await mkdir(join(root, 'many'));
      for (let i = 0; i < 300; i++) await writeFile(join(root, 'many', `f${i}`), `small file ${i}\n`);
    },
  },
];

export interface EntryProps {
  type: 'file' | 'dir' | 'symlink' | 'other';
  ino: bigint;
  nlink: number;
  size: number;
  /** 512-byte blocks allocated. */
  blocks: number;
  mtimeNs: bigint;
  /** name → hex value, every namespace getfattr shows. */
  xattrs: Record<string, string>;
}

/** Relative path (`.` for the root) → properties, for every entry below root. */
export async function extendedProperties(root: string): Promise<Map<string, EntryProps>> {
  const out = new Map<string, EntryProps>();
  const visit = async (rel: string): Promise<void> => {
    const path = rel === '.' ? root : join(root, rel);
    const s = await lstat(path, { bigint: true });
    const type = s.isFile() ? 'file' : s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'symlink' : 'other';
    out.set(rel, { type, ino: s.ino, nlink: Number(s.nlink), size: Number(s.size), blocks: Number(s.blocks), mtimeNs: s.mtimeNs, xattrs: await readXattrs(path) });
    if (type === 'dir') for (const name of (await readdir(path)).sort()) await visit(rel === '.' ? name : join(rel, name));
  };
  await visit('.');
  return out;
}

/** Every xattr of `path` itself (not a symlink's target), values hex. */
export async function readXattrs(path: string): Promise<Record<string, string>> {
  const { stdout } = await execFile('getfattr', ['-h', '-d', '-m', '-', '-e', 'hex', '--absolute-names', '--', path], { encoding: 'utf8' });
  const xattrs: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    if (line === '' || line.startsWith('# file:')) continue;
    const eq = line.indexOf('=');
    // An empty value is printed as `name=` by some versions and as a bare `name` by others.
    if (eq < 0) xattrs[line] = '';
    else xattrs[line.slice(0, eq)] = line.slice(eq + 1).replace(/^0x/, '');
  }
  return xattrs;
}

export interface ExtendedOptions {
  /** Compare allocation (a restored file may not allocate more than its source + slack). Default true. */
  allocation?: boolean;
  /** Extra allocation a restored file may have over its source (inline extents, rounding). Default 128 KiB. */
  slackBytes?: number;
  /** Compare mtimes (nanoseconds) too. Default true. */
  mtimes?: boolean;
}

/**
 * What differs between two trees, read independently of src/drill/verify/: xattrs, link counts, the hard-link structure
 * (which paths share an inode), allocation (a sparse source must stay sparse) and mtimes.
 * Both maps come from extendedProperties. Empty when equal.
 */
export function compareExtended(a: Map<string, EntryProps>, b: Map<string, EntryProps>, options: ExtendedOptions = {}): string[] {
  const slack = options.slackBytes ?? 128 * 1024;
  const differences: string[] = [];
  for (const [rel, pa] of a) {
    const pb = b.get(rel);
    if (pb === undefined) { differences.push(`${rel}: missing`); continue; }
    if (pa.type !== pb.type) { differences.push(`${rel}: ${pa.type} vs ${pb.type}`); continue; }
    if (JSON.stringify(sorted(pa.xattrs)) !== JSON.stringify(sorted(pb.xattrs))) differences.push(`${rel}: xattrs ${JSON.stringify(sorted(pa.xattrs))} vs ${JSON.stringify(sorted(pb.xattrs))}`);
    if (pa.type === 'file' && pa.nlink !== pb.nlink) differences.push(`${rel}: ${pa.nlink} links vs ${pb.nlink}`);
    if ((options.allocation ?? true) && pa.type === 'file' && pb.blocks * BLOCK > pa.blocks * BLOCK + slack) differences.push(`${rel}: ${pb.blocks * BLOCK} bytes allocated vs ${pa.blocks * BLOCK} in the source (size ${pa.size})`);
    if ((options.mtimes ?? true) && rel !== '.' && pa.mtimeNs !== pb.mtimeNs) differences.push(`${rel}: mtime ${pa.mtimeNs} vs ${pb.mtimeNs}`);
  }
  for (const rel of b.keys()) if (!a.has(rel)) differences.push(`${rel}: unexpected`);
  const ga = linkGroups(a);
  const gb = linkGroups(b);
  for (const group of ga) if (!gb.includes(group)) differences.push(`hard-link group [${group}] not found as such (restored groups: ${gb.join(' | ') || 'none'})`);
  for (const group of gb) if (!ga.includes(group)) differences.push(`unexpected hard-link group [${group}]`);
  return differences;
}

function sorted(record: Record<string, string>): Array<[string, string]> {
  return Object.entries(record).sort(([x], [y]) => x.localeCompare(y));
}

/** Paths sharing an inode, as sorted lists joined by ", " (only groups of two or more). */
export function linkGroups(props: Map<string, EntryProps>): string[] {
  const byIno = new Map<bigint, string[]>();
  for (const [rel, p] of props) if (p.type === 'file') byIno.set(p.ino, [...(byIno.get(p.ino) ?? []), rel]);
  return [...byIno.values()].filter((g) => g.length > 1).map((g) => g.sort().join(', ')).sort();
}

/** Every regular file below root with its SHA-256, for content-only expectations. */
export async function fileDigests(root: string, rel = ''): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(join(root, rel), { withFileTypes: true })) {
    const path = rel === '' ? entry.name : join(rel, entry.name);
    if (entry.isDirectory()) for (const [k, v] of await fileDigests(root, path)) out.set(k, v);
    else if (entry.isFile()) out.set(path, createHash('sha256').update(await readFile(join(root, path))).digest('hex'));
  }
  return out;
}

/** Every file and directory below root (dot files included): path → "dir" or "<size>:<sha256>". */
export async function treeDigest(root: string, rel = ''): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(join(root, rel), { withFileTypes: true })) {
    const path = rel === '' ? entry.name : join(rel, entry.name);
    if (entry.isDirectory()) {
      out.set(path, 'dir');
      for (const [k, v] of await treeDigest(root, path)) out.set(k, v);
    } else {
      const bytes = await readFile(join(root, path));
      out.set(path, `${bytes.length}:${createHash('sha256').update(bytes).digest('hex')}`);
    }
  }
  return out;
}

/** Bytes of all files below root whose relative path passes `filter` (all by default). */
export async function treeBytes(root: string, filter: (rel: string) => boolean = () => true, rel = ''): Promise<number> {
  let total = 0;
  for (const entry of await readdir(join(root, rel), { withFileTypes: true }).catch(() => [])) {
    const path = rel === '' ? entry.name : join(rel, entry.name);
    if (entry.isDirectory()) total += await treeBytes(root, filter, path);
    else if (filter(path)) total += (await lstat(join(root, path))).size;
  }
  return total;
}

/** A fresh age X25519 identity in `dir`/identity.txt (mode 0600) and its recipient. */
export async function writeAgeIdentity(dir: string): Promise<{ identityFile: string; recipient: string }> {
  const identity = await generateX25519Identity();
  const identityFile = join(dir, 'identity.txt');
  await writeFile(identityFile, `# test identity\n${identity}\n`, { mode: 0o600 });
  return { identityFile, recipient: await identityToRecipient(identity) };
}
