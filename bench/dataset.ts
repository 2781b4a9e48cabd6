// The benchmark's data, built deterministically on the loop btrfs: a subvolume `@data` (small text
// files, partly duplicated binaries, incompressible data, a database of 8 KiB pages) snapshotted as
// s1, "one day of changes", snapshotted as s2; and `@tiny` (many files of a few bytes) snapshotted
// as t1, 100 files changed, t2. Sizes scale with --size-gb; 1 gives about 1 GiB.
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSubvolume, snapshotSubvolume } from '../src/btrfs/index.ts';
import { binary, dbPage, PAGE, text } from './content.ts';
import { randomBytesOf, Rng } from './prng.ts';

const MiB = 1024 * 1024;
const TEXT_PER_DIR = 200;

export interface DataShape {
  textFiles: number;
  binaryBytes: number;
  randomBytes: number;
  dbPages: number;
}

export function shapeFor(sizeGb: number): DataShape {
  const mib = (n: number): number => Math.max(1, Math.round(n * sizeGb)) * MiB;
  return { textFiles: Math.round(20_000 * sizeGb), binaryBytes: mib(112), randomBytes: mib(256), dbPages: mib(320) / PAGE };
}

const textPath = (root: string, i: number): string => join(root, 'text', `d${String(Math.floor(i / TEXT_PER_DIR)).padStart(4, '0')}`, `f${String(i).padStart(6, '0')}.txt`);

/** Writes `parts` one after another into a new file. */
async function writeParts(path: string, parts: Iterable<Buffer>): Promise<void> {
  const handle = await open(path, 'wx');
  try { for (const part of parts) await handle.write(part); } finally { await handle.close(); }
}

/** Segments of random length covering `total` bytes. */
function segments(rng: Rng, total: number, minMiB: number, maxMiB: number): number[] {
  const out: number[] = [];
  let left = total;
  while (left > 0) {
    const n = Math.min(left, rng.int(minMiB * MiB, maxMiB * MiB) + rng.int(0, 4095));
    out.push(n);
    left -= n;
  }
  return out;
}

/**
 * A binary of `size` bytes: pool segments worth `sharedShare` × the base binary size (in its own
 * order) between segments of its own, none aligned to 4 KiB. Shared runs of 4–12 MiB are what a
 * chunker of ~1–2 MiB average can find again.
 */
function* partlyShared(name: string, size: number, sharedShare: number, pool: readonly number[]): Generator<Buffer> {
  const rng = new Rng(`bin:${name}`);
  const order = rng.sample(pool.length, Math.max(1, Math.round(pool.length * sharedShare / 0.6)));
  for (let i = order.length - 1; i > 0; i--) { const j = rng.int(0, i); [order[i], order[j]] = [order[j]!, order[i]!]; }
  const own = segments(rng, Math.max(1, size - order.reduce((s, k) => s + pool[k]!, 0)), 2, 6);
  const count = Math.max(order.length, own.length);
  for (let i = 0; i < count; i++) {
    if (i < own.length) yield binary(own[i]!, `${name}:own:${i}`);
    if (i < order.length) yield binary(pool[order[i]!]!, `pool:${order[i]}`);
  }
}

export async function buildData(root: string, shape: DataShape): Promise<void> {
  await createSubvolume(root);
  const rng = new Rng('text');
  for (let i = 0; i < shape.textFiles; i++) {
    if (i % TEXT_PER_DIR === 0) await mkdir(join(root, 'text', `d${String(i / TEXT_PER_DIR).padStart(4, '0')}`), { recursive: true });
    await writeFile(textPath(root, i), text(rng, rng.int(1024, 8192)));
  }
  await mkdir(join(root, 'bin'));
  const pool = segments(new Rng('pool'), Math.round(shape.binaryBytes * 0.6), 4, 12);
  for (let b = 0; b < 3; b++) await writeParts(join(root, 'bin', `bin${b}.bin`), partlyShared(`bin${b}`, shape.binaryBytes, 0.6, pool));
  await mkdir(join(root, 'random'));
  const pieces = Math.ceil(shape.randomBytes / (16 * MiB));
  await writeParts(join(root, 'random', 'blob.bin'), (function* () {
    for (let i = 0; i < pieces; i++) yield randomBytesOf(Math.min(16 * MiB, shape.randomBytes - i * 16 * MiB), `random:${i}`);
  })());
  await mkdir(join(root, 'db'));
  const db = new Rng('db');
  await writeParts(join(root, 'db', 'main.db'), (function* () {
    for (let p = 0; p < shape.dbPages; p += 1024) {
      yield Buffer.concat(Array.from({ length: Math.min(1024, shape.dbPages - p) }, (_, k) => dbPage(db, p + k, 1)));
    }
  })());
}

export interface DayOfChanges {
  editedFiles: number;
  deletedFiles: number;
  addedFiles: number;
  rewrittenPages: number;
  addedBinaryBytes: number;
}

/** Reads a file, or null when an earlier day deleted it. */
async function readIfThere(path: string): Promise<Buffer | null> {
  try { return await readFile(path); } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Edit 1 % of the text files, delete 0.5 %, add 0.5 %, rewrite 2 % of the pages, add one binary of a
 * quarter of a base binary's size. `day` picks the seed and the names of what is added (day 1 is the
 * s1 → s2 day); `scale` shrinks every share (the month scenario's days are smaller). A file an
 * earlier day deleted is not edited and not deleted again.
 */
export async function applyDayOfChanges(root: string, shape: DataShape, day = 1, scale = 1): Promise<DayOfChanges> {
  const rng = new Rng(`day-${day}`);
  const n = shape.textFiles;
  const touched = rng.sample(n, Math.round(n * 0.015 * scale));
  const edited = touched.filter((_, k) => k % 3 !== 2);
  const deleted = touched.filter((_, k) => k % 3 === 2);
  let editedFiles = 0;
  for (const i of edited) {
    const old = await readIfThere(textPath(root, i));
    if (old === null) continue;
    const from = rng.int(0, Math.floor(old.length * 0.8));
    const length = rng.int(64, Math.max(64, Math.floor(old.length * 0.2)));
    await writeFile(textPath(root, i), Buffer.concat([old.subarray(0, from), text(rng, length), old.subarray(Math.min(old.length, from + length))]));
    editedFiles += 1;
  }
  for (const i of deleted) await rm(textPath(root, i), { force: true });
  const added = Math.round(n * 0.005 * scale);
  const newDir = join(root, 'text', day === 1 ? 'new' : `new-${String(day).padStart(2, '0')}`);
  await mkdir(newDir);
  for (let i = 0; i < added; i++) await writeFile(join(newDir, `n${String(i).padStart(5, '0')}.txt`), text(rng, rng.int(1024, 8192)));

  const pages = rng.sample(shape.dbPages, Math.round(shape.dbPages * 0.02 * scale));
  const handle = await open(join(root, 'db', 'main.db'), 'r+');
  try { for (const p of pages) await handle.write(dbPage(rng, p, day + 1), 0, PAGE, p * PAGE); } finally { await handle.close(); }

  const pool = segments(new Rng('pool'), Math.round(shape.binaryBytes * 0.6), 4, 12);
  const newBinary = Math.max(MiB, Math.round(shape.binaryBytes / 4 * scale));
  const binName = day === 1 ? 'bin3' : `day${String(day).padStart(2, '0')}`;
  await writeParts(join(root, 'bin', `${binName}.bin`), partlyShared(binName, newBinary, 0.1, pool));
  return { editedFiles, deletedFiles: deleted.length, addedFiles: added, rewrittenPages: pages.length, addedBinaryBytes: newBinary };
}

const TINY_PER_DIR = 1000;
const tinyPath = (root: string, i: number): string => join(root, `d${String(Math.floor(i / TINY_PER_DIR)).padStart(3, '0')}`, `f${String(i).padStart(6, '0')}`);

/**
 * `count` files of a few bytes each, 1,000 per directory. Synchronous writes in one tight loop: for a
 * million files the promise machinery of fs/promises costs more than the writes themselves.
 */
export async function buildTiny(root: string, count: number): Promise<void> {
  await createSubvolume(root);
  for (let d = 0; d * TINY_PER_DIR < count; d++) mkdirSync(join(root, `d${String(d).padStart(3, '0')}`));
  for (let i = 0; i < count; i++) writeFileSync(tinyPath(root, i), `${i} v1\n`);
}

/** Rewrites `changes` of the tiny files. */
export async function changeTiny(root: string, count: number, changes: number): Promise<void> {
  for (const i of new Rng('tiny-changes').sample(count, changes)) await writeFile(tinyPath(root, i), `${i} v2 changed\n`);
}

export async function snapshot(source: string, target: string): Promise<void> {
  await snapshotSubvolume(source, target, { readonly: true });
}
