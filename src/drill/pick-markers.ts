// Picks encryption markers (markers.ts) from a restored tree: a deterministic sample for a seed, read
// without following symlinks. Bounded: a reservoir of candidate files and names (a few times the
// count), one directory listing per level of the walk, at most `maxEntries` entries visited, and one
// small region read from each chosen file.
import { constants } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { ExitCode, PantherError } from '../core/errors.ts';
import { seededRandom } from '../core/prng.ts';
import { CONTENT_MARKER_BYTES, chooseContentWindow, nameMarker } from './markers.ts';

export interface PickMarkersOptions {
  /** How many markers at most. Default 16. */
  count?: number;
  /** The same seed and tree give the same markers. */
  seed: string;
  /** Stop walking after this many entries. Default 200,000. */
  maxEntries?: number;
  signal?: AbortSignal;
}

export interface PickedMarkers {
  markers: Uint8Array[];
  /** How many came from file contents and how many from names. */
  fromContent: number;
  fromNames: number;
  entriesVisited: number;
}

const REGION_BYTES = 4096;
const SLASH = Buffer.from('/');

/** Reservoir sampling: keeps a uniform sample of `size` from a stream of unknown length. */
class Reservoir<T> {
  readonly items: T[] = [];
  #seen = 0;
  readonly #size: number;
  readonly #random: () => number;

  constructor(size: number, random: () => number) {
    this.#size = size;
    this.#random = random;
  }

  offer(item: T): void {
    this.#seen++;
    if (this.items.length < this.#size) this.items.push(item);
    else {
      const j = Math.floor(this.#random() * this.#seen);
      if (j < this.#size) this.items[j] = item;
    }
  }
}

/** Reads per wanted marker at most: regions that give no distinctive window (zeros, text runs) are skipped. */
const CONTENT_PASSES = 4;

export async function pickMarkers(root: string, options: PickMarkersOptions): Promise<PickedMarkers> {
  const count = options.count ?? 16;
  const maxEntries = options.maxEntries ?? 200_000;
  const random = seededRandom(`markers:${options.seed}`);
  const files = new Reservoir<{ path: Buffer; size: number }>(count * 4, random);
  const names = new Reservoir<Uint8Array>(count * 4, random);
  const rootPath = Buffer.from(root);
  const top = await lstat(rootPath).catch(() => null);
  if (top === null || !top.isDirectory()) {
    throw new PantherError('drill-not-a-directory', `cannot pick markers from ${root}: not a directory`, { subject: root, exitCode: ExitCode.failed });
  }
  let entries = 0;
  const visit = async (dir: Buffer): Promise<void> => {
    for (const name of (await readdir(dir, { encoding: 'buffer' })).sort(Buffer.compare)) {
      if (entries >= maxEntries) return;
      stopIfAborted(options.signal, root);
      entries++;
      const path = Buffer.concat([dir, SLASH, name]);
      const stats = await lstat(path);
      const marker = nameMarker(name);
      if (marker !== null) names.offer(marker);
      if (stats.isFile() && stats.size >= CONTENT_MARKER_BYTES.min) files.offer({ path, size: stats.size });
      else if (stats.isDirectory()) await visit(path);
    }
  };
  await visit(rootPath);

  // A tree of a few large files still gives `count` markers: each pass reads another region of each file.
  const content: Uint8Array[] = [];
  for (let reads = 0; reads < count * CONTENT_PASSES && content.length < count && files.items.length > 0;) {
    for (const file of files.items) {
      if (content.length >= count || reads++ >= count * CONTENT_PASSES) break;
      stopIfAborted(options.signal, root);
      const window = await readRegion(file.path, file.size, random).then((region) => (region === null ? null : chooseContentWindow(region, random)));
      if (window !== null && !content.some((c) => Buffer.compare(c, window) === 0)) content.push(window);
    }
  }
  // Half from names, the rest from contents; either fills in when the other is short.
  const wantNames = Math.min(names.items.length, Math.max(Math.floor(count / 2), count - content.length));
  const tagged = [...names.items.slice(0, wantNames).map((bytes) => ({ bytes, name: true })), ...content.map((bytes) => ({ bytes, name: false }))];
  const picked = dedupe(tagged).slice(0, count);
  const fromNames = picked.filter((m) => m.name).length;
  return { markers: picked.map((m) => m.bytes), fromContent: picked.length - fromNames, fromNames, entriesVisited: entries };
}

/** Up to REGION_BYTES of the file at a chosen offset; null when it changed into something else. */
async function readRegion(path: Buffer, size: number, random: () => number): Promise<Uint8Array | null> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => null);
  if (handle === null) return null;
  try {
    const length = Math.min(REGION_BYTES, size);
    const at = Math.floor(random() * (size - length + 1));
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, at);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function dedupe<T extends { bytes: Uint8Array }>(markers: T[]): T[] {
  const seen = new Set<string>();
  return markers.filter((m) => {
    const key = Buffer.from(m.bytes).toString('latin1');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function stopIfAborted(signal: AbortSignal | undefined, root: string): void {
  if (signal?.aborted === true) throw new PantherError('interrupted', `picking markers from ${root} was interrupted`, { subject: root, exitCode: ExitCode.interrupted, cause: signal.reason });
}
