// A restored tree against its source, entry by entry: type, permission bits, owner, mtime (ns),
// size and content, symlink target, device numbers, xattrs (every namespace) and the hard-link
// structure. What is not compared, and why: the root's mtime (see entry()), atime (reading a tree, this comparison included, may
// change it, and receive's own reads do), ctime and birth time (no system call sets them: a restored
// inode is new, so they are the time of the restore), inode numbers (only which paths share one),
// directory sizes (btrfs counts name bytes of its index, an internal detail) and inode flags such as
// No_COW (send protocol 1 does not carry them).
//
// Bounded memory whatever the tree: one directory listing per level of the current path, two read
// buffers, and only the paths of multi-linked files and of files with xattrs (until matched) are
// held. Never follows a symlink: entries are lstat'ed, files are opened O_NOFOLLOW and checked to be
// the inode lstat saw, and the walk enters only what lstat says is a directory. Paths are bytes
// throughout (Buffers), so names with newlines or bytes that are not UTF-8 are compared as they are.
import { constants, type BigIntStats } from 'node:fs';
import { lstat, open, readdir, readlink, type FileHandle } from 'node:fs/promises';
import { PantherError } from '../../core/errors.ts';
import { compareLinkGroups } from './link-groups.ts';
import { keyBytes, pathKey, showPath } from './names.ts';
import { compactXattrs, describeXattrDifference } from './xattr-diff.ts';
import { interrupted, readTreeXattrs } from './xattrs.ts';

export interface TreeVerification {
  /** How many differences were found (each entry counts once per property that differs). */
  differences: number;
  /** The first `sampleLimit` differences: `<JSON-escaped path>: <what>`. */
  sample: string[];
  /** Entries of the source tree compared (the root included). */
  entries: number;
  /** Bytes of file content compared (source side). */
  bytes: number;
}

export interface VerifyTreeOptions {
  signal?: AbortSignal;
  /** Called now and then (at most every 250 ms) and once at the end. */
  onProgress?: (entries: number, bytes: number) => void;
  /** Default 20. */
  sampleLimit?: number;
}

const CHUNK = 1024 * 1024;
const PROGRESS_MS = 250;
const SLASH = Buffer.from('/');
const S_IFMT = BigInt(constants.S_IFMT);
const PERMS = 0o7777n;

interface Side {
  root: Buffer;
  /** ino → path keys, for files with nlink > 1. */
  links: Map<bigint, string[]>;
}

class Walk {
  readonly a: Side;
  readonly b: Side;
  differences = 0;
  readonly sample: string[] = [];
  entries = 0;
  bytes = 0;
  #lastProgress = Date.now();
  readonly #bufA = Buffer.allocUnsafe(CHUNK);
  readonly #bufB = Buffer.allocUnsafe(CHUNK);
  /** Source inode → copy inode for multi-linked files already compared (their other paths are the same inode). */
  readonly #comparedInodes = new Map<bigint, bigint>();

  readonly options: VerifyTreeOptions;
  readonly limit: number;

  constructor(source: string, restored: string, options: VerifyTreeOptions, limit: number) {
    this.options = options;
    this.limit = limit;
    this.a = { root: Buffer.from(source), links: new Map() };
    this.b = { root: Buffer.from(restored), links: new Map() };
  }

  differ(rel: Uint8Array, what: string): void {
    this.differences++;
    if (this.sample.length < this.limit) this.sample.push(`${showPath(rel)}: ${what}`);
  }

  tick(force = false): void {
    this.options.signal?.throwIfAborted();
    const now = Date.now();
    if (force || now - this.#lastProgress >= PROGRESS_MS) {
      this.#lastProgress = now;
      this.options.onProgress?.(this.entries, this.bytes);
    }
  }

  /** Compares one entry present on both sides (already lstat'ed), and below it for a directory. */
  async entry(rel: Buffer, sa: BigIntStats, sb: BigIntStats): Promise<void> {
    this.entries++;
    this.tick();
    const ta = sa.mode & S_IFMT;
    if (ta !== (sb.mode & S_IFMT)) {
      this.differ(rel, `type ${kind(sa)} vs ${kind(sb)}`);
      return;
    }
    if (sa.isFile() && sa.nlink > 1n) {
      this.#link(this.a, sa.ino, rel);
      if (sb.nlink > 1n) this.#link(this.b, sb.ino, rel);
      // Another path of an inode pair already compared: every property below is the inode's.
      if (this.#comparedInodes.get(sa.ino) === sb.ino) return;
      this.#comparedInodes.set(sa.ino, sb.ino);
    } else if (sb.isFile() && sb.nlink > 1n) {
      this.#link(this.b, sb.ino, rel);
    }
    if ((sa.mode & PERMS) !== (sb.mode & PERMS)) this.differ(rel, `mode ${octal(sa.mode & PERMS)} vs ${octal(sb.mode & PERMS)}`);
    if (sa.uid !== sb.uid || sa.gid !== sb.gid) this.differ(rel, `owner ${sa.uid}:${sa.gid} vs ${sb.uid}:${sb.gid}`);
    // The root's mtime is left out: an incremental receive works in the subvolume root (temporary
    // names for renames) and sends no utimes for a root the source did not change, so a restored
    // chain's root carries the time of the restore (seen from the second point of a chain on).
    if (sa.mtimeNs !== sb.mtimeNs && rel.length > 0) this.differ(rel, `mtime ${sa.mtimeNs} vs ${sb.mtimeNs} (ns)`);
    if (sa.isFile()) await this.#file(rel, sa, sb);
    else if (sa.isSymbolicLink()) {
      const [la, lb] = await Promise.all([readlink(this.#path(this.a, rel), { encoding: 'buffer' }), readlink(this.#path(this.b, rel), { encoding: 'buffer' })]);
      if (!la.equals(lb)) this.differ(rel, `symlink target ${showPath(la)} vs ${showPath(lb)}`);
    } else if (sa.isCharacterDevice() || sa.isBlockDevice()) {
      if (sa.rdev !== sb.rdev) this.differ(rel, `device number ${sa.rdev} vs ${sb.rdev}`);
    } else if (sa.isDirectory()) {
      await this.#directory(rel);
    }
  }

  async #directory(rel: Buffer): Promise<void> {
    const [na, nb] = await Promise.all([listing(this.#path(this.a, rel)), listing(this.#path(this.b, rel))]);
    let j = 0;
    for (const name of na) {
      while (j < nb.length && Buffer.compare(nb[j]!, name) < 0) this.differ(child(rel, nb[j++]!), 'unexpected (not in the source)');
      const path = child(rel, name);
      const sa = await lstat(this.#path(this.a, path), { bigint: true });
      if (j < nb.length && nb[j]!.equals(name)) {
        j++;
        await this.entry(path, sa, await lstat(this.#path(this.b, path), { bigint: true }));
      } else {
        this.entries++;
        this.differ(path, 'missing');
      }
    }
    while (j < nb.length) this.differ(child(rel, nb[j++]!), 'unexpected (not in the source)');
  }

  async #file(rel: Buffer, sa: BigIntStats, sb: BigIntStats): Promise<void> {
    if (sa.size !== sb.size) {
      this.differ(rel, `size ${sa.size} vs ${sb.size}`);
      return;
    }
    const [fa, fb] = await Promise.all([openNoFollow(this.#path(this.a, rel)), openNoFollow(this.#path(this.b, rel))]);
    try {
      const [ca, cb] = await Promise.all([fa.stat({ bigint: true }), fb.stat({ bigint: true })]);
      if (ca.ino !== sa.ino || cb.ino !== sb.ino) {
        this.differ(rel, 'changed while being verified (a different file was opened)');
        return;
      }
      let at = 0;
      for (;;) {
        this.tick();
        const [ra, rb] = await Promise.all([readFull(fa, this.#bufA, at), readFull(fb, this.#bufB, at)]);
        this.bytes += ra;
        if (ra !== rb || !this.#bufA.subarray(0, ra).equals(this.#bufB.subarray(0, rb))) {
          this.differ(rel, `content differs (from byte ${at + firstDifference(this.#bufA.subarray(0, ra), this.#bufB.subarray(0, rb))})`);
          return;
        }
        if (ra < CHUNK) return;
        at += ra;
      }
    } finally {
      await Promise.all([fa.close(), fb.close()]);
    }
  }

  #link(side: Side, ino: bigint, rel: Buffer): void {
    const paths = side.links.get(ino);
    if (paths === undefined) side.links.set(ino, [pathKey(rel)]);
    else paths.push(pathKey(rel));
  }

  #path(side: Side, rel: Uint8Array): Buffer {
    return rel.length === 0 ? side.root : Buffer.concat([side.root, SLASH, rel]);
  }

  linkStructure(): void {
    for (const finding of compareLinkGroups(this.a.links.values(), this.b.links.values())) {
      const shown = finding.paths.map((key) => showPath(keyBytes(key))).join(', ');
      const first = keyBytes(finding.paths[0]!);
      if (finding.kind === 'not-linked') this.differ(first, `hard links [${shown}] are not one inode in the copy`);
      else this.differ(first, `hard links [${shown}] share an inode in the copy but not in the source`);
    }
  }

  /**
   * Pairs the two getfattr streams by path as they come: both walk similar trees in similar orders,
   * so few records wait for their partner. A record left without one is compared with "no xattrs" if
   * its path exists on the other side as the same type (a missing path is reported by the walk).
   */
  async xattrs(): Promise<void> {
    const pending = [new Map<string, Map<string, string>>(), new Map<string, Map<string, string>>()] as const;
    // When one getfattr fails the other is stopped too, not left running.
    const stop = new AbortController();
    const signal = this.options.signal === undefined ? stop.signal : AbortSignal.any([this.options.signal, stop.signal]);
    const consume = async (side: 0 | 1, root: string): Promise<void> => {
      const mine = pending[side];
      const theirs = pending[side === 0 ? 1 : 0];
      try {
        for await (const record of readTreeXattrs(root, signal)) {
          const key = pathKey(record.path);
          const values = compactXattrs(record.xattrs);
          const other = theirs.get(key);
          if (other === undefined) { mine.set(key, values); continue; }
          theirs.delete(key);
          const [a, b] = side === 0 ? [values, other] : [other, values];
          const what = describeXattrDifference(a, b);
          if (what !== null) this.differ(record.path, what);
        }
      } catch (error) {
        stop.abort();
        throw error;
      }
    };
    await Promise.all([consume(0, this.a.root.toString()), consume(1, this.b.root.toString())]);
    const none = new Map<string, string>();
    for (const [side, map] of [[0, pending[0]], [1, pending[1]]] as const) {
      for (const [key, values] of map) {
        const rel = keyBytes(key);
        const [sa, sb] = await Promise.all([lstatInside(this.a.root, rel), lstatInside(this.b.root, rel)]);
        if (sa === null || sb === null || (sa.mode & S_IFMT) !== (sb.mode & S_IFMT)) continue;
        const what = side === 0 ? describeXattrDifference(values, none) : describeXattrDifference(none, values);
        if (what !== null) this.differ(rel, what);
      }
    }
  }
}

/** Compares `restored` with `source` (both directories on a mounted file system, read-only snapshots ideally). */
export async function verifyTree(source: string, restored: string, options: VerifyTreeOptions = {}): Promise<TreeVerification> {
  const walk = new Walk(source, restored, options, options.sampleLimit ?? 20);
  const [sa, sb] = await Promise.all([rootStat(source), rootStat(restored)]);
  try {
    await walk.entry(Buffer.alloc(0), sa, sb);
    walk.linkStructure();
    await walk.xattrs();
  } catch (error) {
    if (options.signal?.aborted === true) throw interrupted(source, options.signal);
    if (error instanceof PantherError) throw error;
    const e = error as NodeJS.ErrnoException;
    throw new PantherError('drill-verify-failed', `verifying ${restored} against ${source} failed: ${e.code ?? ''} ${e.message}`.replace(/ {2,}/g, ' '), {
      subject: restored,
      hint: 'both trees must stay unchanged while they are compared (read-only snapshots); run as root',
      cause: error,
    });
  }
  walk.tick(true);
  return { differences: walk.differences, sample: walk.sample, entries: walk.entries, bytes: walk.bytes };
}

async function rootStat(path: string): Promise<BigIntStats> {
  const stats = await lstat(path, { bigint: true }).catch((error: NodeJS.ErrnoException) => {
    throw new PantherError('drill-verify-not-a-directory', `cannot verify ${path}: ${error.code ?? error.message}`, { subject: path, hint: 'give the path of a mounted directory (a snapshot or a restored subvolume)', cause: error });
  });
  if (!stats.isDirectory()) throw new PantherError('drill-verify-not-a-directory', `cannot verify ${path}: not a directory (a symlink is not followed)`, { subject: path, hint: 'give the path of the directory itself' });
  return stats;
}

async function listing(path: Buffer): Promise<Buffer[]> {
  return (await readdir(path, { encoding: 'buffer' })).sort(Buffer.compare);
}

function child(rel: Buffer, name: Buffer): Buffer {
  return rel.length === 0 ? name : Buffer.concat([rel, SLASH, name]);
}

function openNoFollow(path: Buffer): Promise<FileHandle> {
  return open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
}

/** Reads until `buffer` is full or the file ends: a short read is not the end of a file. */
async function readFull(file: FileHandle, buffer: Buffer, position: number): Promise<number> {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

function firstDifference(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

/** lstat of root/rel, or null when it is missing or a component on the way is not a directory (never followed). */
async function lstatInside(root: Buffer, rel: Buffer): Promise<BigIntStats | null> {
  if (rel.length === 0) return lstat(root, { bigint: true });
  let at = 0;
  for (;;) {
    const slash = rel.indexOf(0x2f, at);
    const prefix = Buffer.concat([root, SLASH, slash < 0 ? rel : rel.subarray(0, slash)]);
    const stats = await lstat(prefix, { bigint: true }).catch(() => null);
    if (stats === null || slash < 0) return stats;
    if (!stats.isDirectory()) return null;
    at = slash + 1;
  }
}

function kind(s: BigIntStats): string {
  return s.isFile() ? 'file' : s.isDirectory() ? 'directory' : s.isSymbolicLink() ? 'symlink' : s.isFIFO() ? 'fifo' : s.isSocket() ? 'socket' : s.isCharacterDevice() ? 'char device' : s.isBlockDevice() ? 'block device' : 'other';
}

function octal(mode: bigint): string {
  return mode.toString(8).padStart(4, '0');
}
